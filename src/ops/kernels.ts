// Float64Array kernels shared by the op files. Row-major, no nested JS arrays.
import type { ConcreteShape } from "../graph/shape.js";
import { sizeOf, stridesOf } from "../graph/shape.js";

/** Strides of `shape` seen through a broadcast to `outShape` (0 on broadcast dims, right-aligned). */
export function broadcastStrides(shape: ConcreteShape, outShape: ConcreteShape): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((d, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

/** out[i] = f(a[ia], b[ib]) with NumPy broadcasting; fast paths for equal shapes and scalars. */
export function broadcastBinary(
  f: (x: number, y: number) => number,
  a: Float64Array, aShape: ConcreteShape,
  b: Float64Array, bShape: ConcreteShape,
  out: Float64Array, outShape: ConcreteShape,
): void {
  const n = out.length;
  if (a.length === n && b.length === n) { for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]); return; }
  if (b.length === 1 && a.length === n) { const y = b[0]; for (let i = 0; i < n; i++) out[i] = f(a[i], y); return; }
  if (a.length === 1 && b.length === n) { const x = a[0]; for (let i = 0; i < n; i++) out[i] = f(x, b[i]); return; }
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
  const last = rank - 1, inner = outShape[last], ia1 = sa[last], ib1 = sb[last];
  const idx = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0, o = 0;
  while (o < n) {
    for (let j = 0, pa = ia, pb = ib; j < inner; j++, pa += ia1, pb += ib1) out[o++] = f(a[pa], b[pb]);
    // advance the outer multi-index
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++; ia += sa[d]; ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]; idx[d] = 0;
    }
    if (d < 0) break;
  }
}

/** Copies `src` broadcast to `outShape` into out. */
export function broadcastTo(src: Float64Array, srcShape: ConcreteShape, out: Float64Array, outShape: ConcreteShape): void {
  if (src.length === out.length) { out.set(src); return; }
  broadcastBinary((x) => x, src, srcShape, src, srcShape, out, outShape);
}

/** Sums `src` over the dims where `outShape` (right-aligned, same rank after padding) is 1 or missing. */
export function sumToShape(src: Float64Array, srcShape: ConcreteShape, out: Float64Array, outShape: ConcreteShape): void {
  if (src.length === out.length) { out.set(src); return; }
  out.fill(0);
  const rank = srcShape.length;
  const so = broadcastStrides(outShape, srcShape);
  const last = rank - 1, inner = srcShape[last], s1 = so[last];
  const idx = new Array<number>(rank).fill(0);
  let io = 0, i = 0;
  const n = src.length;
  while (i < n) {
    if (s1 === 0) { let acc = 0; for (let j = 0; j < inner; j++) acc += src[i++]; out[io] += acc; }
    else for (let j = 0, p = io; j < inner; j++, p += s1) out[p] += src[i++];
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++; io += so[d];
      if (idx[d] < srcShape[d]) break;
      io -= so[d] * srcShape[d]; idx[d] = 0;
    }
    if (d < 0) break;
  }
}

/**
 * C (m×n) = op(A) · op(B), where op transposes when asked; A is m×k (or k×m), B is k×n (or n×k).
 * Loop orders keep the innermost loop contiguous. Accumulates into C when `accumulate`.
 */
export function matmulKernel(
  a: Float64Array, b: Float64Array, c: Float64Array,
  m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate = false,
  aOff = 0, bOff = 0, cOff = 0,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (!transB) {
    // C[i,:] += A[i,p] * B[p,:]
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        if (av === 0) continue;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  } else if (!transA) {
    // C[i,j] += dot(A[i,:], B[j,:])
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * k, ci = cOff + i * n;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[ai + p] * b[bj + p];
        c[ci + j] += acc;
      }
    }
  } else {
    // C[i,j] += sum_p A[p,i] B[j,p]
    for (let p = 0; p < k; p++) {
      for (let i = 0; i < m; i++) {
        const av = a[aOff + p * m + i];
        if (av === 0) continue;
        const ci = cOff + i * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bOff + j * k + p];
      }
    }
  }
}

/** Sums (or averages) src over `axes`; out has the kept dims in order. */
export function reduceKernel(src: Float64Array, shape: ConcreteShape, axes: readonly number[], out: Float64Array, scale: number): void {
  const rank = shape.length;
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  if (axes.length === rank || out.length === 1) {
    let acc = 0;
    for (let i = 0; i < src.length; i++) acc += src[i];
    out[0] = acc * scale;
    return;
  }
  sumToShape(src, shape, out, keptShape);
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= scale;
}

/** Permutes the axes of src (shape) by perm into out. */
export function transposeKernel(src: Float64Array, shape: ConcreteShape, perm: readonly number[], out: Float64Array): void {
  const rank = shape.length;
  if (rank === 2 && perm[0] === 1) {
    const r = shape[0], c = shape[1];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j];
    return;
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => inStrides[p]);
  const idx = new Array<number>(rank).fill(0);
  const n = sizeOf(outShape);
  let ip = 0;
  for (let o = 0; o < n; o++) {
    out[o] = src[ip];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++; ip += st[d];
      if (idx[d] < outShape[d]) break;
      ip -= st[d] * outShape[d]; idx[d] = 0;
    }
  }
}

/** Copies the box [begin, begin+size) of src (shape) into dst (dstShape) at dstBegin; used by slice, pad and concat. */
export function copyBox(
  src: Float64Array, srcShape: ConcreteShape, srcBegin: readonly number[],
  dst: Float64Array, dstShape: ConcreteShape, dstBegin: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (rank === 0) { dst[0] = src[0]; return; }
  if (size.some((d) => d === 0)) return;
  const ss = stridesOf(srcShape), ds = stridesOf(dstShape);
  let sp = 0, dp = 0;
  for (let d = 0; d < rank; d++) { sp += srcBegin[d] * ss[d]; dp += dstBegin[d] * ds[d]; }
  const last = rank - 1, inner = size[last];
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    for (let j = 0; j < inner; j++) dst[dp + j] = src[sp + j];
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++; sp += ss[d]; dp += ds[d];
      if (idx[d] < size[d]) break;
      sp -= ss[d] * size[d]; dp -= ds[d] * size[d]; idx[d] = 0;
    }
    if (d < 0) return;
  }
}
