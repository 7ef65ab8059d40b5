// A spec's graph as text for drawing tools: Graphviz DOT or a Mermaid flowchart. Optionally with the
// nodes that gradients() and the row-by-row hessian() append to the same graph, in their own clusters,
// so one can see that the Hessian is just more graph: one gradient-of-a-gradient subgraph per row.
import { escapeControl } from "../messages.js";
import { gradients } from "../autodiff/gradients.js";
import { flatLayout, flatten, hessian } from "../autodiff/hessian.js";
import { reshape, slice } from "../graph/builders.js";
import type { Node } from "../graph/graph.js";
import { formatShape } from "../graph/shape.js";
import type { LoadedSpec } from "../spec/build.js";
import { elementLabels } from "./labels.js";

/** How a node is drawn. */
export type NodeKind = "placeholder" | "variable" | "constant" | "op";
/** Which builder created a node: the spec itself, gradients(), or hessian(). */
export type NodePart = "forward" | "gradients" | "hessian";

/** One node to draw. */
export interface ViewNode {
  /** Identifier in the output: `n` + the graph node id. */
  id: string;
  name: string;
  /** Further spec names of the same graph node (hash-consing can merge spec nodes). */
  aliases: string[];
  op: string;
  /** e.g. `[3, None]`. */
  shape: string;
  kind: NodeKind;
  part: NodePart;
  /** Cluster id, or "" for top level (the forward graph). */
  group: string;
}

/** A cluster of nodes; `parent` nests it in another. */
export interface ViewGroup {
  id: string;
  label: string;
  part: Exclude<NodePart, "forward">;
  parent?: string;
}

/** A drawable graph: nodes in creation order, edges input → node, clusters and comment lines. */
export interface GraphView {
  title: string;
  nodes: ViewNode[];
  edges: { from: string; to: string }[];
  groups: ViewGroup[];
  comments: string[];
}

/** Options of graphView. */
export interface GraphViewOptions {
  /** Also build and show gradients() and the row-by-row hessian() nodes of the spec's outputs. */
  gradients?: boolean;
  /** With more Hessian rows than this, only row 0's subgraph is built and shown (default 12). */
  maxRows?: number;
  /** With more edges than this, fewer Hessian rows are shown (row 0 always is); e.g. Mermaid's default limit of 500. */
  maxEdges?: number;
  /** Name of the edge limit for the comment, e.g. "Mermaid's default maxEdges". */
  edgeLimitName?: string;
  /** Where the spec came from, for the header comment. */
  source?: string;
}

/** Collects the nodes (and with `gradients`, builds the gradient and Hessian nodes) of a loaded spec. */
export function graphView(spec: LoadedSpec, options: GraphViewOptions = {}): GraphView {
  const graph = spec.graph;
  const groupOf = new Map<number, { group: string; part: NodePart }>();
  const groups: ViewGroup[] = [];
  const comments: string[] = [];
  const mark = (from: number, group: string, part: NodePart) => {
    for (let id = from; id < graph.nodes.length; id++) if (!groupOf.has(id)) groupOf.set(id, { group, part });
  };
  mark(0, "", "forward");
  let cutoff = Infinity;
  const forward = graph.nodes.length;
  const counts: string[] = [`${forward} graph nodes from ${spec.doc.nodes.length} spec nodes`];

  if (options.gradients) {
    const o = spec.doc.outputs;
    const req = spec.gradients
      ? { ys: spec.gradients.ys, xs: spec.gradients.xs, yNames: list(o.gradients!.ys), xNames: o.gradients!.xs }
      : spec.hessian ? { ys: [spec.hessian.ys], xs: spec.hessian.xs, yNames: [o.hessian!.ys], xNames: o.hessian!.xs } : undefined;
    if (req) {
      const start = graph.nodes.length;
      gradients(req.ys, req.xs, { unconnected: "zero" });
      mark(start, "gradients", "gradients");
      groups.push({ id: "gradients", part: "gradients", label: `gradients(): ∂${req.yNames.length === 1 ? req.yNames[0] : `(${req.yNames.join(" + ")})`}/∂(${req.xNames.join(", ")})` });
      counts.push(`${graph.nodes.length - start} added by gradients()`);
    }
    if (spec.hessian) {
      const { ys, xs } = spec.hessian;
      const yName = o.hessian!.ys, xNames = o.hessian!.xs;
      const layout = flatLayout(xs);
      const n = layout.reduce((s, e) => s + e.size, 0);
      const maxRows = options.maxRows ?? 12;
      const labels = elementLabels(layout.map((e, i) => ({ ...e, name: xNames[i] })));
      const start = graph.nodes.length;
      groups.push({ id: "hessian", part: "hessian", label: `hessian(): the ${n}×${n} Hessian of ${yName}, row by row` });
      // The same calls as hessian() in src/autodiff/hessian.ts, one row at a time so each row gets its cluster.
      const flatGrads = flatten(gradients(ys, xs, { unconnected: "zero" }) as Node[]);
      mark(start, "hessian", "hessian");
      const maxEdges = options.maxEdges ?? Infinity;
      let shown = 0;
      for (let i = 0; i < (n <= maxRows ? n : Math.min(n, 1)); i++) {
        const rowStart = graph.nodes.length;
        const dgi = gradients(slice(flatGrads, [i], [1]), xs, { unconnected: "zero" }) as Node[];
        reshape(flatten(dgi), [1, n]);
        // Keep within the edge budget (counting the final concat's n edges with the last row); row 0 always shows.
        if (i > 0 && edgeCount(graph.nodes) + (i === n - 1 ? n : 0) > maxEdges) {
          cutoff = rowStart;
          break;
        }
        const id = `hessian_row_${i}`;
        mark(rowStart, id, "hessian");
        groups.push({ id, part: "hessian", parent: "hessian", label: `row ${i}: ∂/∂θ of ∂${yName}/∂${labels[i]} (${graph.nodes.length - rowStart} new nodes)` });
        shown++;
      }
      if (shown === n) {
        // hessian() itself: its rows are the ones above (hash-consed), so it only adds the final concat.
        const before = graph.nodes.length;
        hessian(ys, xs);
        mark(before, "hessian", "hessian");
      } else {
        const why = n > maxRows ? `more than ${maxRows}` : `too many edges for ${options.edgeLimitName ?? "the drawing"} (limit ${maxEdges})`;
        comments.push(`the Hessian has n = ${n} rows, ${why}: only the gradient graph and the subgraph${shown > 1 ? `s of rows 0..${shown - 1}` : " of row 0"} are shown;`);
        comments.push(`rows ${shown}..${n - 1} (each a similar gradient-of-a-gradient subgraph) and the final concat of the rows are omitted`);
      }
      counts.push(`${Math.min(cutoff, graph.nodes.length) - start} added by hessian()${shown === n ? "" : ` (${shown > 1 ? `rows 0..${shown - 1}` : "row 0"} only)`}`);
    }
  }

  // Spec names per graph node (a node may carry several after hash-consing).
  const specNames = new Map<Node, string[]>();
  for (const [name, node] of spec.nodes) {
    const l = specNames.get(node);
    if (l) l.push(name);
    else specNames.set(node, [name]);
  }
  const visible = graph.nodes.slice(0, Math.min(cutoff, graph.nodes.length));
  const nodes: ViewNode[] = visible.map((node) => {
    const { group, part } = groupOf.get(node.id)!;
    const aliases = (specNames.get(node) ?? []).filter((a) => a !== node.name);
    const kind: NodeKind = node.op === "placeholder" || node.op === "variable" || node.op === "constant" ? node.op : "op";
    return { id: `n${node.id}`, name: node.name, aliases, op: node.op, shape: formatShape(node.shape), kind, part, group };
  });
  const edges = visible.flatMap((node) => node.inputs.map((x) => ({ from: `n${x.id}`, to: `n${node.id}` })));
  if (edges.length > (options.maxEdges ?? Infinity)) {
    comments.push(`this drawing has ${edges.length} edges, more than ${options.edgeLimitName ?? "the edge limit"} (${options.maxEdges}): raise the limit in the renderer or use Graphviz`);
  }
  comments.unshift(
    `hessflow graph of spec '${escapeControl(spec.doc.name)}'${options.source ? ` (${escapeControl(options.source)})` : ""}: ${counts.join(", ")}`,
    "placeholders: blue; variables (what we differentiate with respect to): yellow, bold; constants: grey; ops: plain",
    ...(options.gradients ? ["nodes built by gradients(): dashed red, in their own cluster; by hessian(): dashed purple, one sub-cluster per row"] : []),
  );
  return { title: escapeControl(spec.doc.name), nodes, edges, groups, comments };
}

/** Mermaid refuses to render flowcharts with more edges than this (its default `maxEdges`). */
export const MERMAID_MAX_EDGES = 500;

function edgeCount(nodes: readonly Node[]): number {
  let e = 0;
  for (const n of nodes) e += n.inputs.length;
  return e;
}

function list(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

/** `name\nop shape` lines of a node's label (aliases after the name). */
function labelLines(n: ViewNode): [string, string] {
  return [n.aliases.length ? `${n.name} = ${n.aliases.join(" = ")}` : n.name, `${n.op} ${n.shape}`];
}

const COLORS = { gradients: "#dc2626", hessian: "#7c3aed" } as const;

/** Escapes text for a double-quoted DOT string. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/** Graphviz DOT text of a view. */
export function toDot(view: GraphView): string {
  const out: string[] = [`digraph ${dotString(view.title)} {`];
  for (const c of view.comments) out.push(`  // ${c.replace(/\r?\n/g, " ")}`);
  out.push(
    `  graph [rankdir=TB, fontname="Helvetica", fontsize=11, label=${dotString(`hessflow: ${view.title}`)}, labelloc=t];`,
    `  node [fontname="Helvetica", fontsize=10];`,
    `  edge [color="#6b7280", arrowsize=0.7];`,
  );
  const nodeLine = (n: ViewNode, indent: string) => {
    const [a, b] = labelLines(n);
    const label = `${dotString(a).slice(0, -1)}\\n${dotString(b).slice(1)}`;
    const attrs = [`label=${label}`, ...dotStyle(n)];
    return `${indent}${n.id} [${attrs.join(", ")}];`;
  };
  const byGroup = groupNodes(view);
  for (const n of byGroup.get("") ?? []) out.push(nodeLine(n, "  "));
  const emitGroup = (g: ViewGroup, indent: string) => {
    const color = COLORS[g.part];
    out.push(`${indent}subgraph ${dotString(`cluster_${g.id}`)} {`);
    out.push(`${indent}  label=${dotString(g.label)}; style=dashed; color=${dotString(color)}; fontcolor=${dotString(color)};`);
    for (const n of byGroup.get(g.id) ?? []) out.push(nodeLine(n, indent + "  "));
    for (const child of view.groups.filter((c) => c.parent === g.id)) emitGroup(child, indent + "  ");
    out.push(`${indent}}`);
  };
  for (const g of view.groups.filter((g) => g.parent === undefined)) emitGroup(g, "  ");
  const part = new Map(view.nodes.map((n) => [n.id, n.part]));
  for (const e of view.edges) {
    const p = part.get(e.to)!;
    out.push(`  ${e.from} -> ${e.to}${p === "forward" ? "" : ` [style=dashed, color=${dotString(COLORS[p])}]`};`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function dotStyle(n: ViewNode): string[] {
  const derived = n.part !== "forward";
  const line = derived ? [`color=${dotString(COLORS[n.part as "gradients" | "hessian"])}`] : [];
  switch (n.kind) {
    case "placeholder": return ["shape=box", `style="rounded,filled"`, `fillcolor="#dbeafe"`, `color="#1d4ed8"`];
    case "variable": return ["shape=box", `style="filled,bold"`, `fillcolor="#fde68a"`, `color="#b45309"`, "penwidth=2"];
    case "constant": return ["shape=box", `style=${derived ? `"filled,dashed"` : "filled"}`, `fillcolor="#f3f4f6"`, `fontcolor="#4b5563"`, ...(derived ? line : [`color="#9ca3af"`])];
    default: return ["shape=ellipse", ...(derived ? ["style=dashed", ...line] : [])];
  }
}

/** Escapes text for a double-quoted Mermaid label (Mermaid entity codes, e.g. #34; for "). */
export function mermaidString(s: string): string {
  return `"${s.replace(/#/g, "#35;").replace(/"/g, "#34;").replace(/</g, "#60;").replace(/>/g, "#62;").replace(/\r?\n/g, "<br/>")}"`;
}

/** A Mermaid flowchart (`flowchart TD`) of a view. */
export function toMermaid(view: GraphView): string {
  const out: string[] = ["flowchart TD"];
  for (const c of view.comments) out.push(`  %% ${c.replace(/\r?\n/g, " ")}`);
  const nodeLine = (n: ViewNode, indent: string) => {
    const [a, b] = labelLines(n);
    const text = `${mermaidString(a).slice(0, -1)}<br/>${mermaidString(b).slice(1)}`;
    const [open, close] = n.kind === "placeholder" ? ["([", "])"] : n.kind === "variable" ? ["[(", ")]"] : n.kind === "constant" ? ["(", ")"] : ["[", "]"];
    return `${indent}${n.id}${open}${text}${close}`;
  };
  const byGroup = groupNodes(view);
  for (const n of byGroup.get("") ?? []) out.push(nodeLine(n, "  "));
  const emitGroup = (g: ViewGroup, indent: string) => {
    out.push(`${indent}subgraph ${g.id} [${mermaidString(g.label)}]`);
    for (const n of byGroup.get(g.id) ?? []) out.push(nodeLine(n, indent + "  "));
    for (const child of view.groups.filter((c) => c.parent === g.id)) emitGroup(child, indent + "  ");
    out.push(`${indent}end`);
  };
  for (const g of view.groups.filter((g) => g.parent === undefined)) emitGroup(g, "  ");
  const part = new Map(view.nodes.map((n) => [n.id, n.part]));
  for (const e of view.edges) out.push(`  ${e.from} ${part.get(e.to) === "forward" ? "-->" : "-.->"} ${e.to}`);
  out.push(
    "  classDef placeholder fill:#dbeafe,stroke:#1d4ed8,color:#1e3a8a;",
    "  classDef variable fill:#fde68a,stroke:#b45309,stroke-width:3px,color:#451a03;",
    "  classDef constant fill:#f3f4f6,stroke:#9ca3af,color:#4b5563;",
    "  classDef op fill:#ffffff,stroke:#374151;",
    `  classDef gradients fill:#ffffff,stroke:${COLORS.gradients},stroke-dasharray:5 5;`,
    `  classDef gradientsconst fill:#f3f4f6,stroke:${COLORS.gradients},stroke-dasharray:5 5,color:#4b5563;`,
    `  classDef hessian fill:#ffffff,stroke:${COLORS.hessian},stroke-dasharray:5 5;`,
    `  classDef hessianconst fill:#f3f4f6,stroke:${COLORS.hessian},stroke-dasharray:5 5,color:#4b5563;`,
  );
  const classes = new Map<string, string[]>();
  for (const n of view.nodes) {
    const c = n.part === "forward" ? n.kind : n.kind === "constant" ? `${n.part}const` : n.part;
    const l = classes.get(c);
    if (l) l.push(n.id);
    else classes.set(c, [n.id]);
  }
  for (const [c, ids] of classes) out.push(`  class ${ids.join(",")} ${c};`);
  for (const g of view.groups) out.push(`  style ${g.id} fill:none,stroke:${COLORS[g.part]},stroke-dasharray:5 5`);
  return out.join("\n") + "\n";
}

function groupNodes(view: GraphView): Map<string, ViewNode[]> {
  const m = new Map<string, ViewNode[]>();
  for (const n of view.nodes) {
    const l = m.get(n.group);
    if (l) l.push(n);
    else m.set(n.group, [n]);
  }
  return m;
}
