// hessflow export: every course spec exported to PyTorch and run by /usr/bin/python3 (Debian's python3-torch)
// must agree with `hessflow run --json` to 1e-11 relative, field by field: each fetch, the gradient (all xs),
// the exact Hessian and the tf.hessians blocks (all). PyTorch's autograd is an oracle no one here wrote. The
// relative error of a field is max|a − b| / max(max|a|, max|b|) over its entries (0 when both are all zeros);
// shapes must be equal, and NaN and ±Infinity (strings in the JSON) must sit at the same places. The exported JAX programs are compiled
// (py_compile) and must name every spec node; their numbers are checked only where `import jax` works.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { exportSpec, writeExport } from "../src/export/export.js";
import { EMIT, HELPERS, pyNumber } from "../src/export/ops.js";
import { JAX_PRELUDE } from "../src/export/prelude-jax.js";
import { TORCH_PRELUDE } from "../src/export/prelude-torch.js";
import { assign } from "../src/graph/builders.js";
import { PUBLIC_OPS } from "../src/ops/registry.js";
import { Session } from "../src/session/session.js";
import { loadSpec, readSpecFile, type LoadedSpec } from "../src/spec/load.js";
import { runSpec } from "../src/spec/run.js";
import { randomNetworkSpec } from "./random-networks.js";

const PY = "/usr/bin/python3";
const DIR = fileURLToPath(new URL("../graph-specs/", import.meta.url));
const RUN_MANY = fileURLToPath(new URL("./python/run_many.py", import.meta.url));
const SPECS = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
/** Specs whose n×n Hessian is too big to exchange as JSON here (4,810 and 25,450 parameters): three rows each, by HVPs on both sides. */
const BIG = new Set(["b-5k.json", "mnist-mlp.json"]);
const TOL = 1e-11;

const python = (code: string) => spawnSync(PY, ["-c", code], { encoding: "utf8" }).status === 0;
const HAS_TORCH = python("import torch");
/** The Python that runs the JAX programs: HESSFLOW_JAX_PYTHON (e.g. a virtualenv with jax), else /usr/bin/python3. */
const JAX_PY = process.env.HESSFLOW_JAX_PYTHON || PY;
const HAS_JAX = spawnSync(JAX_PY, ["-c", "import jax"], { encoding: "utf8" }).status === 0;
if (!HAS_TORCH) console.warn(`export tests: ${PY} cannot 'import torch': the PyTorch agreement tests are skipped (apt-get install python3-torch)`);
if (!HAS_JAX) console.warn(`export tests: ${JAX_PY} cannot 'import jax' (JAX is not installed here; HESSFLOW_JAX_PYTHON may name a Python that has it): the JAX numerical check is skipped; its programs are still compiled and checked for structure`);

type Json = number | string | Json[] | { [k: string]: Json };

/** Flattens nested arrays of numbers (NaN/±Infinity as hessflow's strings) into numbers, keeping the shape. */
function flat(v: Json, shape: number[] = [], depth = 0): { values: number[]; shape: number[] } {
  const values: number[] = [];
  const walk = (x: Json, d: number) => {
    if (Array.isArray(x)) {
      if (shape.length <= d) shape.push(x.length);
      x.forEach((y) => walk(y, d + 1));
    } else values.push(typeof x === "number" ? x : x === "NaN" ? NaN : x === "Infinity" ? Infinity : x === "-Infinity" ? -Infinity : Number.NaN);
  };
  walk(v, depth);
  return { values, shape };
}

/** max|a − b| / max(max|a|, max|b|) over finite entries; Infinity when shapes differ or non-finite entries disagree. */
function relativeError(a: Json, b: Json): number {
  const x = flat(a), y = flat(b);
  if (x.values.length !== y.values.length || x.shape.join() !== y.shape.join()) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < x.values.length; i++) {
    const p = x.values[i], q = y.values[i];
    if (!Number.isFinite(p) || !Number.isFinite(q)) {
      if (!Object.is(p, q) && !(Number.isNaN(p) && Number.isNaN(q))) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(p - q));
    scale = Math.max(scale, Math.abs(p), Math.abs(q));
  }
  return scale === 0 ? diff : diff / scale;
}

/** `hessflow run SPEC --json`, in process (the CLI's own printer), parsed. */
async function runJson(path: string, mode: "batched" | "rows" = "batched"): Promise<Record<string, Json>> {
  let text = "";
  const code = await main(["run", path, "--json", "--workers", "1", "--mode", mode], { out: (t) => (text += t), err: () => {} });
  expect(code).toBe(0);
  return JSON.parse(text) as Record<string, Json>;
}

/**
 * Every field's relative error between two run --json documents. The fields: each fetch (fetch/NAME); the
 * gradient (all of gradients' entries together: one vector over the xs, as the Hessian is one matrix over them);
 * the exact Hessian; tf.hessians' blocks (all together); for big specs each Hessian row. An entry's natural
 * scale is its field's: a gradient entry that is zero in exact arithmetic (a bias that softmax ignores) is
 * rounding noise of the size of the other entries' round-off, not a relative error of its own.
 */
function fieldErrors(ref: Record<string, Json>, got: Record<string, Json>): Record<string, number> {
  const out: Record<string, number> = {};
  const r = ref.fetch as Record<string, Json>, g = got.fetch as Record<string, Json>;
  expect(Object.keys(g)).toEqual(Object.keys(r));
  for (const k of Object.keys(r)) out[`fetch/${k}`] = relativeError(r[k], g[k]);
  const together = (a: Record<string, Json>, b: Record<string, Json>, what: string) => {
    expect(Object.keys(b), what).toEqual(Object.keys(a));
    // Shapes are compared per entry; the values as one field.
    for (const k of Object.keys(a)) expect(flat(b[k]).shape, `${what} ${k}`).toEqual(flat(a[k]).shape);
    return relativeError(Object.keys(a).map((k) => flat(a[k]).values), Object.keys(a).map((k) => flat(b[k]).values));
  };
  const rg = ref.gradients as Record<string, Json>;
  if (Object.keys(rg).length) out.gradients = together(rg, got.gradients as Record<string, Json>, "gradients");
  const rh = ref.hessian as Record<string, Json> | undefined, gh = got.hessian as Record<string, Json> | undefined;
  expect(gh === undefined).toBe(rh === undefined);
  if (rh && gh) {
    expect(gh.xs).toEqual(rh.xs);
    expect(gh.n).toEqual(rh.n);
    if (rh.rows) {
      for (const i of Object.keys(rh.rows as object)) out[`hessian.rows/${i}`] = relativeError((rh.rows as Record<string, Json>)[i], (gh.rows as Record<string, Json>)[i]);
    } else {
      out["hessian.exact"] = relativeError(rh.exact, gh.exact);
      out["hessian.tf_hessians"] = together(rh.tf_hessians as Record<string, Json>, gh.tf_hessians as Record<string, Json>, "tf_hessians");
    }
  }
  return out;
}

/** The reference for a big spec: run's fetches and gradients, and Hessian rows by hessflow's own HVPs (H·e_i). */
async function bigReference(spec: LoadedSpec, rows: number[]): Promise<Record<string, Json>> {
  const r = await runSpec(spec, { noHessian: true });
  const nested = (t: { shape: readonly number[]; data: Float64Array }): Json => {
    const build = (d: number, off: number): Json => d === t.shape.length ? t.data[off] : Array.from({ length: t.shape[d] }, (_, i) => build(d + 1, off * 1 + i * t.shape.slice(d + 1).reduce((a, b) => a * b, 1)));
    return build(0, 0);
  };
  const { ys, xs } = spec.hessian!;
  const session = new Session(spec.graph);
  const n = xs.reduce((s, x) => s + (x.shape as number[]).reduce((a, b) => a * b, 1), 0);
  const vectors = new Float64Array(rows.length * n);
  rows.forEach((i, k) => (vectors[k * n + i] = 1));
  const hv = await session.hvp(ys, xs, spec.feed, vectors, { count: rows.length, workers: 1 });
  let offset = 0;
  const layout = xs.map((x, i) => {
    const size = (x.shape as number[]).reduce((a, b) => a * b, 1);
    const e = { name: spec.doc.outputs.hessian!.xs[i], shape: [...x.shape] as number[], offset, size };
    offset += size;
    return e;
  });
  return {
    name: r.name,
    fetch: Object.fromEntries(r.fetch.map((f) => [f.name, nested(f.value)])),
    gradients: Object.fromEntries(r.gradients.map((g) => [g.name, nested(g.value)])),
    hessian: { xs: layout, n, rows: Object.fromEntries(rows.map((i, k) => [String(i), Array.from(hv.subarray(k * n, (k + 1) * n))])) },
  };
}

/** Runs exported programs in one Python process (test/python/run_many.py); returns each program's document. */
function runPrograms(jobs: { program: string; args: string[]; out: string }[], dir: string, python = PY, env: Record<string, string> = {}): Record<string, Json>[] {
  const file = join(dir, "jobs.json");
  writeFileSync(file, JSON.stringify(jobs));
  // One thread: the suite runs test files in parallel on few cores.
  const r = spawnSync(python, [RUN_MANY, file], { encoding: "utf8", timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", ...env } });
  if (r.status !== 0) throw new Error(`run_many.py failed: ${r.stderr}`);
  return jobs.map((j) => {
    const doc = JSON.parse(readFileSync(j.out, "utf8")) as Record<string, Json>;
    if ("error" in doc) throw new Error(`${j.program}: ${String(doc.error)}`);
    return doc;
  });
}

let dir = "";
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), "hessflow-export-")); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe("export to PyTorch: every course spec agrees with hessflow run --json to 1e-11 relative", () => {
  it.skipIf(!HAS_TORCH)("fetches, gradients, exact Hessian and tf.hessians blocks of all course specs", async () => {
    const jobs: { program: string; args: string[]; out: string }[] = [];
    const refs: Record<string, Json>[] = [];
    for (const file of SPECS) {
      const spec = loadSpec(readSpecFile(DIR + file));
      const base = file.replace(/\.json$/, "");
      await writeExport(spec, join(dir, `${base}.py`), { to: "pytorch" });
      if (BIG.has(file)) {
        const n = spec.hessian!.xs.reduce((s, x) => s + (x.shape as number[]).reduce((a, b) => a * b, 1), 0);
        const rows = [0, Math.floor(n / 2), n - 1];
        refs.push(await bigReference(spec, rows));
        jobs.push({ program: join(dir, `${base}.py`), args: ["--hessian-rows", rows.join(",")], out: join(dir, `${base}.out.json`) });
      } else {
        refs.push(await runJson(DIR + file));
        jobs.push({ program: join(dir, `${base}.py`), args: [], out: join(dir, `${base}.out.json`) });
      }
    }
    const docs = runPrograms(jobs, dir);
    const worst: Record<string, number> = {};
    SPECS.forEach((file, i) => {
      const ref = refs[i], got = docs[i];
      // The same JSON shape as run --json, without hessflow's own fields (mode, ms).
      expect(Object.keys(got)).toEqual(Object.keys(ref));
      expect(got.name).toBe(ref.name);
      if (!BIG.has(file) && ref.hessian) expect(Object.keys(got.hessian as object)).toEqual(Object.keys(ref.hessian as object).filter((k) => k !== "mode" && k !== "ms"));
      const errors = fieldErrors(ref, got);
      expect(Object.keys(errors).length).toBeGreaterThan(0);
      for (const [field, e] of Object.entries(errors)) {
        worst[`${file} ${field}`] = e;
        expect(e, `${file} ${field}`).toBeLessThanOrEqual(TOL);
      }
    });
    console.log(`export: largest relative error over ${Object.keys(worst).length} fields of ${SPECS.length} specs: ${Math.max(...Object.values(worst)).toExponential(2)}`);
  }, 600_000);
});

describe("export to PyTorch: random network specs agree with hessflow run --json to 1e-11 relative", () => {
  const COUNT = 240;
  it.skipIf(!HAS_TORCH)(`${COUNT} random specs (test/random-networks.ts, seeds 0..${COUNT - 1}): fetches, gradients, Hessian, tf.hessians blocks`, async () => {
    const sub = join(dir, "random");
    mkdirSync(sub);
    const jobs: { program: string; args: string[]; out: string }[] = [];
    const refs: Record<string, Json>[] = [];
    for (let seed = 0; seed < COUNT; seed++) {
      const specPath = join(sub, `r${seed}.json`);
      writeFileSync(specPath, JSON.stringify(randomNetworkSpec(seed)));
      refs.push(await runJson(specPath));
      await writeExport(loadSpec(readSpecFile(specPath)), join(sub, `r${seed}.py`), { to: "pytorch" });
      jobs.push({ program: join(sub, `r${seed}.py`), args: [], out: join(sub, `r${seed}.out.json`) });
    }
    const docs = runPrograms(jobs, sub);
    let worst = 0, fields = 0;
    docs.forEach((got, seed) => {
      expect(Object.keys(got)).toEqual(Object.keys(refs[seed]));
      for (const [field, e] of Object.entries(fieldErrors(refs[seed], got))) {
        expect(e, `seed ${seed} ${field}`).toBeLessThanOrEqual(TOL);
        worst = Math.max(worst, e);
        fields++;
      }
    });
    expect(fields).toBeGreaterThan(COUNT * 4);
    console.log(`export: ${COUNT} random specs, ${fields} fields, largest relative error ${worst.toExponential(2)}`);
  }, 600_000);
});

/** Every public op, at its kinks and ties (relu/abs/leaky_relu/elu/softplus at 0, maximum/minimum of equal inputs, tied reduce_max/min, pow of a negative base with a variable exponent, sigmoid cross-entropy at logits 0): TF's derivatives there are conventions, and PyTorch must follow the same ones. */
function tiesSpec(): object {
  const terms: [string, string, string[], Record<string, unknown>?][] = [
    ["t_max", "maximum", ["v", "u"]], ["t_min", "minimum", ["v", "u"]], ["t_relu", "relu", ["v"]], ["t_abs", "abs", ["v"]],
    ["t_leaky", "leaky_relu", ["v"], { alpha: 0.3 }], ["t_elu", "elu", ["v"]], ["t_rmax", "reduce_max", ["v"], { axis: 1 }],
    ["t_rmin", "reduce_min", ["u"], { axis: 0, keepdims: true }], ["t_pow", "pow", ["neg", "e"]], ["t_pow0", "pow", ["v", "e"]],
    ["t_softplus", "softplus", ["v"]], ["t_sxent", "sigmoid_cross_entropy_with_logits", ["z", "d"]],
    ["t_sparse", "sparse_softmax_cross_entropy_with_logits", ["cls", "v"], { axis: 1 }], ["t_xent", "softmax_cross_entropy_with_logits", ["z", "u"], { axis: 1 }],
    ["t_lsm", "log_softmax", ["v"], { axis: 0 }], ["t_l2", "l2_loss", ["v"]], ["t_sq", "squared_difference", ["tv", "su"]],
    ["t_div", "divide", ["v", "u2"]], ["t_mm", "matmul", ["v", "u"], { transpose_b: true }], ["t_mm2", "matmul", ["v", "u"], { transpose_a: true }],
    ["t_cat", "slice", ["cat"], { begin: [1, 1], size: [2, -1] }], ["t_oh", "multiply", ["oh", "rv"]], ["t_vt", "multiply", ["vt", "u"]], ["t_sm", "multiply", ["sm", "v"]],
    ["t_stop", "multiply", ["sg", "u"]], ["t_neg", "negative", ["idv"]], ["t_sqrt", "sqrt", ["u2"]], ["t_log", "log", ["u2"]], ["t_exp", "exp", ["v"]], ["t_mean", "reduce_mean", ["v"], { axis: 0, keepdims: true }],
  ];
  const nodes: object[] = [
    { name: "v", op: "variable", value: [[0, 1, -1], [2, 2, 0.5]] },
    { name: "u", op: "variable", value: [[0, 1, -1], [2, 2, 0.5]] },
    { name: "e", op: "variable", value: [2, 3, 4] },
    { name: "neg", op: "constant", value: [-2, -0.5, 3] },
    { name: "z", op: "constant", value: [[1, 0, 0.5], [0, 1, 0.25]] },
    { name: "cls", op: "placeholder", shape: [null] },
    { name: "d", op: "subtract", inputs: ["v", "u"] },
    { name: "tv", op: "tanh", inputs: ["v"] }, { name: "su", op: "sigmoid", inputs: ["u"] },
    { name: "u2", expr: "square(u) + 1" },
    { name: "cat", op: "concat", inputs: ["v", "u"], attrs: { axis: 0 } },
    { name: "oh", op: "one_hot", inputs: ["cls"], attrs: { depth: 3, axis: 0 } },
    { name: "vt", op: "transpose", inputs: ["rv"], attrs: { perm: [1, 0] } }, { name: "rv", op: "reshape", inputs: ["v"], attrs: { shape: [3, 2] } },
    { name: "sm", op: "softmax", inputs: ["u"], attrs: { axis: 1 } }, { name: "sg", op: "stop_gradient", inputs: ["v"] }, { name: "idv", op: "identity", inputs: ["v"] },
  ];
  for (const [name, op, inputs, attrs] of terms) {
    nodes.push({ name, op, inputs, ...(attrs ? { attrs } : {}) }, { name: `${name}_sum`, op: "reduce_sum", inputs: [name] });
  }
  let acc = `${terms[0][0]}_sum`;
  terms.slice(1).forEach(([name], i) => { nodes.push({ name: `acc${i}`, op: "add", inputs: [acc, `${name}_sum`] }); acc = `acc${i}`; });
  return {
    format: "hessflow.graph/1", name: "ties", nodes, feed: { cls: [2, 0] },
    outputs: { fetch: [acc, "t_rmax", "t_pow"], gradients: { ys: [acc], xs: ["v", "u", "e", "d"] }, hessian: { ys: acc, xs: ["v", "u", "e"] } },
  };
}

describe("export to PyTorch: TF's conventions at kinks and ties", () => {
  it.skipIf(!HAS_TORCH)("every public op, at its kinks and ties, agrees with hessflow to 1e-11 relative", async () => {
    const doc = tiesSpec();
    const specPath = join(dir, "ties.json");
    writeFileSync(specPath, JSON.stringify(doc));
    const spec = loadSpec(readSpecFile(specPath));
    const used = new Set([...spec.graph.nodes].map((n) => n.op));
    for (const op of Object.keys(PUBLIC_OPS)) expect(used.has(op as never), op).toBe(true);
    await writeExport(spec, join(dir, "ties.py"), { to: "pytorch" });
    const [got] = runPrograms([{ program: join(dir, "ties.py"), args: [], out: join(dir, "ties.out.json") }], dir);
    // Both of hessflow's modes: the row-by-row graph (the tutorial's and TF's algorithm) and the batched tangents
    // (which must not mirror a triangle here: pow's masked log skews ∂²/∂v∂e at the negative base v = −1).
    for (const mode of ["rows", "batched"] as const) {
      const errors = fieldErrors(await runJson(specPath, mode), got);
      for (const [field, e] of Object.entries(errors)) expect(e, `${mode}: ${field}`).toBeLessThanOrEqual(TOL);
    }
  }, 60_000);
});

/** Runs one exported program as a user would (its own process); returns exit status, stdout and stderr. */
function runProgram(program: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PY, [program, ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs Python lines with an exported program's namespace loaded as `ns` (io, json, sys imported). */
function withProgram(program: string, lines: string[]): { status: number | null; stdout: string; stderr: string } {
  const code = ["import io, json, runpy, sys", `ns = runpy.run_path(${JSON.stringify(program)}, run_name="hessflow_export")`, ...lines].join("\n");
  return spawnSync(PY, ["-c", code], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
}

describe("export to PyTorch: which path computes the Hessian (batched backward passes, or row by row)", () => {
  /** The Hessians a run computes, as --verbose names them: the exact one, then each tf.hessians block. */
  const hessians = (xs: string[]) => ["exact", ...xs.map((x) => `tf_hessians '${x}'`)];

  it.skipIf(!HAS_TORCH)("--verbose says on stderr that every Hessian took the batched path (also through pow's custom autograd.Function), stdout is the same JSON as without it, and it agrees with hessflow", async () => {
    const ties = join(dir, "path-ties.json");
    writeFileSync(ties, JSON.stringify(tiesSpec()));
    for (const [specPath, xs] of [[DIR + "tanh-mlp.json", ["w1", "b1", "w2", "b2"]], [ties, ["v", "u", "e"]]] as const) {
      const spec = loadSpec(readSpecFile(specPath));
      expect(spec.doc.outputs.hessian!.xs).toEqual(xs);
      const program = join(dir, `path-${spec.doc.name}.py`);
      await writeExport(spec, program, { to: "pytorch" });
      if (specPath === ties) expect(readFileSync(program, "utf8")).toMatch(/t_pow = tf_pow\(neg, e\)/);
      const verbose = runProgram(program, ["--verbose"]);
      expect(verbose.status, verbose.stderr).toBe(0);
      // Exactly one line per Hessian, each naming the batched path, and nothing else (no warning of a slow vmap fallback).
      expect(verbose.stderr.trimEnd().split("\n")).toEqual(hessians(xs).map((h) => `hessian: ${h}: batched: 16 rows per backward pass (autograd.grad, is_grads_batched=True)`));
      const quiet = runProgram(program, []);
      expect(quiet.status).toBe(0);
      expect(quiet.stderr).toBe("");
      expect(verbose.stdout).toBe(quiet.stdout);
      for (const mode of specPath === ties ? (["rows", "batched"] as const) : (["batched"] as const)) {
        for (const [field, e] of Object.entries(fieldErrors(await runJson(specPath, mode), JSON.parse(quiet.stdout) as Record<string, Json>))) expect(e, `${specPath} ${mode}: ${field}`).toBeLessThanOrEqual(TOL);
      }
    }
  }, 120_000);

  it.skipIf(!HAS_TORCH)("the row-by-row path: --chunk 1 asks for it, and a batched pass that fails falls back to it with the reason (simulated, on the ties spec with its pow of two variables); both agree with hessflow", async () => {
    const specPath = join(dir, "fallback-ties.json");
    writeFileSync(specPath, JSON.stringify(tiesSpec()));
    const program = join(dir, "fallback-ties.py");
    await writeExport(loadSpec(readSpecFile(specPath)), program, { to: "pytorch" });
    const ref = await runJson(specPath, "rows");
    const xs = ["v", "u", "e"];
    const one = runProgram(program, ["--chunk", "1", "--verbose"]);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stderr.trimEnd().split("\n")).toEqual(hessians(xs).map((h) => `hessian: ${h}: row by row: one backward pass per row (--chunk 1)`));
    for (const [field, e] of Object.entries(fieldErrors(ref, JSON.parse(one.stdout) as Record<string, Json>))) expect(e, `--chunk 1: ${field}`).toBeLessThanOrEqual(TOL);
    // The program's batched pass made to fail as an op without a batching rule would: each Hessian says why it went row by row.
    const r = withProgram(program, [
      "def failing(g, xs, E):",
      "    raise RuntimeError('Batching rule not implemented for aten::example\\nsecond line')",
      "ns['main'].__globals__['_rows'] = failing",
      "ns['write_json'](ns['main'](['--verbose']), sys.stdout)",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trimEnd().split("\n")).toEqual(hessians(xs).map((h) => `hessian: ${h}: row by row: the batched backward pass failed: Batching rule not implemented for aten::example`));
    for (const [field, e] of Object.entries(fieldErrors(ref, JSON.parse(r.stdout) as Record<string, Json>))) expect(e, `fallback: ${field}`).toBeLessThanOrEqual(TOL);
  }, 120_000);

  it.skipIf(!HAS_TORCH)("--chunk 0 is a usage error (exit 2, one line naming --chunk, nothing on stdout)", async () => {
    const program = join(dir, "chunk0.py");
    await writeExport(loadSpec(readSpecFile(DIR + "seed-two-layer-linear.json")), program, { to: "pytorch" });
    const r = runProgram(program, ["--chunk", "0"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/error: --chunk must be a positive integer, got 0\n$/);
  }, 60_000);
});

describe("export to PyTorch, then hessflow diff, as a user would", () => {
  it.skipIf(!HAS_TORCH)("diff of run --json and the PyTorch program's output exits 0; one changed Hessian entry makes it exit 1 naming hessian.exact", async () => {
    const file = DIR + "tanh-mlp.json";
    const ref = join(dir, "diff-ref.json");
    let text = "";
    expect(await main(["run", file, "--json", "--workers", "1"], { out: (t) => (text += t), err: () => {} })).toBe(0);
    writeFileSync(ref, text);
    expect(await main(["export", file, "--to", "pytorch", "-o", join(dir, "diff.py")], { out: () => {}, err: () => {} })).toBe(0);
    const [got] = runPrograms([{ program: join(dir, "diff.py"), args: [], out: join(dir, "diff.out.json") }], dir);
    let out = "";
    expect(await main(["diff", ref, join(dir, "diff.out.json")], { out: (t) => (out += t), err: () => {} })).toBe(0);
    expect(out).toContain("hessian.exact");
    const changed = got as { hessian: { exact: number[][] } };
    changed.hessian.exact[3][5] += 1e-6;
    writeFileSync(join(dir, "diff-changed.json"), JSON.stringify(changed));
    let err = "";
    expect(await main(["diff", ref, join(dir, "diff-changed.json")], { out: () => {}, err: (t) => (err += t) })).toBe(1);
    expect(err).toContain("'hessian.exact'");
  }, 60_000);
});

describe("export to PyTorch: --spectrum", () => {
  it.skipIf(!HAS_TORCH)("Lanczos extremes agree with hessflow spectrum to 1e-9; the Hutchinson trace is within 4 standard errors of the exact trace", async () => {
    const file = DIR + "tanh-mlp.json";
    await writeExport(loadSpec(readSpecFile(file)), join(dir, "spectrum.py"), { to: "pytorch", spectrum: true });
    const [got] = runPrograms([{ program: join(dir, "spectrum.py"), args: ["--top", "3", "--bottom", "2", "--trace"], out: join(dir, "spectrum.out.json") }], dir);
    let text = "";
    expect(await main(["spectrum", file, "--top", "3", "--bottom", "2", "--json"], { out: (t) => (text += t), err: () => {} })).toBe(0);
    const ref = JSON.parse(text) as { n: number; top: { value: number }[]; bottom: { value: number }[] };
    const doc = got as unknown as typeof ref & { trace: { estimate: number; stderr: number; samples: number } };
    expect(doc.n).toBe(ref.n);
    const scale = Math.abs(ref.top[0].value);
    for (const side of ["top", "bottom"] as const) {
      expect(doc[side].length).toBe(ref[side].length);
      ref[side].forEach((r, i) => expect(Math.abs(doc[side][i].value - r.value) / scale, `${side} ${i}`).toBeLessThan(1e-9));
    }
    const h = (await runJson(file)).hessian as { exact: number[][] };
    const trace = h.exact.reduce((s, row, i) => s + row[i], 0);
    expect(doc.trace.samples).toBe(100);
    expect(Math.abs(doc.trace.estimate - trace)).toBeLessThan(4 * doc.trace.stderr);
  }, 60_000);
});

describe("export to JAX: compiles, names every spec node, agrees where JAX is installed", () => {
  it("every course spec's JAX program passes py_compile and names every spec node in the graph function", async () => {
    const files: string[] = [];
    for (const file of SPECS) {
      const spec = loadSpec(readSpecFile(DIR + file));
      const path = join(dir, `${file.replace(/\.json$/, "")}_jax.py`);
      await writeExport(spec, path, { to: "jax" });
      files.push(path);
      const text = readFileSync(path, "utf8");
      const graphFn = text.slice(text.indexOf("def graph(V, D):"), text.indexOf("    return {", text.indexOf("def graph(V, D):")));
      for (const name of spec.nodes.keys()) expect(graphFn, `${file}: node ${name}`).toMatch(new RegExp(`# (.* = )?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( = .*)?: `));
      expect(text).toContain('jax.config.update("jax_enable_x64", True)');
      expect(text).toContain("NamedSharding");
    }
    const r = spawnSync(PY, ["-m", "py_compile", ...files], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  it.skipIf(!HAS_JAX)("the JAX programs agree with hessflow to 1e-11 on every course spec, the batch sharded over 4 (CPU) devices", async () => {
    const jobs: { program: string; args: string[]; out: string }[] = [];
    const refs: Record<string, Json>[] = [];
    for (const f of SPECS) {
      const spec = loadSpec(readSpecFile(DIR + f));
      const program = join(dir, `${f.replace(/\.json$/, "")}_jax.py`);
      await writeExport(spec, program, { to: "jax" });
      if (BIG.has(f)) {
        const n = spec.hessian!.xs.reduce((s, x) => s + (x.shape as number[]).reduce((a, b) => a * b, 1), 0);
        const rows = [1, Math.floor(n / 2), n - 1];
        refs.push(await bigReference(spec, rows));
        jobs.push({ program, args: ["--hessian-rows", rows.join(",")], out: join(dir, `${f}.jax.json`) });
      } else {
        refs.push(await runJson(DIR + f));
        jobs.push({ program, args: [], out: join(dir, `${f}.jax.json`) });
      }
    }
    // Four host devices: every feed whose batch is a multiple of 4 is split over them (the others are replicated).
    const docs = runPrograms(jobs, dir, JAX_PY, { XLA_FLAGS: "--xla_force_host_platform_device_count=4", JAX_PLATFORMS: "cpu" });
    let worst = 0;
    for (const [i, f] of SPECS.entries()) {
      for (const [field, e] of Object.entries(fieldErrors(refs[i], docs[i]))) {
        expect(e, `${f} ${field}`).toBeLessThanOrEqual(TOL);
        worst = Math.max(worst, e);
      }
    }
    console.log(`export: JAX on ${SPECS.length} course specs (4 devices), largest relative error ${worst.toExponential(2)}`);
  }, 600_000);

  it.skipIf(!HAS_JAX)("the JAX program follows TF's conventions at kinks and ties (every public op) and agrees on 10 random specs (each program compiles its own jit functions: about 2 s apiece)", async () => {
    const specs = [join(dir, "ties-jax.json")];
    writeFileSync(specs[0], JSON.stringify(tiesSpec()));
    for (let seed = 0; seed < 10; seed++) {
      specs.push(join(dir, `rj${seed}.json`));
      writeFileSync(specs[seed + 1], JSON.stringify(randomNetworkSpec(seed)));
    }
    const jobs = specs.map((p) => ({ program: p.replace(/\.json$/, "_jax.py"), args: [], out: p.replace(/\.json$/, ".jax.out.json") }));
    for (const [i, p] of specs.entries()) await writeExport(loadSpec(readSpecFile(p)), jobs[i].program, { to: "jax" });
    const docs = runPrograms(jobs, dir, JAX_PY, { JAX_PLATFORMS: "cpu" });
    for (const [i, p] of specs.entries()) {
      // The ties spec against --mode rows, as in the PyTorch test above.
      for (const [field, e] of Object.entries(fieldErrors(await runJson(p, i === 0 ? "rows" : "batched"), docs[i]))) expect(e, `${p} ${field}`).toBeLessThanOrEqual(TOL);
    }
  }, 600_000);
});

describe("export: refusals, sidecar and program text", () => {
  it("every helper an emitted line calls is defined by both preludes", () => {
    for (const h of HELPERS) {
      expect(TORCH_PRELUDE, h).toMatch(new RegExp(`^def ${h}\\(`, "m"));
      expect(JAX_PRELUDE, h).toMatch(new RegExp(`^def ${h}\\(`, "m"));
    }
    // Every emit rule calls one of them.
    for (const [op, rule] of Object.entries(EMIT)) if (typeof rule === "function") expect(HELPERS.some((h) => rule(["a", "b"], { attrs: { axis: [0], perm: [0], shape: [1], begin: [0], size: [1], before: [0], after: [0], depth: 2 } } as never).startsWith(`${h}(`)), op).toBe(true);
  });

  it("an op that cannot be exported is refused with one line naming the node and the op, and no file is written", async () => {
    const spec = loadSpec(readSpecFile(DIR + "seed-two-layer-linear.json"));
    const w1 = spec.nodes.get("w1")!;
    const step = assign(w1, spec.nodes.get("w1")!, "update_w1");
    spec.fetch.push(step);
    const out = join(dir, "refused.py");
    await expect(writeExport(spec, out, { to: "pytorch" })).rejects.toThrow(/^node 'update_w1': op 'assign' cannot be exported: it updates a variable/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "refused.npz"))).toBe(false);
  });

  it("a spec with more than 10,000 values is refused on stdout (asking for -o) and written with a sidecar .npz", async () => {
    const spec = loadSpec(readSpecFile(DIR + "b-5k.json"));
    expect(() => exportSpec(spec, { to: "pytorch" })).toThrow(/more than 10000 are not written inline\): give -o FILE\.py/);
    let err = "";
    expect(await main(["export", DIR + "b-5k.json", "--to", "pytorch"], { out: () => {}, err: (t) => (err += t) })).toBe(1);
    expect(err).toMatch(/give -o FILE\.py/);
    const r = await writeExport(spec, join(dir, "sidecar.py"), { to: "jax" });
    expect(r.sidecar).toBe(join(dir, "sidecar.npz"));
    expect(readFileSync(join(dir, "sidecar.py"), "utf8")).toContain('"sidecar.npz"');
  });

  it.skipIf(!HAS_TORCH)("the programs' JSON writer: one line of compact JSON, NaN and ±Infinity as strings at any depth, the same text as json.dumps for finite documents", async () => {
    const program = join(dir, "writer.py");
    await writeExport(loadSpec(readSpecFile(DIR + "seed-two-layer-linear.json")), program, { to: "pytorch" });
    const r = withProgram(program, [
      "nan, inf = float('nan'), float('inf')",
      "docs = [{'a': [[1.5, nan], [inf, -inf]], 'b': [], 'c': [{'name': 'x\u00e9\"', 'shape': [2, 3]}], 'd': 'Infinity', 'e': [[[]], [[0.1]]], 'f': -inf, 'g': [1, [2.5, nan]]},",
      "        {'a': [[1.5, -0.0], [1e300, 5e-324]], 'b': [], 'c': [{'n': 3, 'k': [1, 2]}], 'e': [[[]], [[0.1, 2]]], 'g': 'NaN'}]",
      "for d in docs:",
      "    out = io.StringIO(); ns['write_json'](d, out); print(json.dumps(out.getvalue()))",
      "print(json.dumps(json.dumps(docs[1], separators=(',', ':')) + '\\n'))",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const [withNonFinite, finite, reference] = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as string);
    expect(withNonFinite.endsWith("\n") && !withNonFinite.slice(0, -1).includes("\n")).toBe(true);
    expect(JSON.parse(withNonFinite)).toEqual({ a: [[1.5, "NaN"], ["Infinity", "-Infinity"]], b: [], c: [{ name: 'x\u00e9"', shape: [2, 3] }], d: "Infinity", e: [[[]], [[0.1]]], f: "-Infinity", g: [1, [2.5, "NaN"]] });
    expect(finite).toBe(reference);
  }, 60_000);

  it("numbers are written as Python literals that read back to the same float64", () => {
    const xs = [0.1, -0, 5e-324, 1.7976931348623157e308, 1 / 3, 1e21, 123, NaN, Infinity, -Infinity];
    const code = `import math,struct,sys\nvals=[${xs.map(pyNumber).join(", ")}]\nprint(",".join(struct.pack(">d", v).hex() for v in vals))`;
    const r = spawnSync(PY, ["-c", code], { encoding: "utf8" });
    const hex = (v: number) => { const b = Buffer.alloc(8); b.writeDoubleBE(v); return b.toString("hex"); };
    const got = r.stdout.trim().split(",");
    xs.forEach((v, i) => (Number.isNaN(v) ? expect(Number.isNaN(Buffer.from(got[i], "hex").readDoubleBE())).toBe(true) : expect(got[i], String(v)).toBe(hex(v))));
  });

  it("export's CLI: stdout by default, --json-out report, and usage errors", async () => {
    let text = "";
    expect(await main(["export", DIR + "seed-two-layer-linear.json", "--to", "pytorch"], { out: (t) => (text += t), err: () => {} })).toBe(0);
    expect(text).toMatch(/^#!\/usr\/bin\/env python3\n# seed: a hessflow graph spec exported to PyTorch/);
    expect(text).toContain("    L = divide(mse, two)");
    text = "";
    const out = join(dir, "cli.py");
    expect(await main(["export", DIR + "seed-two-layer-linear.json", "--to", "jax", "-o", out, "--json-out"], { out: (t) => (text += t), err: () => {} })).toBe(0);
    expect(JSON.parse(text)).toEqual({ program: out, sidecar: null, target: "jax", nodes: 14, values: 27 });
    let err = "";
    expect(await main(["export", DIR + "seed-two-layer-linear.json", "--to", "tf"], { out: () => {}, err: (t) => (err += t) })).toBe(1);
    expect(err).toMatch(/--to must be pytorch or jax, got 'tf'/);
    const oneLine = async (args: string[], message: RegExp) => {
      let e = "", o = "";
      expect(await main(["export", DIR + "seed-two-layer-linear.json", ...args], { out: (t) => (o += t), err: (t) => (e += t) })).toBe(1);
      expect(e.trim().split("\n")).toHaveLength(1);
      expect(e).toMatch(message);
      expect(o).toBe("");
    };
    await oneLine([], /--to is required: pytorch or jax/);
    const missing = join(dir, "no-such-dir", "x.py");
    await oneLine(["--to", "pytorch", "-o", missing], /cannot write .*x\.py: no such directory/);
    expect(existsSync(missing)).toBe(false);
  });
});
