import * as libm from "../kernels/libm.js";
import { ShapeError } from "../errors.js";
import { axisView, sameShapes } from "./helpers.js";
import { checkAxis, classAxisSpec, softmaxKernel } from "./softmax.js";
import type { PublicOpDef } from "./types.js";

/**
 * Per-example loss ℓ = −Σ_axis y ⊙ log softmax(z) (TF's softmax_cross_entropy_with_logits; the class axis is removed).
 * Gradients, with ŝ = softmax(z):  ∂ℓ/∂z = ŝ·Σ_axis y − y  (= ŝ − y for one-hot labels),  ∂ℓ/∂y = −log softmax(z).
 */
export const softmaxCrossEntropyOp: PublicOpDef<{ axis: number }> = {
  arity: 2,
  shape([y, z], { axis }, node) {
    const s = sameShapes([y, z], node, "labels and logits");
    checkAxis(z.length, axis, node);
    return s.filter((_, i) => i !== axis);
  },
  kernel([y, z], out, { axis }) {
    if (y.data.length !== z.data.length) throw new ShapeError(`softmax_cross_entropy_with_logits: labels [${y.shape}] and logits [${z.shape}] differ at run time`);
    const { outer, len, inner } = axisView(z.shape, axis);
    const ls = logSoftmaxOf(z.data, outer, len, inner), yd = y.data, o = out.data;
    for (let a = 0; a < outer; a++) for (let j = 0; j < inner; j++) {
      let loss = 0;
      for (let k = 0, p = a * len * inner + j; k < len; k++, p += inner) loss -= yd[p] * ls[p];
      o[a * inner + j] = loss;
    }
  },
  grad(node, dy, { axis }, b) {
    const [y, z] = node.inputs;
    const g = b.expandDims(dy, [axis]);
    return [
      b.negative(b.multiply(g, b.logSoftmax(z, axis))),
      b.multiply(g, b.subtract(b.multiply(b.softmax(z, axis), b.reduceSum(y, axis, true)), y)),
    ];
  },
  // ℓ̇ = −Σ ẏ ⊙ log ŝ − Σ y ⊙ ż + (Σ y)(Σ ŝ ⊙ ż)
  jvp({ inputs: [y, z], out, tangents: [ty, tz], batch, alloc, memo, attrs: { axis } }) {
    if (!ty && !tz) return null;
    const { outer, len, inner } = axisView(z.shape, axis);
    const n = z.data.length, m = out.data.length, zd = z.data, yd = y.data;
    const ls = memo("logSoftmax", () => logSoftmaxOf(zd, outer, len, inner));
    const sm = memo("softmax", () => ls.map(libm.exp));
    const res = alloc(batch * m);
    for (let b = 0; b < batch; b++) for (let a = 0; a < outer; a++) for (let j = 0; j < inner; j++) {
      const base = a * len * inner + j;
      let acc = 0, sy = 0, sz = 0;
      for (let k = 0; k < len; k++) {
        const p = base + k * inner;
        if (ty) acc -= ty[b * n + p] * ls[p];
        if (tz) { acc -= yd[p] * tz[b * n + p]; sz += sm[p] * tz[b * n + p]; }
        sy += yd[p];
      }
      res[b * m + a * inner + j] = acc + sy * sz;
    }
    return res;
  },
  spec: classAxisSpec(
    "Per-example cross-entropy between label distributions and softmax(logits) (tf.nn.softmax_cross_entropy_with_logits); the class axis is removed.",
    "softmax_cross_entropy_with_logits: -sum(labels * log_softmax(logits)) along axis.",
    "Exactly two inputs: [labels, logits]. Gradients do not flow into labels.",
    (b, [labels, logits], axis, name) => b.softmaxCrossEntropyWithLogits(labels, logits, axis, name),
  ),
};

function logSoftmaxOf(z: Float64Array, outer: number, len: number, inner: number): Float64Array {
  const ls = new Float64Array(z.length);
  softmaxKernel(z, ls, outer, len, inner, true);
  return ls;
}
