// `hessflow validate`: every problem at once, with JSON paths and node names; exit codes; --json.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { validateFile } from "../src/cli/validate.js";
import { checkSpec, semanticProblems } from "../src/spec/check.js";
import type { SpecDoc } from "../src/spec/load.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SPECS = join(ROOT, "graph-specs");
const SEED = join(SPECS, "seed-two-layer-linear.json");
const seed = (): SpecDoc => JSON.parse(readFileSync(SEED, "utf8")) as SpecDoc;
const dir = mkdtempSync(join(tmpdir(), "hessflow-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, doc: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return path;
};
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/hessflow.mjs"), ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The seed with ten semantic problems of every kind the name-level checks find. */
function manyProblems(): SpecDoc {
  const d = seed();
  d.nodes[4].inputs = ["w1", "Xx"];
  d.nodes.push({ name: "h1", op: "identity", inputs: ["z1"] });
  d.nodes.push({ name: "p", expr: "matmul(q, w1) + bogus" });
  d.nodes.push({ name: "q", op: "tanh", inputs: ["p"] });
  d.nodes.push({ name: "Z", op: "placeholder", shape: [2] });
  d.feed!.w1 = [[1]];
  d.feed!.Q = 3;
  d.feed!.Y = [[1, 2], [3, 4]];
  d.outputs.fetch = ["L", "loss"];
  d.outputs.hessian!.xs = ["w1", "b3"];
  return d;
}

describe("semanticProblems", () => {
  it("reports every name-level problem at once, each with its path and node", () => {
    expect(semanticProblems(manyProblems())).toEqual([
      { path: "$.nodes[14].name", node: "h1", message: "duplicate node name 'h1' (first defined at $.nodes[5])" },
      { path: "$.nodes[4].inputs[1]", node: "z1", message: "unknown input 'Xx' (did you mean 'X'?)" },
      { path: "$.nodes[15].expr", node: "p", message: "unknown name 'bogus' in expr" },
      { path: "$.nodes[15]", node: "p", message: "cycle p → q → p" },
      { path: "$.feed.Y", node: "Y", message: "shape [2, 2] does not match placeholder 'Y' of shape [1, None]" },
      { path: "$.feed.w1", node: "w1", message: "'w1' is a variable, only placeholders can be fed" },
      { path: "$.feed.Q", node: "Q", message: "unknown node 'Q'" },
      { path: "$.feed", node: "Z", message: "placeholder 'Z' is not fed" },
      { path: "$.outputs.fetch[1]", node: "loss", message: "unknown node 'loss'" },
      { path: "$.outputs.hessian.xs[1]", node: "b3", message: "unknown node 'b3' (did you mean 'b1'?)" },
    ]);
  });

  it("reports each cycle once, including a node that uses itself", () => {
    const d = seed();
    d.nodes[5].inputs = ["z1", "h2"]; // h1 → z2 → h2 → h1
    d.nodes.push({ name: "s", expr: "s * 2" });
    expect(semanticProblems(d)).toEqual([
      { path: "$.nodes[5]", node: "h1", message: "cycle h1 → h2 → z2 → h1" },
      { path: "$.nodes[14]", node: "s", message: "cycle s → s" },
    ]);
  });

  it("checks expressions: parse errors, unknown functions, argument counts, ops that need attributes", () => {
    const d = seed();
    d.nodes.push({ name: "e1", expr: "matmull(w1, X) + tanh(b1, b1)" });
    d.nodes.push({ name: "e2", expr: "reshape(b1)" });
    d.nodes.push({ name: "e3", expr: "w1 +* 2" });
    expect(semanticProblems(d)).toEqual([
      { path: "$.nodes[14].expr", node: "e1", message: "unknown function 'matmull' in expr (did you mean 'matmul'?)" },
      { path: "$.nodes[14].expr", node: "e1", message: "tanh takes 1 argument in expr, got 2" },
      { path: "$.nodes[15].expr", node: "e2", message: "reshape cannot be used in expr (it needs attributes); use an op node" },
      { path: "$.nodes[16].expr", node: "e3", message: 'cannot parse expr "w1 +* 2": Value expected (char 5)' },
    ]);
  });

  it("checks literal values and feeds for ragged arrays", () => {
    const d = seed();
    d.nodes[2].value = [[1, 2, 3], [4, 5]];
    d.feed!.X = [[1, 2], [3]];
    const problems = semanticProblems(d);
    expect(problems.map((p) => [p.path, p.node])).toEqual([["$.nodes[2].value", "w1"], ["$.feed.X", "X"]]);
  });

  it("when the names are right, reports the shape error that stops the build, at the node", () => {
    const d = seed();
    d.nodes[4].inputs = ["X", "w1"]; // z1 = X·w1: [3, None]·[2, 3] → [3, 3], which h1 cannot add to b1 [2, 1]
    expect(semanticProblems(d)).toEqual([{ path: "$.nodes[5]", node: "h1", message: "shapes [3, 3] and [2, 1] cannot be broadcast together" }]);
  });

  it("points shape errors inside expressions at the expr", () => {
    const d = seed();
    d.nodes = d.nodes.filter((n) => n.name !== "z1" && n.name !== "h1");
    d.nodes.push({ name: "h1", expr: "matmul(w1, w2) + b1" });
    expect(semanticProblems(d)).toEqual([
      { path: "$.nodes[12].expr", node: "h1", message: expect.stringMatching(/^in matmul\(\.\.\.\): .*\[2, 3\].*\[1, 2\]/) },
    ]);
  });

  it("accepts a non-scalar Hessian ys (the Hessian of its sum, as tf.hessians) and gradients w.r.t. a placeholder of unknown dims", () => {
    const d = seed();
    d.outputs.hessian!.ys = "sq";
    d.outputs.gradients!.xs = ["X", "w1"];
    expect(semanticProblems(d)).toEqual([]);
  });

  it("reports Hessian xs of unknown dims at their output path", () => {
    const d = seed();
    d.outputs.hessian!.xs = ["w1", "X"];
    expect(semanticProblems(d)).toEqual([{ path: "$.outputs.hessian.xs[1]", node: "X", message: "hessian: 'X' has unknown dims [3, None]; the Hessian's size must be known when the graph is built (use variables or fixed-shape nodes as xs)" }]);
  });

  it("returns the built spec when there are no problems", () => {
    const r = checkSpec(seed());
    expect(r.problems).toEqual([]);
    expect(r.loaded!.graph.nodes.length).toBe(14);
  });
});

describe("validateFile", () => {
  it("accepts every spec in graph-specs/ and counts nodes and parameters", () => {
    for (const f of readdirSync(SPECS).filter((f) => f.endsWith(".json"))) {
      const r = validateFile(join(SPECS, f));
      expect(r.problems, f).toEqual([]);
      expect(r.valid).toBe(true);
    }
    expect(validateFile(SEED)).toEqual({ valid: true, problems: [], nodes: 14, parameters: 11 });
  });

  it("reports all schema problems first, and no semantic ones then", () => {
    const d = manyProblems() as unknown as { nodes: Record<string, unknown>[]; outputs: Record<string, unknown> };
    d.nodes[2].op = "varible";
    delete d.nodes[5].inputs;
    d.outputs.fetch = "L";
    const r = validateFile(write("schema.json", d));
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => [p.path, p.node])).toEqual([["$.nodes[2].op", "w1"], ["$.nodes[5]", "h1"], ["$.outputs.fetch", undefined]]);
  });

  it("reports broken JSON and unreadable files as one problem at $", () => {
    const broken = validateFile(write("broken.json", '{"format": "hessflow.graph/1", "nodes": ['));
    expect(broken.valid).toBe(false);
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0].path).toBe("$");
    expect(broken.problems[0].message).toMatch(/broken\.json:1:42: invalid JSON: expected a value, got the end of the text$/);
    expect(validateFile(join(dir, "missing.json")).problems).toEqual([{ path: "$", message: expect.stringMatching(/^cannot read .*missing\.json: no such file$/) }]);
  });
});

describe("hessflow validate (CLI)", () => {
  it("prints ok with sizes and exits 0 for a valid spec", () => {
    const r = cli("validate", SEED);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: ${SEED} (14 nodes, 11 parameters)\n`);
  });

  it("prints one line per problem and exits 1", () => {
    const r = cli("validate", write("many.json", manyProblems()));
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("$.nodes[14].name (node 'h1'): duplicate node name 'h1' (first defined at $.nodes[5])");
    expect(lines[7]).toBe("$.feed (node 'Z'): placeholder 'Z' is not fed");
    for (const l of lines) expect(l).toMatch(/^\$\S* \(node '\w+'\): \S/);
  });

  it("--json prints {valid, problems: [{path, node?, message}]}", () => {
    const bad = cli("validate", write("many2.json", manyProblems()), "--json");
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout);
    expect(Object.keys(doc)).toEqual(["valid", "problems"]);
    expect(doc.valid).toBe(false);
    expect(doc.problems).toEqual(semanticProblems(manyProblems()));
    for (const p of doc.problems) expect(Object.keys(p)).toEqual(["path", "node", "message"]);

    const broken = cli("validate", "--json", write("broken2.json", "{"));
    expect(broken.code).toBe(1);
    const b = JSON.parse(broken.stdout);
    expect(b.valid).toBe(false);
    expect(b.problems).toHaveLength(1);
    expect(Object.keys(b.problems[0])).toEqual(["path", "message"]);

    const ok = cli("validate", SEED, "--json");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ valid: true, problems: [] });
  });

  it("exits 1 on bad usage (the user's mistake)", () => {
    expect(cli("validate").code).toBe(1);
    expect(cli("validate", SEED, SEED).code).toBe(1);
    expect(cli("validate", SEED, "--yaml").code).toBe(1);
  });
});
