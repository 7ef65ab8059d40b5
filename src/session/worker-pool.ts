// The Hessian's worker threads, platform-neutral: queueing one request at a time per worker, which
// jobs each worker holds, and dropping them. Starting a thread is the platform's part (src/node.ts
// provides it for Node); without a pool the Hessian runs on the calling thread.
import type { ProductJob } from "./products.js";
import type { TangentJob } from "./tangent-rows.js";

/** A request to a Hessian worker: compute rows of one job (see hessian-worker.ts). */
export interface RowsRequest {
  type: "rows";
  /** The job, or only its id when this worker has been sent it before. */
  job: TangentJob | { id: number };
  /** The plan's source values (feeds, variables, constants) by step index. */
  sources: [number, Float64Array][];
  chunks: [number, number][];
  /** Shared Int32 counter: the index of the next chunk to take. */
  counter: SharedArrayBuffer;
  batch: number;
  /** The n×n matrix, shared: rows are written in place. */
  matrix: SharedArrayBuffer;
}

/** A request to a worker: curvature products M·v for blocks of vectors of one job (see products.ts). */
export interface ProductsRequest {
  type: "products";
  /** The job, or only its id when this worker has been sent it before. */
  job: ProductJob | { id: number };
  /** The plan's source values by step index. */
  sources: [number, Float64Array][];
  /** The vectors (count×n) and the products (count×n), shared. */
  vectors: SharedArrayBuffer;
  out: SharedArrayBuffer;
  count: number;
  /** Vectors per block. */
  batch: number;
  /** Shared Int32 counter: the index of the next block to take. */
  counter: SharedArrayBuffer;
}

/** Tells a worker to forget jobs (their session was disposed); it sends no reply. */
export interface DropRequest {
  type: "drop";
  jobIds: number[];
}

/** What the main thread sends a Hessian worker. */
export type WorkerRequest = RowsRequest | ProductsRequest | DropRequest;

/** A worker's reply to a RowsRequest. */
export interface WorkerReply {
  ok: boolean;
  error?: string;
}

/** A started worker thread as the pool sees it (the platform adapter implements it). */
export interface WorkerPort {
  /** Sends a message to the worker. */
  post(message: WorkerRequest): void;
  /** Registers the pool's handlers: a reply, or the worker's death (an error or an exit). */
  listen(onReply: (reply: WorkerReply) => void, onDeath: (error: Error) => void): void;
  /** busy: keep the process alive until the reply; idle: do not keep it alive. */
  hold(busy: boolean): void;
  /** Stops the thread. */
  terminate(): void;
}

/** What a platform provides for worker threads. */
export interface ThreadPlatform {
  /** Cores this process may use. */
  readonly cores: number;
  /** Starts a Hessian worker thread. */
  startWorker(): WorkerPort;
}

/** One pooled worker: runs one request at a time, remembers which jobs it holds. */
export class PooledWorker {
  private readonly waiting: { request: RowsRequest | ProductsRequest; resolve: () => void; reject: (e: Error) => void }[] = [];
  private current: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private readonly held = new Set<number>();

  constructor(private readonly port: WorkerPort, onDeath: (worker: PooledWorker) => void) {
    port.listen(
      (reply) => {
        const done = this.current!;
        this.current = null;
        if (reply.ok) done.resolve();
        else done.reject(new Error(`Hessian worker failed: ${reply.error}`));
        this.next();
      },
      (error) => {
        // A dead worker leaves the pool; the next Hessian starts a new one.
        onDeath(this);
        this.current?.reject(error);
        this.current = null;
        for (const w of this.waiting.splice(0)) w.reject(error);
      },
    );
    port.hold(false);
  }

  /** True if this worker already holds the job (then only its id is sent); marks it as held. */
  knows(job: TangentJob | ProductJob): boolean {
    if (this.held.has(job.id)) return true;
    this.held.add(job.id);
    return false;
  }

  /** Computes the requested rows (or products) in the worker; the request is posted at once when the worker is idle. */
  run(request: RowsRequest | ProductsRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.current) this.next();
    });
  }

  /** Tells the worker to forget those of `jobIds` it holds. */
  drop(jobIds: readonly number[]): void {
    const held = jobIds.filter((id) => this.held.delete(id));
    if (held.length > 0) this.port.post({ type: "drop", jobIds: held });
  }

  /** Stops the thread. */
  terminate(): void {
    this.port.terminate();
  }

  private next(): void {
    const job = this.waiting.shift();
    if (!job) { this.port.hold(false); return; }
    this.current = job;
    this.port.hold(true);
    this.port.post(job.request);
  }
}

/**
 * Worker threads for Hessians, started on first use and kept warm between Hessians; shared by the
 * sessions given it. Each session retains it when created and releases it when disposed: the
 * workers stop when the last one is released (they never keep the process alive while idle).
 */
export class WorkerPool {
  private readonly workers: PooledWorker[] = [];
  private users = 0;
  private lastJobId = 0;

  constructor(private readonly platform: ThreadPlatform) {}

  /** Cores this process may use. */
  get cores(): number {
    return this.platform.cores;
  }

  /** Workers running now. */
  get running(): number {
    return this.workers.length;
  }

  /** An id for a new job, unique in this pool. */
  newJobId(): number {
    return ++this.lastJobId;
  }

  /** The first `count` workers, started as needed. */
  take(count: number): PooledWorker[] {
    while (this.workers.length < count) {
      this.workers.push(new PooledWorker(this.platform.startWorker(), (dead) => {
        const at = this.workers.indexOf(dead);
        if (at >= 0) this.workers.splice(at, 1);
      }));
    }
    return this.workers.slice(0, count);
  }

  /** Tells every worker to forget these jobs. */
  drop(jobIds: readonly number[]): void {
    for (const w of this.workers) w.drop(jobIds);
  }

  /** A session starts using the pool. */
  retain(): void {
    this.users++;
  }

  /** A session stops using the pool; the last one out stops the workers. */
  release(): void {
    if (--this.users > 0) return;
    this.users = 0;
    for (const w of this.workers.splice(0)) w.terminate();
  }
}
