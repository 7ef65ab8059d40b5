// Worker thread for the vectorised Hessian: stays alive between jobs (so its JIT stays warm),
// recomputes the forward values from plain data and fills the rows it is given.
import { parentPort } from "node:worker_threads";
import { allocateSlots, runPlan } from "./executor.js";
import { tangentRows, type TangentJob } from "./tangent-rows.js";

/** One request to a Hessian worker. */
export interface WorkerRequest { job: TangentJob; sources: [number, Float64Array][]; from: number; to: number; batch: number; matrix: SharedArrayBuffer }

parentPort!.on("message", ({ job, sources, from, to, batch, matrix }: WorkerRequest) => {
  try {
    const values = runPlan(job.plan, new Map(sources), allocateSlots(job.plan));
    const n = job.layout.reduce((s, e) => s + e.size, 0);
    // Rows [from, to) of the shared n×n matrix, written in place.
    tangentRows(job, values, from, to, new Float64Array(matrix, from * n * 8, (to - from) * n), batch);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
