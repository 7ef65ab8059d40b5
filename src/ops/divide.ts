import { binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** x / y elementwise, broadcasting.  ∂/∂x = 1/y, ∂/∂y = −x/y² */
export const divideOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp(
    "x / y",
    (n, dy, b) => {
      const [x, y] = n.inputs;
      return [unbroadcast(b, b.divide(dy, y), x), unbroadcast(b, b.negative(b.divide(b.multiply(dy, x), b.square(y))), y)];
    },
    ["1 / y", "-x / (y * y)"],
  ),
  spec: binarySpec("Elementwise x / y with NumPy/TF broadcasting (tf.math.divide).", "divide: x / y.", (b, x, y, name) => b.divide(x, y, name)),
};
