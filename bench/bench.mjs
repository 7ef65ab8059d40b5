#!/usr/bin/env node
// npm run bench: hessflow against jax-js (eager `hessian`, Wasm backend, float64) on the benchmark cases,
// in one process, alternating engines run by run, median of N runs after a warm-up, every engine's
// Hessian checked against the JAX/PyTorch reference. Peak RSS comes from a separate child process
// per (case, engine, mode), so one engine's memory does not colour another's. The cold rows run the CLI
// (`hessflow run SPEC --summary --json`) in fresh processes: what a user's first Hessian costs.
//
// The "hvp" case times Hessian-vector products on the MNIST MLP (25,450 parameters): hessflow's
// session.hvp and curvatureOperator().apply for one vector and a block of 16, next to PyTorch's
// torch.autograd.functional.hvp (bench/torch_hvp.py, run with /usr/bin/python3 when it has torch) on
// the same parameter values and vectors, with the relative difference of the products.
//
//   node bench/bench.mjs [--json] [--cases b-200,b-1k,b-5k,hvp] [--runs 5] [--no-jaxjs] [--no-rss] [--no-cold]
//                        [--jaxjs-leakfree] [--jaxjs-chunk K] [--modes batched-1thread,eager-hessian,cli-cold,...]
//                        [--no-torch]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { computeHessian, hessian, loadSpec, nodeThreads, Session } from "../dist/index.js";
import { toNpy } from "../dist/report/files.js";
import { buildJaxjsHessian, checkAgainstReference, initJaxjs } from "./jaxjs-peer.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opt } = parseArgs({
  options: {
    json: { type: "boolean" }, cases: { type: "string" }, runs: { type: "string" }, "no-jaxjs": { type: "boolean" },
    "no-rss": { type: "boolean" }, "no-cold": { type: "boolean" }, modes: { type: "string" }, "jaxjs-leakfree": { type: "boolean" }, "jaxjs-chunk": { type: "string" },
    "no-torch": { type: "boolean" },
    child: { type: "string" }, // internal: "case:engine:mode", measures peak RSS of one engine in isolation
  },
});
const RUNS = Math.max(1, Number(opt.runs ?? 5));
const caseNames = (opt.cases ?? "b-200,b-1k,b-5k,hvp").split(",").map((s) => s.trim()).filter(Boolean);

const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));
const specPath = (name) => join(root, "graph-specs", `${name}.json`);
const refPath = (name) => join(root, "test", "fixtures", "reference", `${name}.json`);
/** Fresh CLI processes per case for the cold rows. */
const COLD_RUNS = 5;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Every engine/mode as { engine, mode, prepare(): Promise<{ run(): Promise<Float64Array>, n }> }. */
function enginesFor(name, n) {
  const list = [
    { engine: "hessflow", mode: "batched-2threads", prepare: () => hessflowEngine(name, { mode: "batched", workers: 2 }) },
    { engine: "hessflow", mode: "batched-1thread", prepare: () => hessflowEngine(name, { mode: "batched", workers: 1 }) },
  ];
  list.push({ engine: "hessflow", mode: "rows", prepare: () => hessflowEngine(name, { mode: "rows" }) });
  if (!opt["no-jaxjs"]) {
    const chunk = opt["jaxjs-chunk"] ? Number(opt["jaxjs-chunk"]) : undefined;
    // jax-js's own eager `hessian` (jacfwd of grad): the comparison the speed-up column uses. It leaks
    // Wasm memory on every call (jax-js 0.1.25); --jaxjs-leakfree adds the same jacfwd∘grad composed
    // from jax-js's public grad/jvp/vmap with the leaked array freed (bit-identical results), and
    // --jaxjs-chunk K runs that one K columns at a time (b-5k only fits in jax-js's 4 GiB heap that way).
    if (!chunk) list.push({ engine: "jax-js", mode: "eager-hessian", prepare: () => jaxjsEngine(name, undefined, true) });
    if (chunk || opt["jaxjs-leakfree"]) list.push({ engine: "jax-js", mode: chunk ? `eager-hessian-leakfree-chunk${chunk}` : "eager-hessian-leakfree", prepare: () => jaxjsEngine(name, chunk, false) });
  }
  // Timed on its own after the alternating comparison (it is graph construction, not a Hessian).
  list.push({ engine: "hessflow", mode: "rows-graph-build", separate: true, prepare: () => rowsGraphBuild(name) });
  const only = opt.modes?.split(",");
  return only ? list.filter((e) => only.includes(e.mode)) : list;
}

async function hessflowEngine(name, options) {
  const spec = loadSpec(readJson(specPath(name)));
  const session = new Session(spec.graph, { threads: nodeThreads() });
  return {
    n: null,
    run: async () => (await computeHessian(session, spec.hessian.ys, spec.hessian.xs, spec.feed, options)).matrix,
  };
}

// Builds the tutorial's row-by-row Hessian graph (n gradient calls) on a fresh graph: construction time only.
async function rowsGraphBuild(name) {
  const doc = readJson(specPath(name));
  return {
    n: null,
    noCheck: true,
    run: async () => {
      const spec = loadSpec(doc);
      const t0 = performance.now();
      hessian(spec.hessian.ys, spec.hessian.xs);
      return performance.now() - t0;
    },
  };
}

async function jaxjsEngine(name, chunk, builtinHessian) {
  await initJaxjs();
  const engine = buildJaxjsHessian(readJson(specPath(name)), { ...(chunk ? { chunk } : {}), builtinHessian });
  return { n: engine.n, run: () => engine.run(), dispose: () => engine.dispose() };
}

function peakRss(name, engine, mode) {
  if (opt["no-rss"]) return null;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", `${name}:${engine}:${mode}`, ...(opt["jaxjs-chunk"] ? ["--jaxjs-chunk", opt["jaxjs-chunk"]] : [])], { encoding: "utf8", timeout: 900_000 });
  const m = /peak_rss_mb=(\d+)/.exec(r.stdout ?? "");
  return m ? Number(m[1]) : null;
}

/** This process's peak resident set (VmHWM: unlike getrusage's maxRSS, it is not inherited from the parent across fork). */
function peakRssMb() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch { /* not Linux */ }
  return Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
}

async function child(spec) {
  const [name, engine, mode] = spec.split(":");
  const ref = readJson(refPath(name));
  const e = enginesFor(name, ref.params).find((x) => x.engine === engine && x.mode === mode);
  const inst = await e.prepare();
  try {
    await inst.run();
    await inst.run();
  } catch { /* a failure still has a peak */ }
  console.log(`peak_rss_mb=${peakRssMb()}`);
  process.exit(0);
}

async function main() {
  const rows = [];
  for (const name of caseNames) {
    if (name === "hvp") {
      for (const row of await hvpCase()) {
        rows.push(row);
        if (opt.json) console.log(JSON.stringify(row));
      }
      continue;
    }
    const ref = readJson(refPath(name));
    const n = ref.params;
    const all = enginesFor(name, n);
    const together = all.filter((e) => !e.separate);
    const state = await measure(together, name, n, ref);
    state.push(...(await measure(all.filter((e) => e.separate), name, n, ref)));
    for (const s of state) {
      const row = {
        case: name, engine: s.engine, mode: s.mode, params: n,
        median_ms: s.times.length ? Number(median(s.times).toFixed(2)) : null, runs: s.times.length,
        max_rel_err_vs_reference: s.err, peak_rss_mb: peakRss(name, s.engine, s.mode),
      };
      if (s.failure) row.failure = s.failure;
      rows.push(row);
      if (opt.json) console.log(JSON.stringify(row));
    }
    if (!opt["no-cold"] && (!opt.modes || opt.modes.split(",").includes("cli-cold"))) {
      // Against the faster of the warm batched medians (the steady state of the CLI's default mode).
      const warm = rows.filter((r) => r.case === name && r.engine === "hessflow" && r.mode.startsWith("batched") && r.median_ms).map((r) => r.median_ms);
      const row = coldCli(name, n, warm.length ? Math.min(...warm) : null);
      rows.push(row);
      if (opt.json) console.log(JSON.stringify(row));
    }
  }
  const hessianRows = rows.filter((r) => r.case !== "mnist-mlp");
  const hvpRows = rows.filter((r) => r.case === "mnist-mlp");
  if (!opt.json && hessianRows.length) printTable(hessianRows);
  if (!opt.json && hvpRows.length) printHvpTable(hvpRows, hessianRows.length > 0);
  for (const note of notes) (opt.json ? console.error : console.log)(note);
  process.exit(0);
}

/**
 * The first Hessian of a fresh process: `hessflow run SPEC --summary --json`, COLD_RUNS processes one
 * after another. median_ms is the Hessian time the CLI reports (hessian.ms, workers "auto");
 * process_ms is the whole process's wall time (start-up, spec loading, forward pass, printing).
 */
function coldCli(name, n, warmMs) {
  const hessianMs = [], processMs = [];
  let failure = null;
  for (let r = 0; r < COLD_RUNS && !failure; r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [join(root, "bin", "hessflow.mjs"), "run", specPath(name), "--summary", "--json"], { encoding: "utf8", maxBuffer: 1 << 28, timeout: 900_000 });
    const wall = performance.now() - t0;
    try {
      if (p.status !== 0) throw new Error(`exit ${p.status}: ${(p.stderr ?? "").split("\n")[0]}`);
      const ms = JSON.parse(p.stdout).hessian?.ms;
      if (typeof ms !== "number") throw new Error("no hessian.ms in the run JSON");
      hessianMs.push(ms);
      processMs.push(wall);
    } catch (err) {
      failure = `${err?.name ?? "Error"}: ${String(err?.message ?? err).split("\n")[0]}`;
    }
  }
  const med = hessianMs.length ? Number(median(hessianMs).toFixed(2)) : null;
  const row = {
    case: name, engine: "hessflow", mode: "cli-cold", params: n, median_ms: med, runs: hessianMs.length,
    max_rel_err_vs_reference: null, peak_rss_mb: null,
    process_ms: processMs.length ? Number(median(processMs).toFixed(2)) : null,
    warm_ms: warmMs, cold_vs_warm: med !== null && warmMs ? Number((med / warmMs).toFixed(2)) : null,
  };
  if (failure) row.failure = failure;
  return row;
}

/** Warms up each engine, then times them in alternating rounds; returns each engine's times and error. */
async function measure(engines, name, n, ref) {
    const state = [];
    for (const e of engines) {
      const s = { ...e, times: [], err: null, failure: null, inst: null };
      try {
        s.inst = await e.prepare();
        // Warm-up (JIT, Wasm kernel compilation, thread start): runs until 300 ms have passed (at least 1, at most 20).
        const t0 = performance.now();
        for (let w = 0; w < 20 && (w < 1 || performance.now() - t0 < 300); w++) {
          const tw = performance.now();
          const out = await s.inst.run();
          s.warm = performance.now() - tw;
          if (w === 0 && !s.inst.noCheck) s.err = checkAgainstReference(out, n, ref);
        }
      } catch (err) {
        s.failure = `${err?.name ?? "Error"}: ${String(err?.message ?? err).split("\n")[0]}`;
      }
      state.push(s);
    }
    // Rounds: --runs (default 5), more for fast cases (up to 30, about 4 s of the slowest engine).
    const slowest = Math.max(1, ...state.filter((x) => !x.failure).map((x) => x.warm ?? 1));
    const rounds = opt.runs ? RUNS : Math.max(RUNS, Math.min(30, Math.floor(4000 / slowest)));
    for (let r = 0; r < rounds; r++) {
      for (const s of state) {
        if (s.failure) continue;
        try {
          const t0 = performance.now();
          const out = await s.inst.run();
          const t = performance.now() - t0;
          s.times.push(s.inst.noCheck ? out : t);
          if (!s.inst.noCheck && r === rounds - 1) s.err = Math.max(s.err ?? 0, checkAgainstReference(out, n, ref));
        } catch (err) {
          s.failure = `${err?.name ?? "Error"}: ${String(err?.message ?? err).split("\n")[0]}`;
        }
      }
    }
    for (const s of state) s.inst?.dispose?.();
    return state;
}

function printTable(rows) {
  const head = ["case", "params", "engine", "mode", "median ms", "runs", "max rel err", "peak RSS MB", "process ms", "cold/warm", "vs jax-js hessian"];
  const jax = new Map(rows.filter((r) => r.engine === "jax-js" && r.mode === "eager-hessian" && r.median_ms).map((r) => [r.case, r.median_ms]));
  const cells = rows.map((r) => [
    r.case, String(r.params), r.engine, r.mode,
    r.median_ms === null ? `failed: ${r.failure ?? "?"}` : r.median_ms.toFixed(1),
    String(r.runs), r.max_rel_err_vs_reference === null ? "-" : r.max_rel_err_vs_reference.toExponential(1),
    r.peak_rss_mb === null ? "-" : String(r.peak_rss_mb),
    r.process_ms == null ? "" : r.process_ms.toFixed(1),
    r.cold_vs_warm == null ? "" : `${r.cold_vs_warm.toFixed(1)}x`,
    r.engine === "hessflow" && r.mode !== "rows-graph-build" && r.mode !== "cli-cold" && jax.get(r.case) && r.median_ms ? `${(jax.get(r.case) / r.median_ms).toFixed(1)}x faster` : "",
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i >= 4 && i <= 9 ? x.padStart(w[i]) : x.padEnd(w[i]))).join("  ");
  console.log(line(head));
  console.log(w.map((x) => "-".repeat(x)).join("  "));
  for (const c of cells) console.log(line(c));
  console.log(`\nmedian of the runs shown, after warm-up runs, engines alternating in one process; rows-graph-build is the time to build the row-by-row Hessian graph; peak RSS from a separate process per row;`);
  console.log(`cli-cold: \`hessflow run SPEC --summary --json\` in ${COLD_RUNS} fresh processes, median of the Hessian time it reports (workers auto) and of the process wall time (process ms); cold/warm divides its Hessian time by the faster warm batched median.`);
}

/** The HVP case's network, the block size, and the Python that runs PyTorch's side. */
const HVP_SPEC = "mnist-mlp";
const HVP_BLOCK = 16;
const PYTHON = "/usr/bin/python3";
/** Lines printed under the tables (to stderr with --json). */
const notes = [];

/** Deterministic values in [-1, 1) (mulberry32), so every run multiplies the same vectors. */
function uniformVector(length, seed) {
  const out = new Float64Array(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = 2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1;
  }
  return out;
}

/** max |a - b| / max |b|: the products' difference relative to the reference's largest entry. */
function relDiff(a, b) {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return m > 0 ? d / m : d;
}

/** The float64 data of a little-endian '<f8' .npy file (what numpy.save writes for a float64 array). */
function readNpyF64(path) {
  const buf = readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString("latin1", 10, 10 + headerLen);
  if (!header.includes("'<f8'") || header.includes("'fortran_order': True")) throw new Error(`${path}: expected a C-order '<f8' array, got ${header.trim()}`);
  const start = 10 + headerLen;
  return new Float64Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
}

/** The HVP case: hessflow's Hessian-vector products on the MNIST MLP (one vector, a block of 16), then PyTorch's on the same numbers when /usr/bin/python3 has torch. */
async function hvpCase() {
  const spec = loadSpec(readJson(specPath(HVP_SPEC)), { baseDir: join(root, "graph-specs") });
  const session = new Session(spec.graph, { threads: nodeThreads() });
  const { ys, xs } = spec.hessian;
  const op = session.curvatureOperator(ys, xs, spec.feed);
  const n = op.n, k = HVP_BLOCK;
  // Vectors in hessflow's flatten order (each x row-major, xs in order), which bench/torch_hvp.py splits the same way.
  const v1 = uniformVector(n, 1);
  const vk = uniformVector(k * n, 2);
  const engines = [
    { mode: "session.hvp", k: 1, threads: 1, run: () => session.hvp(ys, xs, spec.feed, v1, { workers: 1 }) },
    { mode: "session.hvp", k, threads: 1, run: () => session.hvp(ys, xs, spec.feed, vk, { count: k, workers: 1 }) },
    { mode: "session.hvp", k, threads: 2, run: () => session.hvp(ys, xs, spec.feed, vk, { count: k, workers: 2 }) },
    { mode: "operator.apply (forward pass done)", k: 1, threads: 1, run: async () => op.apply(v1, 1) },
    { mode: "operator.apply (forward pass done)", k, threads: 1, run: async () => op.apply(vk, k) },
  ].map((e) => ({ ...e, times: [], out: null, warm: 1 }));
  // Warm-up (JIT, plan compilation, thread start): until 300 ms have passed (at least 2 runs, at most 20).
  for (const e of engines) {
    const t0 = performance.now();
    for (let w = 0; w < 20 && (w < 2 || performance.now() - t0 < 300); w++) {
      const tw = performance.now();
      e.out = await e.run();
      e.warm = performance.now() - tw;
    }
  }
  // Rounds, modes alternating: --runs, else as many as fit in about 6 s of the slowest mode (11 to 31).
  const slowest = Math.max(1, ...engines.map((e) => e.warm));
  const rounds = opt.runs ? RUNS : Math.max(11, Math.min(31, Math.floor(6000 / slowest)));
  for (let r = 0; r < rounds; r++) {
    for (const e of engines) {
      const t0 = performance.now();
      e.out = await e.run();
      e.times.push(performance.now() - t0);
    }
  }
  // The modes must agree with each other before anything is compared with PyTorch.
  const same = Math.max(relDiff(engines[3].out, engines[0].out), ...engines.slice(2).filter((e) => e.k === k).map((e) => relDiff(e.out, engines[1].out)));
  notes.push(`hvp: the hessflow modes agree with each other to ${same.toExponential(1)} (max |difference| / max |product|).`);
  const rows = engines.map((e) => ({
    case: HVP_SPEC, engine: "hessflow", mode: e.mode, params: n, k: e.k, threads: e.threads,
    median_ms: Number(median(e.times).toFixed(2)), runs: e.times.length, rel_err_vs_torch: null,
  }));
  if (opt["no-torch"]) notes.push("hvp: PyTorch rows skipped (--no-torch).");
  const torch = opt["no-torch"] ? null : torchHvp(session, xs, v1, vk, n, k, rounds);
  if (torch) {
    engines.forEach((e, i) => { rows[i].rel_err_vs_torch = relDiff(e.out, e.k === 1 ? torch.out1 : torch.outk); });
    const r = torch.result;
    const tv = `torch ${r.torch}`;
    rows.push({ case: HVP_SPEC, engine: "pytorch", mode: `autograd.functional.hvp (${tv})`, params: n, k: 1, threads: r.threads, median_ms: Number(r.hvp1_ms.toFixed(2)), runs: r.hvp1_runs, rel_err_vs_torch: null });
    rows.push({ case: HVP_SPEC, engine: "pytorch", mode: `autograd.functional.hvp, a loop (${tv})`, params: n, k, threads: r.threads, median_ms: Number(r.hvp16_loop_ms.toFixed(2)), runs: r.hvp16_loop_runs, rel_err_vs_torch: null });
    if (r.hvp16_vmap_ms != null) {
      rows.push({ case: HVP_SPEC, engine: "pytorch", mode: `functorch.${r.vmap_mode} (${tv})`, params: n, k, threads: r.threads, median_ms: Number(r.hvp16_vmap_ms.toFixed(2)), runs: r.hvp16_vmap_runs, rel_err_vs_torch: null });
      notes.push(`hvp: PyTorch's block of ${k} also as one functorch.${r.vmap_mode} call; its products differ from the loop's by at most ${r.vmap_vs_loop_max_abs_diff.toExponential(1)} (absolute).`);
    }
    if (r.vmap_failure) notes.push(`hvp: functorch.vmap: ${r.vmap_failure}${r.hvp16_vmap_ms == null ? `; PyTorch's block of ${k} is the loop only` : ""}.`);
  }
  session.dispose();
  return rows;
}

/** PyTorch's side (bench/torch_hvp.py) on the session's parameter values and the same vectors, or null (with a note) when it cannot run. */
function torchHvp(session, xs, v1, vk, n, k, rounds) {
  const probe = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    notes.push(`hvp: PyTorch rows skipped: ${PYTHON} has no torch (apt-get install python3-torch to add them).`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), "hessflow-hvp-"));
  try {
    for (const x of xs) {
      const t = session.variableValue(x);
      writeFileSync(join(dir, `${x.name}.npy`), toNpy(t.data, t.shape));
    }
    writeFileSync(join(dir, "v1.npy"), toNpy(v1, [n]));
    writeFileSync(join(dir, `v${k}.npy`), toNpy(vk, [k, n]));
    const p = spawnSync(PYTHON, [join(root, "bench", "torch_hvp.py"), "--dir", dir, "--data", join(root, "graph-specs", "data"), "--runs", String(rounds), "--threads", "2"], { encoding: "utf8", timeout: 900_000 });
    if (p.status !== 0) {
      notes.push(`hvp: PyTorch rows failed: ${(p.stderr || String(p.error ?? "")).trim().split("\n").pop()}`);
      return null;
    }
    const result = JSON.parse(p.stdout.trim().split("\n").pop());
    return { result, out1: readNpyF64(join(dir, "out1.npy")), outk: readNpyF64(join(dir, `out${k}.npy`)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The HVP case's table and notes. */
function printHvpTable(rows, gap) {
  if (gap) console.log("");
  const head = ["case", "params", "engine", "mode", "k", "threads", "median ms", "ms per product", "runs", "rel err vs PyTorch"];
  const cells = rows.map((r) => [
    r.case, String(r.params), r.engine, r.mode, String(r.k), String(r.threads), r.median_ms.toFixed(2),
    (r.median_ms / r.k).toFixed(2), String(r.runs), r.rel_err_vs_torch === null ? "-" : r.rel_err_vs_torch.toExponential(1),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 1 || i >= 4 ? x.padStart(w[i]) : x.padEnd(w[i]))).join("  ");
  console.log(line(head));
  console.log(w.map((x) => "-".repeat(x)).join("  "));
  for (const c of cells) console.log(line(c));
  console.log(`\nHessian-vector products of the mean cross-entropy over 1,000 digits; median of the runs shown after warm-up runs. hessflow's modes alternate in this process;`);
  console.log(`session.hvp runs the forward pass on every call, as torch.autograd.functional.hvp does; operator.apply reuses one.`);
  if (rows.some((r) => r.engine === "pytorch")) {
    console.log(`PyTorch runs afterwards in a child process (${PYTHON}, float64, torch.set_num_threads(2)), on the same parameter values and vectors (.npy files);`);
    console.log(`rel err vs PyTorch = max |hessflow - PyTorch| / max |PyTorch| over the k products.`);
  }
}

if (opt.child) await child(opt.child);
else await main();
