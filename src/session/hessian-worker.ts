// Worker thread for the vectorised Hessian and curvature products (Node; started by src/node.ts): stays alive between jobs
// (so its JIT stays warm); the handling itself is worker-handler.ts's, shared with the browser's web-hessian-worker.ts.
import { parentPort, type MessagePort } from "node:worker_threads";
import { hessianRequestHandler } from "./worker-handler.js";

/** Serves Hessian requests on `port`: the jobs it was sent (with their warm buffers) until told to drop them. */
export function serveHessianRequests(port: MessagePort): void {
  port.on("message", hessianRequestHandler((reply) => port.postMessage(reply)));
}

if (parentPort) serveHessianRequests(parentPort);
