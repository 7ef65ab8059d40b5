// xs that depend on each other: tf.gradients' second derivatives are then not symmetric, and the
// batched mode (which computes columns by forward-mode tangents) must still give the tutorial's rows.
import { describe, expect, it } from "vitest";
import { Graph, Session, add, computeHessian, matmul, reduceSum, square, tanh } from "../src/index.js";

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
