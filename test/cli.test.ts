// The command line, spawned as users run it (node bin/hessflow.mjs, from dist/), plus bad inputs run
// in-process through main() for speed, and API misuse raising typed errors that name the node.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "./dist.js";
import {
  add, FeedError, Graph, GraphError, gradients, HessflowError, matmul, reduceSum, Session, ShapeError, softmax, square, tensor,
} from "../src/index.js";
import { main } from "../src/cli/main.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "hessflow.mjs");
const SEED_PATH = join(ROOT, "graph-specs", "seed-two-layer-linear.json");
const SEED = JSON.parse(readFileSync(SEED_PATH, "utf8"));
const REF_SEED = JSON.parse(readFileSync(new URL("./fixtures/reference/seed.json", import.meta.url), "utf8"));
const REF_B200 = JSON.parse(readFileSync(new URL("./fixtures/reference/b-200.json", import.meta.url), "utf8"));
const B200_PATH = fileURLToPath(new URL("./fixtures/cases/b-200.json", import.meta.url));

let dir = "";

beforeAll(() => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "hessflow-cli-"));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.HESSFLOW_DEBUG;
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A copy of the seed spec, edited, written to the temp dir; returns its path. */
function specFile(name: string, edit: (doc: any) => void): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const doc = structuredClone(SEED);
  edit(doc);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}
const node = (doc: { nodes: { name: string }[] }, name: string): any => doc.nodes.find((n) => n.name === name); // eslint-disable-line @typescript-eslint/no-explicit-any

/** The contract of every failure: non-zero exit, nothing on stdout, exactly one stderr line, no stack trace. */
function expectOneLineError(r: Run, names: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n"), JSON.stringify(r.stderr)).toBe(true);
  expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).toMatch(names);
}

/** Shape of a nested array (checking it is rectangular). */
function nestedShape(v: unknown): number[] {
  if (!Array.isArray(v)) {
    expect(typeof v).toBe("number");
    return [];
  }
  const inner = v.map(nestedShape);
  for (const s of inner) expect(s).toEqual(inner[0]);
  return [v.length, ...(inner[0] ?? [])];
}
const deepFlat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(deepFlat) : [v as number]);
const maxAbs = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - b[i])));
};

const PRINTED_GRADIENT = [-0.20980657, -5.42853043, 1.58130118, 0.20253104, 5.24028375, -1.52646595, -0.75951313, 0.73317528, -4.41988815, -3.68119392, 0.76095164];
const PRINTED_ROW_10 = [-0.66374288, 0.59637048, -0.25202267, 0.64072608, -0.57568997, 0.24328321, -0.99810959, 0.96349786, -0.64616702, 1.79251289, 1];

describe.concurrent("hessflow run (spawned)", () => {
  it("run prints the tutorial's numbers: loss, gradients, and the b2 row of the Hessian", async () => {
    const r = await cli(["run", "graph-specs/seed-two-layer-linear.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines).toContain("L = 11.48806599");
    // Gradient values: the lines after "Gradients" up to the blank line, without the "d/dx [shape]:" headers.
    const g0 = lines.indexOf("Gradients");
    expect(g0).toBeGreaterThan(0);
    const gradNumbers: number[] = [];
    for (let i = g0 + 1; i < lines.length && lines[i].trim() !== ""; i++) {
      if (lines[i].startsWith("d/d")) continue;
      gradNumbers.push(...lines[i].trim().split(/\s+/).map(Number));
    }
    // 8 printed decimals at the spec's 8-decimal parameters (the tutorial printed them at unrounded ones): within 3e-8.
    expect(maxAbs(gradNumbers, PRINTED_GRADIENT)).toBeLessThan(3e-8);
    const b2 = lines.find((l) => l.startsWith("b2[0,0] |"));
    expect(b2, r.stdout).toBeDefined();
    const row = b2!.slice(b2!.indexOf("|") + 1).replace(/\|/g, " ").trim().split(/\s+/).map(Number);
    expect(maxAbs(row, PRINTED_ROW_10)).toBeLessThan(1e-8);
    expect(b2).toContain("-0.66374288");
    expect(b2).toContain("1.79251289");
    expect(r.stdout).toMatch(/tf\.hessians/);
  }, 60_000);

  it("run --json prints exactly one JSON document with the documented contract", async () => {
    const r = await cli(["run", "--json", "graph-specs/seed-two-layer-linear.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.endsWith("}\n")).toBe(true);
    const doc = JSON.parse(r.stdout); // throws on a second document or any extra text
    expect(doc.name).toBe("seed");
    expect(Object.keys(doc.fetch)).toEqual(["L"]);
    expect(doc.fetch.L).toBeCloseTo(REF_SEED.loss, 12);
    const shapes: Record<string, number[]> = { w1: [2, 3], b1: [2, 1], w2: [1, 2], b2: [1, 1] };
    expect(Object.keys(doc.gradients)).toEqual(Object.keys(shapes));
    for (const [x, s] of Object.entries(shapes)) expect(nestedShape(doc.gradients[x])).toEqual(s);
    expect(maxAbs(Object.values(doc.gradients).flatMap(deepFlat), REF_SEED.gradient_flat)).toBeLessThan(1e-12);
    const h = doc.hessian;
    expect(h.xs).toEqual([
      { name: "w1", shape: [2, 3], offset: 0, size: 6 },
      { name: "b1", shape: [2, 1], offset: 6, size: 2 },
      { name: "w2", shape: [1, 2], offset: 8, size: 2 },
      { name: "b2", shape: [1, 1], offset: 10, size: 1 },
    ]);
    expect(nestedShape(h.exact)).toEqual([11, 11]);
    expect(maxAbs(deepFlat(h.exact), deepFlat(REF_SEED.hessian))).toBeLessThan(1e-12);
    expect(Object.keys(h.tf_hessians)).toEqual(Object.keys(shapes));
    for (const [k, [x, s]] of Object.entries(shapes).entries()) {
      expect(nestedShape(h.tf_hessians[x])).toEqual([...s, ...s]);
      expect(maxAbs(deepFlat(h.tf_hessians[x]), deepFlat(REF_SEED.tf_hessians_flat_blocks[k]))).toBeLessThan(1e-12);
    }
  }, 60_000);

  it("run --json --summary --mode rows: a summary instead of the n×n entries, computed by the row-by-row graph", async () => {
    const r = await cli(["run", "--json", "--summary", "--mode", "rows", SEED_PATH]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const h = JSON.parse(r.stdout).hessian;
    expect(h.exact).toBeUndefined();
    expect(h.tf_hessians).toBeUndefined();
    expect(h.mode).toBe("rows");
    expect(typeof h.ms === "number" && h.ms >= 0).toBe(true);
    expect(h.xs.map((e: { name: string }) => e.name)).toEqual(["w1", "b1", "w2", "b2"]);
    const trace = REF_SEED.hessian.reduce((s: number, row: number[], i: number) => s + row[i], 0);
    expect(h.summary.trace).toBeCloseTo(trace, 12);
    expect(Object.keys(h.summary.rows)).toEqual(["0", "5", "10"]);
    for (const k of ["0", "5", "10"]) expect(maxAbs(h.summary.rows[k], REF_SEED.hessian[Number(k)])).toBeLessThan(1e-12);
  }, 60_000);

  it("worker threads (--workers 2) give the reference numbers on b-200", async () => {
    const r = await cli(["run", "--json", "--summary", "--workers", "2", B200_PATH]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout).hessian.summary;
    const ref = REF_B200.hessian_summary;
    expect(Math.abs(s.trace - ref.trace) / Math.max(1, Math.abs(ref.trace))).toBeLessThan(1e-10);
    expect(Math.abs(s.fro - ref.fro) / Math.max(1, ref.fro)).toBeLessThan(1e-10);
    for (const k of Object.keys(ref.rows)) expect(maxAbs(s.rows[k], ref.rows[k])).toBeLessThan(1e-10);
  }, 60_000);

});

// Each bad input: [label, args (a function: temp files exist only after beforeAll), what stderr must name].
const BAD: [string, () => string[], RegExp][] = [
  ["broken JSON", () => { const p = join(dir, "broken.json"); writeFileSync(p, '{"format": "hessflow.graph/1", "name": '); return ["run", p]; }, /broken\.json.*JSON/],
  ["unknown op", () => ["run", specFile("unknown-op", (d) => (node(d, "h1").op = "frobnicate"))], /h1.*frobnicate|frobnicate.*h1/],
  ["unknown input", () => ["run", specFile("unknown-input", (d) => (node(d, "h1").inputs = ["z1", "nope"]))], /h1.*nope|nope.*h1/],
  ["duplicate name", () => ["run", specFile("duplicate", (d) => d.nodes.push({ name: "h1", op: "identity", inputs: ["z1"] }))], /duplicate.*h1/],
  ["cycle a → b → a", () => ["run", specFile("cycle", (d) => d.nodes.push({ name: "a", op: "identity", inputs: ["b"] }, { name: "b", op: "identity", inputs: ["a"] }))], /cycle.*a.*b/],
  ["ragged feed value", () => ["run", specFile("ragged", (d) => (d.feed.X[1] = [1.12, -1.08, 0.06]))], /\$\.feed\.X.*ragged|ragged.*X/],
  ["non-numeric value", () => ["run", specFile("non-numeric", (d) => (d.feed.X[0][1] = "x"))], /\$\.feed\.X\[0\]\[1\]/],
  ["wrong format tag", () => ["run", specFile("format", (d) => (d.format = "hessflow.graph/2"))], /format/],
  ["feed of the wrong shape", () => ["run", specFile("feed-shape", (d) => d.feed.X.pop())], /X.*\[2, 4\]|\[2, 4\].*X/],
  ["missing feed", () => ["run", specFile("missing-feed", (d) => delete d.feed.Y)], /'Y'/],
  ["reduce_sum axis 5 on rank 2", () => ["run", specFile("axis-sum", (d) => Object.assign(node(d, "mse"), { op: "reduce_sum", attrs: { axis: 5 } }))], /mse.*axis 5|axis 5.*mse/],
  ["softmax axis 3", () => ["run", specFile("axis-softmax", (d) => d.nodes.splice(13, 0, { name: "sm", op: "softmax", inputs: ["h2"], attrs: { axis: 3 } }))], /sm.*axis 3|axis 3.*sm/],
  ["unknown x in outputs.hessian.xs", () => ["run", specFile("unknown-x", (d) => (d.outputs.hessian.xs = ["w1", "b1", "w9"]))], /outputs\.hessian\.xs.*w9|w9.*hessian/],
  ["matmul shape mismatch", () => ["run", specFile("matmul", (d) => (node(d, "w2").value = [[-0.99810959, 0.96349786, 0.5]]))], /z2.*matmul|matmul.*z2/],
  ["missing file", () => ["run", join(dir, "does-not-exist.json")], /does-not-exist\.json/],
  ["unknown command", () => ["frobnicate", SEED_PATH], /frobnicate/],
  ["unknown flag", () => ["run", "--frob", SEED_PATH], /--frob/],
];

// One spawned process per failure stage (reading, JSON, schema, building, feeding, shapes, usage): the real
// exit code and stderr of the binary. Every case of BAD also runs in-process below (a spawn costs ~1 s);
// HESSFLOW_SPAWN_ALL=1 spawns every case of BAD.
const SPAWNED = ["broken JSON", "missing file", "unknown op", "cycle a → b → a", "feed of the wrong shape", "matmul shape mismatch", "unknown flag"];

describe.concurrent("bad input (spawned): non-zero exit, one stderr line naming the culprit, no stack, empty stdout", () => {
  for (const [label, args, names] of BAD.filter(([l]) => process.env.HESSFLOW_SPAWN_ALL || SPAWNED.includes(l))) {
    it(label, async () => expectOneLineError(await cli(args()), names), 60_000);
  }
  it("the spawned subset names existing cases", () => expect(BAD.filter(([l]) => SPAWNED.includes(l)).length).toBe(SPAWNED.length));
});

// More bad inputs; these and all of BAD run in-process through main() (a process each would cost ~1 s of module loading).
const MORE_BAD: [string, () => string[], RegExp][] = [
  ["self cycle h1 → h1", () => ["run", specFile("self-cycle", (d) => (node(d, "h1").inputs = ["z1", "h1"]))], /cycle.*h1/],
  ["infinite number (1e999)", () => { const p = join(dir, "inf.json"); writeFileSync(p, JSON.stringify(SEED).replace("0.52", "1e999")); return ["run", p]; }, /\$\.feed\.X\[0\]\[0\]/],
  ["document is an array", () => { const p = join(dir, "array.json"); writeFileSync(p, "[]"); return ["run", p]; }, /object/],
  ["document is null", () => { const p = join(dir, "null.json"); writeFileSync(p, "null"); return ["run", p]; }, /object/],
  ["empty file", () => { const p = join(dir, "empty.json"); writeFileSync(p, ""); return ["run", p]; }, /empty\.json/],
  ["a directory as SPEC", () => ["run", dir], /EISDIR|director/],
  ["feed for an unknown node", () => ["run", specFile("feed-unknown", (d) => (d.feed.Q = [1]))], /\$\.feed\.Q/],
  ["feed for a variable", () => ["run", specFile("feed-variable", (d) => (d.feed.w1 = [[1, 2, 3], [4, 5, 6]]))], /w1.*placeholder/],
  ["unknown hessian.ys", () => ["run", specFile("ys-unknown", (d) => (d.outputs.hessian.ys = "nope"))], /nope/],
  ["hessian x with unknown dims", () => ["run", specFile("xs-dynamic", (d) => (d.outputs.hessian.xs = ["w1", "X"]))], /'X'.*unknown dims/],
  ["unknown fetch", () => ["run", specFile("fetch-unknown", (d) => (d.outputs.fetch = ["L", "zz"]))], /fetch.*zz/],
  ["unknown gradients x", () => ["run", specFile("grad-unknown", (d) => (d.outputs.gradients.xs = ["w1", "zz"]))], /gradients.*zz/],
  ["unparsable expr", () => ["run", specFile("expr-bad", (d) => d.nodes.splice(13, 0, { name: "e", expr: "h2 +* Y" }))], /'e'/],
  ["unknown function in expr", () => ["run", specFile("expr-fn", (d) => d.nodes.splice(13, 0, { name: "e", expr: "frob(h2)" }))], /'e'.*frob|frob.*'e'/],
  ["unknown name in expr", () => ["run", specFile("expr-ref", (d) => d.nodes.splice(13, 0, { name: "e", expr: "h2 + nope" }))], /'e'.*nope|nope.*'e'/],
  ["reshape to an impossible shape", () => ["run", specFile("reshape", (d) => d.nodes.splice(13, 0, { name: "r", op: "reshape", inputs: ["w1"], attrs: { shape: [4, -1] } }))], /'r'.*reshape/],
  ["transpose with a bad perm", () => ["run", specFile("perm", (d) => d.nodes.splice(13, 0, { name: "t", op: "transpose", inputs: ["w1"], attrs: { perm: [0, 0] } }))], /'t'.*perm/],
  ["slice outside the input", () => ["run", specFile("slice", (d) => d.nodes.splice(13, 0, { name: "s", op: "slice", inputs: ["w1"], attrs: { begin: [0, 2], size: [1, 3] } }))], /'s'.*slice/],
  ["concat of incompatible shapes", () => ["run", specFile("concat", (d) => d.nodes.splice(13, 0, { name: "c", op: "concat", inputs: ["w1", "w2"], attrs: { axis: 0 } }))], /'c'.*concat/],
  ["ragged variable value", () => ["run", specFile("var-ragged", (d) => (node(d, "w1").value = [[1, 2, 3], [4, 5]]))], /w1/],
  ["broadcast mismatch found only with the fed shapes", () => ["run", specFile("broadcast", (d) => (node(d, "h1").inputs = ["z1", "w1"]))], /'h1'.*broadcast/],
  ["wrong number of inputs", () => ["run", specFile("arity", (d) => (node(d, "h1").inputs = ["z1"]))], /h1/],
  ["internal op in a spec", () => ["run", specFile("internal", (d) => (node(d, "h1").op = "pad"))], /h1.*pad|pad.*h1/],
  ["unknown top-level field", () => ["run", specFile("extra", (d) => (d.extra = 1))], /extra/],
  ["non-integer axis", () => ["run", specFile("axis-float", (d) => (node(d, "mse").attrs = { axis: 0.5 }))], /mse|axis/],
  ["--mode fast", () => ["run", "--mode", "fast", SEED_PATH], /--mode/],
  ["--workers 0", () => ["run", "--workers", "0", SEED_PATH], /--workers/],
  ["--out with a bad extension", () => ["run", "--out", join(dir, "h.txt"), SEED_PATH], /--out/],
  ["no SPEC", () => ["run"], /SPEC/],
  ["two SPECs", () => ["run", SEED_PATH, SEED_PATH], /SPEC/],
];

describe("bad input (in-process main()): non-zero code, one stderr line naming the culprit, nothing on stdout", () => {
  for (const [label, args, names] of [...BAD, ...MORE_BAD]) {
    it(label, async () => expectOneLineError(await inProcess(args()), names));
  }
});

/** Runs main() in-process, capturing what it writes to stdout and stderr. */
async function inProcess(args: string[]): Promise<Run> {
  let stdout = "", stderr = "";
  const saved = process.env.HESSFLOW_DEBUG;
  delete process.env.HESSFLOW_DEBUG;
  try {
    return { code: await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) }), stdout, stderr };
  } finally {
    if (saved !== undefined) process.env.HESSFLOW_DEBUG = saved;
  }
}

describe("run --summary and help (in-process main())", () => {
  it("run --summary (text) prints the trace and the three rows the help promises, not the matrix", async () => {
    const r = await inProcess(["run", "--summary", SEED_PATH]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/trace 16\.79141142/);
    expect(r.stdout).toMatch(/^rows 0, 5, 10:$/m);
    // Row 10 is the tutorial's printed b2 row.
    expect(r.stdout).toMatch(/^b2\[0,0\] \| -0\.66374288 +0\.59637048 +-0\.25202267 +0\.64072608 +-0\.57568997 +0\.24328321 +-0\.99810959 +0\.96349786 +-0\.64616702 +1\.79251289 +1\.00000000$/m);
    expect(r.stdout.match(/^(w1|b1|w2|b2)\[\d,\d\] +\|/gm)).toHaveLength(3);
  });

  it("help prints the usage on stdout and returns 0", async () => {
    const r = await inProcess(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: hessflow/);
  });
});

// ---------------------------------------------------------------------------------------------
describe("API misuse throws typed errors naming the node", () => {
  it("duplicate node name: GraphError naming it", () => {
    const g = new Graph();
    g.placeholder([2], "a");
    const e = catchError(() => g.variable([1, 2], "a"));
    expect(e).toBeInstanceOf(GraphError);
    expect((e as GraphError).where).toBe("a");
    expect(e.message).toMatch(/'a'/);
    const x = g.variable([1, 2], "x");
    expect(() => square(x, "a")).toThrow(GraphError);
  });

  it("a node from another graph: GraphError naming it", () => {
    const g1 = new Graph(), g2 = new Graph();
    const a = g1.variable([1, 2], "a"), b = g2.variable([3, 4], "b");
    const e = catchError(() => add(a, b));
    expect(e).toBeInstanceOf(GraphError);
    expect(e.message).toMatch(/'b'/);
    expect(catchError(() => new Session(g1).run(b))).toBeInstanceOf(GraphError);
    expect(catchError(() => gradients(reduceSum(a), [b]))).toBeInstanceOf(GraphError);
  });

  it("shape mismatch at build time: ShapeError naming the node being built", () => {
    const g = new Graph();
    const x = g.variable([[1, 2, 3], [4, 5, 6]], "x");
    const y = g.variable([1, 2, 3, 4], "y");
    const e = catchError(() => add(x, y, "bad_add"));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as ShapeError).where).toBe("bad_add");
    expect(e.message).toMatch(/'bad_add'/);
    const m = catchError(() => matmul(x, x, { name: "mm" }));
    expect(m).toBeInstanceOf(ShapeError);
    expect(m.message).toMatch(/'mm'/);
    const unnamed = catchError(() => matmul(x, x));
    expect(unnamed).toBeInstanceOf(ShapeError);
    expect(unnamed.message).toMatch(/'matmul_\d+'/);
    expect(catchError(() => reduceSum(x, 5, false, "rs"))).toBeInstanceOf(ShapeError);
    expect(catchError(() => reduceSum(x, 5, false, "rs")).message).toMatch(/'rs'/);
    expect(catchError(() => softmax(x, 3, "sm")).message).toMatch(/'sm'/);
  });

  it("missing feed at run: FeedError naming the placeholder", () => {
    const g = new Graph();
    const p = g.placeholder([null, 2], "inputs");
    const y = reduceSum(square(p));
    const e = catchError(() => new Session(g).run(y));
    expect(e).toBeInstanceOf(FeedError);
    expect((e as FeedError).where).toBe("inputs");
    expect(e.message).toMatch(/'inputs'/);
  });

  it("wrong feed shape: FeedError naming the placeholder (also ragged and non-numeric feeds)", () => {
    const g = new Graph();
    const p = g.placeholder([null, 2], "inputs");
    const y = reduceSum(square(p));
    const s = new Session(g);
    for (const bad of [[[1, 2, 3]], [1, 2], [[1, 2], [3]], [[1, "x"]]] as unknown as number[][][]) {
      const e = catchError(() => s.run(y, { inputs: bad }));
      expect(e, JSON.stringify(bad)).toBeInstanceOf(FeedError);
      expect(e.message).toMatch(/inputs/);
    }
    expect(catchError(() => s.run(y, new Map([[p, tensor([1, 2, 3], [1, 3])]])))).toBeInstanceOf(FeedError);
    expect(Array.from(s.run(y, { inputs: [[1, 2], [3, 4]] }).data)).toEqual([30]);
  });

  it("feeding an unknown name or a non-placeholder is a FeedError naming it", () => {
    const g = new Graph();
    const p = g.placeholder([2], "p");
    const v = g.variable([1, 2], "v");
    const y = reduceSum(add(p, v));
    const s = new Session(g);
    const u = catchError(() => s.run(y, { p: [1, 2], nope: [1] }));
    expect(u).toBeInstanceOf(FeedError);
    expect(u.message).toMatch(/'nope'/);
    const w = catchError(() => s.run(y, { p: [1, 2], v: [1, 2] }));
    expect(w).toBeInstanceOf(FeedError);
    expect(w.message).toMatch(/'v'/);
  });

  it("every error is a HessflowError with a one-line message", () => {
    const g = new Graph();
    const x = g.variable([[1, 2]], "x");
    for (const f of [() => g.variable([1], "x"), () => add(x, g.variable([1, 2, 3]), "z"), () => new Session(g).run(g.placeholder([1], "q"))]) {
      const e = catchError(f);
      expect(e).toBeInstanceOf(HessflowError);
      expect(e.message).not.toMatch(/\n/);
    }
  });
});

describe("computeHessian with batch 0 (in a child process: a hang must not block the test runner)", () => {
  it("returns the right matrix or throws a typed error naming the batch, within 8 s", () => {
    const script = `
      import { Graph, Session, reduceSum, tanh, HessflowError } from ${JSON.stringify(join(ROOT, "dist", "index.js"))};
      import { computeHessian } from ${JSON.stringify(join(ROOT, "dist", "session", "hessian-runner.js"))};
      import { nodeThreads } from ${JSON.stringify(join(ROOT, "dist", "node.js"))};
      const g = new Graph(); const x = g.variable([0.3, -0.2], "x"); const y = reduceSum(tanh(x));
      try {
        const r = await computeHessian(new Session(g), y, [x], {}, { mode: "batched", batch: 0 });
        console.log(JSON.stringify({ matrix: Array.from(r.matrix) }));
      } catch (e) {
        console.log(JSON.stringify({ error: e.name, typed: e instanceof HessflowError, message: e.message }));
      }`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 8_000 });
    expect(r.error && (r.error as NodeJS.ErrnoException).code, "computeHessian({ batch: 0 }) did not return within 8 s").not.toBe("ETIMEDOUT");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    if (out.error) {
      expect(out.typed, out.message).toBe(true);
      expect(out.message).toMatch(/batch/);
    } else {
      const d = [0.3, -0.2].map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2));
      expect(out.matrix).toEqual([d[0], 0, 0, d[1]].map((v) => expect.closeTo(v, 14)));
    }
  }, 30_000);
});

describe("workers auto in a fresh process (a child process: a worker left running must not keep it alive)", () => {
  it("b-1k: the first Hessian stays on one thread and starts a worker for the next, which uses it; same numbers; the process exits", () => {
    const script = `
      import { loadSpec, readSpecFile } from ${JSON.stringify(join(ROOT, "dist", "spec", "load.js"))};
      import { Session } from ${JSON.stringify(join(ROOT, "dist", "session", "session.js"))};
      import { computeHessian } from ${JSON.stringify(join(ROOT, "dist", "session", "hessian-runner.js"))};
      import { nodeThreads } from ${JSON.stringify(join(ROOT, "dist", "node.js"))};
      import { availableParallelism } from "node:os";
      const spec = loadSpec(readSpecFile(${JSON.stringify(join(ROOT, "graph-specs", "b-1k.json"))}));
      const session = new Session(spec.graph, { threads: nodeThreads() });
      const first = await computeHessian(session, spec.hessian.ys, spec.hessian.xs, spec.feed);
      const second = await computeHessian(session, spec.hessian.ys, spec.hessian.xs, spec.feed);
      let same = first.matrix.length === second.matrix.length;
      for (let i = 0; same && i < first.matrix.length; i++) same = Object.is(first.matrix[i], second.matrix[i]);
      console.log(JSON.stringify({ first: first.workers, second: second.workers, cores: availableParallelism(), same }));`;
    // A script file, not --input-type=module -e: worker threads inherit execArgv, and --input-type stops them.
    const dir = mkdtempSync(join(tmpdir(), "hessflow-workers-"));
    const file = join(dir, "two-hessians.mjs");
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.error && (r.error as NodeJS.ErrnoException).code, "the process did not exit within 30 s").not.toBe("ETIMEDOUT");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.first).toBe(0);
    expect(out.second).toBe(out.cores > 1 ? 2 : 0);
    expect(out.same).toBe(true);
  }, 60_000);
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error to be thrown");
}
