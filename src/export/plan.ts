// What an exported program holds, target-independent: the nodes the spec's outputs need (in creation order,
// which is an execution order), a Python name for each, the lines that rebuild them, and the values
// (variables as hessflow materialised them, constants, feeds with data files already read).
import { HessflowError } from "../errors.js";
import type { Node } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import { escapeControl, q } from "../messages.js";
import type { LoadedSpec } from "../spec/build.js";
import { EMIT, HELPERS, pyNumber, type Emit } from "./ops.js";

/** One value the program loads: a variable, a constant or a feed, under its Python name. */
export interface PlanValue { readonly ident: string; readonly tensor: Tensor }

/** A requested output: the name the JSON document uses and the Python name of its node. */
export interface PlanOutput { readonly name: string; readonly ident: string }

/** A spec ready to be written as Python: the graph function's body, the values and the requested outputs. */
export interface ExportPlan {
  readonly name: string;
  /** The graph function's lines (without indentation), one per node, the spec names in a comment. */
  readonly lines: string[];
  readonly values: PlanValue[];
  /** The placeholders' Python names with the axis of their unknown (batch) dimension, null when all are known. */
  readonly batchAxes: { ident: string; axis: number | null }[];
  readonly fetch: PlanOutput[];
  readonly gradients?: { ys: string[]; xs: PlanOutput[] };
  readonly hessian?: { y: string; xs: (PlanOutput & { shape: number[] })[] };
  /** The Python names of every x (gradients and Hessian) that is a source (they get requires_grad / are differentiated). */
  readonly sourceXs: string[];
  /** The Python names of every x computed by an op (differentiated through a zero added to them, a "tap"). */
  readonly tappedXs: string[];
  /** The Python names of every node the function returns. */
  readonly returns: string[];
}

/** Python's keywords, and names the programs use themselves: a node called so gets another Python name. */
const RESERVED = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
  "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
  "while", "with", "yield", "match", "case", "torch", "F", "jax", "jnp", "np", "V", "D", "DTYPE", "DEVICE", "tap", "graph", "json",
  "sys", "os", "math", "argparse", "float", "int", "list", "dict", "range", "len", "slice", "tuple", "zip", "print", "sorted", "partial",
  ...HELPERS,
]);

/** A Python identifier for a name: other characters become _, a leading digit or reserved word gets a suffix. */
function identifier(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, "_");
  if (base === "" || /^[0-9]/.test(base)) base = `n_${base}`;
  if (RESERVED.has(base) || base.startsWith("_")) base = `${base.replace(/^_+/, "n_")}_`;
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
  taken.add(id);
  return id;
}

/** Every node the outputs need (ancestors of fetches, ys and xs, and the xs), in creation order. */
function needed(roots: Node[]): Node[] {
  const seen = new Map<number, Node>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.set(n.id, n);
    stack.push(...n.inputs);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/** Shape for a comment: [3, None]. */
function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "None" : d)).join(", ")}]`;
}

/**
 * The plan of a loaded spec. An op that cannot be exported (or a placeholder without a feed) is refused
 * here, with one line naming the node and the op, before anything is written.
 */
export function planExport(spec: LoadedSpec): ExportPlan {
  const o = spec.doc.outputs;
  const gradXs = spec.gradients?.xs ?? [], hessXs = spec.hessian?.xs ?? [];
  const xsNodes = [...gradXs, ...hessXs];
  const nodes = needed([...spec.fetch, ...(spec.gradients?.ys ?? []), ...(spec.hessian ? [spec.hessian.ys] : []), ...xsNodes]);
  // The spec names of each node (hash-consing can give one node several), in the spec's order.
  const specNames = new Map<Node, string[]>();
  for (const [name, node] of spec.nodes) specNames.set(node, [...(specNames.get(node) ?? []), name]);
  const label = (n: Node) => specNames.get(n)?.[0] ?? n.name;
  for (const n of nodes) {
    const rule = EMIT[n.op];
    if (n.op !== "placeholder" && n.op !== "variable" && n.op !== "constant" && "refuse" in rule) {
      throw new HessflowError(`node '${q(label(n))}': op '${n.op}' cannot be exported: ${rule.refuse}`, label(n));
    }
    if (n.op === "placeholder" && !spec.feed.has(n)) throw new HessflowError(`node '${q(label(n))}': placeholder has no feed in the spec, so the program would have nothing to compute with`, label(n));
  }
  const taken = new Set<string>();
  const ident = new Map<Node, string>();
  for (const n of nodes) ident.set(n, identifier(label(n), taken));
  const xSet = new Set(xsNodes);
  const isSource = (n: Node) => n.op === "placeholder" || n.op === "variable" || n.op === "constant";

  const lines: string[] = [], values: PlanValue[] = [], batchAxes: ExportPlan["batchAxes"] = [];
  for (const n of nodes) {
    const id = ident.get(n)!;
    const names = specNames.get(n);
    const what = names ? names.map((s) => escapeControl(s)).join(" = ") : `${n.name} (built by hessflow${n.op === "constant" ? "" : " inside an expr"})`;
    let expr: string, note: string;
    if (isSource(n)) {
      const t = n.op === "placeholder" ? spec.feed.get(n)! : n.value!;
      if (n.op === "constant" && t.shape.length === 0 && !xSet.has(n)) {
        expr = `_t(${pyNumber(t.data[0])})`;
      } else {
        expr = `V[${JSON.stringify(id)}]`;
        values.push({ ident: id, tensor: t });
      }
      note = n.op === "placeholder" ? `placeholder ${shapeText(n.shape)}, fed ${shapeText(t.shape)}` : `${n.op} ${shapeText(t.shape)}`;
      if (n.op === "placeholder") {
        const axis = n.shape.indexOf(null);
        batchAxes.push({ ident: id, axis: axis < 0 ? null : axis });
      }
    } else {
      expr = (EMIT[n.op] as Emit)(n.inputs.map((x) => ident.get(x)!), n);
      if (xSet.has(n)) expr = `tap(${expr}, D, ${JSON.stringify(id)})`;
      note = n.op;
    }
    lines.push(`${id} = ${expr}`.padEnd(48) + `  # ${what}: ${note}`);
  }
  const out = (names: string[] | undefined, ns: Node[]): PlanOutput[] => ns.map((n, i) => ({ name: names?.[i] ?? label(n), ident: ident.get(n)! }));
  const sourceXs = [...new Set(xsNodes.filter(isSource).map((n) => ident.get(n)!))];
  const tappedXs = [...new Set(xsNodes.filter((n) => !isSource(n)).map((n) => ident.get(n)!))];
  const plan: ExportPlan = {
    name: spec.doc.name,
    lines,
    values,
    batchAxes,
    fetch: out(o.fetch, spec.fetch),
    gradients: spec.gradients && { ys: spec.gradients.ys.map((n) => ident.get(n)!), xs: out(o.gradients!.xs, gradXs) },
    hessian: spec.hessian && { y: ident.get(spec.hessian.ys)!, xs: hessXs.map((n, i) => ({ name: o.hessian!.xs[i], ident: ident.get(n)!, shape: n.shape as number[] })) },
    sourceXs,
    tappedXs,
    returns: [...new Set([...spec.fetch, ...(spec.gradients?.ys ?? []), ...(spec.hessian ? [spec.hessian.ys] : []), ...xsNodes].map((n) => ident.get(n)!))],
  };
  return plan;
}

/** Total number of float64 values the plan loads. */
export function valueCount(plan: ExportPlan): number {
  return plan.values.reduce((s, v) => s + v.tensor.data.length, 0);
}
