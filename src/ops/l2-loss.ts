import { unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** ℓ = Σ x² / 2, a scalar (TF's l2_loss).  Gradient: ∂ℓ/∂x = x, so dx = dy · x (dy a scalar, broadcast). */
export const l2LossOp: PublicOpDef<Record<string, never>> = {
  arity: 1,
  shape: () => [],
  kernel([x], out) {
    let s = 0;
    for (let i = 0; i < x.data.length; i++) s += x.data[i] * x.data[i];
    out.data[0] = s / 2;
  },
  grad: (node, dy, _attrs, b) => [b.multiply(dy, node.inputs[0])],
  // ℓ̇ = Σ x ⊙ ẋ for every tangent.
  jvp({ inputs: [x], tangents: [t], batch, alloc }) {
    if (!t) return null;
    const n = x.data.length, res = alloc(batch);
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x.data[i] * t[b * n + i];
      res[b] = s;
    }
    return res;
  },
  spec: unarySpec("Half the sum of squares, sum(x^2)/2, a scalar (tf.nn.l2_loss).", "l2_loss: sum(x^2)/2.", (b, x, name) => b.l2Loss(x, name)),
};
