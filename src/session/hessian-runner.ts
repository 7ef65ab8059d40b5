// Numeric Hessians of a graph in two modes with identical results:
//  - "rows": the tutorial's algorithm, faithfully: the row-by-row graph of hessian(), run in a session;
//  - "batched": forward-over-reverse: batches of one-hot tangents pushed through the gradient graph
//    (matrix-matrix work), spread over worker threads when that pays.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { gradients } from "../autodiff/gradients.js";
import { GraphError } from "../errors.js";
import { flatLayout, hessian, type FlatEntry } from "../autodiff/hessian.js";
import type { Node } from "../graph/graph.js";
import { checkMemory, memoryBudget, type MemoryBudget } from "../memory.js";
import type { Plan } from "./plan.js";
import type { Feed, Session } from "./session.js";
import type { WorkerRequest } from "./hessian-worker.js";
import { DEFAULT_BATCH, mirrorLowerBlocks, rowChunks, tangentRows, tangentRowsShared, type TangentJob } from "./tangent-rows.js";

/** Elements (of 8 bytes) one batched tangent buffer may hold when the batch size is chosen automatically. */
const TANGENT_BUFFER_ELEMENTS = 1 << 19;

/** Work (n × plan elements) above which a running worker thread pays: handing it rows costs well under a ms. */
const RUNNING_WORKER_WORK = 2e6;

/**
 * Work above which starting a worker pays even for the process's first Hessian. A new thread takes
 * tens of ms to start and load its modules, then runs its first chunks in V8's slow tiers while the
 * main thread, already under way, does the same rows faster: in a fresh process b-1k (4e7) is faster
 * on one thread. b-5k (5e8) takes seconds, beside which that start-up is small, and runs about twice
 * as fast on two threads when the machine's second core is free.
 */
const NEW_WORKER_WORK = 1.5e8;

/** How to compute a Hessian. */
export type HessianMode = "rows" | "batched";

/** Options of computeHessian. */
export interface HessianOptions {
  /** "batched" (default, fast) or "rows" (the tutorial's algorithm). */
  mode?: HessianMode;
  /** Worker threads for batched mode: a number, or "auto" (default) to use them when n is large enough. */
  workers?: number | "auto";
  /** Directions per tangent batch (default: 64, fewer for big layers so each tangent buffer stays under 4 MB). */
  batch?: number;
}

/** A computed Hessian: the flatten layout of xs and the n×n matrix, row-major. */
export interface HessianResult {
  layout: FlatEntry[];
  n: number;
  matrix: Float64Array;
  /** The flat gradient of y over xs at the same point. */
  gradient: Float64Array;
  mode: HessianMode;
  workers: number;
}

/** The gradient nodes of y over xs, and the row-by-row Hessian graph once built, per (y, xs). */
interface DerivativeGraphs { grads: Node[]; rows?: Node }
const derivatives = new WeakMap<Node, Map<string, DerivativeGraphs>>();
const jobs = new WeakMap<Plan, TangentJob>();
let nextJobId = 1;

function derivativeGraphs(y: Node, xs: Node[]): DerivativeGraphs {
  const key = xs.map((x) => x.id).join(",");
  let byXs = derivatives.get(y);
  if (!byXs) derivatives.set(y, (byXs = new Map()));
  let d = byXs.get(key);
  if (!d) byXs.set(key, (d = { grads: gradients(y, xs, { unconnected: "zero" }) }));
  return d;
}

/** Bytes per worker thread beyond its buffers (a V8 isolate and the modules it loads). */
const THREAD_OVERHEAD_BYTES = 16e6;

/**
 * Refuses, before anything is computed, a Hessian whose matrices cannot fit in memory: the n×n result,
 * and a second n×n copy where the mode makes one (rows: the plan's output buffer; dependent xs: the columns).
 */
export function checkHessianMemory(xs: Node[], mode: HessianMode = "batched", budget: MemoryBudget = memoryBudget()): void {
  const n = flatLayout(xs).reduce((s, e) => s + e.size, 0);
  const copies = mode === "rows" || dependentXs(xs) ? 2 : 1;
  checkMemory(copies * n * n * 8, `the ${n}×${n} Hessian${copies > 1 ? " (two copies in this mode)" : ""}`, budget);
}

/** The exact Hessian of sum(y) (y need not be a scalar, as in tf.hessians) over all of xs, as numbers. */
export async function computeHessian(session: Session, y: Node, xs: Node[], feed: Feed, options: HessianOptions = {}): Promise<HessianResult> {
  checkHessianOptions(options);
  const layout = flatLayout(xs);
  const n = layout.reduce((s, e) => s + e.size, 0);
  const mode = options.mode ?? "batched";
  const budget = memoryBudget();
  checkHessianMemory(xs, mode, budget);
  const graphs = derivativeGraphs(y, xs);
  const grads = graphs.grads;
  if (mode === "rows") {
    const h = (graphs.rows ??= hessian(y, xs));
    const { plan, tensors } = session.evaluate([h, ...grads], feed);
    const gradient = flatValues(plan.fetchSteps.slice(1).map((k) => tensors[k].data), n);
    return { layout, n, matrix: Float64Array.from(tensors[plan.fetchSteps[0]].data), gradient, mode, workers: 0 };
  }

  const { plan, tensors } = session.evaluate([...grads, ...xs], feed, true);
  let job = jobs.get(plan);
  if (!job) {
    const xSteps = xs.map((_, k) => plan.fetchSteps[grads.length + k]);
    jobs.set(plan, (job = { id: nextJobId++, plan, layout, xSteps, gradSteps: plan.fetchSteps.slice(0, grads.length) }));
  }
  const gradSteps = job.gradSteps;
  // Batch size: up to 64 directions, fewer when one tangent buffer would pass 4 MB (memory, and cache).
  const largest = Math.max(1, ...plan.slotSizes);
  const batch = options.batch ?? Math.max(1, Math.min(DEFAULT_BATCH, Math.floor(TANGENT_BUFFER_ELEMENTS / largest)));
  const gradient = flatValues(gradSteps.map((k) => tensors[k].data), n);
  if (dependentXs(xs)) {
    // An x computed from another x (e.g. [w, h] with h = f(w)): tf.gradients' mixed derivatives are then
    // not symmetric. Tangents give the columns d(grad)/dx_j; the tutorial's rows are their transpose.
    const columns = new Float64Array(n * n);
    tangentRows(job, tensors, 0, n, columns, batch, false);
    const matrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = columns[j * n + i];
    return { layout, n, matrix, gradient, mode, workers: 0 };
  }
  // Each extra thread holds its own forward buffers and tangent batches: as many threads as fit beside the matrix.
  const planElements = plan.slotSizes.reduce((s, v) => s + v, 0);
  const perThread = 8 * (planElements + 4 * batch * largest) + THREAD_OVERHEAD_BYTES;
  const fitting = Math.floor((budget.bytes - n * n * 8) / perThread);
  const work = n * planElements;
  const workers = Math.max(1, Math.min(workerCount(options.workers ?? "auto", work), fitting));
  // With workers, the matrix lives in shared memory and each thread writes its rows in place.
  const matrix = workers > 1 ? new Float64Array(new SharedArrayBuffer(n * n * 8)) : new Float64Array(n * n);
  if (workers <= 1) {
    tangentRows(job, tensors, 0, n, matrix, batch);
    mirrorLowerBlocks(matrix, layout);
    // Too small to wait for a new thread, big enough to use a running one: start it now, in the
    // background, for this process's next Hessian (it does not keep the process alive).
    if (WORKER_FILE && (options.workers ?? "auto") === "auto" && work > RUNNING_WORKER_WORK && fitting > 1 && availableParallelism() > 1) workerPool(1);
    return { layout, n, matrix, gradient, mode, workers: 0 };
  }
  const sources: [number, Float64Array][] = [];
  plan.steps.forEach((s, i) => { if (s.inputs.length === 0) sources.push([i, tensors[i].data]); });
  // The main thread works too (it already has the forward values); all threads take chunks from one shared counter.
  const chunks = rowChunks(layout, batch);
  const counter = new SharedArrayBuffer(4);
  const pending = workerPool(workers - 1).map((w) => w.run({ job: w.knows(job!) ? { id: job!.id } : job!, sources, chunks, counter, batch, matrix: matrix.buffer as SharedArrayBuffer }));
  tangentRowsShared(job, tensors, matrix, chunks, new Int32Array(counter), batch);
  await Promise.all(pending);
  mirrorLowerBlocks(matrix, layout);
  return { layout, n, matrix, gradient, mode, workers };
}

/** Throws a one-line GraphError naming the option unless mode is "rows" | "batched", workers a positive integer or "auto", batch a positive integer. */
export function checkHessianOptions(options: HessianOptions): void {
  if (typeof options !== "object" || options === null) throw new GraphError(`computeHessian: options must be an object, got ${JSON.stringify(options)}`, "options");
  const { mode, workers, batch } = options;
  if (mode !== undefined && mode !== "rows" && mode !== "batched") throw new GraphError(`computeHessian: options.mode must be "rows" or "batched", got ${show(mode)}`, "mode");
  if (workers !== undefined && workers !== "auto" && !(Number.isInteger(workers) && workers >= 1)) throw new GraphError(`computeHessian: options.workers must be a positive integer or "auto", got ${show(workers)}`, "workers");
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) throw new GraphError(`computeHessian: options.batch must be a positive integer, got ${show(batch)}`, "batch");
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

const here = fileURLToPath(new URL("./hessian-worker.js", import.meta.url));
/** The compiled worker script, when running from dist/ (under a TS test runner there is none, and work stays on one thread). */
const WORKER_FILE: string | null = existsSync(here) ? here : null;

/** A long-lived worker thread that runs one request at a time; it does not keep the process alive while idle. */
class HessianWorker {
  private readonly worker: Worker;
  private readonly waiting: { request: WorkerRequest; resolve: () => void; reject: (e: Error) => void }[] = [];
  private current: { resolve: () => void; reject: (e: Error) => void } | null = null;
  constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.on("message", (m: { ok: boolean; error?: string }) => {
      const done = this.current!;
      this.current = null;
      if (m.ok) done.resolve();
      else done.reject(new Error(`Hessian worker failed: ${m.error}`));
      this.next();
    });
    const fail = (e: Error) => {
      // A dead worker leaves the pool; the next Hessian starts a new one.
      const at = pool.indexOf(this);
      if (at >= 0) pool.splice(at, 1);
      this.current?.reject(e);
      this.current = null;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`Hessian worker exited with code ${code}`)));
    // Last: adding a "message" listener refs the worker's port again.
    this.worker.unref();
  }
  private readonly sent = new Set<number>();
  /** True if this worker already holds the job (then only its id is sent); marks it as held. */
  knows(job: TangentJob): boolean {
    if (this.sent.has(job.id)) return true;
    this.sent.add(job.id);
    return false;
  }
  /** Computes the requested rows in the worker; the request is posted at once when the worker is idle. */
  run(request: WorkerRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.current) this.next();
    });
  }
  private next(): void {
    const job = this.waiting.shift();
    if (!job) { this.worker.unref(); return; }
    this.current = job;
    this.worker.ref();
    this.worker.postMessage(job.request);
  }
}

const pool: HessianWorker[] = [];

/** The first `count` workers of the process-wide pool, started on first use. */
function workerPool(count: number): HessianWorker[] {
  while (pool.length < count) pool.push(new HessianWorker(WORKER_FILE!));
  return pool.slice(0, count);
}

function workerCount(requested: number | "auto", work: number): number {
  if (!WORKER_FILE) return 1;
  // Threads beyond the cores only add memory and switching: a request is capped at the core count.
  if (requested !== "auto") return Math.max(1, Math.min(Math.floor(requested), availableParallelism()));
  // Use a running thread for anything but tiny Hessians; start one only for long ones (see NEW_WORKER_WORK).
  const threshold = pool.length > 0 ? RUNNING_WORKER_WORK : NEW_WORKER_WORK;
  return work > threshold ? Math.min(2, availableParallelism()) : 1;
}

/** True when some x is computed from another x (then the Hessian of tf.gradients is not symmetric). */
function dependentXs(xs: Node[]): boolean {
  const ids = new Set(xs.map((x) => x.id));
  for (const x of xs) {
    const seen = new Set<number>();
    const stack = [...x.inputs];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      if (ids.has(n.id)) return true;
      stack.push(...n.inputs);
    }
  }
  return false;
}

function flatValues(parts: Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
