// Worker thread for the vectorised Hessian: stays alive between jobs (so its JIT stays warm),
// recomputes the forward values from plain data and fills the rows it is given.
import { parentPort } from "node:worker_threads";
import { allocateSlots, runPlan } from "./executor.js";
import { tangentRowsShared, type TangentJob } from "./tangent-rows.js";

/** One request to a Hessian worker. */
export interface WorkerRequest {
  job: TangentJob;
  sources: [number, Float64Array][];
  chunks: [number, number][];
  /** Shared Int32 counter: the index of the next chunk to take. */
  counter: SharedArrayBuffer;
  batch: number;
  /** The n×n matrix, shared: rows are written in place. */
  matrix: SharedArrayBuffer;
}

parentPort!.on("message", ({ job, sources, chunks, counter, batch, matrix }: WorkerRequest) => {
  try {
    const values = runPlan(job.plan, new Map(sources), allocateSlots(job.plan));
    tangentRowsShared(job, values, new Float64Array(matrix), chunks, new Int32Array(counter), batch);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
