import { binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** x · y elementwise, broadcasting.  ∂/∂x = y, ∂/∂y = x */
export const multiplyOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp(
    "x * y",
    (n, dy, b) => {
      const [x, y] = n.inputs;
      return [unbroadcast(b, b.multiply(dy, y), x), unbroadcast(b, b.multiply(dy, x), y)];
    },
    ["y", "x"],
  ),
  spec: binarySpec("Elementwise x * y with NumPy/TF broadcasting (tf.math.multiply; not a matrix product).", "multiply: x * y.", (b, x, y, name) => b.multiply(x, y, name)),
};
