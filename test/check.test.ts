// The public finite-difference checker (checkGradients) and `hessflow check`: right derivatives give
// errors far below 1e-6; a deliberately wrong gradient (the `gradients` option, or a wrong rule patched
// into the op registry for one test) is reported, with the variable, order and place.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import {
  checkGradients, gradients, Graph, GraphError, loadSpec, matmul, multiply, reduceSum, Session, square, subtract, tanh, type Node,
} from "../src/index.js";
import { OPS } from "../src/internal.js";

const TANH_MLP = new URL("../graph-specs/tanh-mlp.json", import.meta.url);
const TANH_MLP_PATH = TANH_MLP.pathname;
const loadTanhMlp = () => loadSpec(JSON.parse(readFileSync(TANH_MLP, "utf8")));

const saved = new Map<string, unknown>();
/** Replaces OPS[op] by a copy with some fields overridden, until the end of the test. */
function patchOp(op: string, fields: Record<string, unknown>): void {
  const ops = OPS as unknown as Record<string, Record<string, unknown>>;
  if (!saved.has(op)) saved.set(op, ops[op]);
  ops[op] = { ...ops[op], ...fields };
}
afterEach(() => {
  for (const [op, def] of saved) (OPS as unknown as Record<string, unknown>)[op] = def;
  saved.clear();
});

describe("checkGradients", () => {
  it("tanh-mlp: one entry per variable and order, every error below 1e-9", async () => {
    const spec = loadTanhMlp();
    const r = await checkGradients(spec.hessian!.ys, spec.hessian!.xs, spec.feed, { order: 2 });
    expect(r.n).toBe(17);
    expect(r.entries.map((e) => `${e.x}:${e.order}`)).toEqual(["w1:1", "b1:1", "w2:1", "b2:1", "w1:2", "b1:2", "w2:2", "b2:2"]);
    for (const e of r.entries) expect(e.maxError, `${e.x} order ${e.order}`).toBeLessThan(1e-9);
    expect(r.maxError).toBe(Math.max(...r.entries.map((e) => e.maxError)));
    expect(r.entries).toContain(r.worst);
    const h2 = r.entries.find((e) => e.x === "w1" && e.order === 2)!;
    expect(h2.at).toHaveLength(2);
    expect(h2.wrt && ["w1", "b1", "w2", "b2"]).toContain(h2.wrt!.x);
  });

  it("order 1 checks the gradient only; rows mode gives the same verdict as batched", async () => {
    const spec = loadTanhMlp();
    const r1 = await checkGradients(spec.hessian!.ys, spec.hessian!.xs, spec.feed, { order: 1 });
    expect(r1.entries.every((e) => e.order === 1)).toBe(true);
    const rows = await checkGradients(spec.hessian!.ys, spec.hessian!.xs, spec.feed, { mode: "rows" });
    expect(rows.maxError).toBeLessThan(1e-9);
  });

  it("a hand-made wrong gradient (the `gradients` option) fails at order 1 for that variable only, and at order 2", async () => {
    const g = new Graph();
    const a = g.variable([[0.3, -0.7], [1.1, 0.4]], "a");
    const b = g.variable([[0.5], [-0.2]], "b");
    const y = reduceSum(square(tanh(matmul(a, b))));
    // d tanh(u) = 1 − tanh(u) instead of 1 − tanh(u)²: a's gradient is wrong, b's is replaced by the right one.
    const wrong = (yy: Node, xs: Node[]) => {
      const t = tanh(matmul(a, b));
      const du = multiply(multiply(2, t), subtract(1, t));
      return [matmul(du, b, { transposeB: true }), ...gradients(yy, [xs[1]], { unconnected: "zero" })];
    };
    const r = await checkGradients(y, [a, b], {}, { gradients: wrong });
    const err = (x: string, order: number) => r.entries.find((e) => e.x === x && e.order === order)!.maxError;
    expect(err("a", 1)).toBeGreaterThan(1e-2);
    expect(err("b", 1)).toBeLessThan(1e-9);
    expect(err("a", 2)).toBeGreaterThan(1e-2);
    // b's Hessian rows hold ∂g_a/∂b (differences of a's wrong gradient), so they are wrong too.
    expect(err("b", 2)).toBeGreaterThan(1e-2);
    expect(r.worst.order).toBe(2);
    // The same graph with the engine's gradient passes.
    expect((await checkGradients(y, [a, b])).maxError).toBeLessThan(1e-9);
  });

  it("restores the session's variables and checks placeholders given in the feed", async () => {
    const g = new Graph();
    const w = g.variable([1.5, -0.5], "w");
    const x = g.placeholder([2], "x");
    const y = reduceSum(tanh(multiply(w, x)));
    const session = new Session(g);
    session.assign(w, [0.25, 2]);
    const r = await checkGradients(y, [w, x], { x: [0.7, -1.2] }, { session });
    expect(r.maxError).toBeLessThan(1e-9);
    expect(Array.from(session.variableValue(w).data)).toEqual([0.25, 2]);
  });

  it("bad arguments are GraphErrors", async () => {
    const g = new Graph();
    const w = g.variable([1, 2], "w");
    const c = g.constant([1, 2]);
    const p = g.placeholder([2], "p");
    const y = reduceSum(square(w));
    await expect(checkGradients(y, [c])).rejects.toThrow(GraphError);
    await expect(checkGradients(y, [p])).rejects.toThrow(/placeholder 'p' in xs has no feed/);
    await expect(checkGradients(y, [])).rejects.toThrow(GraphError);
    await expect(checkGradients(y, [w], {}, { order: 3 as 1 })).rejects.toThrow(/order must be 1 or 2/);
    await expect(checkGradients(y, [w], {}, { eps: 0 })).rejects.toThrow(/eps must be a positive number/);
  });
});

/** Runs main() in-process, capturing stdout and stderr. */
async function cli(args: string[]) {
  let stdout = "", stderr = "";
  const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe("hessflow check", () => {
  it("tanh-mlp: first- and second-order errors below 1e-6 for every variable, exit 0", async () => {
    const r = await cli(["check", TANH_MLP_PATH]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^(w1|b1|w2|b2) /.test(l));
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(Number(row.trim().split(/\s+/)[2]), row).toBeLessThan(1e-6);
    expect(r.stdout).toMatch(/^ok: largest error \S+ \((w1|b1|w2|b2), order [12]\) at or below tol 1\.00e-6$/m);
  });

  it("--json --order 1: one JSON document with an entry per variable", async () => {
    const r = await cli(["check", TANH_MLP_PATH, "--json", "--order", "1"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ name: "tanh-mlp", n: 17, order: 1, tol: 1e-6, ok: true });
    expect(doc.results.map((e: { x: string }) => e.x)).toEqual(["w1", "b1", "w2", "b2"]);
    expect(doc.max_error).toBeLessThan(1e-6);
  });

  it("a wrong gradient rule (patched into the op registry for this test): the table on stdout, then exit 1 with one stderr line naming the worst variable and order", async () => {
    patchOp("tanh", { grad: (n: Node, dy: Node) => [multiply(dy, subtract(1, n))] });
    const r = await cli(["check", TANH_MLP_PATH]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^variable +order +max rel error/m);
    expect(r.stdout).toMatch(/^FAILED: largest error/m);
    expect(r.stderr).toMatch(/^hessflow: check failed: largest relative error \S+ for '(w1|b1|w2|b2)' at order [12] \(.+\), above --tol 1\.00e-6\n$/);
  });

  it("--tol below the errors fails; a larger --tol passes", async () => {
    expect((await cli(["check", TANH_MLP_PATH, "--order", "1", "--tol", "1e-18"])).code).toBe(1);
    expect((await cli(["check", TANH_MLP_PATH, "--order", "1", "--tol", "1e-3"])).code).toBe(0);
  });

  for (const [args, message] of [
    [["--order", "3"], /--order must be 1 or 2, got '3'/],
    [["--tol", "abc"], /--tol must be a positive number/],
    [["--eps", "0"], /--eps must be a positive number/],
    [["--frobnicate"], /unknown option '--frobnicate' for 'check'/],
  ] as [string[], RegExp][]) {
    it(`usage error ${args.join(" ")}: exit 1, one stderr line, nothing on stdout`, async () => {
      const r = await cli(["check", TANH_MLP_PATH, ...args]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n")).toHaveLength(2);
    });
  }

  it("check --help shows its options", async () => {
    const r = await cli(["check", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--order N/);
    expect(r.stdout).toMatch(/--tol T/);
  });
});
