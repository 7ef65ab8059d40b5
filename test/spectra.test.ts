// The matrix-free spectral algorithms (src/curvature): Lanczos, Hutchinson, SLQ on matrices of known spectrum
// and on b-1k's exact Hessian; the symbolic Hessian-vector product against the dense Hessian.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Session, gradients } from "../src/index.js";
import { symmetricEigen, symmetricEigenProjector, tridiagonalEigen } from "../src/curvature/eigen.js";
import { lanczos } from "../src/curvature/lanczos.js";
import { blockDiagonalOperator, counting, denseOperator, type LinearOperator } from "../src/curvature/operator.js";
import { mulberry32, normal } from "../src/curvature/random.js";
import { hutchinson, slqDensity } from "../src/curvature/stochastic.js";
import { symbolicGaussNewtonOperator, symbolicHessianOperator } from "../src/curvature/symbolic-operator.js";
import { loadSpec, readSpecFile } from "../src/spec/load.js";
import { computeHessian } from "../src/session/hessian-runner.js";
import { compareHessians } from "../src/report/compare.js";
import { compareHessiansLanczos } from "../src/report/compare-lanczos.js";

/** Q diag(values) Qᵀ for a random orthogonal Q (Householder products, seeded). */
function withSpectrum(values: number[], seed = 1): Float64Array {
  const n = values.length, rand = mulberry32(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = values[i];
  for (let r = 0; r < 3; r++) {
    const u = Float64Array.from({ length: n }, () => normal(rand));
    const nu = Math.hypot(...u);
    u.forEach((x, i) => (u[i] = x / nu));
    // A ← (I − 2uuᵀ) A (I − 2uuᵀ)
    const au = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) au[i] += a[i * n + j] * u[j];
    let uau = 0;
    for (let i = 0; i < n; i++) uau += u[i] * au[i];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += -2 * u[i] * au[j] - 2 * au[i] * u[j] + 4 * uau * u[i] * u[j];
  }
  return a;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("dense symmetric eigensolver", () => {
  it("gives the known spectrum, with or without vectors, and unit eigenvectors", () => {
    const values = Array.from({ length: 60 }, (_, i) => (i - 20) * 0.5 + (i % 7) * 0.01);
    const a = withSpectrum(values);
    const sorted = [...values].sort((x, y) => x - y);
    const both = symmetricEigen(a, 60), only = symmetricEigen(a, 60, { vectors: false });
    expect(only.vectors).toBeUndefined();
    sorted.forEach((v, k) => {
      expect(Math.abs(both.values[k] - v)).toBeLessThan(1e-12);
      expect(Math.abs(only.values[k] - v)).toBeLessThan(1e-12);
    });
    const y = both.vectors!.subarray(5 * 60, 6 * 60);
    for (let i = 0; i < 60; i++) {
      let s = 0;
      for (let j = 0; j < 60; j++) s += a[i * 60 + j] * y[j];
      expect(Math.abs(s - both.values[5] * y[i])).toBeLessThan(1e-12);
    }
  });
  it("the factored form (reflectors and rotations, no eigenvector matrix) applies the eigenvectors exactly", () => {
    const n = 50, rand = mulberry32(11);
    const a = withSpectrum(Array.from({ length: n }, (_, i) => (i < 5 ? 0 : i - 20)), 12);
    const p = symmetricEigenProjector(a, n), full = symmetricEigen(a, n);
    p.values.forEach((v, k) => expect(Math.abs(v - full.values[k])).toBeLessThan(1e-12));
    const x = Float64Array.from({ length: n }, () => normal(rand));
    const z = p.toEigen(x);
    // A x = V diag(λ) Vᵀ x, and V Vᵀ x = x.
    const ax = p.fromEigen(z.map((c, k) => c * p.values[k])), back = p.fromEigen(z);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
      expect(Math.abs(ax[i] - s)).toBeLessThan(1e-12);
      expect(Math.abs(back[i] - x[i])).toBeLessThan(1e-13);
    }
  });
  it("solves the tridiagonal (2, -1) matrix in closed form", () => {
    const m = 12;
    const t = tridiagonalEigen(new Array(m).fill(2), new Array(m - 1).fill(-1));
    t.values.forEach((v, k) => expect(Math.abs(v - (2 - 2 * Math.cos(((k + 1) * Math.PI) / (m + 1))))).toBeLessThan(1e-14));
  });
});

describe("lanczos", () => {
  const n = 200;
  const values = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3 + (i === 7 ? 10 : 0) + (i === 9 ? -6 : 0));
  const sorted = [...values].sort((x, y) => x - y);
  const op = denseOperator(withSpectrum(values, 3), n);

  it("finds the largest and smallest eigenvalues of a matrix of known spectrum, with small computed residuals", async () => {
    const r = await lanczos(op, { top: 4, bottom: 4, tol: 1e-12 });
    expect(r.converged).toBe(true);
    expect(r.top.map((p) => p.value)).toHaveLength(4);
    r.top.forEach((p, k) => {
      expect(rel(p.value, sorted[n - 1 - k])).toBeLessThan(1e-10);
      expect(p.residual).toBeLessThan(1e-8);
    });
    r.bottom.forEach((p, k) => expect(rel(p.value, sorted[k])).toBeLessThan(1e-10));
  });

  it("is reproducible for a seed, and the seed changes the start", async () => {
    const a = await lanczos(op, { top: 2, seed: 5, maxSteps: 10 });
    const b = await lanczos(op, { top: 2, seed: 5, maxSteps: 10 });
    const c = await lanczos(op, { top: 2, seed: 6, maxSteps: 10 });
    expect(a).toEqual(b);
    expect(a.top[0].value).not.toBe(c.top[0].value);
  });

  it("recovers a repeated eigenvalue (restart on an exhausted Krylov space) and is exact at m = n", async () => {
    const d = denseOperator(withSpectrum([5, 5, 5, 1, 1, 0, -2, -2], 9), 8);
    const r = await lanczos(d, { top: 3, bottom: 2 });
    r.top.forEach((p) => expect(Math.abs(p.value - 5)).toBeLessThan(1e-12));
    r.bottom.forEach((p) => expect(Math.abs(p.value + 2)).toBeLessThan(1e-12));
  });

  it("refuses more eigenvalues than the dimension", async () => {
    await expect(lanczos(op, { top: n + 1 })).rejects.toThrow(/200×200/);
  });
});

describe("hutchinson and SLQ", () => {
  const n = 150;
  const values = Array.from({ length: n }, (_, i) => (i % 10) - 3 + i / n);
  const trace = values.reduce((a, b) => a + b, 0);
  const op = denseOperator(withSpectrum(values, 4), n);

  it("Hutchinson is unbiased: over many seeds the mean estimate is within 3 standard errors of the trace", async () => {
    const estimates = await Promise.all(Array.from({ length: 40 }, (_, s) => hutchinson(op, { samples: 20, seed: s })));
    const mean = estimates.reduce((a, e) => a + e.estimate, 0) / estimates.length;
    const sd = Math.sqrt(estimates.reduce((a, e) => a + (e.estimate - mean) ** 2, 0) / (estimates.length - 1));
    expect(Math.abs(mean - trace)).toBeLessThan((3 * sd) / Math.sqrt(estimates.length));
    // Each estimate reports a standard error close to the spread actually seen.
    const meanStderr = estimates.reduce((a, e) => a + e.stderr, 0) / estimates.length;
    expect(meanStderr / sd).toBeGreaterThan(0.6);
    expect(meanStderr / sd).toBeLessThan(1.6);
  });

  it("Hutchinson of a diagonal matrix is exact (zᵀDz = tr D for ±1 entries) and applies vectors in blocks", async () => {
    const d = new Float64Array(16);
    for (let i = 0; i < 4; i++) d[i * 4 + i] = i + 1;
    const calls: number[] = [];
    const base = denseOperator(d, 4);
    const spy: LinearOperator = { n: 4, apply: (v, c) => { calls.push(c); return base.apply(v, c); } };
    const r = await hutchinson(spy, { samples: 10, block: 4 });
    expect(r.estimate).toBe(10);
    expect(r.stderr).toBe(0);
    expect(calls).toEqual([4, 4, 2]);
  });

  it("the SLQ density integrates to about 1, covers the spectrum, and is reproducible", async () => {
    const d = await slqDensity(op, { runs: 6, steps: 40, seed: 2 });
    let integral = 0;
    for (let i = 1; i < d.x.length; i++) integral += ((d.x[i] - d.x[i - 1]) * (d.y[i] + d.y[i - 1])) / 2;
    expect(Math.abs(integral - 1)).toBeLessThan(1e-3);
    expect(d.x[0]).toBeLessThan(Math.min(...values));
    expect(d.x[d.x.length - 1]).toBeGreaterThan(Math.max(...values));
    // Its mean n·∫t φ(t) dt is an SLQ trace estimate: close to the trace.
    let mean = 0;
    for (const q of d.nodes) q.values.forEach((t, k) => (mean += (n * q.weights[k] * t) / d.runs));
    expect(Math.abs(mean - trace)).toBeLessThan(0.2 * Math.abs(trace) + 20);
    expect(await slqDensity(op, { runs: 6, steps: 40, seed: 2 })).toEqual(d);
  });
});

describe("on b-1k's Hessian (1,217 parameters)", { timeout: 60_000 }, async () => {
  const ref = JSON.parse(readFileSync(new URL("./fixtures/reference/b-1k.json", import.meta.url), "utf8")) as { hessian_summary: { trace: number; eig_top5: number[]; eig_bottom5: number[] } };
  const loaded = loadSpec(readSpecFile(new URL("../graph-specs/b-1k.json", import.meta.url).pathname));
  const session = new Session(loaded.graph);
  const dense = await computeHessian(session, loaded.hessian!.ys, loaded.hessian!.xs, loaded.feed);
  const op = symbolicHessianOperator(session, loaded.hessian!.ys, loaded.hessian!.xs, loaded.feed);

  it("the symbolic Hessian-vector product is the dense Hessian times the vector", async () => {
    const n = op.n, rand = mulberry32(7);
    const v = Float64Array.from({ length: 2 * n }, () => normal(rand));
    const hv = await op.apply(v, 2), want = await denseOperator(dense.matrix, n).apply(v, 2);
    for (let i = 0; i < 2 * n; i++) expect(Math.abs(hv[i] - want[i])).toBeLessThan(1e-12 * (1 + Math.abs(want[i])));
  });

  it("Lanczos's top and bottom 5 agree with the dense eigenvalues (JAX reference) to 1e-9 relative", async () => {
    const counted = counting(op);
    const r = await lanczos(counted, { top: 5, bottom: 5 });
    expect(r.converged).toBe(true);
    r.top.forEach((p, k) => expect(rel(p.value, ref.hessian_summary.eig_top5[k])).toBeLessThan(1e-9));
    r.bottom.forEach((p, k) => expect(rel(p.value, ref.hessian_summary.eig_bottom5[k])).toBeLessThan(1e-9));
    expect(counted.hvps).toBe(r.hvps);
    expect(r.hvps).toBeLessThan(op.n / 4);
  });

  it("the block-diagonal operator is the tf.hessians-style matrix", async () => {
    const n = op.n, blocks = op.layout;
    const b = new Float64Array(n * n);
    for (const x of blocks) for (let i = x.offset; i < x.offset + x.size; i++) b.set(dense.matrix.subarray(i * n + x.offset, i * n + x.offset + x.size), i * n + x.offset);
    const r = await lanczos(blockDiagonalOperator(op, blocks), { top: 2, bottom: 2 });
    const e = symmetricEigen(b, n, { vectors: false }).values;
    expect(rel(r.top[0].value, e[n - 1])).toBeLessThan(1e-9);
    expect(rel(r.top[1].value, e[n - 2])).toBeLessThan(1e-9);
    expect(rel(r.bottom[0].value, e[0])).toBeLessThan(1e-9);
  });

  it("compare's Lanczos mode gives the dense compare's extreme eigenvalues, for H and for its block diagonal", async () => {
    const input = { n: op.n, xs: op.layout, hessian: dense.matrix, gradient: dense.gradient };
    const lr = await compareHessiansLanczos(input, { k: 3 });
    const full = compareHessians(input);
    expect(lr.offdiagonal_frobenius_fraction).toBe(full.offdiagonal_frobenius_fraction);
    for (const key of ["exact", "tf_hessians"] as const) {
      const all = full.eigenvalues[key];
      lr.extreme_eigenvalues[key].top.forEach((p, k) => expect(rel(p.value, all[all.length - 1 - k])).toBeLessThan(1e-9));
      lr.extreme_eigenvalues[key].bottom.forEach((p, k) => expect(rel(p.value, all[k])).toBeLessThan(1e-9));
    }
    expect(rel(full.eigenvalues.exact[op.n - 1], ref.hessian_summary.eig_top5[0])).toBeLessThan(1e-12);
  });

  it("Hutchinson's trace is within 3 standard errors of the exact trace", async () => {
    let exact = 0;
    for (let i = 0; i < op.n; i++) exact += dense.matrix[i * op.n + i];
    expect(rel(exact, ref.hessian_summary.trace)).toBeLessThan(1e-10);
    const t = await hutchinson(op, { samples: 100, seed: 0 });
    expect(t.stderr).toBeGreaterThan(0);
    expect(Math.abs(t.estimate - exact)).toBeLessThan(3 * t.stderr);
  });
});

describe("the symbolic Gauss-Newton operator", () => {
  it("on the tutorial's network (L = mean((h2 − Y)²)/2, so H_z = I/N) is JᵀJ/N, with J built row by row", async () => {
    const loaded = loadSpec(readSpecFile(new URL("../graph-specs/seed-two-layer-linear.json", import.meta.url).pathname));
    const session = new Session(loaded.graph);
    const { ys: y, xs } = loaded.hessian!;
    const z = loaded.nodes.get("h2")!;
    const op = symbolicGaussNewtonOperator(session, y, xs, z, loaded.feed);
    const N = 4, n = op.n;
    // Row k of J: the gradient of z[0,k] (gradYs = one-hot).
    const J = Array.from({ length: N }, (_, k) => {
      const oneHot = [Array.from({ length: N }, (_, j) => (j === k ? 1 : 0))];
      const row = new Float64Array(n);
      session.run(gradients(z, xs, { gradYs: [oneHot], unconnected: "zero" }), loaded.feed).forEach((t, i) => row.set(t.data, op.layout[i].offset));
      return row;
    });
    const rand = mulberry32(3);
    const v = Float64Array.from({ length: n }, () => normal(rand));
    const gv = await op.apply(v, 1);
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (const row of J) want += (row[i] * row.reduce((s, x, j) => s + x * v[j], 0)) / N;
      expect(Math.abs(gv[i] - want)).toBeLessThan(1e-12 * (1 + Math.abs(want)));
    }
    // Rank at most N = 4: Lanczos finds 7 zero eigenvalues at the bottom.
    const r = await lanczos(op, { top: 4, bottom: 7 });
    r.bottom.forEach((p) => expect(Math.abs(p.value)).toBeLessThan(1e-12 * r.top[0].value));
    r.top.forEach((p) => expect(p.value).toBeGreaterThan(1e-9));
  });
});
