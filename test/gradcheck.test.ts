// The checker itself: it must pass known-right derivatives with tiny errors and report deliberately
// wrong ones (a wrong gradient rule, a rule right at first order but wrong at second, a wrong JVP rule
// seen only by the batched Hessian). Wrong rules are installed by replacing an OPS entry with a patched
// copy for the duration of one test.
import { afterEach, describe, expect, it } from "vitest";
import { add, exp, matmul, multiply, reduceSum, square, stopGradient, subtract, tanh, type Node } from "../src/index.js";
import { OPS } from "../src/ops/registry.js";
import { checkGrads, expectGrads, fdJacobian, randomNested } from "./gradcheck.js";

type AnyOps = Record<string, Record<string, unknown>>;
const saved = new Map<string, unknown>();

/** Replaces OPS[op] by a copy with some fields overridden, until the end of the test. */
function patchOp(op: string, fields: Record<string, unknown>): void {
  const ops = OPS as unknown as AnyOps;
  if (!saved.has(op)) saved.set(op, ops[op]);
  ops[op] = { ...ops[op], ...fields };
}

afterEach(() => {
  for (const [op, def] of saved) (OPS as unknown as Record<string, unknown>)[op] = def;
  saved.clear();
});

const byName = (r: { checks: { what: string; ok: boolean }[] }) => Object.fromEntries(r.checks.map((c) => [c.what, c.ok]));

describe("gradcheck passes right derivatives", () => {
  it("Σ p ⊙ tanh(A·B): all checks pass with errors far below the tolerance", async () => {
    const r = await checkGrads(([a, b]) => tanh(matmul(a, b)), [randomNested([3, 4], 1), randomNested([4, 2], 2)], { order: 3 });
    expect(r.ok, r.text).toBe(true);
    expect(r.n).toBe(20);
    expect(r.maxError).toBeLessThan(1e-9);
    expect(r.checks.map((c) => c.what)).toEqual([
      "gradient", "hessian() graph", "computeHessian rows", "computeHessian batched", "tf.hessians blocks", "third order (gradients of hessian graph)",
    ]);
  });

  it("a scalar output is used as is (no projection); order 1 runs only the gradient check", async () => {
    const r = await checkGrads(([x]) => reduceSum(square(x)), [[1, 2, 3]], { order: 1 });
    expect(r.ok, r.text).toBe(true);
    expect(r.checks.map((c) => c.what)).toEqual(["gradient"]);
    expect(r.ops.has("square")).toBe(true);
  });

  it("expectGrads returns the report when everything passes", async () => {
    const r = await expectGrads(([x, y]) => multiply(x, y), [[1, 2], [3, 4]]);
    expect(r.ok).toBe(true);
    expect(r.text).toMatch(/^gradcheck passed/);
  });

  it("the Richardson central difference is accurate to ~1e-10 on smooth functions", () => {
    const F = (x: Float64Array) => Float64Array.of(Math.exp(x[0]) * Math.sin(x[1]), x[0] ** 3 * x[1], Math.log(x[1]));
    const x0 = Float64Array.of(0.7, 1.3);
    const J = fdJacobian(F, x0, 1e-4);
    const exact = [
      Math.exp(0.7) * Math.sin(1.3), Math.exp(0.7) * Math.cos(1.3),
      3 * 0.7 ** 2 * 1.3, 0.7 ** 3,
      0, 1 / 1.3,
    ];
    for (let i = 0; i < exact.length; i++) expect(Math.abs(J[i] - exact[i])).toBeLessThan(1e-10);
  });
});

describe("gradcheck reports wrong derivatives", () => {
  it("a wrong first-order rule (d tanh = 1 − tanh, square missing) fails the gradient and every Hessian check", async () => {
    patchOp("tanh", { grad: (n: Node, dy: Node) => [multiply(dy, subtract(1, n))] });
    const r = await checkGrads(([x]) => tanh(x), [randomNested([2, 3], 3)]);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/^gradcheck FAILED/);
    const c = byName(r);
    expect(c.gradient).toBe(false);
    expect(c["hessian() graph"]).toBe(false);
    expect(r.maxError).toBeGreaterThan(1e-2);
  });

  it("swapped multiply partials (∂/∂a = a) fail", async () => {
    patchOp("multiply", {
      grad: (n: Node, dy: Node) => [multiply(dy, n.inputs[0]), multiply(dy, n.inputs[1])],
    });
    const r = await checkGrads(([a, b]) => multiply(a, b), [[1, 2, 3], [-4, 5, 0.5]], { order: 1 });
    expect(r.ok).toBe(false);
    expect(byName(r).gradient).toBe(false);
  });

  it("a rule right at first order but not differentiable further (d x² = 2·stop_gradient(x)) fails only second order", async () => {
    patchOp("square", { grad: (n: Node, dy: Node) => [multiply(dy, multiply(2, stopGradient(n.inputs[0])))] });
    const r = await checkGrads(([x]) => square(x), [randomNested([2, 2], 4)]);
    const c = byName(r);
    expect(c.gradient, r.text).toBe(true);
    expect(c["hessian() graph"]).toBe(false);
    expect(c["computeHessian rows"]).toBe(false);
    expect(c["computeHessian batched"]).toBe(false);
    expect(c["tf.hessians blocks"]).toBe(false);
    expect(r.ok).toBe(false);
  });

  it("a wrong JVP rule (tanh tangent doubled) is caught by the batched Hessian only", async () => {
    const jvp = (OPS.tanh.jvp as (a: unknown) => Float64Array | null);
    patchOp("tanh", { jvp: (args: unknown) => jvp(args)?.map((v) => 2 * v) ?? null });
    const r = await checkGrads(([x]) => tanh(x), [randomNested([2, 3], 5)]);
    const c = byName(r);
    expect(c.gradient, r.text).toBe(true);
    expect(c["hessian() graph"], r.text).toBe(true);
    expect(c["computeHessian rows"], r.text).toBe(true);
    expect(c["computeHessian batched"], r.text).toBe(false);
    expect(r.ok).toBe(false);
  });

  it("a rule wrong only at third order (d eˣ = stop_gradient(eˣ)·(1 + x − stop_gradient(x))) fails only the order-3 check", async () => {
    // Value eˣ and first derivative eˣ are right, so gradient and Hessian pass; its second derivative is 0, not eˣ.
    patchOp("exp", { grad: (n: Node, dy: Node) => [multiply(dy, multiply(stopGradient(n), add(1, subtract(n.inputs[0], stopGradient(n.inputs[0])))))] });
    const r = await checkGrads(([x]) => exp(x), [randomNested([3], 6)], { order: 3 });
    const c = byName(r);
    for (const what of ["gradient", "hessian() graph", "computeHessian rows", "computeHessian batched", "tf.hessians blocks"]) expect(c[what], `${what}\n${r.text}`).toBe(true);
    expect(c["third order (gradients of hessian graph)"], r.text).toBe(false);
    expect(r.ok).toBe(false);
  });

  it("expectGrads throws an Error carrying the report", async () => {
    patchOp("tanh", { grad: (n: Node, dy: Node) => [multiply(dy, subtract(1, n))] });
    await expect(expectGrads(([x]) => tanh(x), [[0.3, -0.4]])).rejects.toThrow(/FAIL gradient/);
  });

  it("a rule that throws is reported as a failure of that check, not a crash (batched mode)", async () => {
    patchOp("tanh", { jvp: () => { throw new Error("boom"); } });
    const r = await checkGrads(([x]) => tanh(x), [[0.3, -0.4]]);
    expect(byName(r)["computeHessian batched"]).toBe(false);
    expect(r.text).toMatch(/boom/);
  });

  it("patches are undone between tests", async () => {
    const r = await checkGrads(([x]) => tanh(square(x)), [[0.3, -0.4, 0.9]], { order: 3 });
    expect(r.ok, r.text).toBe(true);
  });
});
