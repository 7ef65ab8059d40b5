// xs that depend on each other: tf.gradients' second derivatives are then not symmetric, and the
// batched mode (which computes columns by forward-mode tangents) must still give the tutorial's rows.
import { describe, expect, it } from "vitest";
import { Graph, Session, add, computeHessian, matmul, pow, reduceSum, square, tanh } from "../src/index.js";

describe("Hessian over xs where one x is computed from another", () => {
  it("rows and batched modes agree to 1e-12, though the matrix is not symmetric", async () => {
    const g = new Graph();
    const X = g.constant([[0.5, -1, 2], [1, 0.3, -0.7]]);
    const w = g.variable([[0.2, -0.4], [0.7, 0.1]], "w");
    const h = tanh(matmul(w, X));
    const L = reduceSum(square(add(h, matmul(w, h))));
    const s = new Session(g);
    const rows = await computeHessian(s, L, [w, h], {}, { mode: "rows" });
    const batched = await computeHessian(s, L, [w, h], {}, { mode: "batched" });
    const n = rows.n;
    expect(n).toBe(10);
    let diff = 0, asym = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      diff = Math.max(diff, Math.abs(rows.matrix[i * n + j] - batched.matrix[i * n + j]));
      asym = Math.max(asym, Math.abs(rows.matrix[i * n + j] - rows.matrix[j * n + i]));
    }
    expect(diff).toBeLessThan(1e-12);
    expect(asym).toBeGreaterThan(0.1);
  });
});

describe("Hessian of pow(v, e) with both inputs variables: TF's masked log makes it asymmetric where v ≤ 0", () => {
  // z = v^e. ∂z/∂v = e·v^(e−1); ∂z/∂e = z·log v where v > 0, else 0 (TF's _PowGrad). Rows of tf.gradients:
  // row v = [e(e−1)v^(e−2), v^(e−1) + e·v^(e−1)·(masked log v)], row e = [∂(z·masked log v)/∂v, z·(masked log v)²].
  it.each(["rows", "batched"] as const)("%s mode gives the closed form at v = −1, e = 4 and at v = 2, e = 3", async (mode) => {
    for (const [v0, e0] of [[-1, 4], [2, 3]]) {
      const g = new Graph();
      const v = g.variable(v0, "v");
      const e = g.variable(e0, "e");
      const h = await computeHessian(new Session(g), pow(v, e), [v, e], {}, { mode, workers: 1 });
      const lg = v0 > 0 ? Math.log(v0) : 0;
      const z = v0 ** e0;
      const expected = [
        e0 * (e0 - 1) * v0 ** (e0 - 2), v0 ** (e0 - 1) * (1 + e0 * lg),
        v0 > 0 ? z * (e0 / v0) * lg + z / v0 : 0, z * lg * lg,
      ];
      for (let k = 0; k < 4; k++) expect(Math.abs(h.matrix[k] - expected[k]), `${mode} v=${v0} entry ${k}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected[k])));
    }
  });
});
