// Float64Array kernels shared by the op files. Row-major, no nested JS arrays.
import type { ConcreteShape } from "../graph/shape.js";
import { sizeOf, stridesOf } from "../graph/shape.js";

/** Strides of `shape` seen through a broadcast to `outShape` (0 on broadcast dims, right-aligned). */
export function broadcastStrides(shape: ConcreteShape, outShape: ConcreteShape): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_d, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

/** A broadcasting elementwise kernel: out = EXPR(x from a, y from b), NumPy rules. */
export type BinaryKernel = (
  a: Float64Array, aShape: ConcreteShape,
  b: Float64Array, bShape: ConcreteShape,
  out: Float64Array, outShape: ConcreteShape,
) => void;

const kernelCache = new Map<string, BinaryKernel>();

/** True when `shape` (leading 1s ignored) equals the trailing dims of `outShape`: its data repeats as a block. */
export function isSuffix(shape: ConcreteShape, outShape: ConcreteShape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const len = shape.length - start;
  if (len > outShape.length) return false;
  for (let i = 0; i < len; i++) if (shape[start + i] !== outShape[outShape.length - len + i]) return false;
  return true;
}

/**
 * Compiles a broadcasting kernel for an expression in `x` (from a) and `y` (from b); it may also
 * read `out[o]` to accumulate. Each expression gets its own function, so V8 inlines the arithmetic
 * instead of calling a shared callback per element. Fast paths: equal sizes and scalars.
 */
export function binaryKernel(expr: string): BinaryKernel {
  let k = kernelCache.get(expr);
  if (k) return k;
  const body = `
    const n = out.length;
    if (a.length === n && b.length === n) { for (let o = 0; o < n; o++) { const x = a[o], y = b[o]; out[o] = ${expr}; } return; }
    if (b.length === 1 && a.length === n) { const y = b[0]; for (let o = 0; o < n; o++) { const x = a[o]; out[o] = ${expr}; } return; }
    if (a.length === 1 && b.length === n) { const x = a[0]; for (let o = 0; o < n; o++) { const y = b[o]; out[o] = ${expr}; } return; }
    // One operand is the whole trailing block of the output, repeated (e.g. primal values against a batch of tangents).
    if (b.length === n && isSuffix(aShape, outShape)) { const m = a.length; for (let base = 0; base < n; base += m) for (let i = 0; i < m; i++) { const x = a[i], y = b[base + i]; const o = base + i; out[o] = ${expr}; } return; }
    if (a.length === n && isSuffix(bShape, outShape)) { const m = b.length; for (let base = 0; base < n; base += m) for (let i = 0; i < m; i++) { const x = a[base + i], y = b[i]; const o = base + i; out[o] = ${expr}; } return; }
    const rank = outShape.length;
    const sa = strides(aShape, outShape), sb = strides(bShape, outShape);
    const last = rank - 1, inner = outShape[last], ia1 = sa[last], ib1 = sb[last];
    const idx = new Array(rank).fill(0);
    let ia = 0, ib = 0, o = 0;
    while (o < n) {
      for (let j = 0, pa = ia, pb = ib; j < inner; j++, pa += ia1, pb += ib1, o++) { const x = a[pa], y = b[pb]; out[o] = ${expr}; }
      let d = last - 1;
      for (; d >= 0; d--) {
        idx[d]++; ia += sa[d]; ib += sb[d];
        if (idx[d] < outShape[d]) break;
        ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]; idx[d] = 0;
      }
      if (d < 0) break;
    }`;
  k = new Function("strides", "isSuffix", `return function kernel(a, aShape, b, bShape, out, outShape) {${body}\n};`)(broadcastStrides, isSuffix) as BinaryKernel;
  kernelCache.set(expr, k);
  return k;
}

/** Copies `src` broadcast to `outShape` into out. */
export function broadcastTo(src: Float64Array, srcShape: ConcreteShape, out: Float64Array, outShape: ConcreteShape): void {
  if (src.length === out.length) { out.set(src); return; }
  copyKernel(src, srcShape, src, srcShape, out, outShape);
}

const copyKernel = binaryKernel("x");

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

let scratchA = new Float64Array(1024);
let scratchB = new Float64Array(1024);
let rowsA = new Int32Array(64);
let rowsB = new Int32Array(64);

/** Indices of the rows of the r×k row-major block at `off` that hold a nonzero (structural-zero pruning). */
function nonzeroRows(x: Float64Array, off: number, r: number, k: number, out: Int32Array): number {
  let count = 0;
  for (let i = 0; i < r; i++) {
    const base = off + i * k;
    for (let p = 0; p < k; p++) if (x[base + p] !== 0) { out[count++] = i; break; }
  }
  return count;
}

/**
 * C (m×n) = op(A) · op(B), where op transposes when asked; A is m×k (or k×m), B is k×n (or n×k).
 * Both operands are brought to rows-of-length-k form (A as m×k, B as n×k), all-zero rows are
 * skipped (one-hot and row-sparse tangents cost almost nothing), and a 2×2 register block computes
 * four dot products per pass. Accumulates into C when `accumulate`.
 */
export function matmulKernel(
  a: Float64Array, b: Float64Array, c: Float64Array,
  m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate = false,
  aOff = 0, bOff = 0, cOff = 0,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  let A = a, ao = aOff, B = b, bo = bOff;
  if (transA) {
    if (scratchA.length < m * k) scratchA = new Float64Array(m * k * 2);
    for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) scratchA[i * k + p] = a[aOff + p * m + i];
    A = scratchA; ao = 0;
  }
  if (!transB) {
    if (scratchB.length < n * k) scratchB = new Float64Array(n * k * 2);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) scratchB[j * k + p] = b[bOff + p * n + j];
    B = scratchB; bo = 0;
  }
  if (rowsA.length < m) rowsA = new Int32Array(m * 2);
  if (rowsB.length < n) rowsB = new Int32Array(n * 2);
  const ma = nonzeroRows(A, ao, m, k, rowsA);
  const nb = nonzeroRows(B, bo, n, k, rowsB);
  let x = 0;
  for (; x + 1 < ma; x += 2) {
    const i0 = rowsA[x], i1 = rowsA[x + 1];
    const a0 = ao + i0 * k, a1 = ao + i1 * k, c0 = cOff + i0 * n, c1 = cOff + i1 * n;
    let y = 0;
    for (; y + 1 < nb; y += 2) {
      const j0 = rowsB[y], j1 = rowsB[y + 1];
      const b0 = bo + j0 * k, b1 = bo + j1 * k;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let p = 0; p < k; p++) {
        const u = A[a0 + p], v = A[a1 + p], w = B[b0 + p], z = B[b1 + p];
        s00 += u * w; s01 += u * z; s10 += v * w; s11 += v * z;
      }
      c[c0 + j0] += s00; c[c0 + j1] += s01; c[c1 + j0] += s10; c[c1 + j1] += s11;
    }
    if (y < nb) {
      const j0 = rowsB[y], b0 = bo + j0 * k;
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) { const w = B[b0 + p]; s0 += A[a0 + p] * w; s1 += A[a1 + p] * w; }
      c[c0 + j0] += s0; c[c1 + j0] += s1;
    }
  }
  if (x < ma) {
    const i0 = rowsA[x], a0 = ao + i0 * k, c0 = cOff + i0 * n;
    for (let y = 0; y < nb; y++) {
      const j0 = rowsB[y], b0 = bo + j0 * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a0 + p] * B[b0 + p];
      c[c0 + j0] += s;
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
