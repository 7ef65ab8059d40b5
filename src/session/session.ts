// Session = compile + run, as TF 1.x's tf.Session: fetches may be a node, an array or a nested
// object of nodes, and the result has the same structure.
import { graphBudget } from "../memory.js";
import { FeedError, GraphError } from "../errors.js";
import { Node } from "../graph/graph.js";
import type { Graph } from "../graph/graph.js";
import type { NestedArray, Tensor } from "../graph/tensor.js";
import { toTensor } from "../graph/tensor.js";
import { allocateSlots, runPlan } from "./executor.js";
import type { Plan } from "./plan.js";
import { compilePlan } from "./plan.js";
import { q } from "../messages.js";
import { Workspace } from "../kernels/workspace.js";
import { HessianEngine } from "./hessian-engine.js";
import type { HessianOptions, HessianResult } from "./hessian-options.js";
import type { WorkerPool } from "./worker-pool.js";
import { CurvatureEngine, type CurvatureOperator, type CurvatureOptions, type HvpOptions } from "./curvature.js";

/** A feed: placeholder name (or node) → value as nested arrays or a tensor. */
export type Feed = Record<string, NestedArray | Tensor> | Map<Node, NestedArray | Tensor>;

/** Fetch structures: a node, null (fetches null, as gradients() gives for an unconnected x), an array or an object of fetches. */
export type Fetches = Node | null | readonly Fetches[] | { readonly [key: string]: Fetches };

/** The value structure matching a fetch structure: a Tensor per node, null per null. */
export type Fetched<F> = F extends Node ? Tensor : F extends null ? null : { -readonly [K in keyof F]: Fetched<F[K]> };

interface Compiled { plan: Plan; slots: Float64Array[] }

/** Options of a Session. */
export interface SessionOptions {
  /** Worker threads for batched Hessians (on Node: nodeThreads() from src/node.ts); without them Hessians run on the calling thread. */
  threads?: WorkerPool;
}

/** Runs fetches of a graph with a feed; holds variable values; caches compiled plans per fetch set and fed shapes. */
export class Session {
  private readonly values = new Map<number, Tensor>();
  private readonly cache = new Map<string, Compiled>();
  /** Scratch memory of the kernels the session's tangent passes call. */
  private readonly workspace: Workspace;
  private engine: HessianEngine | undefined;
  private curvature: CurvatureEngine | undefined;

  constructor(readonly graph: Graph, private readonly options: SessionOptions = {}) {
    this.workspace = new Workspace(graph.maxBytes !== undefined ? graphBudget(graph) : undefined);
  }

  /** The exact Hessian of sum(y) (y need not be a scalar, as in tf.hessians) over all of xs, as numbers. */
  hessian(y: Node, xs: Node[], feed: Feed, options: HessianOptions = {}): Promise<HessianResult> {
    this.engine ??= new HessianEngine(this, this.workspace, this.options.threads);
    return this.engine.compute(y, xs, feed, options);
  }

  /**
   * Hessian-vector products H·v_i of sum(y) over xs for a block of k vectors (batch-major k×n in, k×n out; the
   * flatten order of hessian()), by forward-over-reverse on the calling thread (blocks split over the session's worker threads when that pays), never forming the n×n Hessian.
   */
  async hvp(y: Node, xs: Node[], feed: Feed, vectors: Float64Array, options: HvpOptions = {}): Promise<Float64Array> {
    const workers = options?.workers ?? "auto";
    if (workers !== "auto" && !(Number.isInteger(workers) && workers >= 1)) throw new GraphError(`hvp: options.workers must be a positive integer or "auto", got ${JSON.stringify(workers)}`, "workers");
    return (this.curvatureOperator(y, xs, feed) as CurvatureOperator & { applyOnThreads(v: Float64Array, c: number | undefined, w: number | "auto"): Promise<Float64Array> }).applyOnThreads(vectors, options?.count, workers);
  }

  /** A curvature matrix (the Hessian, or Gauss–Newton Jᵀ·H_out·J with options.output) at the point `feed`: its forward pass runs once, then `apply` multiplies blocks of vectors. */
  curvatureOperator(y: Node, xs: Node[], feed: Feed, options: CurvatureOptions = {}): CurvatureOperator {
    this.curvature ??= new CurvatureEngine(this, this.workspace, this.options.threads);
    return this.curvature.operator(y, xs, feed, options);
  }

  /** Releases what the session holds: compiled plans and their buffers, the Hessian caches, the kernels' scratch memory, and its use of the worker threads (which drop its jobs). It stays usable and rebuilds them on demand. */
  dispose(): void {
    this.engine?.dispose();
    this.engine = undefined;
    this.curvature?.dispose();
    this.curvature = undefined;
    this.cache.clear();
    this.workspace.dispose();
  }

  /** The current value of a variable (its initial value until assigned). */
  variableValue(v: Node): Tensor {
    if (v.op !== "variable") throw new GraphError(`'${q(v.name)}' is not a variable`, v.name);
    return this.values.get(v.id) ?? v.value!;
  }

  /** Sets a variable's value (same shape). */
  assign(v: Node, value: NestedArray | Tensor): void {
    const t = toTensor(value, `value for variable '${q(v.name)}'`, v.name);
    const cur = this.variableValue(v);
    if (t.shape.length !== cur.shape.length || t.shape.some((d, i) => d !== cur.shape[i])) {
      throw new FeedError(`value for variable '${q(v.name)}' has shape [${t.shape}], expected [${cur.shape}]`, v.name);
    }
    this.values.set(v.id, t);
  }

  /**
   * Evaluates the fetches with the feed; each needed node is computed once; a null fetch gives null (unlike tf.Session.run, which rejects None).
   * Assigns the fetches need (directly or through a group) are written to their variables after the run: every op of a run
   * reads the values from before it (TF 1.x without control dependencies), and two writes to one variable leave the later-built one.
   */
  run<F extends Fetches>(fetches: F, feed: Feed = {}): Fetched<F> {
    const nodes: Node[] = [];
    collect(fetches, nodes);
    const updates = assignsNeeded(nodes);
    const { plan, tensors } = this.evaluate([...nodes, ...updates], feed);
    let k = 0;
    const copy = (): Tensor => {
      const t = tensors[plan.fetchSteps[k++]];
      return { shape: [...t.shape], data: Float64Array.from(t.data) };
    };
    const result: unknown = rebuild(fetches, copy);
    // Every op of the run read the variables' values from before it; the writes come after, in creation order.
    for (const u of updates) this.values.set(u.inputs[0].id, copy());
    return result as Fetched<F>;
  }

  /** @internal Compiles (or reuses) the plan for these fetches and runs it; values of non-fetched steps may be overwritten unless keepAll. */
  evaluate(nodes: readonly Node[], feed: Feed, keepAll = false): { plan: Plan; tensors: Tensor[] } {
    for (const n of nodes) this.graph.lift(n);
    const fed = this.resolveFeed(feed);
    const shapes = new Map<number, readonly number[]>();
    for (const [id, t] of fed) shapes.set(id, t.shape);
    const key = `${keepAll ? "all" : "min"}|${nodes.map((n) => n.id).join(",")}|${[...shapes].map(([id, s]) => `${id}:${s.join("x")}`).join(";")}`;
    let compiled = this.cache.get(key);
    if (!compiled) {
      const plan = compilePlan(nodes, shapes, keepAll);
      compiled = { plan, slots: allocateSlots(plan) };
      this.cache.set(key, compiled);
    }
    const { plan, slots } = compiled;
    return { plan, tensors: runPlan(plan, this.sourceValues(plan, fed), slots, this.workspace) };
  }

  /** The first node (in execution order) among those the fetches need whose value has a NaN or ±Infinity, with that value; undefined if none. */
  firstNonFinite(nodes: readonly Node[], feed: Feed = {}): { node: Node; value: number } | undefined {
    const { plan, tensors } = this.evaluate(nodes, feed, true);
    for (let i = 0; i < plan.steps.length; i++) {
      const data = tensors[i].data;
      for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k])) return { node: this.graph.nodes[plan.nodeIds[i]], value: data[k] };
    }
    return undefined;
  }

  /** @internal The values of a plan's source steps: feeds, variables and constants. */
  sourceValues(plan: Plan, fed: ReadonlyMap<number, Tensor>): Map<number, Float64Array> {
    const sources = new Map<number, Float64Array>();
    plan.steps.forEach((s, i) => {
      if (s.inputs.length > 0) return;
      const node = this.graph.nodes[plan.nodeIds[i]];
      const t = s.op === "placeholder" ? fed.get(node.id)! : s.op === "variable" ? this.variableValue(node) : node.value!;
      sources.set(i, t.data);
    });
    return sources;
  }

  /** @internal Checks the feed: known placeholders, numeric, not ragged; returns tensors by node id. */
  resolveFeed(feed: Feed): Map<number, Tensor> {
    const out = new Map<number, Tensor>();
    const entries: [Node, NestedArray | Tensor][] = feed instanceof Map
      ? [...feed.entries()]
      : Object.entries(feed).map(([name, v]) => {
        if (!this.graph.has(name)) throw new FeedError(`feed names unknown node '${q(name)}'`, name);
        return [this.graph.get(name), v];
      });
    for (const [node, v] of entries) {
      this.graph.lift(node);
      if (node.op !== "placeholder") throw new FeedError(`feed for '${q(node.name)}': only placeholders can be fed (it is a ${node.op})`, node.name);
      out.set(node.id, toTensor(v, `feed '${q(node.name)}'`, node.name));
    }
    return out;
  }
}


/** The assign nodes the fetches need, in creation order (the order their writes are applied: the last one wins). */
function assignsNeeded(nodes: readonly Node[]): Node[] {
  const seen = new Set<number>();
  const found: Node[] = [];
  const stack = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (n.op === "assign") found.push(n);
    for (const x of n.inputs) if (!seen.has(x.id)) stack.push(x);
  }
  return found.sort((a, b) => a.id - b.id);
}

function collect(f: Fetches, out: Node[]): void {
  if (f === null) return;
  if (f instanceof Node) out.push(f);
  else if (Array.isArray(f)) for (const x of f) collect(x, out);
  else if (typeof f === "object" && f !== null) for (const x of Object.values(f as Record<string, Fetches>)) collect(x, out);
  else throw new GraphError(`cannot fetch ${JSON.stringify(f)}: fetch nodes, arrays or objects of nodes`);
}

function rebuild(f: Fetches, next: () => Tensor): unknown {
  if (f === null) return null;
  if (f instanceof Node) return next();
  if (Array.isArray(f)) return f.map((x) => rebuild(x, next));
  return Object.fromEntries(Object.entries(f as Record<string, Fetches>).map(([k, x]) => [k, rebuild(x, next)]));
}
