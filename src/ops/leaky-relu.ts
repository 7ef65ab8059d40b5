import type { PublicOpDef } from "./types.js";

/** Attributes of leaky_relu: the slope for x ≤ 0 (tf.nn.leaky_relu's alpha, default 0.2). */
export interface LeakyReluAttrs { alpha?: number }

const DEFAULT_ALPHA = 0.2;

/**
 * leaky_relu x = x for x > 0, α·x otherwise.  d/dx = 1 for x > 0, α otherwise (TF's LeakyReluGrad:
 * dy · (x > 0 ? 1 : α)), built as dy · (α + (1 − α) · step(x)): its own gradient is zero.
 */
export const leakyReluOp: PublicOpDef<LeakyReluAttrs> = {
  arity: 1,
  shape: (inputs) => [...inputs[0]],
  kernel([x], out, { alpha = DEFAULT_ALPHA }) {
    const a = x.data, y = out.data;
    for (let i = 0; i < a.length; i++) y[i] = a[i] > 0 ? a[i] : alpha * a[i];
  },
  grad(node, dy, { alpha = DEFAULT_ALPHA }, b) {
    return [b.multiply(dy, b.add(alpha, b.multiply(1 - alpha, b.step(node.inputs[0]))))];
  },
  // ẏ = (x > 0 ? 1 : α) · ẋ for every tangent: the same slopes as the gradient rule.
  jvp({ inputs: [x], tangents: [t], batch, alloc, memo, kernels, attrs: { alpha = DEFAULT_ALPHA } }) {
    if (!t) return null;
    const n = x.data.length;
    const d = memo("d", () => x.data.map((v) => (v > 0 ? 1 : alpha)));
    const res = alloc(batch * n, false);
    kernels.scaleEach(d, t, batch, res);
    return res;
  },
  spec: {
    description: "Elementwise leaky ReLU: x for x > 0, alpha·x otherwise (tf.nn.leaky_relu); the gradient at 0 is alpha, as in TF.",
    op: "leaky_relu: x if x > 0 else alpha·x.",
    inputs: "Exactly one input: the tensor x.",
    attrs: {
      alpha: { api: "alpha", type: "number", default: DEFAULT_ALPHA, trailing: true, description: "Slope for x ≤ 0 (default 0.2, as tf.nn.leaky_relu); in expr, a trailing number: leaky_relu(x, 0.1)." },
    },
    build: (b, [x], { alpha }, name) => b.leakyRelu(x, alpha as number | undefined, name),
  },
};
