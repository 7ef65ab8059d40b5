// The blocked matrix product with all-zero-row skipping, and the batched products of the JVP rules.
import type { Workspace } from "./workspace.js";

/** Indices of the rows of the r×k row-major block at `off` that hold a nonzero (structural-zero pruning). */
function nonzeroRows(x: Float64Array, off: number, r: number, k: number, out: Int32Array): number {
  let count = 0;
  for (let i = 0; i < r; i++) {
    const base = off + i * k;
    for (let p = 0; p < k; p++) if (x[base + p] !== 0) { out[count++] = i; break; }
  }
  return count;
}

/** Where the product's operands and result sit in their arrays (element offsets). */
export interface MatmulOffsets {
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
}

/**
 * C (m×n) = op(A) · op(B), where op transposes when asked; A is m×k (or k×m), B is k×n (or n×k).
 * Both operands are brought to rows-of-length-k form (A as m×k, B as n×k), all-zero rows are
 * skipped (one-hot and row-sparse tangents cost almost nothing), and a 2×2 register block computes
 * four dot products per pass. Accumulates into C when `accumulate`. Scratch comes from `workspace`
 * (without one, it is allocated for this call).
 */
export function blockedMatmul(
  a: Float64Array, b: Float64Array, c: Float64Array,
  m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean,
  workspace: Workspace | null, { aOffset: aOff = 0, bOffset: bOff = 0, cOffset: cOff = 0 }: MatmulOffsets = {},
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  let A = a, ao = aOff, B = b, bo = bOff;
  if (transA) {
    const scratchA = workspace ? workspace.float64("matmul.a", m * k, m * k * 2) : new Float64Array(m * k);
    for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) scratchA[i * k + p] = a[aOff + p * m + i];
    A = scratchA; ao = 0;
  }
  if (!transB) {
    const scratchB = workspace ? workspace.float64("matmul.b", n * k, n * k * 2) : new Float64Array(n * k);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) scratchB[j * k + p] = b[bOff + p * n + j];
    B = scratchB; bo = 0;
  }
  const rowsA = workspace ? workspace.int32("matmul.rowsA", m, m * 2) : new Int32Array(m);
  const rowsB = workspace ? workspace.int32("matmul.rowsB", n, n * 2) : new Int32Array(n);
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

/** A product of one fixed matrix and a batch of tangents, stacked batch-major (see JvpKernels.matmulBatched). */
export interface BatchedMatmul {
  /** op(A) is m×k, op(B) is k×n. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Number of tangents. */
  readonly batch: number;
  /** A: one matrix, or `batch` of them when batched is "a". */
  readonly a: Float64Array;
  /** B: one matrix, or `batch` of them when batched is "b". */
  readonly b: Float64Array;
  /** Which operand holds the batch of tangents. */
  readonly batched: "a" | "b";
}

/**
 * into[t] += op(A_t)·op(B) or op(A)·op(B_t) for each tangent t (batch-major, m×n each). Entries of
 * each result before flat index `neededFrom` are not needed and may be skipped (left as they are).
 */
export function matmulBatched(workspace: Workspace, p: BatchedMatmul, into: Float64Array, neededFrom: number): void {
  if (p.batched === "a") batchedLeft(workspace, p, into, neededFrom);
  else batchedRight(workspace, p, into);
}

/** Stacks op(dA) of every tangent as rows: [(B·m) × k] · op(B) is the batch-major result directly. */
function batchedLeft(ws: Workspace, { m, k, n, transposeA, transposeB, batch, a: ta, b }: BatchedMatmul, res: Float64Array, neededFrom: number): void {
  const rowsA = transposeA ? transposeEach(ws, ta, batch, k, m) : ta;
  const skip = Math.min(m, Math.floor(neededFrom / n)); // leading output rows nobody needs
  if (skip === 0) blockedMatmul(rowsA, b, res, batch * m, k, n, false, transposeB, true, ws);
  else for (let t = 0; t < batch; t++) blockedMatmul(rowsA, b, res, m - skip, k, n, false, transposeB, true, ws, { aOffset: (t * m + skip) * k, cOffset: (t * m + skip) * n });
}

/** Row-sparse tangents dB (one-hot seeds and what follows them) skip their all-zero rows; dense ones go through one blocked product. */
function batchedRight(ws: Workspace, { m, k, n, transposeA, transposeB, batch, a, b: tb }: BatchedMatmul, res: Float64Array): void {
  const live = transposeB ? null : nonzeroRowFlags(ws, tb, batch * k, n);
  let liveRows = 0;
  if (live) for (let r = 0; r < batch * k; r++) liveRows += live[r];
  if (transposeB || (k >= 8 && liveRows > (batch * k) / 2)) {
    // Every tangent's dB as n×k rows (transposed first unless given so): stacked, they are one
    // [(B·n) × k] operand of a single blocked product; scatter its [m × (B·n)] result to [B, m, n].
    const cols = transposeB ? tb : transposeEach(ws, tb, batch, k, n);
    const wide = ws.float64("jvp.wide", m * batch * n);
    blockedMatmul(a, cols, wide, m, k, batch * n, transposeA, true, false, ws);
    for (let t = 0; t < batch; t++) for (let i = 0; i < m; i++) {
      const src = i * batch * n + t * n, dst = t * m * n + i * n;
      for (let j = 0; j < n; j++) res[dst + j] += wide[src + j];
    }
    return;
  }
  // Short inner dimension: res[t, i, :] += op(A)[i, p] · dB[t, p, :], skipping all-zero rows of row-sparse tangents.
  const flags = live!;
  for (let t = 0; t < batch; t++) {
    const bo = t * k * n, co = t * m * n;
    for (let i = 0; i < m; i++) {
      const ci = co + i * n;
      for (let p = 0; p < k; p++) {
        if (!flags[t * k + p]) continue;
        const av = transposeA ? a[p * m + i] : a[i * k + p];
        if (av === 0) continue;
        const bp = bo + p * n;
        for (let j = 0; j < n; j++) res[ci + j] += av * tb[bp + j];
      }
    }
  }
}

/** Transposes each of `batch` consecutive r×c matrices (into a workspace buffer). */
function transposeEach(ws: Workspace, x: Float64Array, batch: number, r: number, c: number): Float64Array {
  const out = ws.float64("jvp.transpose", batch * r * c);
  for (let t = 0; t < batch; t++) {
    const o = t * r * c;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[o + j * r + i] = x[o + i * c + j];
  }
  return out;
}

/** For each of `rows` rows of length `cols`, 1 if it holds a nonzero (into a workspace buffer). */
function nonzeroRowFlags(ws: Workspace, x: Float64Array, rows: number, cols: number): Uint8Array {
  const flags = ws.uint8("jvp.rowFlags", rows);
  for (let r = 0; r < rows; r++) {
    let nz = 0;
    for (let j = r * cols, e = j + cols; j < e; j++) if (x[j] !== 0) { nz = 1; break; }
    flags[r] = nz;
  }
  return flags;
}

