import { binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** (x − y)², broadcasting.  ∂/∂x = 2(x − y), ∂/∂y = −2(x − y) */
export const squaredDifferenceOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp(
    "(x - y) * (x - y)",
    (n, dy, b) => {
      const [x, y] = n.inputs;
      const g = b.multiply(dy, b.multiply(2, b.subtract(x, y)));
      return [unbroadcast(b, g, x), unbroadcast(b, b.negative(g), y)];
    },
    ["2 * (x - y)", "-2 * (x - y)"],
  ),
  spec: binarySpec("Elementwise (x - y)² with NumPy/TF broadcasting (tf.math.squared_difference).", "squared_difference: (x - y)².", (b, x, y, name) => b.squaredDifference(x, y, name)),
};
