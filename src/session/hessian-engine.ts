// A session's Hessians, in two modes with identical results:
//  - "rows": the tutorial's algorithm, faithfully: the row-by-row graph of hessian(), run in the session;
//  - "batched": forward-over-reverse: batches of one-hot tangents pushed through the gradient graph
//    (matrix-matrix work), spread over the session's worker threads when it has them and that pays.
import { gradients } from "../autodiff/gradients.js";
import { flatLayout, hessian, type FlatEntry } from "../autodiff/hessian.js";
import type { Node } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import type { Workspace } from "../kernels/workspace.js";
import { graphBudget } from "../memory.js";
import { checkHessianMemory, checkHessianOptions, asymmetricHessian, type HessianOptions, type HessianResult } from "./hessian-options.js";
import { batchSize, chooseThreads } from "./hessian-sizing.js";
import type { Plan } from "./plan.js";
import type { Feed, Session } from "./session.js";
import { mirrorLowerBlocks, rowChunks, TangentRows, type TangentJob } from "./tangent-rows.js";
import type { WorkerPool } from "./worker-pool.js";

/** The gradient nodes of y over xs, and the row-by-row Hessian graph once built, per (y, xs). */
interface DerivativeGraphs { grads: Node[]; rows?: Node }

/** A batched Hessian's inputs once the forward pass is done. */
interface BatchedWork { rows: TangentRows; values: Tensor[]; layout: FlatEntry[]; n: number; batch: number; gradient: Float64Array }

/** Computes a session's Hessians; owns their derivative graphs, tangent state and the use of the worker pool, released by dispose(). */
export class HessianEngine {
  private derivatives = new WeakMap<Node, Map<string, DerivativeGraphs>>();
  private tangentRows = new WeakMap<Plan, TangentRows>();
  /** Ids of the jobs workers may hold (dropped on dispose). */
  private readonly sentJobs: number[] = [];
  private lastLocalJobId = 0;

  constructor(private readonly session: Session, private readonly workspace: Workspace, private readonly pool: WorkerPool | undefined) {
    pool?.retain();
  }

  /** The exact Hessian of sum(y) (y need not be a scalar, as in tf.hessians) over all of xs, as numbers. */
  async compute(y: Node, xs: Node[], feed: Feed, options: HessianOptions = {}): Promise<HessianResult> {
    checkHessianOptions(options);
    const mode = options.mode ?? "batched";
    const budget = graphBudget(this.session.graph);
    checkHessianMemory(y, xs, mode, budget);
    const graphs = this.derivativeGraphs(y, xs);
    if (mode === "rows") return this.rowByRow(y, xs, graphs, feed);
    const work = this.forward(xs, graphs.grads, feed, options.batch);
    // An x computed from another x (e.g. [w, h] with h = f(w)), or pow's masked log at x ≤ 0 with both inputs
    // depending on the xs: tf.gradients' mixed derivatives may then not be symmetric, so nothing is mirrored.
    if (asymmetricHessian(y, xs)) return { ...this.result(work, transposedColumns(work)), workers: 0 };
    const choice = chooseThreads({ plan: work.rows.job.plan, n: work.n, batch: work.batch, budget, requested: options.workers ?? "auto", pool: this.pool });
    if (choice.threads > 1) return { ...this.result(work, await this.onThreads(work, choice.threads, options.onProgress)), workers: choice.threads };
    const matrix = new Float64Array(work.n * work.n);
    if (options.onProgress) {
      // The same chunks the rows loop makes (each variable's block cut by the batch size), one at a time, reported.
      work.rows.sharedRows(work.values, matrix, rowChunks(work.layout, work.batch), new Int32Array(1), work.batch, options.onProgress);
    } else {
      work.rows.rows(work.values, { from: 0, to: work.n, out: matrix, batch: work.batch, symmetric: true, freshPoint: true });
    }
    mirrorLowerBlocks(matrix, work.layout);
    if (choice.warmUpWorker) this.pool!.take(1);
    return { ...this.result(work, matrix), workers: 0 };
  }

  /** Forgets the derivative graphs and tangent state, tells the workers to drop this session's jobs, and releases the pool. */
  dispose(): void {
    this.derivatives = new WeakMap();
    this.tangentRows = new WeakMap();
    if (this.pool) {
      this.pool.drop(this.sentJobs.splice(0));
      this.pool.release();
    }
  }

  /** The tutorial's algorithm: the row-by-row graph of hessian(), run in the session. */
  private rowByRow(y: Node, xs: Node[], graphs: DerivativeGraphs, feed: Feed): HessianResult {
    const layout = flatLayout(xs);
    const n = layout.reduce((s, e) => s + e.size, 0);
    const h = (graphs.rows ??= hessian(y, xs));
    const { plan, tensors } = this.session.evaluate([h, ...graphs.grads], feed);
    const gradient = flatValues(plan.fetchSteps.slice(1).map((k) => tensors[k].data), n);
    return { layout, n, matrix: Float64Array.from(tensors[plan.fetchSteps[0]].data), gradient, mode: "rows", workers: 0 };
  }

  /** Runs the gradient plan keeping every forward value, and picks the batch size. */
  private forward(xs: Node[], grads: Node[], feed: Feed, requestedBatch: number | undefined): BatchedWork {
    const layout = flatLayout(xs);
    const n = layout.reduce((s, e) => s + e.size, 0);
    const { plan, tensors } = this.session.evaluate([...grads, ...xs], feed, true);
    let rows = this.tangentRows.get(plan);
    if (!rows) {
      const xSteps = xs.map((_, k) => plan.fetchSteps[grads.length + k]);
      const job: TangentJob = { id: this.pool?.newJobId() ?? ++this.lastLocalJobId, plan, layout, xSteps, gradSteps: plan.fetchSteps.slice(0, grads.length) };
      this.tangentRows.set(plan, (rows = new TangentRows(job, this.workspace)));
    }
    const gradient = flatValues(rows.job.gradSteps.map((k) => tensors[k].data), n);
    return { rows, values: tensors, layout, n, batch: batchSize(plan, requestedBatch), gradient };
  }

  /** The matrix in shared memory, each thread writing its rows in place; the calling thread works too (it already has the forward values). */
  private async onThreads({ rows, values, layout, n, batch }: BatchedWork, threads: number, onProgress?: (rows: number, n: number) => void): Promise<Float64Array> {
    const matrix = new Float64Array(new SharedArrayBuffer(n * n * 8));
    const job = rows.job;
    const sources: [number, Float64Array][] = [];
    job.plan.steps.forEach((s, i) => { if (s.inputs.length === 0) sources.push([i, values[i].data]); });
    // All threads take chunks from one shared counter.
    const chunks = rowChunks(layout, batch);
    const counter = new SharedArrayBuffer(4);
    if (!this.sentJobs.includes(job.id)) this.sentJobs.push(job.id);
    const pending = this.pool!.take(threads - 1).map((w) => w.run({ type: "rows", job: w.knows(job) ? { id: job.id } : job, sources, chunks, counter, batch, matrix: matrix.buffer as SharedArrayBuffer }));
    rows.sharedRows(values, matrix, chunks, new Int32Array(counter), batch, onProgress);
    await Promise.all(pending);
    mirrorLowerBlocks(matrix, layout);
    return matrix;
  }

  private result({ layout, n, gradient }: BatchedWork, matrix: Float64Array): Omit<HessianResult, "workers"> {
    return { layout, n, matrix, gradient, mode: "batched" };
  }

  private derivativeGraphs(y: Node, xs: Node[]): DerivativeGraphs {
    const key = xs.map((x) => x.id).join(",");
    let byXs = this.derivatives.get(y);
    if (!byXs) this.derivatives.set(y, (byXs = new Map()));
    let d = byXs.get(key);
    if (!d) byXs.set(key, (d = { grads: gradients(y, xs, { unconnected: "zero" }) }));
    return d;
  }
}

/**
 * The dependent-xs fallback: tangents give the columns d(grad)/dx_j (whole rows of the tangent
 * pass, no symmetry); the tutorial's rows are their transpose.
 */
function transposedColumns({ rows, values, n, batch }: BatchedWork): Float64Array {
  const columns = new Float64Array(n * n);
  rows.rows(values, { from: 0, to: n, out: columns, batch, symmetric: false, freshPoint: true });
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = columns[j * n + i];
  return matrix;
}

function flatValues(parts: Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
