import { atLeast, binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/**
 * min(x, y) elementwise, broadcasting (TF's Minimum).  ∂/∂x = [x ≤ y], ∂/∂y = [x > y]: where x = y the
 * whole gradient goes to x, as TF's _MinimumGrad (xmask = less_equal(x, y)); each summed back to its input's shape.
 */
export const minimumOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp(
    "Math.min(x, y)",
    (n, dy, b) => {
      const [x, y] = n.inputs;
      const xmask = atLeast(b, y, x);
      return [unbroadcast(b, b.multiply(dy, xmask), x), unbroadcast(b, b.multiply(dy, b.subtract(1, xmask)), y)];
    },
    // The same masks as the gradient rule (1 − step(x − y) for x), so tangents and gradients agree at ties.
    ["x - y > 0 ? 0 : 1", "x - y > 0 ? 1 : 0"],
  ),
  spec: binarySpec(
    "Elementwise min(x, y) with NumPy/TF broadcasting (tf.math.minimum); where x = y the gradient goes to x, as in TF.",
    "minimum: min(x, y).",
    (b, x, y, name) => b.minimum(x, y, name),
  ),
};
