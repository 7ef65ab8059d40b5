// abs, sqrt, minimum, reduce_min, leaky_relu, elu and pow at their kinks and ties (against TF's stated
// rules), the batched Hessian against the Hessian graph there, their shape errors, and their use in specs
// and expr. Their finite-difference checks away from kinks are in ops.test.ts (PER_OP and the tables).
import { describe, expect, it } from "vitest";
import {
  abs, add, computeHessian, elu, gradients, Graph, hessian, leakyRelu, loadSpec, minimum, multiply, pow, reduceMin,
  reduceSum, runSpec, Session, ShapeError, sqrt, square, toNested, type Node,
} from "../src/internal.js";
import * as libm from "../src/kernels/libm.js";

/** d(Σ y)/dx evaluated, for y built from the variable x. */
function grad(value: number[], f: (x: Node) => Node): number[] {
  const g = new Graph();
  const x = g.variable(value, "x");
  const [dx] = gradients(reduceSum(f(x)), [x]);
  return toNested(new Session(g).run(dx!)) as number[];
}

describe("kinks and ties, as in TF", () => {
  it("abs: gradient sign(x), 0 at 0 (TF's _AbsGrad: dy · sign(x))", () => {
    expect(grad([-2, 0, 3], abs)).toEqual([-1, 0, 1]);
  });

  it("leaky_relu: gradient 1 for x > 0, alpha for x ≤ 0 (TF: x > 0 ? 1 : alpha), default alpha 0.2", () => {
    expect(grad([-2, 0, 3], (x) => leakyRelu(x, 0.1))).toEqual([0.1, 0.1, 1]);
    expect(grad([-2, 0, 3], (x) => leakyRelu(x))).toEqual([0.2, 0.2, 1]);
    const g = new Graph();
    expect(toNested(new Session(g).run(leakyRelu(g.constant([-2, 0, 3]))))).toEqual([-0.4, 0, 3]);
  });

  it("elu: values x or eˣ − 1, gradient 1 for x > 0 and y + 1 otherwise (TF's EluGrad), so 1 at 0", () => {
    const g = new Graph();
    expect(toNested(new Session(g).run(elu(g.constant([-1, 0, 2]))))).toEqual([libm.expm1(-1), 0, 2]);
    expect(grad([-1, 0, 2], elu)).toEqual([libm.exp(-1), 1, 1]);
  });

  it("elu's second derivative is eˣ for x < 0 and 0 for x ≥ 0, also at 0 (TF's EluGradGrad masks with y < 0), in both Hessian modes", async () => {
    for (const mode of ["rows", "batched"] as const) {
      const g = new Graph();
      const x = g.variable([-1, 0, 2], "x");
      const h = await computeHessian(new Session(g), reduceSum(elu(x)), [x], {}, { mode, workers: 1 });
      expect(Array.from(h.matrix), mode).toEqual([libm.exp(-1), 0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it("minimum gives a tie's gradient to x (TF's _MinimumGrad: xmask = less_equal(x, y)), also when broadcasting", () => {
    const g = new Graph();
    const x = g.variable([[1, 2, 3], [3, 0, 1]], "x");
    const y = g.variable([3, 2, 1], "y");
    const [dx, dy] = gradients(minimum(x, y), [x, y]);
    const s = new Session(g);
    expect(toNested(s.run(minimum(x, y)))).toEqual([[1, 2, 1], [3, 0, 1]]);
    expect(toNested(s.run(dx!))).toEqual([[1, 1, 0], [1, 1, 1]]);
    expect(toNested(s.run(dy!))).toEqual([0, 0, 1]);
  });

  it("reduce_min shares dy equally among tied minima (TF's _MinOrMaxGrad)", () => {
    const g = new Graph();
    const x = g.variable([[1, -3, -3, 2], [5, 5, 5, 7]], "x");
    const s = new Session(g);
    expect(toNested(s.run(reduceMin(x, 1)))).toEqual([-3, 5]);
    const [dx] = gradients(reduceSum(multiply(reduceMin(x, 1), [4, 3])), [x]);
    expect(toNested(s.run(dx!))).toEqual([[0, 2, 2, 0], [1, 1, 1, 0]]);
    const [dAll] = gradients(reduceSum(reduceMin(x, null, true)), [x]);
    expect(toNested(s.run(dAll!))).toEqual([[0, 0.5, 0.5, 0], [0, 0, 0, 0]]);
  });

  it("pow: dx = y·x^(y−1); dy = z·log x where x > 0, else 0 (TF's _PowGrad), no NaN at x ≤ 0", () => {
    const g = new Graph();
    const x = g.variable([-2, 0, 2], "x");
    const y = g.variable([3, 2, 3], "y");
    const [dx, dy] = gradients(pow(x, y), [x, y]);
    const s = new Session(g);
    expect(toNested(s.run(pow(x, y)))).toEqual([-8, 0, 8]);
    expect(toNested(s.run(dx!))).toEqual([12, 0, 12]);
    // z · 0 is −0 for z = −8 (as TF's z · log_x); + 0 compares values, not the sign of zero.
    expect((toNested(s.run(dy!)) as number[]).map((v) => v + 0)).toEqual([0, 0, 8 * libm.log(2)]);
  });

  it("pow at a base ≤ 0: finite Hessians (no NaN from log), TF's asymmetric mixed partials", async () => {
    const g = new Graph();
    const x = g.variable([-2, 0, 1.5], "x"), y = g.variable([3, 2, 2.5], "y");
    const s = new Session(g);
    const L = reduceSum(pow(x, y));
    const graphH = s.run(hessian(L, [x, y])).data;
    expect([...graphH].every(Number.isFinite)).toBe(true);
    // x = −2, y = 3: ∂²z/∂x² = y(y−1)x^(y−2) = −12; ∂/∂y of y·x^(y−1) = x^(y−1) = 4 (its log term is 0 for x ≤ 0).
    expect(graphH[0]).toBe(-12);
    expect(graphH[3]).toBe(4);
    // ∂/∂x of z·log x is 0 there (TF's rule), so the mixed partials are not symmetric at x ≤ 0: both modes give
    // the graph's rows (the batched mode sees pow's skewedMixedPartials and mirrors nothing).
    expect(graphH[3 * 6 + 0] + 0).toBe(0);
    for (const mode of ["rows", "batched"] as const) {
      const m = (await computeHessian(s, L, [x, y], {}, { mode, workers: 1 })).matrix;
      expect([...m].map((v) => v + 0), mode).toEqual([...graphH].map((v) => v + 0));
    }
  });

  it("sqrt: d√x = 1/(2√x)", () => {
    expect(grad([4, 0.25], sqrt)).toEqual([0.25, 1]);
  });

  it("at kinks and ties the batched Hessian (JVP rules) equals the Hessian graph and the rules' exact values", async () => {
    const g = new Graph();
    const x = g.variable([1, -3, -3], "x");
    const a = g.variable([1, 2], "a"), b = g.variable([1, 3], "b");
    const c = g.variable([0, -1], "c");
    // Σ min(x)² + Σ minimum(a, b)² + Σ |c|·c + Σ leaky_relu(c)² + Σ elu(c):
    // H_xx = 2·w·wᵀ, w = [0, ½, ½]; H_aa = 2·I (ties go to a); H_cc = diag(2·sign c) + 2α²·I + diag(eᶜ for c < 0, 0 at c = 0: TF's EluGradGrad).
    const L = add(add(add(add(reduceSum(square(reduceMin(x))), reduceSum(square(minimum(a, b)))),
      reduceSum(multiply(abs(c), c))), reduceSum(square(leakyRelu(c, 0.5)))), reduceSum(elu(c)));
    const xs = [x, a, b, c];
    const expected = Array.from({ length: 9 }, () => new Array<number>(9).fill(0));
    expected[1][1] = expected[1][2] = expected[2][1] = expected[2][2] = 0.5;
    expected[3][3] = expected[4][4] = 2;
    expected[7][7] = 0 + 0.5 + 0;
    expected[8][8] = -2 + 0.5 + libm.exp(-1);
    const s = new Session(g);
    expect(toNested(s.run(hessian(L, xs)))).toEqual(expected);
    for (const mode of ["rows", "batched"] as const) {
      const m = (await computeHessian(s, L, xs, {}, { mode })).matrix;
      expect(toNested({ shape: [9, 9], data: m }), mode).toEqual(expected);
    }
  });
});

describe("shape errors name the node", () => {
  it("minimum and pow of [2,3] and [4] are ShapeErrors naming the node", () => {
    const g = new Graph();
    const p = g.constant([[1, 2, 3], [4, 5, 6]]), q = g.constant([1, 2, 3, 4]);
    expect(() => minimum(p, q, "m")).toThrow(ShapeError);
    expect(() => minimum(p, q, "m")).toThrow(/'m'/);
    expect(() => pow(p, q, "pw")).toThrow(/'pw'/);
  });

  it("reduce_min over an axis the input does not have is a ShapeError naming the node", () => {
    const g = new Graph();
    expect(() => reduceMin(g.constant([[1, 2]]), 2, false, "rm")).toThrow(/'rm'/);
  });
});

describe("specs and expr", () => {
  const doc = (nodes: object[], fetch: string[]) => ({ format: "hessflow.graph/1", name: "t", nodes, outputs: { fetch } });
  const vars = [
    { name: "a", op: "variable", value: [[1, -2, 3], [0.5, 4, -1]] },
    { name: "b", op: "variable", value: [0.5, 2, 2] },
  ];

  it("the new ops as op nodes and in expr give the API's values; x^k is pow, x^2 stays square", async () => {
    const spec = loadSpec(doc([
      ...vars,
      { name: "m", op: "minimum", inputs: ["a", "b"] },
      { name: "r", op: "reduce_min", inputs: ["a"], attrs: { axis: 1, keepdims: true } },
      { name: "l", op: "leaky_relu", inputs: ["a"], attrs: { alpha: 0.1 } },
      { name: "l0", op: "leaky_relu", inputs: ["a"] },
      { name: "p", op: "pow", inputs: ["b", "a"] },
      { name: "e", expr: "abs(a) + sqrt(b) + elu(a) + leaky_relu(a, 0.3) + reduce_min(a, 0) + b^3 + pow(b, a)" },
      { name: "s", expr: "a^2" },
    ], ["m", "r", "l", "l0", "p", "e", "s"]));
    expect(spec.graph.nodes.some((n) => n.name === "s" && n.op === "square")).toBe(true);
    const r = await runSpec(spec);
    const g = new Graph();
    const a = g.variable(vars[0].value as number[][]), b = g.variable(vars[1].value as number[]);
    const s = new Session(g);
    const e = add(add(add(add(add(add(abs(a), sqrt(b)), elu(a)), leakyRelu(a, 0.3)), reduceMin(a, 0)), pow(b, 3)), pow(b, a));
    expect(r.fetch.map((f) => toNested(f.value))).toEqual([
      toNested(s.run(minimum(a, b))), toNested(s.run(reduceMin(a, 1, true))), toNested(s.run(leakyRelu(a, 0.1))),
      toNested(s.run(leakyRelu(a))), toNested(s.run(pow(b, a))), toNested(s.run(e)), toNested(s.run(square(a))),
    ]);
  });
});
