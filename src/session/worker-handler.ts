// The Hessian worker's request handling, platform-neutral: what a worker does with a RowsRequest, a
// ProductsRequest or a DropRequest. The platform's worker script only connects it to its port
// (hessian-worker.ts on Node, web-hessian-worker.ts in a browser).
import { Workspace } from "../kernels/workspace.js";
import { allocateSlots, runPlan, TangentContext } from "./executor.js";
import { sharedProducts, type ProductJob } from "./products.js";
import { TangentRows } from "./tangent-rows.js";
import type { WorkerReply, WorkerRequest } from "./worker-pool.js";

/** A handler for one worker's requests that sends its replies through `reply`; it holds the jobs it was sent (with their warm buffers) until told to drop them. */
export function hessianRequestHandler(reply: (r: WorkerReply) => void): (request: WorkerRequest) => void {
  const workspace = new Workspace();
  const jobs = new Map<number, TangentRows>();
  const productJobs = new Map<number, { job: ProductJob; ctx: TangentContext }>();
  return (request) => {
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
        reply({ ok: true });
        return;
      }
      const { job: sent, sources, chunks, counter, batch, matrix } = request;
      let rows = jobs.get(sent.id);
      if ("plan" in sent) jobs.set(sent.id, (rows = new TangentRows(sent, workspace)));
      if (!rows) throw new Error(`unknown job ${sent.id}`);
      const values = runPlan(rows.job.plan, new Map(sources), allocateSlots(rows.job.plan), workspace);
      rows.sharedRows(values, new Float64Array(matrix), chunks, new Int32Array(counter), batch);
      reply({ ok: true });
    } catch (e) {
      reply({ ok: false, error: (e as Error).message });
    }
  };
}
