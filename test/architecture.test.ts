// The architecture's promises: the core runs with no `node:` module and no `new Function` (strict
// CSP) and gives the same bits; the kernels' two paths agree; the Hessian engine's worker pool is
// injected and released by session.dispose(); the kernels' scratch memory is budgeted.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "./dist.js";
import * as builders from "../src/graph/builders.js";
import { Graph } from "../src/graph/graph.js";
import { Session } from "../src/session/session.js";
import { computeHessian } from "../src/session/hessian-runner.js";
import { serveHessianRequests } from "../src/session/hessian-worker.js";
import { WorkerPool, type WorkerPort, type WorkerReply, type WorkerRequest } from "../src/session/worker-pool.js";
import { binaryKernel, CAN_COMPILE, derivativeKernel, unaryKernel } from "../src/kernels/compile.js";
import { Workspace } from "../src/kernels/workspace.js";
import { ResourceError } from "../src/errors.js";
import { elementwiseHessians } from "./fixtures/elementwise-model.mjs";

/** The bits of each number, so that −0 and every last ulp count. */
const bits = (values: number[]): string => Buffer.from(Float64Array.from(values).buffer).toString("hex");
type Hessians = Awaited<ReturnType<typeof elementwiseHessians>>;
const asBits = (r: Hessians) => ({
  batched: { matrix: bits(r.batched.matrix), gradient: bits(r.batched.gradient), workers: r.batched.workers },
  rows: { matrix: bits(r.rows.matrix), gradient: bits(r.rows.gradient), workers: r.rows.workers },
  loss: bits(r.loss),
});

/** Runs the elementwise model's Hessians from dist/ in a fresh Node process, with `prelude` run first; returns its output as bits. */
function inChild(prelude: string): { canCompile: boolean; loaded: string[] } & ReturnType<typeof asBits> {
  const dist = (p: string) => JSON.stringify(join(ROOT, "dist", p));
  const script = `
    ${prelude}
    const { Graph } = await import(${dist("graph/graph.js")});
    const b = await import(${dist("graph/builders.js")});
    const { Session } = await import(${dist("session/session.js")});
    const { computeHessian } = await import(${dist("session/hessian-runner.js")});
    const { CAN_COMPILE } = await import(${dist("kernels/compile.js")});
    const { elementwiseHessians } = await import(${JSON.stringify(join(ROOT, "test", "fixtures", "elementwise-model.mjs"))});
    const r = await elementwiseHessians({ Graph, Session, computeHessian, b });
    const bits = (v) => Buffer.from(Float64Array.from(v).buffer).toString("hex");
    console.log(JSON.stringify({
      canCompile: CAN_COMPILE, loaded: globalThis.__loaded ?? [],
      batched: { matrix: bits(r.batched.matrix), gradient: bits(r.batched.gradient), workers: r.batched.workers },
      rows: { matrix: bits(r.rows.matrix), gradient: bits(r.rows.gradient), workers: r.rows.workers },
      loss: bits(r.loss),
    }));`;
  const dir = mkdtempSync(join(tmpdir(), "hessflow-core-"));
  const file = join(dir, "core.mjs");
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  rmSync(dir, { recursive: true, force: true });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("a platform-neutral core", () => {
  let here: ReturnType<typeof asBits>;
  beforeAll(async () => {
    ensureDist();
    here = asBits(await elementwiseHessians({ Graph, Session, computeHessian, b: builders }));
  }, 120_000);

  it("the single-thread Hessian (both modes) loads no node: module from dist/ and gives the same bits", () => {
    // A module hook that refuses any builtin module imported by a file under dist/ (and records the attempt).
    const hook = `
      import { builtinModules } from "node:module";
      export async function resolve(specifier, context, next) {
        const builtin = specifier.startsWith("node:") || builtinModules.includes(specifier);
        if (builtin && context.parentURL && context.parentURL.includes("/dist/")) throw new Error("core imported " + specifier + " from " + context.parentURL);
        return next(specifier, context);
      }`;
    const out = inChild(`
      const { register } = await import("node:module");
      register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}), import.meta.url);`);
    expect(out.batched.workers).toBe(0);
    expect(out.batched).toEqual(here.batched);
    expect(out.rows).toEqual(here.rows);
    expect(out.loss).toEqual(here.loss);
  }, 60_000);

  it("under a strict CSP (new Function refused) the kernels fall back to closures with identical numbers", () => {
    expect(CAN_COMPILE).toBe(true);
    const out = inChild(`
      const refuse = () => { throw new EvalError("Refused to evaluate a string as JavaScript: 'unsafe-eval' is not allowed"); };
      globalThis.Function = new Proxy(Function, { apply: refuse, construct: refuse });`);
    expect(out.canCompile).toBe(false);
    expect(out.batched).toEqual(here.batched);
    expect(out.rows).toEqual(here.rows);
    expect(out.loss).toEqual(here.loss);
  }, 60_000);
});

describe("compiled and interpreted kernels", () => {
  const special = [0, -0, 1, -1, 0.5, -2.75, 1e-300, 1e300, -1e300, 40, -40, 710, -745, Infinity, -Infinity, NaN, Math.PI];
  const values = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => special[(i * 7 + seed) % special.length]);
  const binaryExprs = ["x + y", "x - y", "x * y", "x / y", "(x - y) * (x - y)", "out[o] + x * y", "x", "-x * y", "x > 0 ? x : 0", "2 * (x - y)", "-2 * (x - y)", "y * (1 - x * x)", "y * x * (1 - x)", "1 / y", "-x / (y * y)", "Math.max(x, y)", "Math.min(x, -y) * 2", "libm.pow(x, y)", "x > 0 ? libm.pow(x, y) * libm.log(x) : 0"];
  const shapes: [number[], number[], number[]][] = [[[3, 4], [3, 4], [3, 4]], [[3, 4], [], [3, 4]], [[], [3, 4], [3, 4]], [[4], [2, 3, 4], [2, 3, 4]], [[2, 3, 4], [4], [2, 3, 4]], [[3, 1], [1, 4], [3, 4]], [[2, 1, 4], [3, 1], [2, 3, 4]]];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

  it.each(binaryExprs)("binary %s: the same bits on every broadcasting path", (expr) => {
    const compiled = binaryKernel(expr, "compiled"), interpreted = binaryKernel(expr, "interpreted");
    for (const [as, bs, os] of shapes) {
      const a = values(size(as), 1), b = values(size(bs), 5);
      const start = values(size(os), 3);
      const c1 = Float64Array.from(start), c2 = Float64Array.from(start);
      compiled(a, as, b, bs, c1, os);
      interpreted(a, as, b, bs, c2, os);
      expect(bits([...c2]), `${expr} at ${JSON.stringify([as, bs, os])}`).toBe(bits([...c1]));
    }
  });

  it("unary ops and their derivatives: the same bits", () => {
    const LOGISTIC = "(x >= 0 ? 1 / (1 + libm.exp(-x)) : libm.exp(x) / (1 + libm.exp(x)))";
    const unary = ["x", "1", "-x", "x * x", "libm.exp(x)", "libm.log(x)", "libm.tanh(x)", "x > 0 ? x : 0", "x > 0 ? 1 : 0", LOGISTIC, "x > 0 ? x + libm.log1p(libm.exp(-x)) : libm.log1p(libm.exp(x))"];
    const derivatives = ["y", "1 / x", "1 - y * y", "y * (1 - y)", "2 * x", "-1", "x > 0 ? 1 : 0", LOGISTIC];
    const x = values(60, 2), y = values(60, 9);
    for (const e of unary) {
      const y1 = new Float64Array(60), y2 = new Float64Array(60);
      unaryKernel(e, "compiled")(x, y1);
      unaryKernel(e, "interpreted")(x, y2);
      expect(bits([...y2]), e).toBe(bits([...y1]));
    }
    for (const e of derivatives) {
      const d1 = new Float64Array(60), d2 = new Float64Array(60);
      derivativeKernel(e, "compiled")(x, y, d1);
      derivativeKernel(e, "interpreted")(x, y, d2);
      expect(bits([...d2]), e).toBe(bits([...d1]));
    }
  });

  it("an expression outside the supported language is refused on the interpreted path", () => {
    expect(() => binaryKernel("Math.sin(x) + y", "interpreted")).toThrow(/Math\.sin is not supported/);
    // Engine-dependent Math functions are not in the language: kernels call hessflow's deterministic libm.
    expect(() => unaryKernel("Math.exp(x)", "interpreted")).toThrow(/Math\.exp is not supported/);
    expect(() => binaryKernel("Math.pow(x, y)", "interpreted")).toThrow(/Math\.pow is not supported/);
    expect(() => binaryKernel("z + 1", "interpreted")).toThrow(/unknown name 'z'/);
  });
});

/** A worker platform running the worker's request handler in this thread (after the caller's own turn), logging what it is sent. */
function inThreadPlatform(log: string[]) {
  return {
    cores: 2,
    startWorker(): WorkerPort {
      let handler: ((m: WorkerRequest) => void) | undefined;
      let reply: ((r: WorkerReply) => void) | undefined;
      serveHessianRequests({ on: (_e: string, f: (m: WorkerRequest) => void) => (handler = f), postMessage: (r: WorkerReply) => reply!(r) } as never);
      return {
        post: (m) => { log.push(m.type === "drop" ? `drop ${m.jobIds.join(",")}` : `rows ${"plan" in m.job ? "job" : "id"} ${m.job.id}`); setTimeout(() => handler!(m)); },
        listen: (onReply) => { reply = onReply; },
        hold: () => {},
        terminate: () => log.push("terminate"),
      };
    },
  };
}

describe("the Hessian engine", () => {
  function model() {
    const g = new Graph();
    const X = g.constant([[0.5, -1, 2], [1, 0.3, -0.7]]);
    const w = g.variable([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.6]], "w");
    const L = builders.reduceSum(builders.square(builders.tanh(builders.matmul(X, w))));
    return { g, w, L };
  }

  it("with no threads given, a Hessian runs on the calling thread even when 2 workers are asked for", async () => {
    const { g, w, L } = model();
    expect((await new Session(g).hessian(L, [w], {}, { workers: 2 })).workers).toBe(0);
  });

  it("uses the injected pool, sends a job once, and on dispose tells the workers to drop it and stops them", async () => {
    const { g, w, L } = model();
    const log: string[] = [];
    const session = new Session(g, { threads: new WorkerPool(inThreadPlatform(log)) });
    const alone = await new Session(g).hessian(L, [w], {}, { batch: 1 });
    const first = await session.hessian(L, [w], {}, { workers: 2, batch: 1 });
    const second = await session.hessian(L, [w], {}, { workers: 2, batch: 1 });
    expect(first.workers).toBe(2);
    expect(bits([...first.matrix])).toBe(bits([...alone.matrix]));
    expect(bits([...second.matrix])).toBe(bits([...alone.matrix]));
    expect(log).toEqual(["rows job 1", "rows id 1"]);
    session.dispose();
    expect(log).toEqual(["rows job 1", "rows id 1", "drop 1", "terminate"]);
    // Disposed, the session still works: it starts again with a new job.
    expect(bits([...(await session.hessian(L, [w], {}, { workers: 2, batch: 1 })).matrix])).toBe(bits([...alone.matrix]));
    expect(log.slice(4)).toEqual(["rows job 2"]);
  });

  it("a pool shared by two sessions stops its workers when the last one is disposed", async () => {
    const { g, w, L } = model();
    const log: string[] = [];
    const pool = new WorkerPool(inThreadPlatform(log));
    const a = new Session(g, { threads: pool }), b = new Session(g, { threads: pool });
    await a.hessian(L, [w], {}, { workers: 2 });
    await b.hessian(L, [w], {}, { workers: 2 });
    a.dispose();
    expect(log).toEqual(["rows job 1", "rows job 2", "drop 1"]);
    b.dispose();
    expect(log).toEqual(["rows job 1", "rows job 2", "drop 1", "drop 2", "terminate"]);
  });
});

describe("the kernels' workspace", () => {
  it("counts its buffers against the memory budget and frees them on dispose", () => {
    const ws = new Workspace({ bytes: 4000, source: "a test budget" });
    ws.float64("a", 100);
    ws.int32("b", 100, 200);
    expect(ws.bytes).toBe(800 + 800);
    expect(ws.float64("a", 50).length).toBe(100); // big enough: reused
    expect(() => ws.float64("c", 400)).toThrow(ResourceError);
    expect(() => ws.float64("c", 400)).toThrow(/the kernels' scratch buffers needs 4\.8 KB, more than the 4\.0 KB available/);
    ws.dispose();
    expect(ws.bytes).toBe(0);
    expect(ws.float64("c", 400).length).toBe(400);
  });
});
