import { GraphError, HessflowError, ShapeError } from "../errors.js";
import { OPS } from "../ops/registry.js";
import type { AttrMap, OpDef, OpName } from "../ops/types.js";
import type { Dim } from "./shape.js";
import { formatShape, isStatic, sizeOf } from "./shape.js";
import type { NestedArray, Tensor } from "./tensor.js";
import { toTensor } from "./tensor.js";
import { derivedSeed, initialValue, type Initializer } from "./initializers.js";
import { budgetOf, graphBudget } from "../memory.js";
import { q } from "../messages.js";

/** Outputs of at most this many elements are computed when built if all inputs are constants. */
const FOLD_LIMIT = 256;

/** One immutable node of a graph: an op applied to earlier nodes; its id is its position in creation order. */
export class Node {
  /** @internal built by Graph only */
  constructor(
    readonly graph: Graph,
    readonly id: number,
    /** The name given when the node was built, if any. */
    readonly givenName: string | undefined,
    readonly op: OpName,
    readonly inputs: readonly Node[],
    readonly attrs: Readonly<Record<string, unknown>>,
    readonly shape: readonly Dim[],
    /** The value of a constant, or a variable's initial value. */
    readonly value?: Tensor,
  ) {
    Object.freeze(this);
  }

  /** The node's name: the one given, else `op_id` (e.g. `matmul_17`). */
  get name(): string {
    return this.givenName ?? `${this.op}_${this.id}`;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True for a constant whose every element is zero. */
  get isZeros(): boolean {
    return this.op === "constant" && this.value!.data.every((v) => v === 0);
  }

  /** True for a constant whose every element is one. */
  get isOnes(): boolean {
    return this.op === "constant" && this.value!.data.every((v) => v === 1);
  }

  /** e.g. `h1: add [2, None]`. */
  toString(): string {
    return `${this.name}: ${this.op} ${formatShape(this.shape)}`;
  }
}

/** Anything accepted where a node is expected: a node, or a number/array that becomes a constant. */
export type NodeLike = Node | number | NestedArray;

/** Options of a new Graph. */
export interface GraphOptions {
  /** The graph-level seed (tf.set_random_seed), an integer; default 0, so that runs are reproducible. */
  seed?: number;
  /** The memory budget in bytes for work on this graph (variables, Hessians, plans, scratch memory): refused before allocating above it. Default: HESSFLOW_MAX_BYTES or the machine's limits on Node, 2 GiB in a browser. */
  maxBytes?: number;
}

/** Options of graph.variable. */
export interface VariableOptions {
  /** False keeps the variable out of trainableVariables() (and so out of optimizers' default lists), as TF's trainable=False; default true. */
  trainable?: boolean;
}

/** An append-only computation graph, as TF 1.x's: creation order is a valid execution order. */
export class Graph {
  /** All nodes, in creation order. */
  readonly nodes: Node[] = [];
  /** The graph-level seed: an initializer without a seed of its own draws from a seed derived from it and the variable's node id. */
  readonly seed: number;
  /** The memory budget in bytes set by GraphOptions.maxBytes (undefined: the default budget). */
  readonly maxBytes: number | undefined;
  private readonly byName = new Map<string, Node>();
  private readonly memo = new Map<string, Node>();
  private readonly nonTrainable = new Set<number>();

  /** An empty graph; `options.seed` is the graph-level seed (an integer, default 0). */
  constructor(options: GraphOptions = {}) {
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new GraphError(`Graph: seed must be an integer, got ${JSON.stringify(seed)}`);
    this.seed = seed;
    if (options.maxBytes !== undefined) budgetOf(options.maxBytes);
    this.maxBytes = options.maxBytes;
  }

  /** A value fed at run time; null dims are unknown until then (TF's None). */
  placeholder(shape: readonly (number | null)[], name?: string): Node {
    shape.forEach((d, i) => {
      if (d !== null && !(Number.isInteger(d) && d >= 0)) throw new ShapeError(`placeholder '${q(name ?? "?")}': shape[${i}] must be a non-negative integer or null, got ${JSON.stringify(d)}`, name);
    });
    return this.push("placeholder", [], {}, [...shape], name);
  }

  /** A variable from an explicit value (nested arrays or tensor) or an initializer (without a seed: one derived from the graph's seed and this node's id); trainable unless `{trainable: false}` (given in place of the name or after it). */
  variable(init: NestedArray | Tensor | Initializer, name?: string | VariableOptions, options: VariableOptions = {}): Node {
    if (typeof name === "object" && name !== null) { options = name; name = undefined; }
    const value = initialValue(init, name ?? "variable", derivedSeed(this.seed, this.nodes.length), graphBudget(this));
    if (options.trainable !== undefined && typeof options.trainable !== "boolean") throw new GraphError(`variable '${q(name ?? "?")}': trainable must be a boolean, got ${JSON.stringify(options.trainable)}`, name);
    const node = this.push("variable", [], {}, [...value.shape], name, value);
    if (options.trainable === false) this.nonTrainable.add(node.id);
    return node;
  }

  /** True for a variable made without `{trainable: false}` (TF's trainable collection). */
  isTrainable(v: Node): boolean {
    return v.graph === this && v.op === "variable" && !this.nonTrainable.has(v.id);
  }

  /** A constant tensor. */
  constant(value: NestedArray | Tensor, name?: string): Node {
    const t = toTensor(value, `constant '${q(name ?? "?")}'`, name);
    if (name === undefined && t.data.length <= 16) {
      const key = `constant|${t.shape.join(",")}|${Array.from(t.data).join(",")}`;
      const hit = this.memo.get(key);
      if (hit) return hit;
      const node = this.push("constant", [], {}, [...t.shape], undefined, t);
      this.memo.set(key, node);
      return node;
    }
    return this.push("constant", [], {}, [...t.shape], name, t);
  }

  /** The node called `name` (a given name, or op_id for an unnamed node); throws if there is none. */
  get(name: string): Node {
    const auto = /^[a-z_]+_(\d+)$/.exec(name);
    const n = this.byName.get(name) ?? (auto && this.nodes[Number(auto[1])]?.name === name ? this.nodes[Number(auto[1])] : undefined);
    if (!n) throw new GraphError(`no node named '${q(name)}'`, name);
    return n;
  }

  /** True when a node has been given that name. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Names (with aliases) of all nodes. */
  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** Gives an existing node a further name (used when a built node is shared with an earlier one). */
  alias(node: Node, name: string): void {
    if (this.byName.has(name) && this.byName.get(name) !== node) throw new GraphError(`duplicate node name '${q(name)}'`, name);
    this.byName.set(name, node);
  }

  /** Converts numbers and arrays to constants of this graph; checks that nodes belong to it. */
  lift(x: NodeLike): Node {
    if (x instanceof Node) {
      if (x.graph !== this) throw new GraphError(`node '${q(x.name)}' belongs to another graph`, x.name);
      return x;
    }
    return this.constant(x);
  }

  /**
   * Appends `op(inputs)`; infers the shape (failing here, naming the node), reuses an identical
   * existing node (hash-consing), and computes small all-constant results at once (constant folding).
   */
  apply<K extends OpName>(op: K, inputs: readonly Node[], attrs: AttrMap[K], name?: string): Node {
    const def = OPS[op] as unknown as OpDef<AttrMap[K]>;
    const label = name ?? `${op}_${this.nodes.length}`;
    if (def.arity !== "variadic" && inputs.length !== def.arity) throw new GraphError(`node '${q(label)}': ${op} takes ${def.arity} inputs, got ${inputs.length}`, label);
    if (def.arity === "variadic" && inputs.length === 0) throw new GraphError(`node '${q(label)}': ${op} needs at least one input`, label);
    for (const x of inputs) this.lift(x);
    const cleanAttrs = canonicalAttrs(attrs as Record<string, unknown>);
    let key = op as string;
    for (const x of inputs) key += `|${x.id}`;
    if (cleanAttrs !== NO_ATTRS) key += `|${JSON.stringify(cleanAttrs)}`;
    const hit = this.memo.get(key);
    if (hit) {
      if (name !== undefined) this.alias(hit, name);
      return hit;
    }
    let shape: Dim[];
    try {
      shape = def.shape(inputs.map((x) => x.shape), cleanAttrs as AttrMap[K], label);
    } catch (e) {
      if (e instanceof HessflowError) throw e;
      throw new ShapeError(`node '${q(label)}': ${(e as Error).message}`, label);
    }
    let node: Node;
    if (inputs.every((x) => x.op === "constant") && isStatic(shape) && sizeOf(shape) <= FOLD_LIMIT) {
      const out: Tensor = { shape, data: new Float64Array(sizeOf(shape)) };
      try {
        def.kernel(inputs.map((x) => x.value!), out, cleanAttrs as AttrMap[K]);
      } catch (e) {
        // A kernel's check (e.g. a class index that is not an integer) does not know its node: name it here.
        if (e instanceof HessflowError && e.where === undefined) throw new (e.constructor as typeof HessflowError)(`node '${q(label)}': ${e.message}`, label);
        throw e;
      }
      node = name === undefined ? this.constant(out) : this.push("constant", [], {}, shape, name, out);
    } else {
      node = this.push(op, inputs, cleanAttrs, shape, name);
    }
    this.memo.set(key, node);
    return node;
  }

  private push(op: OpName, inputs: readonly Node[], attrs: Record<string, unknown>, shape: Dim[], name?: string, value?: Tensor): Node {
    if (name !== undefined) {
      if (typeof name !== "string" || name.length === 0) throw new GraphError(`node names must be non-empty strings`);
      if (this.byName.has(name)) throw new GraphError(`duplicate node name '${q(name)}'`, name);
    }
    // Arrays are typed readonly; the node itself is frozen. Unnamed nodes are called op_id and not indexed by name.
    const node = new Node(this, this.nodes.length, name, op, inputs.slice(), attrs, shape, value);
    this.nodes.push(node);
    if (name !== undefined) this.byName.set(name, node);
    return node;
  }
}

const NO_ATTRS: Record<string, unknown> = Object.freeze({});

function canonicalAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  let any = false;
  for (const k in attrs) if (attrs[k] !== undefined) { any = true; break; }
  if (!any) return NO_ATTRS;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(attrs).sort()) if (attrs[k] !== undefined) out[k] = attrs[k];
  return out;
}

// Compact console.log / util.inspect output (Node's inspect hook, by its registered symbol: src/graph imports nothing from node:).
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
Object.defineProperty(Node.prototype, INSPECT, { value(this: Node): string { return `Node<${this.toString()}>`; } });
Object.defineProperty(Graph.prototype, INSPECT, { value(this: Graph): string { return `Graph<${this.nodes.length} node${this.nodes.length === 1 ? "" : "s"}>`; } });

/** The graph that the given node-likes belong to (the first node's), or throws. */
export function graphOf(...xs: NodeLike[]): Graph {
  for (const x of xs) if (x instanceof Node) return x.graph;
  throw new GraphError("an op needs at least one graph node among its inputs (wrap plain values with graph.constant)");
}

