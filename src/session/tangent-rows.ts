// The vectorised Hessian's inner loop, shared by the main thread and worker threads:
// for a range of parameter indices, seed one-hot tangents and push them through the gradient graph.
import type { Tensor } from "../graph/tensor.js";
import type { FlatEntry } from "../autodiff/hessian.js";
import { runTangents, TangentContext } from "./executor.js";
import type { Plan } from "./plan.js";

/** What the tangent pass needs: the compiled gradient plan, its forward values, and where each x and its gradient sit. */
export interface TangentJob {
  /** Identifies the job across threads, so a worker can keep its copy (and warm buffers) between calls. */
  id: number;
  plan: Plan;
  layout: FlatEntry[];
  /** Step index of each x (a variable) in the plan, or −1 when the gradient graph does not read it. */
  xSteps: number[];
  /** Step index of each x's gradient node. */
  gradSteps: number[];
}

const contexts = new WeakMap<Plan, TangentContext>();

/** Default number of directions pushed through the graph at once. */
export const DEFAULT_BATCH = 64;

/**
 * Fills rows [from, to) of the n×n Hessian (row-major, `out` holds just those rows): row j is the
 * derivative of the flat gradient along parameter j. Chunks never cross a variable's block, so the
 * tangents of all other variables are structurally zero and their paths are pruned. With `symmetric`,
 * a row in variable k's block gets only the columns of variables k, k+1, ...: the others are the
 * transposes of earlier blocks' entries, for `mirrorLowerBlocks` to copy once all rows are done.
 */
export function tangentRows(job: TangentJob, values: readonly Tensor[], from: number, to: number, out: Float64Array, batch = DEFAULT_BATCH, symmetric = true, freshPoint = true): void {
  const { plan, layout, xSteps, gradSteps } = job;
  const n = layout.reduce((s, e) => s + e.size, 0);
  out.fill(0);
  // Buffers are pooled across calls on the same plan; cached partial derivatives are not (the point may differ).
  let ctx = contexts.get(plan);
  if (!ctx) contexts.set(plan, (ctx = new TangentContext(plan)));
  if (freshPoint) ctx.resetMemos();
  for (let k = 0; k < layout.length; k++) {
    const { offset, size } = layout[k];
    const lo = Math.max(from, offset), hi = Math.min(to, offset + size);
    if (xSteps[k] < 0) continue;
    for (let c0 = lo; c0 < hi; c0 += batch) {
      const B = Math.min(batch, hi - c0);
      const seed = ctx.alloc(B * size);
      for (let b = 0; b < B; b++) seed[b * size + (c0 - offset + b)] = 1;
      const first = symmetric ? k : 0;
      const tangents = runTangents(ctx, values, new Map([[xSteps[k], seed]]), B, gradSteps.slice(first));
      tangents.forEach((t, jj) => {
        if (!t) return;
        const j = jj + first;
        const { offset: oj, size: sj } = layout[j];
        for (let b = 0; b < B; b++) {
          const row = (c0 - from + b) * n + oj;
          out.set(t.subarray(b * sj, (b + 1) * sj), row);
        }
      });
      for (const t of new Set(tangents)) if (t) ctx.release(t);
    }
  }
}

/** Copies the transposes of the upper blocks into the lower ones (entries left out by symmetric tangentRows). */
export function mirrorLowerBlocks(h: Float64Array, layout: FlatEntry[]): void {
  const n = layout.reduce((s, e) => s + e.size, 0);
  for (const { offset, size } of layout) {
    for (let r = offset; r < offset + size; r++) for (let c = 0; c < offset; c++) h[r * n + c] = h[c * n + r];
  }
}

/** Rows [0, n) cut into chunks of at most `batch` rows that never cross a variable's block. */
export function rowChunks(layout: FlatEntry[], batch: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (const { offset, size } of layout) for (let c = offset; c < offset + size; c += batch) chunks.push([c, Math.min(c + batch, offset + size)]);
  return chunks;
}

/**
 * Work sharing between threads: each thread takes the next chunk from a shared counter
 * (Atomics on shared memory) until none is left, writing rows into the shared n×n matrix.
 */
export function tangentRowsShared(job: TangentJob, values: readonly Tensor[], matrix: Float64Array, chunks: readonly [number, number][], counter: Int32Array, batch: number): number {
  const n = job.layout.reduce((s, e) => s + e.size, 0);
  let done = 0;
  for (let first = true; ; first = false) {
    const c = Atomics.add(counter, 0, 1);
    if (c >= chunks.length) return done;
    const [from, to] = chunks[c];
    tangentRows(job, values, from, to, matrix.subarray(from * n, to * n), batch, true, first);
    done += to - from;
  }
}
