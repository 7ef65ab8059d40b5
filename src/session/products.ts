// The inner loop of curvature products, shared by the main thread and worker threads: one block of B
// vectors pushed through the compiled gradient graph as dense tangents (forward-over-reverse).
import type { FlatEntry } from "../autodiff/hessian.js";
import type { Tensor } from "../graph/tensor.js";
import { runTangents, type TangentContext } from "./executor.js";
import type { Plan } from "./plan.js";

/** A curvature product's plan and where its pieces sit in it: plain data, so it can be sent to a worker thread. */
export interface ProductJob {
  /** Identifies the job across threads (ids from the pool, shared with the Hessian's jobs). */
  id: number;
  kind: "hessian" | "gauss-newton";
  plan: Plan;
  layout: FlatEntry[];
  /** Step of each x. */
  xSteps: number[];
  /** Step of each x's gradient ∂ sum(y)/∂x. */
  gradSteps: number[];
  /** Seed one x per pass and add the passes (an x computed from another, or repeated), instead of all xs at once. */
  perX: boolean;
  /** Gauss–Newton: the output z, ∂L/∂z, the placeholder w and ∂<z, w>/∂x per x. */
  gn?: { outStep: number; gzStep: number; wStep: number; jtSteps: number[] };
}

/** Adds M·v_b for the B vectors `vectors[(c0 + b)·n …]` into `out` (B×n, zeroed), M the job's matrix at the point `values`. */
export function blockProduct(job: ProductJob, ctx: TangentContext, values: readonly Tensor[], vectors: Float64Array, c0: number, B: number, out: Float64Array): void {
  const { layout, xSteps, perX } = job;
  const n = layout.reduce((s, e) => s + e.size, 0);
  const seedBlock = (k: number): Float64Array => {
    const { offset, size } = layout[k];
    const seed = ctx.alloc(B * size, false);
    for (let b = 0; b < B; b++) seed.set(vectors.subarray((c0 + b) * n + offset, (c0 + b) * n + offset + size), b * size);
    return seed;
  };
  const groups = perX ? layout.map((_, k) => [k]) : [layout.map((_, k) => k)];
  const seeds = (group: number[]) => new Map(group.map((k) => [xSteps[k], seedBlock(k)]));
  if (job.kind === "hessian") {
    // H·v = d/dε ∇f(x + ε v): the tangent of the gradient nodes, all xs seeded with their slices of v. When an
    // x is computed from another x (or appears twice), seeding them together would let one x's seed overwrite
    // the tangent flowing into it from the other; H's columns are one x's tangent each, so the product is then
    // the sum of one pass per x (linearity): the Hessian that session.hessian returns, times v.
    for (const group of groups) {
      const tangents = runTangents(ctx, { values, seeds: seeds(group), batch: B, outputs: job.gradSteps });
      addBlocks(tangents, layout, B, out);
      for (const t of new Set(tangents)) if (t) ctx.release(t);
    }
    return;
  }
  const { outStep, gzStep, wStep, jtSteps } = job.gn!;
  // u = J·v: forward tangents of the output z, the xs seeded with v (for a repeated x, J v = Σ_k J_k v_k).
  let u: Float64Array | null = null;
  for (const group of groups) {
    const [t] = runTangents(ctx, { values, seeds: seeds(group), batch: B, outputs: [outStep] });
    if (t && u) { for (let i = 0; i < u.length; i++) u[i] += t[i]; ctx.release(t); } else if (t) u = t;
  }
  if (!u) return; // the output does not depend on xs: J = 0
  // h = H_out·u = d/dε ∂L/∂z (z + ε u): the tangent of ∂L/∂z with z itself seeded (z treated as the variable).
  const [h] = runTangents(ctx, { values, seeds: new Map([[outStep, u]]), batch: B, outputs: [gzStep] });
  if (!h) return; // L is linear in z: H_out = 0
  // Jᵀ·h: jt = ∂<z, w>/∂x = Jᵀ·w is linear in w, so its tangent along w, seeded with h, is Jᵀ·h.
  const tangents = runTangents(ctx, { values, seeds: new Map([[wStep, h]]), batch: B, outputs: jtSteps });
  addBlocks(tangents, layout, B, out);
  for (const t of new Set(tangents)) if (t) ctx.release(t);
}

/**
 * Work sharing between threads: takes the next block of vectors from a shared counter (Atomics on shared
 * memory) until none is left, writing M·v into the shared output; returns the vectors it did.
 */
export function sharedProducts(job: ProductJob, ctx: TangentContext, values: readonly Tensor[], vectors: Float64Array, out: Float64Array, count: number, batch: number, counter: Int32Array): number {
  const n = job.layout.reduce((s, e) => s + e.size, 0);
  let done = 0;
  for (;;) {
    const c = Atomics.add(counter, 0, 1);
    const c0 = c * batch;
    if (c0 >= count) return done;
    const B = Math.min(batch, count - c0);
    blockProduct(job, ctx, values, vectors, c0, B, out.subarray(c0 * n, (c0 + B) * n));
    done += B;
  }
}

/** Adds the tangents of the per-x outputs (B×size_k each, null = zero) into their places in B rows of length n. */
function addBlocks(tangents: readonly (Float64Array | null)[], layout: FlatEntry[], B: number, out: Float64Array): void {
  const n = layout.reduce((s, e) => s + e.size, 0);
  tangents.forEach((t, k) => {
    if (!t) return;
    const { offset, size } = layout[k];
    for (let b = 0; b < B; b++) {
      const row = b * n + offset, src = b * size;
      for (let i = 0; i < size; i++) out[row + i] += t[src + i];
    }
  });
}
