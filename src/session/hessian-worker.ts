// Worker thread for the vectorised Hessian: recomputes the forward values from plain data and fills its rows.
import { parentPort, workerData } from "node:worker_threads";
import { runPlan, allocateSlots } from "./executor.js";
import { tangentRows, type TangentJob } from "./tangent-rows.js";

interface WorkerInput { job: TangentJob; sources: [number, Float64Array][]; from: number; to: number; batch: number }

const { job, sources, from, to, batch } = workerData as WorkerInput;
const values = runPlan(job.plan, new Map(sources), allocateSlots(job.plan));
const n = job.layout.reduce((s, e) => s + e.size, 0);
const out = new Float64Array((to - from) * n);
tangentRows(job, values, from, to, out, batch);
parentPort!.postMessage(out, [out.buffer]);
