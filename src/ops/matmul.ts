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
  kernel([a, b], out, { transposeA = false, transposeB = false }, workspace) {
    const k = transposeA ? a.shape[0] : a.shape[1];
    if (k !== (transposeB ? b.shape[1] : b.shape[0])) throw new ShapeError(`matmul inner dimensions differ at run time: [${a.shape}] · [${b.shape}]`);
    matmulKernel(a.data, b.data, out.data, out.shape[0], k, out.shape[1], transposeA, transposeB, false, workspace);
  },
  grad(node, dy, { transposeA = false, transposeB = false }, b) {
    const [x, y] = node.inputs;
    if (!transposeA && !transposeB) return [b.matmul(dy, y, { transposeB: true }), b.matmul(x, dy, { transposeA: true })];
    if (!transposeA && transposeB) return [b.matmul(dy, y), b.matmul(dy, x, { transposeA: true })];
    if (transposeA && !transposeB) return [b.matmul(y, dy, { transposeB: true }), b.matmul(x, dy)];
    return [b.matmul(y, dy, { transposeA: true, transposeB: true }), b.matmul(dy, x, { transposeA: true, transposeB: true })];
  },
  // d(op(A)·op(B)) = op(dA)·op(B) + op(A)·op(dB), for all B tangents at once.
  jvp({ inputs: [a, b], out, tangents: [ta, tb], batch, alloc, kernels, attrs: { transposeA = false, transposeB = false } }) {
    if (!ta && !tb) return null;
    const product = { m: out.shape[0], k: transposeA ? a.shape[0] : a.shape[1], n: out.shape[1], transposeA, transposeB, batch };
    const res = alloc(batch * product.m * product.n);
    if (ta) kernels.matmulBatched({ ...product, a: ta, b: b.data, batched: "a" }, res);
    if (tb) kernels.matmulBatched({ ...product, a: a.data, b: tb, batched: "b" }, res);
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
