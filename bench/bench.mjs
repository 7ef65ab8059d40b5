#!/usr/bin/env node
// npm run bench: hessflow against jax-js (eager `hessian`, Wasm backend, float64) on the benchmark cases,
// in one process, alternating engines run by run, median of N runs after a warm-up, every engine's
// Hessian checked against the JAX/PyTorch reference. Peak RSS comes from a separate child process
// per (case, engine, mode), so one engine's memory does not colour another's. The cold rows run the CLI
// (`hessflow run SPEC --summary --json`) in fresh processes: what a user's first Hessian costs.
//
//   node bench/bench.mjs [--json] [--cases b-200,b-1k,b-5k] [--runs 5] [--no-jaxjs] [--no-rss] [--no-cold]
//                        [--jaxjs-leakfree] [--jaxjs-chunk K] [--modes batched-1thread,eager-hessian,cli-cold,...]
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { computeHessian, hessian, loadSpec, nodeThreads, Session } from "../dist/index.js";
import { buildJaxjsHessian, checkAgainstReference, initJaxjs } from "./jaxjs-peer.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opt } = parseArgs({
  options: {
    json: { type: "boolean" }, cases: { type: "string" }, runs: { type: "string" }, "no-jaxjs": { type: "boolean" },
    "no-rss": { type: "boolean" }, "no-cold": { type: "boolean" }, modes: { type: "string" }, "jaxjs-leakfree": { type: "boolean" }, "jaxjs-chunk": { type: "string" },
    child: { type: "string" }, // internal: "case:engine:mode", measures peak RSS of one engine in isolation
  },
});
const RUNS = Math.max(1, Number(opt.runs ?? 5));
const caseNames = (opt.cases ?? "b-200,b-1k,b-5k").split(",").map((s) => s.trim()).filter(Boolean);

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
  if (!opt.json) printTable(rows);
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

if (opt.child) await child(opt.child);
else await main();
