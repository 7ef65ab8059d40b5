// Lanczos with full reorthogonalisation: the extreme eigenvalues of a symmetric operator from products
// with vectors only, in O(n·m) memory for m steps. The Ritz values come from the m×m tridiagonal matrix
// (implicit QL, eigen.ts); the residuals ‖Hy − θy‖ reported are computed with one more product per Ritz
// vector, not estimated (the standard bound |β_m·s_m| only decides when to stop).
import { tridiagonalEigen } from "./eigen.js";
import type { LinearOperator } from "./operator.js";
import { mulberry32, normal } from "./random.js";

/** One Ritz pair: the eigenvalue estimate, its computed residual ‖Hy − θy‖ (‖y‖ = 1), and the Ritz vector when asked. */
export interface RitzPair {
  value: number;
  residual: number;
  vector?: Float64Array;
}

/** Options of lanczos(). */
export interface LanczosOptions {
  /** How many of the largest eigenvalues (default 0). */
  top?: number;
  /** How many of the smallest eigenvalues (default 0). */
  bottom?: number;
  /** Stop when every wanted Ritz pair has |β_m·s_m| ≤ tol·max|θ| (relative residual; default 1e-10). */
  tol?: number;
  /** At most this many steps (default min(n, 500)). */
  maxSteps?: number;
  /** Seed of the random start vector (default 0): the same seed, the same numbers. */
  seed?: number;
  /** Keep the Ritz vectors in the result (default false). */
  vectors?: boolean;
  /** Called after each step with (steps done, maxSteps). */
  onProgress?: (done: number, total: number) => void;
}

/** What lanczos() found: the top eigenvalues (descending), the bottom ones (ascending), the steps taken, whether the tolerance was met. */
export interface LanczosResult {
  top: RitzPair[];
  bottom: RitzPair[];
  steps: number;
  converged: boolean;
  /** Products with single vectors used (steps plus one per reported Ritz pair). */
  hvps: number;
}

/** Dot product. */
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Removes from w its components along the (orthonormal) rows q, twice ("twice is enough"). */
function orthogonalise(w: Float64Array, q: Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const row of q) {
      const c = dot(w, row);
      for (let i = 0; i < w.length; i++) w[i] -= c * row[i];
    }
  }
}

/** A random unit vector orthogonal to the rows q (seeded); null when q already spans the space. */
function freshVector(n: number, q: Float64Array[], rand: () => number): Float64Array | null {
  for (let attempt = 0; attempt < 3; attempt++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = normal(rand);
    orthogonalise(v, q);
    const nv = Math.sqrt(dot(v, v));
    if (nv > 1e-8) {
      for (let i = 0; i < n; i++) v[i] /= nv;
      return v;
    }
  }
  return null;
}

/**
 * The `top` largest and `bottom` smallest eigenvalues of a symmetric operator by Lanczos with full
 * reorthogonalisation, seeded and reproducible. An exhausted Krylov space (β ≈ 0) restarts with a fresh
 * random vector orthogonal to it, so a repeated eigenvalue can still show up more than once; with m = n
 * steps the result is exact up to rounding.
 */
export async function lanczos(op: LinearOperator, options: LanczosOptions = {}): Promise<LanczosResult> {
  const n = op.n;
  const top = options.top ?? 0, bottom = options.bottom ?? 0;
  if (!Number.isInteger(top) || !Number.isInteger(bottom) || top < 0 || bottom < 0) throw new RangeError(`lanczos: top and bottom must be non-negative integers`);
  if (top > n || bottom > n) throw new RangeError(`lanczos: asked for ${Math.max(top, bottom)} eigenvalues of a ${n}×${n} operator`);
  const tol = options.tol ?? 1e-10;
  const maxSteps = Math.min(n, options.maxSteps ?? 500);
  const rand = mulberry32(options.seed ?? 0);
  const q: Float64Array[] = [];
  const alpha: number[] = [], beta: number[] = [];
  let hvps = 0, converged = false;
  let v: Float64Array | null = freshVector(n, q, rand);
  let betaLast = 0;
  const wanted = Math.max(top, bottom);
  while (v && q.length < maxSteps) {
    q.push(v);
    const w = Float64Array.from(await op.apply(v, 1));
    hvps++;
    const a = dot(w, v);
    alpha.push(a);
    orthogonalise(w, q);
    betaLast = Math.sqrt(dot(w, w));
    const m = q.length;
    options.onProgress?.(m, maxSteps);
    if (m === n) break;
    // Check convergence every few steps once there are enough Ritz values.
    if (m >= Math.min(n, top + bottom) && (m % 4 === 0 || m >= maxSteps)) {
      const t = tridiagonalEigen(alpha, beta, { vectors: true });
      const scale = Math.max(Math.abs(t.values[0]), Math.abs(t.values[m - 1]), Number.MIN_VALUE);
      const bound = (k: number) => Math.abs(betaLast * t.vectors![k * m + m - 1]);
      let ok = true;
      for (let k = 0; k < Math.min(top, m) && ok; k++) ok = bound(m - 1 - k) <= tol * scale;
      for (let k = 0; k < Math.min(bottom, m) && ok; k++) ok = bound(k) <= tol * scale;
      if (ok && m >= wanted) { converged = true; break; }
    }
    const scaleNow = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
    if (betaLast > 1e-10 * scaleNow) {
      for (let i = 0; i < n; i++) w[i] /= betaLast;
      beta.push(betaLast);
      v = w;
    } else {
      // An invariant subspace: continue from a fresh direction (the tridiagonal matrix decouples there).
      beta.push(0);
      v = freshVector(n, q, rand);
      betaLast = 0;
    }
  }
  const m = q.length;
  if (m === n) converged = true;
  const t = tridiagonalEigen(alpha, beta.slice(0, m - 1), { vectors: true });
  const pick = [...Array.from({ length: Math.min(top, m) }, (_, k) => m - 1 - k), ...Array.from({ length: Math.min(bottom, m) }, (_, k) => k)];
  const ritz = pick.map((k) => {
    const y = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      const c = t.vectors![k * m + j];
      const row = q[j];
      for (let i = 0; i < n; i++) y[i] += c * row[i];
    }
    const ny = Math.sqrt(dot(y, y));
    for (let i = 0; i < n; i++) y[i] /= ny;
    return { value: t.values[k], y };
  });
  // Computed residuals: all the Ritz vectors in one batch of products.
  const batch = new Float64Array(ritz.length * n);
  ritz.forEach((r, c) => batch.set(r.y, c * n));
  const hy = ritz.length ? await op.apply(batch, ritz.length) : new Float64Array(0);
  hvps += ritz.length;
  const pairs: RitzPair[] = ritz.map((r, c) => {
    let s = 0;
    for (let i = 0; i < n; i++) { const d = hy[c * n + i] - r.value * r.y[i]; s += d * d; }
    return { value: r.value, residual: Math.sqrt(s), ...(options.vectors ? { vector: r.y } : {}) };
  });
  return { top: pairs.slice(0, Math.min(top, m)), bottom: pairs.slice(Math.min(top, m)), steps: m, converged, hvps };
}

/** The tridiagonal matrix of `steps` plain Lanczos steps (full reorthogonalisation) from the unit vector `start`: the quadrature SLQ needs. */
export async function lanczosTridiagonal(op: LinearOperator, start: Float64Array, steps: number): Promise<{ alpha: number[]; beta: number[] }> {
  const n = op.n;
  const q: Float64Array[] = [];
  const alpha: number[] = [], beta: number[] = [];
  let v = start;
  for (let j = 0; j < Math.min(steps, n); j++) {
    q.push(v);
    const w = Float64Array.from(await op.apply(v, 1));
    alpha.push(dot(w, v));
    orthogonalise(w, q);
    const b = Math.sqrt(dot(w, w));
    const scale = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
    if (j === Math.min(steps, n) - 1 || b <= 1e-10 * scale) break;
    beta.push(b);
    for (let i = 0; i < n; i++) w[i] /= b;
    v = w;
  }
  return { alpha, beta };
}
