// Browser adapter, injected at the edge like src/node.ts: module Web Workers running session/web-hessian-worker.js as
// a WorkerPool's threads. They share the matrix through SharedArrayBuffer, which a page has only when it is
// cross-origin isolated (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
// require-corp); otherwise there is no pool and Hessians run on the calling thread, with the reason said.
import { GraphError } from "./errors.js";
import { WorkerPool, type ThreadPlatform, type WorkerPort, type WorkerReply, type WorkerRequest } from "./session/worker-pool.js";

/** Options of webWorkerThreads. */
export interface WebThreadsOptions {
  /** The worker script (default: session/web-hessian-worker.js next to this module). */
  workerUrl?: string | URL;
  /** Cores to use (default: navigator.hardwareConcurrency). */
  cores?: number;
}

/** A pool of Web Workers, or none and why (then Hessians run on the calling thread). */
export type WebThreads = { pool: WorkerPool; reason?: undefined } | { pool: undefined; reason: string };

/** The Worker constructor's part used here. */
type WorkerLike = {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: "message", f: (e: { data: WorkerReply }) => void): void;
  addEventListener(type: "error" | "messageerror", f: (e: { message?: string }) => void): void;
  terminate(): void;
};
/** The globals looked at here (a page's window or a worker's self). */
type WebGlobals = {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  Worker?: new (url: string | URL, options: { type: "module"; name?: string }) => WorkerLike;
  navigator?: { hardwareConcurrency?: number };
};

/** A module Web Worker as a WorkerPort. */
class WebWorkerPort implements WorkerPort {
  private readonly worker: WorkerLike;
  constructor(create: () => WorkerLike) {
    this.worker = create();
  }
  post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }
  listen(onReply: (reply: WorkerReply) => void, onDeath: (error: Error) => void): void {
    this.worker.addEventListener("message", (e) => onReply(e.data));
    this.worker.addEventListener("error", (e) => onDeath(new Error(`Hessian worker failed to run: ${e.message ?? "its script did not load"}`)));
    this.worker.addEventListener("messageerror", () => onDeath(new Error("Hessian worker could not read a message")));
  }
  hold(): void {
    // A page does not exit while a worker computes: nothing to hold.
  }
  terminate(): void {
    this.worker.terminate();
  }
}

/**
 * Module Web Workers for a Session's Hessians (`new Session(graph, { threads: pool })`), one per core at most: `pool`
 * is undefined when this page or worker cannot share memory with them, and `reason` says why (e.g. "not
 * cross-origin isolated"), for the caller to show; then Hessians run on the calling thread.
 */
export function webWorkerThreads(options: WebThreadsOptions = {}): WebThreads {
  const web = globalThis as WebGlobals;
  const Worker = web.Worker;
  if (typeof Worker !== "function") return { pool: undefined, reason: "no Web Workers here" };
  if (web.crossOriginIsolated !== true || typeof web.SharedArrayBuffer !== "function") return { pool: undefined, reason: "not cross-origin isolated" };
  const url = options.workerUrl ?? new URL("./session/web-hessian-worker.js", import.meta.url);
  const cores = options.cores ?? web.navigator?.hardwareConcurrency ?? 1;
  if (!(Number.isInteger(cores) && cores >= 1)) throw new GraphError(`webWorkerThreads: options.cores must be a positive integer, got ${String(cores)}`, "cores");
  const platform: ThreadPlatform = { cores, startWorker: () => new WebWorkerPort(() => new Worker(url, { type: "module", name: "hessflow-hessian" })) };
  return { pool: new WorkerPool(platform) };
}
