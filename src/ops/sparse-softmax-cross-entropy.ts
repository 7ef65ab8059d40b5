import { FeedError, GraphError, ShapeError } from "../errors.js";
import { formatShape } from "../graph/shape.js";
import { axisView } from "./helpers.js";
import { checkAxis, classAxisSpec, softmaxKernel } from "./softmax.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/**
 * Per-example loss ℓ = −log softmax(z)[label] along `axis` (TF's sparse_softmax_cross_entropy_with_logits): labels are
 * class indices, shaped like the logits without the class axis.  Gradients, with ŝ = softmax(z):
 * ∂ℓ/∂z = ŝ − one_hot(label)  (built with softmax and one_hot, so it differentiates again);  none to labels (TF raises; here null).
 */
export const sparseSoftmaxCrossEntropyOp: PublicOpDef<{ axis: number }> = {
  arity: 2,
  shape([y, z], { axis }, node) {
    checkAxis(z.length, axis, node);
    const rest = z.filter((_, i) => i !== axis);
    if (y.length !== rest.length || y.some((d, i) => d !== null && rest[i] !== null && d !== rest[i])) {
      throw new ShapeError(`node '${q(node)}': labels must have the logits' shape without the class axis ${axis}, ${formatShape(rest)}, got ${formatShape(y)}`, node);
    }
    return rest.map((d, i) => d ?? y[i]);
  },
  kernel([y, z], out, { axis }) {
    const { outer, len, inner } = axisView(z.shape, axis);
    if (y.data.length !== outer * inner) throw new ShapeError(`sparse_softmax_cross_entropy_with_logits: labels [${y.shape}] do not match logits [${z.shape}] at run time`);
    for (const label of y.data) {
      if (!Number.isInteger(label) || label < 0 || label >= len) throw new FeedError(`sparse_softmax_cross_entropy_with_logits: label ${label} is not a class index in [0, ${len})`);
    }
    const ls = new Float64Array(z.data.length);
    softmaxKernel(z.data, ls, outer, len, inner, true);
    for (let a = 0; a < outer; a++) for (let j = 0; j < inner; j++) out.data[a * inner + j] = -ls[(a * len + y.data[a * inner + j]) * inner + j];
  },
  grad(node, dy, { axis }, b) {
    const [y, z] = node.inputs;
    const depth = z.shape[axis];
    if (depth === null) throw new GraphError(`node '${q(node.name)}': the gradient of sparse_softmax_cross_entropy_with_logits needs the number of classes (logits axis ${axis}) known when the graph is built, got ${formatShape(z.shape)}`, node.name);
    const g = b.expandDims(dy, [axis]);
    return [null, b.multiply(g, b.subtract(b.softmax(z, axis), b.oneHot(y, depth, axis)))];
  },
  // ℓ̇ = Σ_axis (ŝ − one_hot(label)) ⊙ ż; labels carry no tangent.
  jvp({ inputs: [y, z], out, tangents: [, tz], batch, alloc, memo, attrs: { axis } }) {
    if (!tz) return null;
    const { outer, len, inner } = axisView(z.shape, axis);
    const n = z.data.length, m = out.data.length;
    const coeff = memo("coefficient", () => {
      const c = new Float64Array(n);
      softmaxKernel(z.data, c, outer, len, inner, false);
      for (let a = 0; a < outer; a++) for (let j = 0; j < inner; j++) c[(a * len + y.data[a * inner + j]) * inner + j] -= 1;
      return c;
    });
    const res = alloc(batch * m);
    for (let b = 0; b < batch; b++) for (let a = 0; a < outer; a++) for (let j = 0; j < inner; j++) {
      let acc = 0;
      for (let k = 0, p = a * len * inner + j; k < len; k++, p += inner) acc += coeff[p] * tz[b * n + p];
      res[b * m + a * inner + j] = acc;
    }
    return res;
  },
  spec: classAxisSpec(
    "Per-example cross-entropy between integer class labels and softmax(logits) (tf.nn.sparse_softmax_cross_entropy_with_logits); labels have the logits' shape without the class axis.",
    "sparse_softmax_cross_entropy_with_logits: -log_softmax(logits)[label] along axis.",
    "Exactly two inputs: [labels, logits]; labels are class indices (integers in [0, classes)), fed as numbers. No gradient flows into labels.",
    (b, [labels, logits], axis, name) => b.sparseSoftmaxCrossEntropyWithLogits(labels, logits, axis, name),
  ),
};
