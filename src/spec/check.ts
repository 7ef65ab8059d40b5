// Semantic checks of a schema-valid spec that report every problem at once (buildSpec stops at the
// first): duplicate names, unknown names (in inputs, in expr, in feed and outputs), cycles, feeds,
// and finally the shape errors that only building the graph can find.
import { HessflowError, ResourceError } from "../errors.js";
import { didYouMean, member } from "../messages.js";
import { fromNested } from "../graph/tensor.js";
import { dataFeedShape, dataFile, isDataFeed, type DataSource } from "./data.js";
import { exprRefs, parseExpr, type Expr, type ExprParser } from "./expr.js";
import { compilePlan } from "../session/plan.js";
import { buildSpec, detail, SPEC_OP_ARITY, type LoadedSpec, type SpecDoc, type SpecNode } from "./build.js";
import { problemOf, type SpecProblem as SchemaProblem } from "./problem.js";
import { q } from "../messages.js";
import { PUBLIC_OPS } from "../ops/registry.js";
import type { AttrDecl } from "../ops/types.js";

/** Result of checkSpec: every problem found, and the built spec when there are none. */
export interface SpecCheck {
  problems: SchemaProblem[];
  loaded?: LoadedSpec;
}

/** Functions an `expr` may call, with their number of arguments (null: one or more): the spec ops. */
const EXPR_FUNCTIONS = SPEC_OP_ARITY;
/** Spec ops that need attributes an expression cannot give: a required attribute that is not given by trailing numbers. */
const OP_NODE_ONLY = new Set(
  Object.entries(PUBLIC_OPS).filter(([, def]) => Object.values(def.spec.attrs).some((d) => d.required && !d.trailing)).map(([op]) => op),
);

/** Every semantic problem of a schema-valid document (empty when it builds). */
export function semanticProblems(doc: SpecDoc): SchemaProblem[] {
  return checkSpec(doc).problems;
}

/**
 * Collects all semantic problems of a schema-valid document; when the name-level checks pass it
 * builds the graph (buildSpec) and reports the shape error that stops it, if any.
 */
export function checkSpec(doc: SpecDoc, options: CheckOptions = {}): SpecCheck {
  const problems: SchemaProblem[] = [];
  const at = (path: string, node: string | undefined, message: string) => {
    problems.push(node === undefined ? { path, message } : { path, node, message });
  };

  // 1. Names: the first definition wins; later ones are duplicates.
  const byName = new Map<string, { node: SpecNode; index: number; expr?: Expr }>();
  doc.nodes.forEach((node, index) => {
    const first = byName.get(node.name);
    if (first) {
      at(`$.nodes[${index}].name`, node.name, `duplicate node name '${q(node.name)}' (first defined at $.nodes[${first.index}])`);
      return;
    }
    byName.set(node.name, { node, index });
  });
  const names = [...byName.keys()];

  // 2. Expressions parse, call known functions with the right number of arguments, and literal values are rectangular.
  doc.nodes.forEach((node, index) => {
    const entry = byName.get(node.name);
    if (node.expr !== undefined) {
      try {
        const e = parseExpr(node.expr, node.name, options.parse);
        if (entry?.index === index) entry.expr = e;
        for (const msg of exprCallProblems(e)) at(`$.nodes[${index}].expr`, node.name, msg);
      } catch (err) {
        if (!(err instanceof HessflowError)) throw err;
        at(`$.nodes[${index}].expr`, node.name, err.message);
      }
    }
    if ((node.op === "variable" || node.op === "constant") && node.value !== undefined) {
      try {
        fromNested(node.value, "value");
      } catch (err) {
        if (!(err instanceof HessflowError)) throw err;
        at(`$.nodes[${index}].value`, node.name, err.message);
      }
    }
  });

  // 3. Unknown inputs, for op nodes and for names used in expressions.
  const deps = new Map<string, string[]>();
  for (const [name, { node, index, expr }] of byName) {
    const list = node.expr !== undefined ? (expr ? unique(exprRefs(expr)) : []) : node.inputs ?? [];
    const known: string[] = [];
    list.forEach((d, i) => {
      if (byName.has(d)) known.push(d);
      else if (node.expr !== undefined) at(`$.nodes[${index}].expr`, name, `unknown name '${q(d)}' in expr${didYouMean(d, names)}`);
      else at(`$.nodes[${index}].inputs[${i}]`, name, `unknown input '${q(d)}'${didYouMean(d, names)}`);
    });
    deps.set(name, known);
  }

  // 4. Cycles among the known edges, each reported once at the node where it is first met.
  for (const cycle of findCycles(names, deps)) {
    const start = cycle[0];
    at(`$.nodes[${byName.get(start)!.index}]`, start, `cycle ${[...cycle, start].join(" → ")}`);
  }

  // 5. Feeds: known, placeholders, rectangular, of the declared shape (none declared: any shape of the fed rank); every placeholder fed.
  const feed = doc.feed ?? {};
  for (const [name, value] of Object.entries(feed)) {
    const path = `$.feed${member(name)}`;
    const entry = byName.get(name);
    if (!entry) {
      at(path, name, `unknown node '${q(name)}'${didYouMean(name, names.filter((n) => byName.get(n)!.node.op === "placeholder"))}`);
      continue;
    }
    const kind = entry.node.op ?? "expression node";
    if (kind !== "placeholder") {
      at(path, name, `'${q(name)}' is ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}, only placeholders can be fed`);
      continue;
    }
    let shape: readonly number[];
    try {
      // A data file: its shape from the .npy header alone (a .csv file is parsed); a missing or malformed file is a problem here.
      shape = isDataFeed(value) ? dataFeedShape(value, path, options) : fromNested(value, "value").shape;
    } catch (err) {
      if (!(err instanceof HessflowError) || err instanceof ResourceError) throw err;
      const p = problemOf(err);
      if (p) problems.push(p);
      else at(path, name, err.message);
      continue;
    }
    const declared = entry.node.shape ?? shape.map(() => null); // no declared shape: any shape of the fed rank
    if (shape.length !== declared.length || declared.some((d, i) => d !== null && d !== shape[i])) {
      const what = isDataFeed(value) ? `${q(dataFile(value))} has shape` : "shape";
      at(path, name, `${what} [${shape.join(", ")}] does not match placeholder '${q(name)}' of shape [${declared.map((d) => d ?? "None").join(", ")}]`);
    }
  }
  for (const [name, { node }] of byName) {
    if (node.op === "placeholder" && !Object.hasOwn(feed, name)) at("$.feed", name, `placeholder '${q(name)}' is not fed`);
  }

  // 6. Names in outputs.
  const ref = (name: string, path: string) => {
    if (!byName.has(name)) at(path, name, `unknown node '${q(name)}'${didYouMean(name, names)}`);
  };
  const o = doc.outputs;
  (o.fetch ?? []).forEach((n, i) => ref(n, `$.outputs.fetch[${i}]`));
  if (o.gradients) {
    const ys = o.gradients.ys;
    if (Array.isArray(ys)) ys.forEach((n, i) => ref(n, `$.outputs.gradients.ys[${i}]`));
    else ref(ys, "$.outputs.gradients.ys");
    o.gradients.xs.forEach((n, i) => ref(n, `$.outputs.gradients.xs[${i}]`));
  }
  if (o.hessian) {
    ref(o.hessian.ys, "$.outputs.hessian.ys");
    o.hessian.xs.forEach((n, i) => ref(n, `$.outputs.hessian.xs[${i}]`));
  }
  if (doc.curvature?.output !== undefined) ref(doc.curvature.output, "$.curvature.output");
  if (doc.train?.output !== undefined) ref(doc.train.output, "$.train.output");
  if (problems.length) return { problems };

  // 7. Build: shape errors, bad initializers, Hessian xs of unknown dims (buildSpec stops at the first).
  // Huge initialised variables are not allocated until their shapes have been checked.
  const initElements = doc.nodes.reduce((sum, n) => sum + (n.op === "variable" && n.init && Array.isArray(n.init.shape) ? n.init.shape.reduce((a, b) => a * b, 1) : 0), 0);
  try {
    const { baseDir, files, parse, maxBytes } = options;
    const shapes = options.values === false || initElements > SHAPES_FIRST_ELEMENTS ? buildSpec(doc, { shapesOnly: true, baseDir, files, parse, maxBytes }) : undefined;
    if (shapes) {
      const fed = fedShapeProblem(shapes, byName);
      if (fed || options.values === false) return fed ? { problems: [fed] } : { problems, loaded: shapes };
    }
    const loaded = buildSpec(doc, { baseDir, files, parse, maxBytes });
    const fed = shapes ? undefined : fedShapeProblem(loaded, byName);
    return fed ? { problems: [fed] } : { problems, loaded };
  } catch (err) {
    const problem = problemOf(err);
    if (problem) return { problems: [problem] };
    // A graph-layer error from outside a node (a feed value's rank, say) belongs at the document.
    if (!(err instanceof HessflowError) || err instanceof ResourceError) throw err;
    return { problems: [{ path: "$", message: err.message }] };
  }
}

/** Options of checkSpec. */
export interface CheckOptions extends DataSource {
  /** false: check without allocating variable values (initialised variables stand in as placeholders); the spec returned is for shapes only. */
  values?: boolean;
  /** mathjs's parser for expr nodes (default: loaded through Node). */
  parse?: ExprParser;
  /** The memory budget in bytes of the spec's graph (GraphOptions.maxBytes): feeds, variables, Hessians (default: memoryBudget()). */
  maxBytes?: number;
}

/** Above this many initialised variable elements, shapes are checked before the values are allocated. */
const SHAPES_FIRST_ELEMENTS = 1 << 20;

/**
 * The shape error that only the fed sizes reveal (a placeholder of unknown dims fed a value that does
 * not fit what it meets), found by compiling, without running, a plan for the outputs' forward nodes.
 */
function fedShapeProblem(loaded: LoadedSpec, byName: Map<string, { index: number; expr?: Expr }>): SchemaProblem | undefined {
  const shapes = new Map<number, readonly number[]>();
  for (const [node, t] of loaded.feed) shapes.set(node.id, t.shape);
  for (const [node, shape] of loaded.feedShapes ?? []) shapes.set(node.id, shape);
  for (const n of loaded.standIns ?? []) shapes.set(n.id, n.shape as number[]);
  const targets = [...loaded.fetch, ...(loaded.gradients?.ys ?? []), ...(loaded.hessian ? [loaded.hessian.ys] : [])];
  try {
    compilePlan(targets, shapes);
    return undefined;
  } catch (err) {
    if (!(err instanceof HessflowError) || err instanceof ResourceError) {
      if (err instanceof ResourceError) return undefined; // too big to run is not a problem of the spec
      throw err;
    }
    // The spec node at fault: the node itself, or the one whose expr holds it (built just after it).
    const id = err.where === undefined ? -1 : loaded.graph.nodes.findIndex((n) => n.name === err.where);
    let owner: string | undefined;
    for (const [name, node] of loaded.nodes) if (node.id >= id && (owner === undefined || node.id < loaded.nodes.get(owner)!.id)) owner = name;
    const entry = owner === undefined ? undefined : byName.get(owner);
    if (owner === undefined || !entry) return { path: "$.feed", message: err.message };
    return { path: `$.nodes[${entry.index}]${entry.expr ? ".expr" : ""}`, node: owner, message: detail(err, owner) };
  }
}

/** Unknown functions and wrong argument counts in a parsed expression. */
function exprCallProblems(e: Expr, out: string[] = []): string[] {
  if (e.kind !== "op") return out;
  const arity = Object.hasOwn(EXPR_FUNCTIONS, e.op) ? EXPR_FUNCTIONS[e.op] : undefined;
  const n = e.args.length;
  if (OP_NODE_ONLY.has(e.op)) out.push(`${e.op} cannot be used in expr (it needs attributes); use an op node`);
  else if (arity === undefined) out.push(`unknown function '${q(e.op)}' in expr${didYouMean(e.op, Object.keys(EXPR_FUNCTIONS))}`);
  else if (arity === null ? n < 1 : n !== arity) out.push(`${e.op} takes ${arity === null ? "at least 1 argument" : arity === 1 ? "1 argument" : `${arity} arguments`} in expr, got ${n}`);
  e.args.forEach((a) => exprCallProblems(a, out));
  return out;
}

/** Elementary cycles found by a depth-first search in document order, one per distinct node set (an iterative walk: any depth). */
function findCycles(names: string[], deps: Map<string, string[]>): string[][] {
  const state = new Map<string, 1 | 2>();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const root of names) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const next: number[] = [0];
    state.set(root, 1);
    while (path.length) {
      const top = path[path.length - 1];
      const ds = deps.get(top) ?? [];
      const k = next[next.length - 1]++;
      if (k >= ds.length) {
        path.pop();
        next.pop();
        state.set(top, 2);
        continue;
      }
      const d = ds[k];
      const s = state.get(d);
      if (s === 1) {
        const cycle = path.slice(path.lastIndexOf(d));
        const key = [...cycle].sort().join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) {
        state.set(d, 1);
        path.push(d);
        next.push(0);
      }
    }
  }
  return cycles;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
