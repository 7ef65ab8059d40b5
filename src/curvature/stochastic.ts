// Randomised estimates from products only: Hutchinson's trace estimator and the spectral density by
// stochastic Lanczos quadrature (Ghorbani, Krishnan & Xiao 2019; PyHessian's `density`). Seeded: the
// same seed gives the same numbers.
import { tridiagonalEigen } from "./eigen.js";
import { lanczosTridiagonal } from "./lanczos.js";
import type { LinearOperator } from "./operator.js";
import { mulberry32, rademacher } from "./random.js";
import * as libm from "../kernels/libm.js";

/** A trace estimate: the mean of zᵀHz over Rademacher z, its standard error (sample standard deviation / √samples), the number of samples. */
export interface TraceEstimate {
  estimate: number;
  stderr: number;
  samples: number;
}

/** Hutchinson's unbiased trace estimate tr(H) ≈ mean of zᵀHz over `samples` Rademacher vectors z, applied `block` vectors at a time. */
export async function hutchinson(op: LinearOperator, options: { samples?: number; seed?: number; block?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<TraceEstimate> {
  const n = op.n, samples = options.samples ?? 100, block = Math.max(1, options.block ?? 8);
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError("hutchinson: samples must be a positive integer");
  const rand = mulberry32(options.seed ?? 0);
  const values: number[] = [];
  while (values.length < samples) {
    const count = Math.min(block, samples - values.length);
    const z = rademacher(rand, new Float64Array(count * n));
    const hz = await op.apply(z, count);
    for (let c = 0; c < count; c++) {
      let s = 0;
      for (let i = c * n; i < c * n + n; i++) s += z[i] * hz[i];
      values.push(s);
    }
    options.onProgress?.(values.length, samples);
  }
  const mean = values.reduce((a, b) => a + b, 0) / samples;
  const variance = samples > 1 ? values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (samples - 1) : NaN;
  return { estimate: mean, stderr: Math.sqrt(variance / samples), samples };
}

/** A spectral density on a grid: y[i] ≈ the density of eigenvalues at x[i] (integrates to about 1), from `runs` random starts of `steps` Lanczos steps. */
export interface SpectralDensity {
  x: number[];
  y: number[];
  /** The Gaussian's standard deviation used for smoothing. */
  sigma: number;
  runs: number;
  steps: number;
  /** The quadrature: per run, the Ritz values (nodes) and weights (squared first components; summing to 1). */
  nodes: { values: number[]; weights: number[] }[];
}

/** Options of slqDensity(). */
export interface DensityOptions {
  /** Random starts (default 8). */
  runs?: number;
  /** Lanczos steps per start (default min(n, 80)). */
  steps?: number;
  /** Grid points (default 512). */
  points?: number;
  /** Smoothing standard deviation as a fraction of the spectrum's width (default 0.01). */
  sigmaRatio?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The spectral density φ(t) = (1/n) Σ δ(t − λ_i), smoothed by a Gaussian, estimated by stochastic Lanczos
 * quadrature: for each random unit start v, Lanczos gives nodes θ_k and weights τ_k = (first component of
 * the k-th eigenvector of T)², and vᵀg(H)v ≈ Σ τ_k g(θ_k); the density is the average over starts.
 */
export async function slqDensity(op: LinearOperator, options: DensityOptions = {}): Promise<SpectralDensity> {
  const n = op.n;
  const runs = options.runs ?? 8, steps = Math.min(n, options.steps ?? 80), points = options.points ?? 512;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError("slqDensity: runs must be a positive integer");
  const rand = mulberry32(options.seed ?? 0);
  const nodes: SpectralDensity["nodes"] = [];
  for (let r = 0; r < runs; r++) {
    const v = rademacher(rand, new Float64Array(n));
    const s = 1 / Math.sqrt(n);
    for (let i = 0; i < n; i++) v[i] *= s;
    const { alpha, beta } = await lanczosTridiagonal(op, v, steps);
    const t = tridiagonalEigen(alpha, beta, { vectors: true });
    const m = alpha.length;
    nodes.push({ values: Array.from(t.values), weights: Array.from({ length: m }, (_, k) => t.vectors![k * m] * t.vectors![k * m]) });
    options.onProgress?.(r + 1, runs);
  }
  const all = nodes.flatMap((q) => q.values);
  const lo = Math.min(...all), hi = Math.max(...all);
  const sigma = (options.sigmaRatio ?? 0.01) * Math.max(hi - lo, Math.abs(hi), Math.abs(lo), 1e-12);
  const x0 = lo - 5 * sigma, x1 = hi + 5 * sigma;
  const x = Array.from({ length: points }, (_, i) => x0 + ((x1 - x0) * i) / (points - 1));
  const y = new Array<number>(points).fill(0);
  const norm = 1 / (runs * sigma * Math.sqrt(2 * Math.PI));
  for (const q of nodes) {
    q.values.forEach((theta, k) => {
      const w = q.weights[k] * norm;
      for (let i = 0; i < points; i++) y[i] += w * libm.exp(-0.5 * ((x[i] - theta) / sigma) * ((x[i] - theta) / sigma));
    });
  }
  return { x, y, sigma, runs, steps, nodes };
}
