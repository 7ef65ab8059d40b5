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
      // By symmetry the diagonal block needs only the columns from this chunk's first row on.
      const producer = symmetric ? diagonalProducer(job, k) : -1;
      const partial = producer >= 0 && c0 > offset ? new Map([[producer, c0 - offset]]) : undefined;
      const tangents = runTangents(ctx, values, new Map([[xSteps[k], seed]]), B, gradSteps.slice(first), partial);
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

/**
 * Copies upper-triangle entries into the lower triangle: the entries symmetric tangentRows leaves out
 * (earlier variables' columns, and the diagonal block's columns before each chunk's first row).
 */
export function mirrorLowerBlocks(h: Float64Array, layout: FlatEntry[]): void {
  const n = layout.reduce((s, e) => s + e.size, 0);
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) h[r * n + c] = h[c * n + r];
}

const producers = new WeakMap<TangentJob, number[]>();

/**
 * The step whose output is x_k's gradient (through reshapes), if nothing else reads it: then it may
 * skip the diagonal block's leading columns. −1 when that is not safe.
 */
function diagonalProducer(job: TangentJob, k: number): number {
  let list = producers.get(job);
  if (!list) {
    const { plan, gradSteps, xSteps } = job;
    const readers = new Map<number, number[]>();
    plan.steps.forEach((s, i) => s.inputs.forEach((j) => readers.set(j, [...(readers.get(j) ?? []), i])));
    list = gradSteps.map((g, kk) => {
      const chain = [g];
      let p = g;
      while (plan.steps[p].alias >= 0 && plan.steps[p].op !== "stop_gradient") chain.push((p = plan.steps[p].alias));
      const onlyChain = chain.every((c, i) => (readers.get(c) ?? []).every((r) => i > 0 && r === chain[i - 1]));
      const shared = gradSteps.some((o, j) => j !== kk && chain.includes(o)) || xSteps.some((x) => chain.includes(x));
      return onlyChain && !shared && plan.steps[p].inputs.length > 0 ? p : -1;
    });
    producers.set(job, list);
  }
  return list[k];
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
