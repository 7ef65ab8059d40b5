// How a batched Hessian is cut up: the tangent batch size, and how many threads it gets.
import type { MemoryBudget } from "../memory.js";
import type { Plan } from "./plan.js";
import { DEFAULT_BATCH } from "./tangent-rows.js";
import type { WorkerPool } from "./worker-pool.js";

/** Elements (of 8 bytes) one batched tangent buffer may hold when the batch size is chosen automatically. */
const TANGENT_BUFFER_ELEMENTS = 1 << 19;

/** Work (n × plan elements) above which a running worker thread pays: handing it rows costs well under a ms. */
export const RUNNING_WORKER_WORK = 2e6;

/**
 * Work above which starting a worker pays even for the process's first Hessian. A new thread takes
 * tens of ms to start and load its modules, then runs its first chunks in V8's slow tiers while the
 * main thread, already under way, does the same rows faster: in a fresh process b-1k (4e7) is faster
 * on one thread. b-5k (5e8) takes seconds, beside which that start-up is small, and runs about twice
 * as fast on two threads when the machine's second core is free.
 */
export const NEW_WORKER_WORK = 1.5e8;

/** Bytes per worker thread beyond its buffers (a V8 isolate and the modules it loads). */
const THREAD_OVERHEAD_BYTES = 16e6;

/** Directions per tangent batch: the request, else up to 64, fewer when one tangent buffer would pass 4 MB (memory, and cache). */
export function batchSize(plan: Plan, requested: number | undefined): number {
  return requested ?? Math.max(1, Math.min(DEFAULT_BATCH, Math.floor(TANGENT_BUFFER_ELEMENTS / largestSlot(plan))));
}

function largestSlot(plan: Plan): number {
  return Math.max(1, ...plan.slotSizes);
}

/** How many threads a batched Hessian runs on, and whether to start a worker in the background for the next one. */
export interface ThreadChoice {
  /** Threads computing rows, the calling thread included (1: the calling thread alone). */
  threads: number;
  /** Start one worker now, without waiting for it, for the next Hessian. */
  warmUpWorker: boolean;
}

/** What the thread choice depends on. */
export interface ThreadDemand {
  plan: Plan;
  /** The Hessian's side. */
  n: number;
  batch: number;
  budget: MemoryBudget;
  requested: number | "auto";
  /** The session's worker pool; without one, everything runs on the calling thread. */
  pool: WorkerPool | undefined;
}

/**
 * Each extra thread holds its own forward buffers and tangent batches: as many threads as fit beside
 * the matrix, as many as asked (capped at the cores), and with "auto" a second one only when the
 * work pays for it (a running worker pays sooner than one that must start).
 */
export function chooseThreads({ plan, n, batch, budget, requested, pool }: ThreadDemand): ThreadChoice {
  const planElements = plan.slotSizes.reduce((s, v) => s + v, 0);
  const perThread = 8 * (planElements + 4 * batch * largestSlot(plan)) + THREAD_OVERHEAD_BYTES;
  const fitting = Math.floor((budget.bytes - n * n * 8) / perThread);
  const work = n * planElements;
  const threads = Math.max(1, Math.min(wantedThreads(requested, work, pool), fitting));
  // Too small to wait for a new thread, big enough to use a running one: start it now, in the
  // background, for the next Hessian (it does not keep the process alive).
  const warmUpWorker = threads <= 1 && pool !== undefined && requested === "auto" && work > RUNNING_WORKER_WORK && fitting > 1 && pool.cores > 1;
  return { threads, warmUpWorker };
}

function wantedThreads(requested: number | "auto", work: number, pool: WorkerPool | undefined): number {
  if (!pool) return 1;
  // Threads beyond the cores only add memory and switching: a request is capped at the core count.
  if (requested !== "auto") return Math.max(1, Math.min(Math.floor(requested), pool.cores));
  // Use a running thread for anything but tiny Hessians; start one only for long ones (see NEW_WORKER_WORK).
  const threshold = pool.running > 0 ? RUNNING_WORKER_WORK : NEW_WORKER_WORK;
  return work > threshold ? Math.min(2, pool.cores) : 1;
}
