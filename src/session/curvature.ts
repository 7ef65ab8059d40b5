// Curvature products without the n×n matrix: Hessian-vector products by forward-over-reverse (dense
// tangents through the compiled gradient graph) and Gauss–Newton products Jᵀ·H_out·J·v (Schraudolph 2002),
// for one vector or a block of k at once. Memory O(k·n + plan); nothing n×n is ever allocated.
import { GraphError } from "../errors.js";
import { gradients } from "../autodiff/gradients.js";
import { flatLayout, type FlatEntry } from "../autodiff/hessian.js";
import { Node } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import type { Workspace } from "../kernels/workspace.js";
import { checkMemory, graphBudget, type MemoryBudget } from "../memory.js";
import { q } from "../messages.js";
import { TangentContext } from "./executor.js";
import { dependentXs } from "./hessian-options.js";
import { batchSize, NEW_WORKER_WORK, RUNNING_WORKER_WORK } from "./hessian-sizing.js";
import type { Plan } from "./plan.js";
import { blockProduct, sharedProducts, type ProductJob } from "./products.js";
import type { Feed, Session } from "./session.js";
import { DEFAULT_BATCH } from "./tangent-rows.js";
import type { WorkerPool } from "./worker-pool.js";

/** Which curvature matrix an operator applies: the exact Hessian, or the Gauss–Newton matrix Jᵀ·H_out·J. */
export type CurvatureKind = "hessian" | "gauss-newton";

/** Options of Session.curvatureOperator. */
export interface CurvatureOptions {
  /** "hessian" (default) or "gauss-newton". */
  kind?: CurvatureKind;
  /** For "gauss-newton": the network's output node (e.g. the logits), through which the loss is split as L(z(x)). */
  output?: Node;
}

/** Options of Session.hvp. */
export interface HvpOptions {
  /** k, the number of vectors in the block (default: vectors.length / n). */
  count?: number;
  /** Threads (with a session given threads): a positive integer, or "auto" (default) to split the block when the work pays. */
  workers?: number | "auto";
}

/** A curvature matrix at one point (the forward pass done once), applied to blocks of vectors without ever forming it. */
export interface CurvatureOperator {
  /** Which matrix this is. */
  readonly kind: CurvatureKind;
  /** The side of the matrix: the total size of xs. */
  readonly n: number;
  /** Where each x sits in a vector (each x row-major, in xs order: the Hessian's flatten order). */
  readonly layout: FlatEntry[];
  /** The flat gradient of sum(y) over xs at the point. */
  readonly gradient: Float64Array;
  /** Products so far (k per call of apply with k vectors). */
  readonly hvps: number;
  /** M·v_i for a block of `count` vectors, batch-major (count×n in, count×n out). */
  apply(vectors: Float64Array, count?: number): Float64Array;
}

/** A dense Gauss–Newton matrix and where each x sits in it. */
export interface GaussNewtonResult {
  layout: FlatEntry[];
  n: number;
  /** Jᵀ·H_out·J, n×n row-major. */
  matrix: Float64Array;
  /** The flat gradient of sum(loss) over xs at the same point. */
  gradient: Float64Array;
}

/** The derivative graphs an operator's plan runs, built once per (y, xs[, output]) and kept by the session. */
interface CurvatureGraphs {
  /** ∂ sum(y)/∂x per x. */
  grads: Node[];
  /** Gauss–Newton only: ∂ sum(y)/∂z for the output z. */
  gz?: Node;
  /** Gauss–Newton only: the placeholder w (shaped like z) and jt_x = ∂<z, w>/∂x per x: Jᵀ·w, linear in w. */
  w?: Node;
  jt?: Node[];
}

/** A session's curvature operators' derivative graphs; owned by the Session, dropped by dispose(). */
export class CurvatureEngine {
  private graphs = new WeakMap<Node, Map<string, CurvatureGraphs>>();
  /** Ids of the jobs workers may hold (dropped on dispose). */
  private readonly sentJobs: number[] = [];
  private lastLocalJobId = 0;
  private jobIds = new WeakMap<Plan, number>();

  /** @internal The memory budget of the session's graph. */
  get budget(): MemoryBudget {
    return graphBudget(this.session.graph);
  }

  constructor(private readonly session: Session, private readonly workspace: Workspace, private readonly pool: WorkerPool | undefined) {
    pool?.retain();
  }

  /** The operator of `options.kind` for sum(y) over xs at the point `feed` (and the session's variable values now). */
  operator(y: Node, xs: Node[], feed: Feed, options: CurvatureOptions = {}): CurvatureOperator {
    if (typeof options !== "object" || options === null) throw new GraphError(`curvatureOperator: options must be an object, got ${String(options)}`, "options");
    const kind = options.kind ?? "hessian";
    if (kind !== "hessian" && kind !== "gauss-newton") throw new GraphError(`curvatureOperator: options.kind must be "hessian" or "gauss-newton", got ${JSON.stringify(kind) ?? String(kind)}`, "kind");
    if (!(y instanceof Node)) throw new GraphError("curvatureOperator: y must be a node", "y");
    if (!Array.isArray(xs) || xs.length === 0 || xs.some((x) => !(x instanceof Node))) throw new GraphError("curvatureOperator: xs must be a non-empty array of nodes", "xs");
    const layout = flatLayout(xs);
    if (kind === "hessian") return this.hessianOperator(y, xs, layout, feed);
    const output = options.output;
    if (!(output instanceof Node)) throw new GraphError(`curvatureOperator: kind "gauss-newton" needs options.output, the network's output node (e.g. the logits)`, "output");
    return this.gaussNewtonOperator(y, output, xs, layout, feed);
  }

  /** Forgets the derivative graphs (the nodes stay in the graph, which is append-only), tells the workers to drop this engine's jobs, and releases the pool. */
  dispose(): void {
    this.graphs = new WeakMap();
    this.jobIds = new WeakMap();
    if (this.pool) {
      this.pool.drop(this.sentJobs.splice(0));
      this.pool.release();
    }
  }

  private cached(y: Node, key: string, make: () => CurvatureGraphs): CurvatureGraphs {
    let byKey = this.graphs.get(y);
    if (!byKey) this.graphs.set(y, (byKey = new Map()));
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = make()));
    return g;
  }

  private hessianOperator(y: Node, xs: Node[], layout: FlatEntry[], feed: Feed): CurvatureOperator {
    const graphs = this.cached(y, `h|${xs.map((x) => x.id).join(",")}`, () => ({ grads: gradients(y, xs, { unconnected: "zero" }) }));
    const { plan, values } = this.forward([...graphs.grads, ...xs], feed);
    const m = xs.length;
    const perX = dependentXs(xs) || new Set(xs.map((x) => x.id)).size < m;
    const job: ProductJob = { id: this.jobId(plan), kind: "hessian", plan, layout, xSteps: plan.fetchSteps.slice(m, 2 * m), gradSteps: plan.fetchSteps.slice(0, m), perX };
    return new Operator(job, values, new TangentContext(plan, this.workspace), this);
  }

  private gaussNewtonOperator(loss: Node, output: Node, xs: Node[], layout: FlatEntry[], feed: Feed): CurvatureOperator {
    if (output.graph !== loss.graph) throw new GraphError(`gauss-newton: the output '${q(output.name)}' is not in the loss's graph`, output.name);
    if (!dependsOn(loss, output)) throw new GraphError(`gauss-newton: the loss '${q(loss.name)}' does not depend on the output '${q(output.name)}'`, output.name);
    if (xs.includes(output)) throw new GraphError(`gauss-newton: the output '${q(output.name)}' is also one of the xs`, output.name);
    if (dependentXs(xs)) {
      const x = xs.find((a) => xs.some((b) => b !== a && dependsOn(a, b)))!;
      throw new GraphError(`gauss-newton: x '${q(x.name)}' is computed from another x; Gauss–Newton products need independent xs`, x.name);
    }
    const graphs = this.cached(loss, `gn|${output.id}|${xs.map((x) => x.id).join(",")}`, () => {
      const w = output.graph.placeholder(output.shape);
      return {
        grads: gradients(loss, xs, { unconnected: "zero" }),
        gz: gradients(loss, [output], { unconnected: "zero" })[0],
        w,
        jt: gradients(output, xs, { gradYs: [w], unconnected: "zero" }),
      };
    });
    // w's value does not matter (jt is linear in it; only its tangent is used): zeros of the output's fed shape.
    const fed = this.session.resolveFeed(feed);
    const feedNodes = new Map<Node, Tensor>([...fed].map(([id, t]) => [loss.graph.nodes[id], t]));
    const probe = this.session.evaluate([output], feedNodes).plan;
    const outShape = probe.steps[probe.fetchSteps[0]].shape;
    feedNodes.set(graphs.w!, { shape: [...outShape], data: new Float64Array(outShape.reduce((a, b) => a * b, 1)) });
    const m = xs.length;
    const { plan, values } = this.forward([...graphs.grads, graphs.gz!, ...graphs.jt!, output, ...xs, graphs.w!], feedNodes);
    const f = plan.fetchSteps;
    const job: ProductJob = {
      id: this.jobId(plan), kind: "gauss-newton", plan, layout, xSteps: f.slice(2 * m + 2, 3 * m + 2), gradSteps: f.slice(0, m),
      perX: new Set(xs.map((x) => x.id)).size < m,
      gn: { gzStep: f[m], jtSteps: f.slice(m + 1, 2 * m + 1), outStep: f[2 * m + 1], wStep: f[3 * m + 2] },
    };
    return new Operator(job, values, new TangentContext(plan, this.workspace), this);
  }

  /** The job id of a plan (one per plan, so workers keep its copy between operators; unique in the pool). */
  private jobId(plan: Plan): number {
    let id = this.jobIds.get(plan);
    if (id === undefined) this.jobIds.set(plan, (id = this.pool?.newJobId() ?? ++this.lastLocalJobId));
    return id;
  }

  /** @internal The products on `threads` threads, the calling thread included: blocks of vectors taken from a shared counter. */
  async onThreads(job: ProductJob, ctx: TangentContext, values: readonly Tensor[], vectors: Float64Array, count: number, threads: number): Promise<Float64Array> {
    const n = job.layout.reduce((s, e) => s + e.size, 0);
    const shared = new Float64Array(new SharedArrayBuffer(count * n * 8));
    shared.set(vectors);
    const out = new Float64Array(new SharedArrayBuffer(count * n * 8));
    const batch = Math.max(1, Math.min(batchSize(job.plan, undefined), Math.ceil(count / threads)));
    const counter = new SharedArrayBuffer(4);
    const sources: [number, Float64Array][] = [];
    job.plan.steps.forEach((s, i) => { if (s.inputs.length === 0) sources.push([i, values[i].data]); });
    if (!this.sentJobs.includes(job.id)) this.sentJobs.push(job.id);
    const pending = this.pool!.take(threads - 1).map((w) => w.run({
      type: "products", job: w.knows(job) ? { id: job.id } : job, sources, count, batch, counter,
      vectors: shared.buffer as SharedArrayBuffer, out: out.buffer as SharedArrayBuffer,
    }));
    sharedProducts(job, ctx, values, shared, out, count, batch, new Int32Array(counter));
    await Promise.all(pending);
    return Float64Array.from(out);
  }

  /** @internal Threads for `count` products of a job: the request, else 2 when a pool is given and the work pays (as for Hessians). */
  threadsFor(job: ProductJob, count: number, requested: number | "auto"): number {
    const pool = this.pool;
    if (!pool) return 1;
    const planElements = job.plan.slotSizes.reduce((s, v) => s + v, 0);
    const perThread = 8 * (planElements + 4 * DEFAULT_BATCH * Math.max(1, ...job.plan.slotSizes)) + 16e6;
    const fitting = Math.max(1, Math.floor(this.budget.bytes / perThread));
    const n = job.layout.reduce((s, e) => s + e.size, 0);
    const wanted = requested !== "auto" ? Math.min(requested, pool.cores)
      : count * planElements > (pool.running > 0 ? RUNNING_WORKER_WORK : NEW_WORKER_WORK) && count >= 8 ? Math.min(2, pool.cores) : 1;
    return Math.max(1, Math.min(wanted, fitting, count, Math.max(1, Math.floor(this.budget.bytes / (16 * n * count)))));
  }

  /** Runs the plan keeping all forward values, and copies them: the operator keeps its point even if the session runs the same plan elsewhere. */
  private forward(fetches: Node[], feed: Feed): { plan: Plan; values: Tensor[] } {
    const { plan, tensors } = this.session.evaluate(fetches, feed, true);
    const copies = new Map<Float64Array, Float64Array>();
    const values = tensors.map((t) => {
      let c = copies.get(t.data);
      if (!c) copies.set(t.data, (c = Float64Array.from(t.data)));
      return { shape: t.shape, data: c };
    });
    return { plan, values };
  }
}

/** A curvature operator at one point: the job, the forward values (copied) and its own tangent buffers. */
class Operator implements CurvatureOperator {
  readonly kind: CurvatureKind;
  readonly layout: FlatEntry[];
  readonly n: number;
  readonly gradient: Float64Array;
  private count = 0;
  private readonly batch: number;

  constructor(private readonly job: ProductJob, private readonly values: Tensor[], private readonly ctx: TangentContext, private readonly engine: CurvatureEngine) {
    this.kind = job.kind;
    this.layout = job.layout;
    this.n = job.layout.reduce((s, e) => s + e.size, 0);
    this.gradient = new Float64Array(this.n);
    job.layout.forEach((e, k) => this.gradient.set(values[job.gradSteps[k]].data, e.offset));
    this.batch = batchSize(job.plan, undefined);
  }

  get hvps(): number {
    return this.count;
  }

  apply(vectors: Float64Array, count?: number): Float64Array {
    const k = this.check(vectors, count);
    const n = this.n;
    const out = new Float64Array(k * n);
    for (let c0 = 0; c0 < k; c0 += this.batch) {
      const B = Math.min(this.batch, k - c0);
      blockProduct(this.job, this.ctx, this.values, vectors, c0, B, out.subarray(c0 * n, (c0 + B) * n));
    }
    this.count += k;
    return out;
  }

  /** @internal apply, with the blocks spread over the session's worker threads when that pays (or `workers` says so). */
  async applyOnThreads(vectors: Float64Array, count: number | undefined, workers: number | "auto"): Promise<Float64Array> {
    const k = this.check(vectors, count);
    const threads = this.engine.threadsFor(this.job, k, workers);
    if (threads <= 1) return this.apply(vectors, k);
    const out = await this.engine.onThreads(this.job, this.ctx, this.values, vectors, k, threads);
    this.count += k;
    return out;
  }

  /** The block's size k, checked: a Float64Array of exactly k·n numbers. */
  private check(vectors: Float64Array, count: number | undefined): number {
    const n = this.n;
    if (!(vectors instanceof Float64Array)) throw new GraphError(`${this.kind} products: vectors must be a Float64Array (count×n, batch-major)`, "vectors");
    const k = count ?? vectors.length / n;
    if (!(Number.isInteger(k) && k >= 1)) throw new GraphError(`${this.kind} products: count must be a positive integer, got ${count ?? `${vectors.length}/${n}`}`, "count");
    if (vectors.length !== k * n) throw new GraphError(`${this.kind} products: ${k} vector(s) of n = ${n} need ${k * n} numbers, got ${vectors.length}`, "vectors");
    checkMemory(2 * k * n * 8, `${k} curvature products of size ${n}`, this.engine.budget);
    return k;
  }
}

/** True when `node` is `of` or computed from it. */
function dependsOn(node: Node, of: Node): boolean {
  const seen = new Set<number>();
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.id === of.id) return true;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push(...n.inputs);
  }
  return false;
}

/**
 * The dense n×n Gauss–Newton matrix Jᵀ·H_out·J of sum(loss) split at `output` (for small n), built from
 * blocks of products with the identity's rows: column j is G·e_j (G is symmetric, written as columns all the same).
 */
export function gaussNewtonMatrix(session: Session, loss: Node, output: Node, xs: Node[], feed: Feed): Promise<GaussNewtonResult> {
  const op = session.curvatureOperator(loss, xs, feed, { kind: "gauss-newton", output });
  const n = op.n;
  checkMemory(n * n * 8, `the ${n}×${n} Gauss–Newton matrix`, graphBudget(session.graph));
  const matrix = new Float64Array(n * n);
  const BLOCK = 64;
  for (let c0 = 0; c0 < n; c0 += BLOCK) {
    const k = Math.min(BLOCK, n - c0);
    const eye = new Float64Array(k * n);
    for (let b = 0; b < k; b++) eye[b * n + c0 + b] = 1;
    const cols = op.apply(eye, k);
    for (let b = 0; b < k; b++) for (let i = 0; i < n; i++) matrix[i * n + c0 + b] = cols[b * n + i];
  }
  return Promise.resolve({ layout: op.layout, n, matrix, gradient: op.gradient });
}
