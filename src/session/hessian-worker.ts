// Worker thread for the vectorised Hessian: stays alive between jobs (so its JIT stays warm),
// recomputes the forward values from plain data and fills the rows it is given.
import { parentPort } from "node:worker_threads";
import { allocateSlots, runPlan } from "./executor.js";
import { tangentRowsShared, type TangentJob } from "./tangent-rows.js";

/** One request to a Hessian worker. */
export interface WorkerRequest {
  /** The job, or only its id when this worker has been sent it before. */
  job: TangentJob | { id: number };
  sources: [number, Float64Array][];
  chunks: [number, number][];
  /** Shared Int32 counter: the index of the next chunk to take. */
  counter: SharedArrayBuffer;
  batch: number;
  /** The n×n matrix, shared: rows are written in place. */
  matrix: SharedArrayBuffer;
}

/** Jobs seen before, by id: their plan objects key the pooled buffers, so keeping them keeps those warm. */
const known = new Map<number, TangentJob>();

parentPort!.on("message", ({ job: sent, sources, chunks, counter, batch, matrix }: WorkerRequest) => {
  try {
    const job = "plan" in sent ? sent : known.get(sent.id);
    if (!job) throw new Error(`unknown job ${sent.id}`);
    if ("plan" in sent) known.set(sent.id, sent);
    const values = runPlan(job.plan, new Map(sources), allocateSlots(job.plan));
    tangentRowsShared(job, values, new Float64Array(matrix), chunks, new Int32Array(counter), batch);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
