// The vectorised Hessian's inner loop, shared by the main thread and worker threads:
// for a range of parameter indices, seed one-hot tangents and push them through the gradient graph.
import type { Tensor } from "../graph/tensor.js";
import type { FlatEntry } from "../autodiff/hessian.js";
import type { Workspace } from "../kernels/workspace.js";
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

/** Default number of directions pushed through the graph at once. */
export const DEFAULT_BATCH = 64;

/** Which rows tangentRows computes, and how. */
export interface RowRange {
  /** First row (a flat parameter index). */
  from: number;
  /** One past the last row. */
  to: number;
  /** Receives rows [from, to) of the n×n matrix, row-major. */
  out: Float64Array;
  /** Directions per tangent batch. */
  batch: number;
  /** Compute only the columns not known by symmetry (see tangentRows); false gives whole rows. */
  symmetric: boolean;
  /** The forward values are at a new point: forget the primal-derived caches. */
  freshPoint: boolean;
}

/** One thread's state for one job: pooled tangent buffers and caches, kept between calls (and Hessians) on that job. */
export class TangentRows {
  private readonly context: TangentContext;
  private diagonalProducers: number[] | undefined;

  constructor(readonly job: TangentJob, workspace: Workspace) {
    this.context = new TangentContext(job.plan, workspace);
  }

  /**
   * Fills rows [from, to) of the n×n Hessian: row j is the derivative of the flat gradient along
   * parameter j. Chunks never cross a variable's block, so the tangents of all other variables are
   * structurally zero and their paths are pruned. When `symmetric`, a row in variable k's block gets
   * only the columns of variables k, k+1, ...: the others are the transposes of earlier blocks'
   * entries, for `mirrorLowerBlocks` to copy once all rows are done.
   */
  rows(values: readonly Tensor[], { from, to, out, batch, symmetric, freshPoint }: RowRange): void {
    const { layout, xSteps, gradSteps } = this.job;
    const ctx = this.context;
    const n = layout.reduce((s, e) => s + e.size, 0);
    out.fill(0);
    // Buffers are pooled across calls on the same plan; cached partial derivatives are not (the point may differ).
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
        const producer = symmetric ? this.diagonalProducer(k) : -1;
        const neededFrom = producer >= 0 && c0 > offset ? new Map([[producer, c0 - offset]]) : undefined;
        const tangents = runTangents(ctx, { values, seeds: new Map([[xSteps[k], seed]]), batch: B, outputs: gradSteps.slice(first), neededFrom });
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
   * Work sharing between threads: takes the next chunk from a shared counter (Atomics on shared
   * memory) until none is left, writing rows into the shared n×n matrix; returns the rows it did.
   */
  sharedRows(values: readonly Tensor[], matrix: Float64Array, chunks: readonly [number, number][], counter: Int32Array, batch: number, onProgress?: (rows: number, n: number) => void): number {
    const n = this.job.layout.reduce((s, e) => s + e.size, 0);
    let done = 0;
    for (let first = true; ; first = false) {
      const c = Atomics.add(counter, 0, 1);
      if (c >= chunks.length) return done;
      const [from, to] = chunks[c];
      onProgress?.(from, n);
      this.rows(values, { from, to, out: matrix.subarray(from * n, to * n), batch, symmetric: true, freshPoint: first });
      done += to - from;
    }
  }

  /**
   * The step whose output is x_k's gradient (through reshapes), if nothing else reads it: then it may
   * skip the diagonal block's leading columns. −1 when that is not safe.
   */
  private diagonalProducer(k: number): number {
    this.diagonalProducers ??= findDiagonalProducers(this.job);
    return this.diagonalProducers[k];
  }
}

function findDiagonalProducers({ plan, gradSteps, xSteps }: TangentJob): number[] {
  const readers = new Map<number, number[]>();
  plan.steps.forEach((s, i) => s.inputs.forEach((j) => readers.set(j, [...(readers.get(j) ?? []), i])));
  return gradSteps.map((g, kk) => {
    const chain = [g];
    let p = g;
    while (plan.steps[p].alias >= 0 && plan.steps[p].op !== "stop_gradient") chain.push((p = plan.steps[p].alias));
    const onlyChain = chain.every((c, i) => (readers.get(c) ?? []).every((r) => i > 0 && r === chain[i - 1]));
    const shared = gradSteps.some((o, j) => j !== kk && chain.includes(o)) || xSteps.some((x) => chain.includes(x));
    return onlyChain && !shared && plan.steps[p].inputs.length > 0 ? p : -1;
  });
}

/**
 * Copies upper-triangle entries into the lower triangle: the entries symmetric rows leave out
 * (earlier variables' columns, and the diagonal block's columns before each chunk's first row).
 */
export function mirrorLowerBlocks(h: Float64Array, layout: FlatEntry[]): void {
  const n = layout.reduce((s, e) => s + e.size, 0);
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) h[r * n + c] = h[c * n + r];
}

/** Rows [0, n) cut into chunks of at most `batch` rows that never cross a variable's block. */
export function rowChunks(layout: FlatEntry[], batch: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (const { offset, size } of layout) for (let c = offset; c < offset + size; c += batch) chunks.push([c, Math.min(c + batch, offset + size)]);
  return chunks;
}
