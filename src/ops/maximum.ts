import { atLeast, binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/**
 * max(x, y) elementwise, broadcasting (TF's Maximum).  ∂/∂x = [x ≥ y], ∂/∂y = [x < y]: where x = y the
 * whole gradient goes to x, as TF's _MaximumGrad (xmask = greater_equal(x, y)); each summed back to its input's shape.
 */
export const maximumOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp(
    "Math.max(x, y)",
    (n, dy, b) => {
      const [x, y] = n.inputs;
      const xmask = atLeast(b, x, y);
      return [unbroadcast(b, b.multiply(dy, xmask), x), unbroadcast(b, b.multiply(dy, b.subtract(1, xmask)), y)];
    },
    // The same masks as the gradient rule (1 − step(y − x) for x), so tangents and gradients agree at ties.
    ["y - x > 0 ? 0 : 1", "y - x > 0 ? 1 : 0"],
  ),
  spec: binarySpec(
    "Elementwise max(x, y) with NumPy/TF broadcasting (tf.math.maximum); where x = y the gradient goes to x, as in TF.",
    "maximum: max(x, y).",
    (b, x, y, name) => b.maximum(x, y, name),
  ),
};
