// Worker thread for the vectorised Hessian (Node; started by src/node.ts): stays alive between jobs
// (so its JIT stays warm), recomputes the forward values from plain data and fills the rows it is given.
import { parentPort, type MessagePort } from "node:worker_threads";
import { Workspace } from "../kernels/workspace.js";
import { allocateSlots, runPlan } from "./executor.js";
import { TangentRows } from "./tangent-rows.js";
import type { WorkerRequest } from "./worker-pool.js";

/** Serves Hessian requests on `port`: the jobs it was sent (with their warm buffers) until told to drop them. */
export function serveHessianRequests(port: MessagePort): void {
  const workspace = new Workspace();
  const jobs = new Map<number, TangentRows>();
  port.on("message", (request: WorkerRequest) => {
    if (request.type === "drop") {
      for (const id of request.jobIds) jobs.delete(id);
      if (jobs.size === 0) workspace.dispose();
      return;
    }
    try {
      const { job: sent, sources, chunks, counter, batch, matrix } = request;
      let rows = jobs.get(sent.id);
      if ("plan" in sent) jobs.set(sent.id, (rows = new TangentRows(sent, workspace)));
      if (!rows) throw new Error(`unknown job ${sent.id}`);
      const values = runPlan(rows.job.plan, new Map(sources), allocateSlots(rows.job.plan), workspace);
      rows.sharedRows(values, new Float64Array(matrix), chunks, new Int32Array(counter), batch);
      port.postMessage({ ok: true });
    } catch (e) {
      port.postMessage({ ok: false, error: (e as Error).message });
    }
  });
}

if (parentPort) serveHessianRequests(parentPort);
