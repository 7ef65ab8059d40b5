// Symmetric eigenproblems on flat Float64Arrays: Householder reduction to tridiagonal form and the implicit QL
// algorithm (the EISPACK tred2/tql2 pair, as JAMA and ml-matrix have it), with the eigenvectors optional.
// Without vectors the reduction skips the accumulation of the transformations and QL rotates nothing, which
// is several times faster than ml-matrix's EigenvalueDecomposition (always vectors, nested arrays).
import { hypot } from "../kernels/libm.js";

/** Eigenvalues in ascending order, and when asked the eigenvectors: row k of `vectors` (n×n) is the unit eigenvector of values[k]. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors?: Float64Array;
}

/**
 * Eigen-decomposition of the symmetric n×n matrix `a` (row-major; only its lower triangle is read, so
 * symmetrise it first if needed). `a` is not modified.
 */
export function symmetricEigen(a: Float64Array, n: number, options: { vectors?: boolean } = {}): SymmetricEigen {
  const wantVectors = options.vectors ?? true;
  // W holds V transposed: V(r, c) = W[c*n + r], so the inner loops run over contiguous memory.
  const w = Float64Array.from(a);
  const d = new Float64Array(n), e = new Float64Array(n);
  if (n === 0) return { values: d, ...(wantVectors ? { vectors: w } : {}) };
  tred2(n, w, d, e, wantVectors);
  tql2(n, d, e, wantVectors ? w : undefined);
  return sortAscending(n, d, wantVectors ? w : undefined);
}

/**
 * Eigen-decomposition of the symmetric tridiagonal m×m matrix with diagonal `alpha` (m) and off-diagonal
 * `beta` (m-1 entries, beta[i] between rows i and i+1). Row k of `vectors` (m×m) is the eigenvector of values[k].
 */
export function tridiagonalEigen(alpha: ArrayLike<number>, beta: ArrayLike<number>, options: { vectors?: boolean } = {}): SymmetricEigen {
  const m = alpha.length;
  const d = Float64Array.from(alpha), e = new Float64Array(m);
  for (let i = 1; i < m; i++) e[i - 1] = beta[i - 1];
  let w: Float64Array | undefined;
  if (options.vectors ?? true) {
    w = new Float64Array(m * m);
    for (let i = 0; i < m; i++) w[i * m + i] = 1;
  }
  tql2(m, d, e, w, true);
  return sortAscending(m, d, w);
}

/** Householder reduction of the symmetric matrix in w to tridiagonal form: diagonal in d, subdiagonal in e[1..n); w becomes the transformation (transposed) when `accumulate`. */
function tred2(n: number, w: Float64Array, d: Float64Array, e: Float64Array, accumulate: boolean, hs?: Float64Array): void {
  const V = (r: number, c: number) => c * n + r;
  for (let j = 0; j < n; j++) d[j] = w[V(n - 1, j)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[V(i - 1, j)];
        w[V(i, j)] = 0;
        w[V(j, i)] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        w[V(j, i)] = f;
        const col = j * n;
        g = e[j] + w[col + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = w[col + k];
          g += vkj * d[k];
          e[k] += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const col = j * n;
        for (let k = j; k <= i - 1; k++) w[col + k] -= f * e[k] + g * d[k];
        d[j] = w[V(i - 1, j)];
        w[V(i, j)] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    hs?.set(d);
    for (let j = 0; j < n; j++) d[j] = w[V(j, j)];
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    w[V(n - 1, i)] = w[V(i, i)];
    w[V(i, i)] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const col = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[next + k] * w[col + k];
        for (let k = 0; k <= i; k++) w[col + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[V(n - 1, j)];
    w[V(n - 1, j)] = 0;
  }
  w[V(n - 1, n - 1)] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e with e[1..n) the subdiagonal, or e[0..n-1) when `shifted`); rotates the rows of w when given. */
function tql2(n: number, d: Float64Array, e: Float64Array, w: Float64Array | undefined, shifted = false, log?: RotationLog): void {
  if (!shifted) {
    for (let i = 1; i < n; i++) e[i - 1] = e[i];
    e[n - 1] = 0;
  }
  let f = 0, tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error("tql2: no convergence");
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          log?.push(i, c, s);
          if (w) {
            const a = i * n, b = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const t = w[b + k];
              w[b + k] = s * w[a + k] + c * t;
              w[a + k] = c * w[a + k] - s * t;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Sorts eigenvalues ascending, moving the vector rows with them. */
function sortAscending(n: number, d: Float64Array, w: Float64Array | undefined): SymmetricEigen {
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => d[a] - d[b]);
  const values = Float64Array.from(order, (k) => d[k]);
  if (!w) return { values };
  const vectors = new Float64Array(n * n);
  order.forEach((k, r) => vectors.set(w.subarray(k * n, k * n + n), r * n));
  return { values, vectors };
}

/** The plane rotations of a QL run, in order: rotation r mixes coordinates index[r] and index[r]+1 with cosine c[r] and sine s[r]. */
class RotationLog {
  index = new Int32Array(1024);
  c = new Float64Array(1024);
  s = new Float64Array(1024);
  length = 0;
  /** Appends one rotation. */
  push(i: number, c: number, s: number): void {
    if (this.length === this.index.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => { const b = new (a.constructor as new (k: number) => T)(a.length * 2); b.set(a); return b; };
      this.index = grow(this.index);
      this.c = grow(this.c);
      this.s = grow(this.s);
    }
    this.index[this.length] = i;
    this.c[this.length] = c;
    this.s[this.length] = s;
    this.length++;
  }
}

/** A symmetric eigen-decomposition kept in factored form: the eigenvalues (ascending), and products with the eigenvector matrix in O(n²) each, without forming it. */
export interface EigenProjector {
  values: Float64Array;
  /** The coordinates of x in the eigenvector basis: out[k] = v_k · x. */
  toEigen(x: Float64Array): Float64Array;
  /** The vector with coordinates z in the eigenvector basis: Σ_k z[k] v_k. */
  fromEigen(z: Float64Array): Float64Array;
}

/**
 * Eigenvalues of the symmetric matrix `a` (lower triangle read) with the eigenvectors kept implicit: the
 * Householder reflectors of the tridiagonal reduction and the QL rotations are stored and applied to
 * vectors on demand. For a few products (a Newton step) this is several times faster than forming the
 * eigenvectors, in O(n²) memory.
 */
export function symmetricEigenProjector(a: Float64Array, n: number): EigenProjector {
  const w = Float64Array.from(a);
  const d = new Float64Array(n), e = new Float64Array(n), hs = new Float64Array(n);
  const log = new RotationLog();
  if (n > 0) {
    tred2(n, w, d, e, false, hs);
    tql2(n, d, e, undefined, false, log);
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => d[x] - d[y]);
  const values = Float64Array.from(order, (k) => d[k]);
  // Reflector i (0 ≤ i ≤ n-2) acts on coordinates 0..i: P = I − u uᵀ / h with u = w[(i+1)n .. (i+1)n+i], h = hs[i+1].
  const reflect = (y: Float64Array, i: number) => {
    const h = hs[i + 1];
    if (h === 0) return;
    const u = (i + 1) * n;
    let t = 0;
    for (let k = 0; k <= i; k++) t += w[u + k] * y[k];
    t /= h;
    for (let k = 0; k <= i; k++) y[k] -= t * w[u + k];
  };
  return {
    values,
    toEigen(x) {
      const y = Float64Array.from(x);
      for (let i = n - 2; i >= 0; i--) reflect(y, i);
      for (let r = 0; r < log.length; r++) {
        const i = log.index[r], c = log.c[r], s = log.s[r];
        const a0 = y[i], a1 = y[i + 1];
        y[i] = c * a0 - s * a1;
        y[i + 1] = s * a0 + c * a1;
      }
      return Float64Array.from(order, (k) => y[k]);
    },
    fromEigen(z) {
      const y = new Float64Array(n);
      order.forEach((k, r) => (y[k] = z[r]));
      for (let r = log.length - 1; r >= 0; r--) {
        const i = log.index[r], c = log.c[r], s = log.s[r];
        const a0 = y[i], a1 = y[i + 1];
        y[i] = c * a0 + s * a1;
        y[i + 1] = -s * a0 + c * a1;
      }
      for (let i = 0; i <= n - 2; i++) reflect(y, i);
      return y;
    },
  };
}
