// Node adapters, injected at the edge: the platform-neutral core (graph, ops, autodiff, session)
// imports nothing from `node:`; a Session given nodeThreads() spreads its Hessians over worker threads.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { WorkerPool, type ThreadPlatform, type WorkerPort, type WorkerReply, type WorkerRequest } from "./session/worker-pool.js";

/** The compiled worker script, when running from dist/ (under a TS test runner there is none). */
function workerFile(): string | null {
  const file = fileURLToPath(new URL("./session/hessian-worker.js", import.meta.url));
  return existsSync(file) ? file : null;
}

/** A node:worker_threads Worker as a WorkerPort. */
class NodeWorkerPort implements WorkerPort {
  private readonly worker: Worker;
  constructor(file: string) {
    this.worker = new Worker(file);
  }
  post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }
  listen(onReply: (reply: WorkerReply) => void, onDeath: (error: Error) => void): void {
    this.worker.on("message", onReply);
    this.worker.on("error", onDeath);
    this.worker.on("exit", (code) => onDeath(new Error(`Hessian worker exited with code ${code}`)));
  }
  hold(busy: boolean): void {
    // (Adding a "message" listener refs the worker's port: listen() comes first, then hold(false).)
    if (busy) this.worker.ref();
    else this.worker.unref();
  }
  terminate(): void {
    void this.worker.terminate();
  }
}

/** Worker threads on Node (node:worker_threads, one per core at most); undefined when the compiled worker script is missing (then Hessians run on one thread). */
export function nodeThreads(): WorkerPool | undefined {
  const file = workerFile();
  if (!file) return undefined;
  const platform: ThreadPlatform = { cores: availableParallelism(), startWorker: () => new NodeWorkerPort(file) };
  return new WorkerPool(platform);
}
