import { describe, expect, it } from "vitest";
import { blockDiagonal, compareHessians, conditionNumbers, definitenessOf, inertiaOf, validateInput } from "../src/report/compare.js";
import type { HessianInput } from "../src/report/types.js";
import { compareMatrixFree, formatMatrixFreeReport } from "../src/report/compare-matrix-free.js";
import { denseOperator } from "../src/curvature/operator.js";
import { layout, loadReference, matvec, randomOrthogonal, referenceInput, rng, withEigenvalues } from "./report-fixtures.js";

const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("compareHessians on the seed network (reference: JAX/PyTorch)", () => {
  const ref = loadReference("seed");
  const input = referenceInput("seed");
  const r = compareHessians(input);

  it("has the tutorial numbers", () => {
    expect(r.n).toBe(11);
    expect(r.offdiagonal_frobenius_fraction).toBeCloseTo(0.8543385761651551, 12);
    expect(maxErr(r.eigenvalues.exact, ref.eigenvalues_exact)).toBeLessThan(1e-12);
    expect(maxErr(r.eigenvalues.tf_hessians, ref.eigenvalues_block_diagonal)).toBeLessThan(1e-12);
    expect(r.eigenvalues.exact[0]).toBeCloseTo(-5.610625883645397, 10);
    expect(r.eigenvalues.exact[1]).toBeCloseTo(-2.322196053169213, 10);
    expect(r.inertia.exact).toEqual({ negative: 2, zero: 3, positive: 6 });
    expect(r.inertia.tf_hessians).toEqual({ negative: 0, zero: 4, positive: 7 });
    expect(r.definiteness).toEqual({ exact: "indefinite", tf_hessians: "positive semi-definite" });
    expect(r.condition_number).toEqual({ exact: Infinity, tf_hessians: Infinity });
    expect(r.condition_number_nonzero.exact).toBeCloseTo(10.94339033205691 / 0.009151777864271819, 6);
    expect(r.condition_number_nonzero.tf_hessians).toBeCloseTo(5.558647937698422 / 0.5870141138807156, 9);
    expect(r.verdict[0]).toBe("exact: indefinite (a saddle); tf.hessians-style: positive semi-definite: the saddle is invisible to it.");
    expect(r.verdict.join(" ")).toContain("85.4% of the Hessian");
  });

  it("has one block per pair of variables, diagonal ones matching tf.hessians", () => {
    expect(r.blocks.map((b) => `${b.row}/${b.col}`)).toEqual(
      ["w1", "b1", "w2", "b2"].flatMap((a) => ["w1", "b1", "w2", "b2"].map((b) => `${a}/${b}`)));
    expect(r.blocks.filter((b) => b.in_tf_hessians).map((b) => b.row)).toEqual(["w1", "b1", "w2", "b2"]);
    ref.tf_hessians_flat_blocks.forEach((blk: number[][], k: number) => {
      const s = r.blocks[k * 5];
      expect(s.frobenius).toBeCloseTo(Math.hypot(...blk.flat()), 12);
      expect(s.max_abs).toBe(Math.max(...blk.flat().map(Math.abs)));
    });
    const total = Math.hypot(...r.blocks.map((b) => b.frobenius));
    expect(total).toBeCloseTo(r.frobenius.exact, 12);
  });

  it("blockDiagonal keeps exactly the tf.hessians blocks", () => {
    const b = blockDiagonal(input);
    expect(Array.from(b.subarray(6 * 11 + 6, 6 * 11 + 8))).toEqual(ref.tf_hessians_flat_blocks[1][0]);
    expect(b[0 * 11 + 6]).toBe(0);
    expect(b[10 * 11 + 10]).toBe(input.hessian[120]);
  });

  it("solves both singular Newton systems in the least-squares sense", () => {
    const nw = r.newton!;
    expect(nw.exact.method).toBe("pseudo-inverse");
    expect(nw.exact.dropped).toBe(3);
    expect(nw.tf_hessians.method).toBe("pseudo-inverse");
    expect(nw.tf_hessians.dropped).toBe(4);
    // Normal equations Hᵀ(H p + g) = 0 hold for a least-squares solution.
    const g = input.gradient!;
    for (const [h, p] of [[input.hessian, nw.exact.step], [blockDiagonal(input), nw.tf_hessians.step]] as const) {
      const res = matvec(h, p).map((x, i) => x + g[i]);
      expect(Math.max(...matvec(h, res).map(Math.abs))).toBeLessThan(1e-9);
    }
    expect(nw.angle_degrees).toBeGreaterThan(0);
    expect(nw.angle_degrees).toBeLessThan(180);
  });
});

describe.each(["tanh-3layer", "sigmoid-softmax"])("compareHessians on %s", (name) => {
  it("matches the reference spectra and off-diagonal share", () => {
    const ref = loadReference(name);
    const r = compareHessians(referenceInput(name));
    expect(r.offdiagonal_frobenius_fraction).toBeCloseTo(ref.offdiagonal_frobenius_fraction, 12);
    expect(maxErr(r.eigenvalues.exact, ref.eigenvalues_exact)).toBeLessThan(1e-10);
    expect(maxErr(r.eigenvalues.tf_hessians, ref.eigenvalues_block_diagonal)).toBeLessThan(1e-10);
  });
});

describe("compareHessians on constructed matrices", () => {
  const xs = layout([{ name: "a", shape: [2] }, { name: "b", shape: [2, 2] }]);
  const g = Float64Array.from({ length: 6 }, rng(7));

  it("recovers known eigenvalues of Q diag Qᵀ and solves H p = -g", () => {
    const d = [7, -3, 0.5, 4, -1, 2];
    const input: HessianInput = { n: 6, xs, hessian: withEigenvalues(d, 1), gradient: g };
    const r = compareHessians(input);
    expect(maxErr(r.eigenvalues.exact, [...d].sort((a, b) => a - b))).toBeLessThan(1e-12);
    expect(r.inertia.exact).toEqual({ negative: 2, zero: 0, positive: 4 });
    expect(r.definiteness.exact).toBe("indefinite");
    expect(r.condition_number.exact).toBeCloseTo(14, 10);
    expect(r.condition_number_nonzero.exact).toBeCloseTo(14, 10);
    const nw = r.newton!;
    expect(nw.exact.method).toBe("solve");
    expect(nw.exact.dropped).toBe(0);
    expect(maxErr(matvec(input.hessian, nw.exact.step), g.map((x) => -x))).toBeLessThan(1e-12);
    expect(nw.exact.residual).toBeLessThan(1e-13);
    if (nw.tf_hessians.method === "solve") {
      expect(maxErr(matvec(blockDiagonal(input), nw.tf_hessians.step), g.map((x) => -x))).toBeLessThan(1e-10);
    }
  });

  it("uses the pseudo-inverse when singular and returns the minimum-norm least-squares step", () => {
    const d = [0, 5, -3, 0, 1, 2];
    const q = randomOrthogonal(6, 3);
    const input: HessianInput = { n: 6, xs, hessian: withEigenvalues(d, 3), gradient: g };
    const r = compareHessians(input);
    expect(r.inertia.exact).toEqual({ negative: 1, zero: 2, positive: 3 });
    expect(r.condition_number.exact).toBe(Infinity);
    expect(r.condition_number_nonzero.exact).toBeCloseTo(5, 9);
    expect(r.newton!.exact.method).toBe("pseudo-inverse");
    expect(r.newton!.exact.dropped).toBe(2);
    // Direct pseudo-inverse: p = -Q diag(1/d, 0 for d = 0) Qᵀ g.
    const expected = new Float64Array(6);
    for (let k = 0; k < 6; k++) {
      if (d[k] === 0) continue;
      let dot = 0;
      for (let i = 0; i < 6; i++) dot += q[i * 6 + k] * g[i];
      for (let i = 0; i < 6; i++) expected[i] -= (q[i * 6 + k] * dot) / d[k];
    }
    expect(maxErr(r.newton!.exact.step, expected)).toBeLessThan(1e-12);
    expect(r.newton!.exact.residual).toBeGreaterThan(0.01); // g has a null-space component
  });

  it("sees no difference for an already block-diagonal matrix", () => {
    const h = new Float64Array(36);
    [[0, 0, 2], [1, 1, 3], [0, 1, 1], [1, 0, 1], [2, 2, 1], [3, 3, 1], [4, 4, 1], [5, 5, 1]].forEach(([i, j, v]) => (h[i * 6 + j] = v));
    const r = compareHessians({ n: 6, xs, hessian: h, gradient: g });
    expect(r.offdiagonal_frobenius_fraction).toBe(0);
    expect(r.eigenvalues.exact).toEqual(r.eigenvalues.tf_hessians.map((x) => expect.closeTo(x, 12)));
    expect(r.definiteness.exact).toBe("positive definite");
    expect(r.verdict[0]).toContain("same curvature type");
    expect(r.newton!.angle_degrees).toBeCloseTo(0, 5);
  });

  it("handles the zero matrix", () => {
    const r = compareHessians({ n: 6, xs, hessian: new Float64Array(36), gradient: g });
    expect(r.definiteness).toEqual({ exact: "zero", tf_hessians: "zero" });
    expect(r.offdiagonal_frobenius_fraction).toBe(0);
    expect(r.newton!.exact.norm).toBe(0);
    expect(r.newton!.angle_degrees).toBeNull();
  });
});

describe("spectral helpers", () => {
  it("classify definiteness with a relative zero tolerance", () => {
    expect(inertiaOf([-1e-12, 1, 2])).toEqual({ negative: 0, zero: 1, positive: 2 });
    expect(definitenessOf(inertiaOf([1, 2]))).toBe("positive definite");
    expect(definitenessOf(inertiaOf([0, 2]))).toBe("positive semi-definite");
    expect(definitenessOf(inertiaOf([-1, -2]))).toBe("negative definite");
    expect(definitenessOf(inertiaOf([-1, 1e-15]))).toBe("negative semi-definite");
    expect(definitenessOf(inertiaOf([-1, 1]))).toBe("indefinite");
    expect(definitenessOf(inertiaOf([0, 0]))).toBe("zero");
    expect(conditionNumbers([-4, 2, 1])).toEqual([4, 4]);
    expect(conditionNumbers([0, 2, 1])).toEqual([Infinity, 2]);
  });

  it("rejects inconsistent layouts", () => {
    const xs = layout([{ name: "a", shape: [2] }]);
    expect(() => validateInput({ n: 3, xs, hessian: new Float64Array(9) })).toThrow(/cover 2/);
    expect(() => validateInput({ n: 2, xs, hessian: new Float64Array(3) })).toThrow(/n\*n/);
    expect(() => validateInput({ n: 2, xs, hessian: new Float64Array(4), gradient: new Float64Array(3) })).toThrow(/gradient/);
  });
});

describe("compareMatrixFree (products only) against compareHessians", () => {
  it("gives the seed network's extreme eigenvalues, and block norms and share within 3 standard errors", async () => {
    const input = referenceInput("seed");
    const dense = compareHessians(input);
    const r = await compareMatrixFree(denseOperator(input.hessian, input.n), input.xs, { k: 3, samples: 200 });
    expect(r.method).toBe("matrix-free (Lanczos, Hutchinson, 200 samples)");
    expect(r.inertia).toBeNull();
    const all = dense.eigenvalues.exact;
    r.extreme_eigenvalues.exact.top.forEach((p, i) => expect(Math.abs(p.value - all[all.length - 1 - i])).toBeLessThan(1e-9));
    r.extreme_eigenvalues.exact.bottom.forEach((p, i) => expect(Math.abs(p.value - all[i])).toBeLessThan(1e-9));
    for (const b of r.blocks) {
      const want = dense.blocks.find((x) => x.row === b.row && x.col === b.col)!.frobenius;
      expect(Math.abs(b.frobenius - want)).toBeLessThanOrEqual(3 * b.frobenius_stderr + 1e-12);
    }
    expect(Math.abs(r.offdiagonal_frobenius_fraction - dense.offdiagonal_frobenius_fraction)).toBeLessThan(3 * r.offdiagonal_frobenius_fraction_stderr);
    expect(formatMatrixFreeReport(r)).toMatch(/^method: matrix-free \(Lanczos, Hutchinson, 200 samples\)/m);
  });

  it("estimates a zero off-diagonal share with zero error for an already block-diagonal matrix", async () => {
    const input = referenceInput("seed");
    const b = blockDiagonal(input);
    const r = await compareMatrixFree(denseOperator(b, input.n), input.xs, { samples: 5 });
    expect(r.offdiagonal_frobenius_fraction).toBe(0);
    expect(r.offdiagonal_frobenius_fraction_stderr).toBe(0);
    for (const x of r.blocks.filter((x) => !x.in_tf_hessians)) expect(x.frobenius).toBe(0);
  });
});
