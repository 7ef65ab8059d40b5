// Module Web Worker for the vectorised Hessian and curvature products (a browser; started by src/web-threads.ts):
// worker-handler.ts's handling on the worker's own port. scripts/build-browser.mjs copies it to dist/browser/.
import { hessianRequestHandler } from "./worker-handler.js";
import type { WorkerReply, WorkerRequest } from "./worker-pool.js";

/** The parts of a dedicated worker's global scope used here. */
interface WorkerScope {
  postMessage(reply: WorkerReply): void;
  addEventListener(type: "message", listener: (event: { data: WorkerRequest }) => void): void;
}

/** Whether this module runs in a dedicated Web Worker (importing it anywhere else does nothing). */
function workerScope(): WorkerScope | undefined {
  const scope = globalThis as { WorkerGlobalScope?: unknown; postMessage?: unknown };
  return scope.WorkerGlobalScope !== undefined && typeof scope.postMessage === "function" ? (globalThis as unknown as WorkerScope) : undefined;
}

const scope = workerScope();
if (scope) {
  const handle = hessianRequestHandler((reply) => scope.postMessage(reply));
  scope.addEventListener("message", (event) => handle(event.data));
}
