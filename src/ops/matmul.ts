import { ShapeError } from "../errors.js";
import { formatShape } from "../graph/shape.js";
import { matmulKernel } from "./kernels.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/** matmul's attributes: TF's transpose_a / transpose_b. */
type A = { transposeA?: boolean; transposeB?: boolean };

/**
 * C = op(A)·op(B) for rank-2 tensors (TF's MatMul with transpose_a / transpose_b).
 * Gradients (TF's MatMulGrad):  plain: dA = dC·Bᵀ, dB = Aᵀ·dC;  transposed inputs swap roles.
 */
export const matmulOp: PublicOpDef<A> = {
  arity: 2,
  shape([a, b], { transposeA, transposeB }, node) {
    if (a.length !== 2 || b.length !== 2) throw new ShapeError(`node '${q(node)}': matmul needs rank-2 inputs, got ${formatShape(a)} and ${formatShape(b)}`, node);
    const [m, ka] = transposeA ? [a[1], a[0]] : [a[0], a[1]];
    const [kb, n] = transposeB ? [b[1], b[0]] : [b[0], b[1]];
    if (ka !== null && kb !== null && ka !== kb) {
      throw new ShapeError(`node '${q(node)}': matmul inner dimensions differ: ${formatShape(a)}${transposeA ? "ᵀ" : ""} · ${formatShape(b)}${transposeB ? "ᵀ" : ""}`, node);
    }
    return [m, n];
  },
  kernel([a, b], out, { transposeA = false, transposeB = false }) {
    const k = transposeA ? a.shape[0] : a.shape[1];
    if (k !== (transposeB ? b.shape[1] : b.shape[0])) throw new ShapeError(`matmul inner dimensions differ at run time: [${a.shape}] · [${b.shape}]`);
    matmulKernel(a.data, b.data, out.data, out.shape[0], k, out.shape[1], transposeA, transposeB);
  },
  grad(node, dy, { transposeA = false, transposeB = false }, b) {
    const [x, y] = node.inputs;
    if (!transposeA && !transposeB) return [b.matmul(dy, y, { transposeB: true }), b.matmul(x, dy, { transposeA: true })];
    if (!transposeA && transposeB) return [b.matmul(dy, y), b.matmul(dy, x, { transposeA: true })];
    if (transposeA && !transposeB) return [b.matmul(y, dy, { transposeB: true }), b.matmul(x, dy)];
    return [b.matmul(y, dy, { transposeA: true, transposeB: true }), b.matmul(dy, x, { transposeA: true, transposeB: true })];
  },
  // d(op(A)·op(B)) = op(dA)·op(B) + op(A)·op(dB), for all B tangents in two large products.
  jvp({ inputs: [a, b], out, tangents: [ta, tb], batch, alloc, firstNeeded = 0, attrs: { transposeA = false, transposeB = false } }) {
    if (!ta && !tb) return null;
    const m = out.shape[0], n = out.shape[1], k = transposeA ? a.shape[0] : a.shape[1];
    const res = alloc(batch * m * n);
    if (ta) {
      // Stack op(dA) of every tangent as rows: [(B·m) × k] · op(B) is the batch-major result directly.
      const rowsA = transposeA ? transposeEach(ta, batch, k, m) : ta;
      const skip = Math.min(m, Math.floor(firstNeeded / n)); // leading output rows nobody needs
      if (skip === 0) matmulKernel(rowsA, b.data, res, batch * m, k, n, false, transposeB, true);
      else for (let t = 0; t < batch; t++) matmulKernel(rowsA, b.data, res, m - skip, k, n, false, transposeB, true, (t * m + skip) * k, 0, (t * m + skip) * n);
    }
    if (tb) {
      // Row-sparse tangents (one-hot seeds and what follows them) go through the skipping loop below.
      const live = transposeB ? null : nonzeroRowFlags(tb, batch * k, n);
      let liveRows = 0;
      if (live) for (let r = 0; r < batch * k; r++) liveRows += live[r];
      if (transposeB || (k >= 8 && liveRows > (batch * k) / 2)) {
        // Every tangent's dB as n×k rows (transposed first unless given so): stacked, they are one
        // [(B·n) × k] operand of a single blocked product; scatter its [m × (B·n)] result to [B, m, n].
        const cols = transposeB ? tb : transposeEach(tb, batch, k, n);
        const wide = scratch(m * batch * n);
        matmulKernel(a.data, cols, wide, m, k, batch * n, transposeA, true);
        for (let t = 0; t < batch; t++) for (let i = 0; i < m; i++) {
          const src = i * batch * n + t * n, dst = t * m * n + i * n;
          for (let j = 0; j < n; j++) res[dst + j] += wide[src + j];
        }
      } else {
        // Short inner dimension: res[t, i, :] += op(A)[i, p] · dB[t, p, :], skipping all-zero rows of row-sparse tangents.
        const A = a.data, flags = live!;
        for (let t = 0; t < batch; t++) {
          const bo = t * k * n, co = t * m * n;
          for (let i = 0; i < m; i++) {
            const ci = co + i * n;
            for (let p = 0; p < k; p++) {
              if (!flags[t * k + p]) continue;
              const av = transposeA ? A[p * m + i] : A[i * k + p];
              if (av === 0) continue;
              const bp = bo + p * n;
              for (let j = 0; j < n; j++) res[ci + j] += av * tb[bp + j];
            }
          }
        }
      }
    }
    return res;
  },
  spec: {
    description: "Matrix product of two rank-2 tensors (tf.linalg.matmul).",
    op: "matmul: matrix product a · b.",
    inputs: "Exactly two inputs: [a, b].",
    attrs: {
      transpose_a: { api: "transposeA", type: "boolean", description: "Transpose a before multiplying (default false)." },
      transpose_b: { api: "transposeB", type: "boolean", description: "Transpose b before multiplying (default false)." },
    },
    build: (b, [x, y], a, name) => b.matmul(x, y, { transposeA: a.transposeA as boolean | undefined, transposeB: a.transposeB as boolean | undefined, name }),
  },
};

let scratchBuffer = new Float64Array(0);
let transposeBuffer = new Float64Array(0);

function scratch(size: number): Float64Array {
  if (scratchBuffer.length < size) scratchBuffer = new Float64Array(size);
  return scratchBuffer;
}

/** Transposes each of `batch` consecutive r×c matrices (into a reused buffer). */
function transposeEach(x: Float64Array, batch: number, r: number, c: number): Float64Array {
  if (transposeBuffer.length < batch * r * c) transposeBuffer = new Float64Array(batch * r * c);
  const out = transposeBuffer;
  for (let t = 0; t < batch; t++) {
    const o = t * r * c;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[o + j * r + i] = x[o + i * c + j];
  }
  return out;
}

let flagBuffer = new Uint8Array(0);

/** For each of `rows` rows of length `cols`, 1 if it holds a nonzero (into a reused buffer). */
function nonzeroRowFlags(x: Float64Array, rows: number, cols: number): Uint8Array {
  if (flagBuffer.length < rows) flagBuffer = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let nz = 0;
    for (let j = r * cols, e = j + cols; j < e; j++) if (x[j] !== 0) { nz = 1; break; }
    flagBuffer[r] = nz;
  }
  return flagBuffer;
}
