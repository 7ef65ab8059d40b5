import { ShapeError } from "../errors.js";
import { binaryOp, sameShapes } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

const elementwise = binaryOp(
  "Math.max(y, 0) - y * x + libm.log1p(libm.exp(-Math.abs(y)))",
  (node, dy, b) => {
    const [z, x] = node.inputs;
    return [b.multiply(dy, b.negative(x)), b.multiply(dy, b.subtract(b.sigmoid(x), z))];
  },
  ["-y", "(y >= 0 ? 1 / (1 + libm.exp(-y)) : libm.exp(y) / (1 + libm.exp(y))) - x"],
);

/**
 * Elementwise loss ℓ = max(x, 0) − x·z + log(1 + e^−|x|) for logits x and labels z (TF's sigmoid_cross_entropy_with_logits,
 * its numerically stable form of −z·log σ(x) − (1 − z)·log(1 − σ(x))); labels and logits have the same shape, no broadcasting.
 * Gradients:  ∂ℓ/∂x = σ(x) − z  (built with sigmoid, so it differentiates again: ∂²ℓ/∂x² = σ(x)(1 − σ(x))),  ∂ℓ/∂z = −x (TF gives labels a gradient too).
 */
export const sigmoidCrossEntropyOp: PublicOpDef<Record<string, never>> = {
  ...elementwise,
  shape: (inputs, _attrs, node) => sameShapes(inputs, node, "labels and logits"),
  kernel(inputs, out, attrs) {
    const [z, x] = inputs;
    if (z.data.length !== x.data.length) throw new ShapeError(`sigmoid_cross_entropy_with_logits: labels [${z.shape}] and logits [${x.shape}] differ at run time`);
    elementwise.kernel(inputs, out, attrs);
  },
  // ℓ̇ = (σ(x) − z)·ẋ − x·ż: binaryOp's rule with these partials (same shapes, so no broadcasting).
  spec: {
    description: "Elementwise logistic loss between labels and logits (tf.nn.sigmoid_cross_entropy_with_logits), in TF's stable form max(x,0) - x*z + log(1+exp(-|x|)).",
    op: "sigmoid_cross_entropy_with_logits: max(logits,0) - logits*labels + log(1+exp(-|logits|)).",
    inputs: "Exactly two inputs of the same shape: [labels, logits]. Labels get the gradient -logits, as in TF.",
    attrs: {},
    build: (b, [labels, logits], _a, name) => b.sigmoidCrossEntropyWithLogits(labels, logits, name),
  },
};
