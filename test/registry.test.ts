// One source of truth per op, and layers with one direction: the generated schema is current, src/ has no
// import cycle, every compiled module loads on its own, and what specs and expr know comes from the registry.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Graph, loadSpec, maximum, reduceMax, runSpec, Session, toNested } from "../src/index.js";
import { PUBLIC_OPS } from "../src/ops/registry.js";
import { checkSpec } from "../src/spec/check.js";
import { schemaText } from "../src/spec/schema-gen.js";
import { ensureDist, ROOT } from "./dist.js";

/** Files under `dir` (recursively) whose names end with `ext`. */
function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : e.name.endsWith(ext) ? [p] : [];
  });
}

describe("the JSON Schema is generated from the registry", () => {
  it("the committed schema/hessflow.graph-1.schema.json is what src/spec/schema-gen.ts generates (run `npm run build` after changing an op)", () => {
    expect(readFileSync(join(ROOT, "schema", "hessflow.graph-1.schema.json"), "utf8")).toBe(schemaText());
  });

  it("has one branch per public op, titled by the op and selected by its `op` constant", () => {
    const s = JSON.parse(schemaText());
    const branches = s.$defs.opNode.oneOf.map((b: { $ref: string }) => s.$defs[b.$ref.split("/").pop()!]);
    expect(branches.map((b: { properties: { op: { const: string } } }) => b.properties.op.const)).toEqual(["placeholder", "variable", "constant", ...Object.keys(PUBLIC_OPS)]);
    for (const b of branches.slice(3)) expect(b.title).toBe(b.properties.op.const);
  });
});

/**
 * Value imports between src/ files: `import ... from "./x.js"`, `export ... from`, `import "./x.js"`. Type-only
 * imports (`import type`, or braces holding only `type X` specifiers) are left out: TypeScript erases them, so
 * they cannot make a cycle at run time (types may refer to each other freely).
 */
function valueImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^"';]*?)\s*(?:from\s+)?"(\.{1,2}\/[^"]+)"/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [, , typeOnly, clause, spec] = m;
    if (typeOnly) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause.trim());
    if (braces && braces[1].split(",").map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith("type "))) continue;
    out.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
  }
  return out;
}

describe("layers with one direction", () => {
  it("src/ has no import cycle (value imports; type-only imports are erased at run time)", () => {
    const src = join(ROOT, "src");
    const graph = new Map(files(src, ".ts").map((f) => [f, valueImports(f)]));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(src, p)).join(" → "));
        return;
      }
      state.set(f, "open");
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, "done");
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("no op file imports the graph, autodiff, session or spec layers at run time", () => {
    const ops = join(ROOT, "src", "ops");
    for (const f of files(ops, ".ts")) {
      const bad = valueImports(f).map((d) => relative(join(ROOT, "src"), d)).filter((d) => /^(graph\/(graph|builders)|autodiff|session|spec)\b/.test(d));
      expect(bad, relative(ROOT, f)).toEqual([]);
    }
  });

  describe("every dist/ module loads on its own in a fresh process", () => {
    beforeAll(() => ensureDist(), 120_000);

    /** Imports one module in a new node process (the worker entry inside a worker thread, where it runs); resolves to stderr, "" when it loaded. */
    const load = (file: string) => new Promise<string>((done) => {
      const worker = file.endsWith(join("session", "hessian-worker.js"));
      const code = worker
        ? "const { Worker } = require('node:worker_threads'); const w = new Worker(`import(process.env.HF_MODULE).then(() => require('node:worker_threads').parentPort.postMessage('ok'))`, { eval: true }); w.on('message', () => w.terminate()); w.on('error', (e) => { console.error(String(e)); process.exitCode = 1; });"
        : "await import(process.env.HF_MODULE)";
      const child = spawn(process.execPath, worker ? ["-e", code] : ["--input-type=module", "-e", code], { env: { ...process.env, HF_MODULE: pathToFileURL(file).href } });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (status) => done(status === 0 ? "" : err || `exit ${status}`));
    });

    it("imports each module without error (e.g. dist/ops/matmul.js alone)", async () => {
      const modules = files(join(ROOT, "dist"), ".js");
      expect(modules.length).toBeGreaterThan(50);
      const failures: string[] = [];
      for (let i = 0; i < modules.length; i += 8) {
        const batch = modules.slice(i, i + 8);
        const errs = await Promise.all(batch.map(load));
        errs.forEach((e, k) => e && failures.push(`${relative(ROOT, batch[k])}: ${e.split("\n").find((l) => /Error/.test(l)) ?? e}`));
      }
      expect(failures).toEqual([]);
    }, 60_000);
  });
});

describe("specs and expr know what the registry declares", () => {
  const doc = (nodes: object[], fetch: string[]) => ({ format: "hessflow.graph/1", name: "t", nodes, outputs: { fetch } });
  const vars = [
    { name: "a", op: "variable", value: [[1, -2, 3], [0.5, 4, -1]] },
    { name: "b", op: "variable", value: [0, 2, 2] },
  ];

  it("reduce_max and maximum as op nodes and in expr give the API's values", async () => {
    const spec = loadSpec(doc([
      ...vars,
      { name: "m", op: "maximum", inputs: ["a", "b"] },
      { name: "r", op: "reduce_max", inputs: ["m"], attrs: { axis: 1, keepdims: true } },
      { name: "e", expr: "reduce_max(maximum(a, b), 0) + reduce_max(a)" },
    ], ["m", "r", "e"]));
    const r = await runSpec(spec);
    const g = new Graph();
    const a = g.variable(vars[0].value as number[][]), b = g.variable(vars[1].value as number[]);
    const s = new Session(g);
    const m = maximum(a, b);
    expect(r.fetch.map((f) => toNested(f.value))).toEqual([
      toNested(s.run(m)), toNested(s.run(reduceMax(m, 1, true))), toNested(s.run(reduceMax(m, 0))).map((v) => (v as number) + 4),
    ]);
  });

  it("expr suggests registry names and refuses ops whose attributes it cannot give", () => {
    const problems = checkSpec(doc([...vars, { name: "e", expr: "reduce_mux(a) + reshape(b)" }], ["e"]) as never).problems.map((p) => p.message);
    expect(problems).toEqual(["unknown function 'reduce_mux' in expr (did you mean 'reduce_max'?)", "reshape cannot be used in expr (it needs attributes); use an op node"]);
  });
});
