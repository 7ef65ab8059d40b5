// Worker thread for the vectorised Hessian and curvature products (Node; started by src/node.ts): stays alive between jobs
// (so its JIT stays warm), recomputes the forward values from plain data and fills the rows it is given.
import { parentPort, type MessagePort } from "node:worker_threads";
import { Workspace } from "../kernels/workspace.js";
import { allocateSlots, runPlan, TangentContext } from "./executor.js";
import { sharedProducts, type ProductJob } from "./products.js";
import { TangentRows } from "./tangent-rows.js";
import type { WorkerRequest } from "./worker-pool.js";

/** Serves Hessian requests on `port`: the jobs it was sent (with their warm buffers) until told to drop them. */
export function serveHessianRequests(port: MessagePort): void {
  const workspace = new Workspace();
  const jobs = new Map<number, TangentRows>();
  const productJobs = new Map<number, { job: ProductJob; ctx: TangentContext }>();
  port.on("message", (request: WorkerRequest) => {
    if (request.type === "drop") {
      for (const id of request.jobIds) { jobs.delete(id); productJobs.delete(id); }
      if (jobs.size === 0 && productJobs.size === 0) workspace.dispose();
      return;
    }
    try {
      if (request.type === "products") {
        const { job: sent, sources, vectors, out, count, batch, counter } = request;
        if ("plan" in sent) productJobs.set(sent.id, { job: sent, ctx: new TangentContext(sent.plan, workspace) });
        const held = productJobs.get(sent.id);
        if (!held) throw new Error(`unknown job ${sent.id}`);
        // The forward values at the request's point (memos derived from an earlier point are forgotten).
        held.ctx.resetMemos();
        const values = runPlan(held.job.plan, new Map(sources), allocateSlots(held.job.plan), workspace);
        sharedProducts(held.job, held.ctx, values, new Float64Array(vectors), new Float64Array(out), count, batch, new Int32Array(counter));
        port.postMessage({ ok: true });
        return;
      }
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
