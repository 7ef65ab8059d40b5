// Float64Array kernels shared by the op files. Row-major, no nested JS arrays.
import type { ConcreteShape } from "../graph/shape.js";
import { sizeOf, stridesOf } from "../graph/shape.js";
import { binaryKernel, broadcastStrides } from "../kernels/compile.js";
import { blockedMatmul } from "../kernels/matmul.js";
import type { Workspace } from "../kernels/workspace.js";

/** The compiled elementwise kernels (with their no-`new Function` fallback) live in the kernel layer. */
export { broadcastStrides, isSuffix, binaryKernel, unaryKernel, derivativeKernel, type BinaryKernel } from "../kernels/compile.js";

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

/**
 * C (m×n) = op(A) · op(B): the blocked product with all-zero-row skipping (src/kernels/matmul.ts),
 * its scratch from `workspace` (allocated for the call without one). Accumulates into C when `accumulate`.
 */
export function matmulKernel(
  a: Float64Array, b: Float64Array, c: Float64Array,
  m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate = false, workspace: Workspace | null = null,
): void {
  blockedMatmul(a, b, c, m, k, n, transA, transB, accumulate, workspace);
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
