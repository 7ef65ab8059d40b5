// `hessflow graph`: DOT and Mermaid text of a spec's graph, optionally with the gradient and Hessian nodes.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dotString, graphView, MERMAID_MAX_EDGES, mermaidString, toDot, toMermaid } from "../src/report/graph-text.js";
import { loadSpec, type LoadedSpec } from "../src/spec/load.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEED = join(ROOT, "graph-specs/seed-two-layer-linear.json");
const load = (file = SEED): LoadedSpec => loadSpec(JSON.parse(readFileSync(file, "utf8")));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/hessflow.mjs"), ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const hasDot = spawnSync("dot", ["-V"]).status === 0;

/** Spec names with their graph id and expected label, and the spec's edges as id pairs. */
function seedGraph(spec: LoadedSpec) {
  const nodes = spec.doc.nodes.map((n) => {
    const node = spec.nodes.get(n.name)!;
    return { id: `n${node.id}`, label: [n.name, `${node.op} [${node.shape.map((d) => d ?? "None").join(", ")}]`] };
  });
  const edges = spec.doc.nodes.flatMap((n) => (n.inputs ?? []).map((i) => [`n${spec.nodes.get(i)!.id}`, `n${spec.nodes.get(n.name)!.id}`]));
  return { nodes, edges };
}

/** Node ids declared in DOT text (lines `nK [label=...]`) and edges (`nA -> nB`). */
function parseDot(text: string) {
  const declared = [...text.matchAll(/^\s*(n\d+) \[label="/gm)].map((m) => m[1]);
  const edges = [...text.matchAll(/^\s*(n\d+) -> (n\d+)/gm)].map((m) => [m[1], m[2]]);
  return { declared, edges };
}

/** Node ids declared in Mermaid text and edges (`nA --> nB` or `nA -.-> nB`). */
function parseMermaid(text: string) {
  const declared = [...text.matchAll(/^\s*(n\d+)(\(\[|\[\(|\(|\[)"/gm)].map((m) => m[1]);
  const edges = [...text.matchAll(/^\s*(n\d+) (?:-->|-\.->) (n\d+)$/gm)].map((m) => [m[1], m[2]]);
  return { declared, edges };
}

describe("DOT", () => {
  const spec = load();
  const text = toDot(graphView(spec));
  const { nodes, edges } = seedGraph(spec);

  it("is one digraph with every node (quoted `name\\nop shape` labels) and every edge of the seed", () => {
    expect(text.startsWith('digraph "seed" {\n')).toBe(true);
    expect(text.trimEnd().endsWith("}")).toBe(true);
    expect(text.split("{").length).toBe(text.split("}").length);
    for (const n of nodes) expect(text).toContain(`  ${n.id} [label="${n.label[0]}\\n${n.label[1]}"`);
    expect(text).toContain('n0 [label="X\\nplaceholder [3, None]"');
    const parsed = parseDot(text);
    expect(parsed.declared).toHaveLength(14);
    expect(parsed.edges).toEqual(expect.arrayContaining(edges));
    expect(parsed.edges).toHaveLength(edges.length);
  });

  it("styles placeholders, variables and constants differently, variables highlighted", () => {
    const line = (name: string) => text.split("\n").find((l) => l.includes(`label="${name}\\n`))!;
    expect(line("w1")).toMatch(/style="filled,bold".*penwidth=2/);
    expect(line("X")).toMatch(/fillcolor="#dbeafe"/);
    expect(line("two")).toMatch(/fillcolor="#f3f4f6"/);
    expect(line("L")).toMatch(/shape=ellipse/);
  });

  it("escapes quotes, backslashes and newlines in strings", () => {
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it.skipIf(!hasDot)("parses with Graphviz (with and without --gradients)", () => {
    for (const t of [text, toDot(graphView(load(), { gradients: true }))]) {
      const r = spawnSync("dot", ["-Tsvg"], { input: t, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
  });
});

describe("Mermaid", () => {
  const spec = load();
  const text = toMermaid(graphView(spec));
  const { nodes, edges } = seedGraph(spec);

  it("is a flowchart TD with every node and edge of the seed, labels quoted", () => {
    expect(text.startsWith("flowchart TD\n")).toBe(true);
    for (const n of nodes) expect(text).toMatch(new RegExp(`^  ${n.id}[(\\[]+"${n.label[0]}<br/>${n.label[1].replace(/[[\]]/g, "\\$&")}"[)\\]]+$`, "m"));
    const parsed = parseMermaid(text);
    expect(parsed.declared).toHaveLength(14);
    expect(parsed.edges).toEqual(expect.arrayContaining(edges));
    expect(parsed.edges).toHaveLength(edges.length);
  });

  it("gives placeholders, variables and constants their own classes and shapes", () => {
    expect(text).toContain('n0(["X<br/>placeholder [3, None]"])');
    expect(text).toContain('n2[("w1<br/>variable [2, 3]")]');
    expect(text).toContain('n12("two<br/>constant []")');
    expect(text).toMatch(/^ {2}classDef variable .*stroke-width:3px/m);
    expect(text).toContain("  class n2,n3,n6,n7 variable;");
    expect(text).toContain("  class n0,n1 placeholder;");
  });

  it("escapes quotes and markup with Mermaid entity codes", () => {
    expect(mermaidString('a"b<c>#d')).toBe('"a#34;b#60;c#62;#35;d"');
  });
});

describe("--gradients", () => {
  it("adds the gradient nodes and all eleven Hessian rows of the seed, in their own clusters", () => {
    const view = graphView(load(), { gradients: true });
    const text = toDot(view);
    expect(view.nodes.filter((n) => n.part === "forward")).toHaveLength(14);
    expect(view.nodes.filter((n) => n.part === "gradients").length).toBeGreaterThan(10);
    expect(text).toContain('subgraph "cluster_gradients" {');
    for (let i = 0; i < 11; i++) expect(text).toContain(`subgraph "cluster_hessian_row_${i}" {`);
    expect(view.groups.find((g) => g.id === "hessian_row_0")!.label).toMatch(/^row 0: ∂\/∂θ of ∂L\/∂w1\[0,0\]/);
    // hessian() reuses the rows (hash-consing) and adds only the final concat, an 11×11 node.
    const top = view.nodes.filter((n) => n.group === "hessian");
    expect(top[top.length - 1]).toMatchObject({ op: "concat", shape: "[11, 11]" });
    expect(top.filter((n) => n.op === "concat" && n.shape === "[11, 11]")).toHaveLength(1);
    // Derived nodes are dashed, derived edges too; every edge joins declared nodes.
    const gradLine = text.split("\n").find((l) => l.includes(`${view.nodes.find((n) => n.part === "gradients" && n.kind === "op")!.id} [label=`))!;
    expect(gradLine).toMatch(/style=dashed, color="#dc2626"/);
    const { declared, edges } = parseDot(text);
    expect(declared).toHaveLength(view.nodes.length);
    const ids = new Set(declared);
    for (const [a, b] of edges) expect(ids.has(a) && ids.has(b)).toBe(true);
    expect(text).toMatch(/-> n\d+ \[style=dashed, color="#7c3aed"\];/);
  });

  it("shows only the gradient graph and row 0 for a big Hessian, and says so", () => {
    const view = graphView(load(join(ROOT, "graph-specs/tanh-3layer.json")), { gradients: true });
    expect(view.groups.map((g) => g.id)).toEqual(["gradients", "hessian", "hessian_row_0"]);
    const text = toMermaid(view);
    expect(text).toContain("  %% the Hessian has n = 47 rows, more than 12: only the gradient graph and the subgraph of row 0 are shown;");
    expect(text).toMatch(/subgraph hessian_row_0 \["row 0: /);
    const { declared, edges } = parseMermaid(text);
    const ids = new Set(declared);
    for (const [a, b] of edges) expect(ids.has(a) && ids.has(b)).toBe(true);
  });

  it("keeps Mermaid output within Mermaid's edge limit by dropping later rows", () => {
    const text = toMermaid(graphView(load(), { gradients: true, maxEdges: MERMAID_MAX_EDGES, edgeLimitName: "Mermaid's default maxEdges" }));
    const { declared, edges } = parseMermaid(text);
    expect(edges.length).toBeLessThanOrEqual(MERMAID_MAX_EDGES);
    expect(text).toMatch(/%% the Hessian has n = 11 rows, too many edges for Mermaid's default maxEdges \(limit 500\): only the gradient graph and the subgraphs of rows 0\.\.\d+ are shown;/);
    const ids = new Set(declared);
    for (const [a, b] of edges) expect(ids.has(a) && ids.has(b)).toBe(true);
    expect(text).toMatch(/^ {2}class [n\d,]+ gradients;$/m);
    expect(text).toMatch(/^ {2}style gradients fill:none,stroke:#dc2626,stroke-dasharray:5 5$/m);
  });
});

describe("hessflow graph (CLI)", () => {
  it("prints DOT or Mermaid", () => {
    const dot = cli("graph", SEED, "--dot");
    expect(dot.code).toBe(0);
    expect(dot.stdout).toBe(toDot(graphView(load(), { source: SEED })));
    const mm = cli("graph", "--mermaid", "--gradients", SEED);
    expect(mm.code).toBe(0);
    expect(mm.stdout.startsWith("flowchart TD\n")).toBe(true);
    expect(parseMermaid(mm.stdout).edges.length).toBeLessThanOrEqual(MERMAID_MAX_EDGES);
  });

  it("needs exactly one of --dot and --mermaid (usage error: the user's mistake, exit 1)", () => {
    const none = cli("graph", SEED);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("hessflow: graph needs exactly one of --dot or --mermaid\n");
    expect(cli("graph", SEED, "--dot", "--mermaid").code).toBe(1);
    expect(cli("graph", "--dot").code).toBe(1);
  });
});
