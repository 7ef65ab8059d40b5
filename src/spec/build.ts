// JSON graph specs ("hessflow.graph/1") to the same public API a programmer uses: a checked document
// (see check.ts) built into a graph, node by node, in dependency order.
import { flatLayout } from "../autodiff/hessian.js";
import { GraphError, HessflowError, ResourceError, SpecError } from "../errors.js";
import { checkMemory, graphBudget, type MemoryBudget } from "../memory.js";
import { member, q } from "../messages.js";
import * as B from "../graph/builders.js";
import { Graph, type Node } from "../graph/graph.js";
import type { Initializer } from "../graph/initializers.js";
import { fromNested, type NestedArray, type Tensor } from "../graph/tensor.js";
import { isOpName, isPublicOpName, PUBLIC_OPS } from "../ops/registry.js";
import type { PublicSpec, SpecAttrs } from "../ops/types.js";
import { dataFeedShape, isDataFeed, readDataFeed, type DataFeed, type DataSource } from "./data.js";
import { exprRefs, parseExpr, type Expr, type ExprParser } from "./expr.js";
import { problemError, problemOf } from "./problem.js";

/** One node as written in a spec. */
export interface SpecNode {
  name: string;
  op?: string;
  expr?: string;
  inputs?: string[];
  attrs?: Record<string, unknown>;
  shape?: (number | null)[];
  value?: NestedArray;
  init?: Initializer;
  description?: string;
}

/** A parsed spec document. */
export interface SpecDoc {
  format: string;
  name: string;
  description?: string;
  nodes: SpecNode[];
  /** Placeholder name → inline nested arrays, or a data file (`{"npy": ...}`, `{"csv": ...}`, relative to the spec's directory). */
  feed?: Record<string, NestedArray | DataFeed>;
  outputs: {
    fetch?: string[];
    gradients?: { ys: string | string[]; xs: string[] };
    hessian?: { ys: string; xs: string[] };
  };
  /** Options of the curvature matrices (`hessflow spectrum --curvature gauss-newton`): the network output node. */
  curvature?: { output?: string };
  /** Settings of `hessflow train` (its options override them). */
  train?: SpecTrain;
}

/** A spec's `"train"` section: the same settings as `hessflow train`'s options. */
export interface SpecTrain {
  optimizer?: string[];
  lr?: number;
  damping?: number;
  steps?: number;
  every?: number;
  output?: string;
}

/** A spec built into a graph: nodes by spec name, the feed as tensors, and the requested outputs. */
export interface LoadedSpec {
  doc: SpecDoc;
  graph: Graph;
  nodes: Map<string, Node>;
  feed: Map<Node, Tensor>;
  fetch: Node[];
  gradients?: { ys: Node[]; xs: Node[] };
  hessian?: { ys: Node; xs: Node[] };
  /** With shapesOnly: the placeholders standing in for variables made by initializers. */
  standIns?: ReadonlySet<Node>;
  /** With shapesOnly: the shapes of the feeds read from files, whose data were not loaded (they are not in `feed`). */
  feedShapes?: ReadonlyMap<Node, readonly number[]>;
}

/** Options of buildSpec. */
export interface BuildOptions extends DataSource {
  /** The memory budget for the variables that initializers make (default: memoryBudget()). */
  budget?: MemoryBudget;
  /** Variables made by initializers become placeholders of their shape: nothing is allocated (for checking shapes). */
  shapesOnly?: boolean;
  /** mathjs's parser for expr nodes (default: loaded through Node). */
  parse?: ExprParser;
  /** The memory budget in bytes of the graph built (GraphOptions.maxBytes; default: memoryBudget()). */
  maxBytes?: number;
}

/**
 * Builds a document that checkSpec has passed (schema, names, cycles, feeds and outputs are checked
 * there) into a graph, in dependency order. What only building finds (a shape that cannot work, a bad
 * initializer, Hessian xs of unknown dims) is thrown as a SpecError carrying the problem as data.
 */
export function buildSpec(doc: SpecDoc, options: BuildOptions = {}): LoadedSpec {
  const byName = new Map<string, { node: SpecNode; index: number; expr?: Expr }>();
  doc.nodes.forEach((node, index) => {
    if (!byName.has(node.name)) byName.set(node.name, { node, index, expr: node.expr !== undefined ? parseExpr(node.expr, node.name, options.parse) : undefined });
  });
  const depsOf = new Map<string, string[]>();
  for (const [name, e] of byName) depsOf.set(name, e.expr ? exprRefs(e.expr) : e.node.inputs ?? []);

  const budget = options.budget ?? graphBudget(options);
  // Feeds first: data files are read (with shapesOnly: only their shapes), each checked against the budget.
  const fedTensors = new Map<string, Tensor>();
  const fileShapes = new Map<string, number[]>();
  for (const [name, value] of Object.entries(doc.feed ?? {})) {
    const path = `$.feed${member(name)}`;
    if (!isDataFeed(value)) fedTensors.set(name, fromNested(value, path));
    else if (options.shapesOnly) fileShapes.set(name, dataFeedShape(value, path, options, budget));
    else fedTensors.set(name, readDataFeed(value, path, options, budget));
  }

  // A placeholder written without a shape accepts any shape of the fed value's rank.
  const feedRank = (name: string): null[] => {
    const rank = (fileShapes.get(name) ?? fedTensors.get(name)?.shape ?? []).length;
    return new Array<null>(rank).fill(null);
  };

  const graph = new Graph({ maxBytes: options.maxBytes });
  // Variables made by initializers are allocated here: their bytes count against the budget before each allocation.
  let initBytes = 0;
  const allocate = (name: string, shape: readonly number[]) => {
    initBytes += shape.reduce((a, b) => a * b, 1) * 8;
    checkMemory(initBytes, `variable '${q(name)}' (shape [${shape.join(", ")}], with the variables before it)`, budget);
  };
  const built = new Map<string, Node>();
  const standIns = new Set<Node>();
  const construct = (name: string): Node => {
    const { node, index, expr } = byName.get(name)!;
    let result: Node | undefined;
    try {
      const inputs = (node.inputs ?? []).map((d) => built.get(d)!);
      if (node.op === "variable" && node.init && Array.isArray(node.init.shape)) {
        if (options.shapesOnly) standIns.add((result = graph.placeholder(node.init.shape, name)));
        else allocate(name, node.init.shape);
      }
      result ??= expr ? buildExpr(expr, name, (d) => built.get(d)!, graph) : buildNode(graph, node, inputs, feedRank);
    } catch (e) {
      if (problemOf(e) || e instanceof ResourceError || !(e instanceof HessflowError)) throw e;
      throw problemError(`$.nodes[${index}]${expr ? ".expr" : ""}`, name, detail(e, name));
    }
    if (result.name !== name) graph.alias(result, name);
    return result;
  };

  // Dependency order by an iterative depth-first walk (chains of any length; checkSpec has ruled out cycles).
  const open = new Set<string>();
  for (const root of doc.nodes) {
    if (built.has(root.name)) continue;
    const path: string[] = [root.name];
    const next: number[] = [0];
    open.add(root.name);
    while (path.length) {
      const top = path[path.length - 1];
      const ds = depsOf.get(top)!;
      const k = next[next.length - 1]++;
      if (k < ds.length) {
        const d = ds[k];
        if (built.has(d)) continue;
        if (open.has(d)) throw new Error(`buildSpec: cycle through '${d}' (checkSpec should have reported it)`);
        open.add(d);
        path.push(d);
        next.push(0);
        continue;
      }
      built.set(top, construct(top));
      open.delete(top);
      path.pop();
      next.pop();
    }
  }

  const feed = new Map<Node, Tensor>();
  for (const [name, t] of fedTensors) feed.set(built.get(name)!, t);
  const feedShapes = new Map<Node, readonly number[]>();
  for (const [name, shape] of fileShapes) feedShapes.set(built.get(name)!, shape);
  const o = doc.outputs;
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  const nodes = (names: string[]) => names.map((n) => built.get(n)!);
  // As tf.gradients / tf.hessians: gradients may be taken w.r.t. nodes of unknown dims (they get the fed
  // shape), the Hessian is that of sum(ys); its xs need known shapes (n is fixed when the graph is built),
  // refused with the API's own message.
  const hessianXs = (xs: string[]) => xs.map((x, i) => {
    const n = built.get(x)!;
    try {
      flatLayout([n]);
    } catch (e) {
      if (e instanceof GraphError) throw problemError(`$.outputs.hessian.xs[${i}]`, x, e.message);
      throw e;
    }
    return n;
  });
  return {
    doc, graph, nodes: built, feed, fetch: nodes(o.fetch ?? []), ...(options.shapesOnly ? { standIns, feedShapes } : {}),
    gradients: o.gradients && { ys: nodes(list(o.gradients.ys)), xs: nodes(o.gradients.xs) },
    hessian: o.hessian && { ys: built.get(o.hessian.ys)!, xs: hessianXs(o.hessian.xs) },
  };
}

/**
 * A graph-layer error's message without its `node 'label': ` prefix (the problem names the spec node);
 * an op inside an expression has an automatic label (matmul_7), so the message says which op instead.
 */
export function detail(e: HessflowError, name: string): string {
  const label = e.where;
  const prefix = label === undefined ? undefined : `node '${q(label)}': `;
  if (!prefix || !e.message.startsWith(prefix)) return e.message;
  const rest = e.message.slice(prefix.length);
  const op = label !== name ? /^([a-z_]+?)_\d+$/.exec(label!)?.[1] : undefined;
  return op ? `in ${op}(...): ${rest}` : rest;
}

function buildExpr(e: Expr, name: string, ref: (n: string) => Node, graph: Graph, top = true): Node {
  if (e.kind === "ref") return top ? B.identity(ref(e.name), name) : ref(e.name);
  if (e.kind === "number") return graph.constant(e.value, top ? name : undefined);
  const args = e.args.map((a) => buildExpr(a, name, ref, graph, false));
  return applyOp(e.op, args, e.attrs, top ? name : undefined, name);
}

function buildNode(graph: Graph, node: SpecNode, inputs: Node[], feedRank: (name: string) => null[]): Node {
  const op = node.op!;
  switch (op) {
    case "placeholder": return graph.placeholder(node.shape ?? feedRank(node.name), node.name);
    case "variable": return graph.variable(node.init ?? node.value!, node.name);
    case "constant": return graph.constant(node.value!, node.name);
    default: return applyOp(op, inputs, node.attrs ?? {}, node.name, node.name);
  }
}

/** The ops a spec may apply, with their number of inputs (null: one or more): the registry's public ops. */
export const SPEC_OP_ARITY: Readonly<Record<string, number | null>> = Object.fromEntries(
  Object.entries(PUBLIC_OPS).map(([op, def]) => [op, def.arity === "variadic" ? null : def.arity]),
);

/** Applies a spec op (TF snake_case name and attributes) through the public builders, as its op file declares. */
export function applyOp(op: string, x: Node[], a: Record<string, unknown>, name: string | undefined, label: string): Node {
  if (!isOpName(op)) throw new SpecError(`node '${q(label)}': unknown op '${q(op)}'`, label);
  if (!isPublicOpName(op)) throw new SpecError(`node '${q(label)}': op '${q(op)}' is internal and cannot be used in a spec`, label);
  const k = SPEC_OP_ARITY[op];
  if (k === null ? x.length < 1 : x.length !== k) {
    throw new SpecError(`node '${q(label)}': ${op} takes ${k === null ? "at least 1 input" : `${k} input${k === 1 ? "" : "s"}`}, got ${x.length}`, label);
  }
  const { spec } = PUBLIC_OPS[op];
  return spec.build(B, x, apiAttrs(spec, a), name);
}

/** Spec attributes (snake_case) to the API's, with declared defaults; a list given for a one-integer attribute (an expr's trailing numbers) gives its first entry. */
function apiAttrs(spec: PublicSpec, a: Record<string, unknown>): SpecAttrs {
  const out: Record<string, SpecAttrs[string]> = {};
  for (const [key, decl] of Object.entries(spec.attrs)) {
    let v = (a[key] === undefined ? decl.default : a[key]) as SpecAttrs[string];
    if (decl.type === "integer" && Array.isArray(v)) v = v[0];
    out[decl.api] = v;
  }
  return out;
}
