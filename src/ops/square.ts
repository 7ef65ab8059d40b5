import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** x².  d/dx x² = 2x */
export const squareOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x * x", (n, dy, b) => b.multiply(dy, b.multiply(2, n.inputs[0])), "2 * x"),
  spec: unarySpec("Elementwise square x² (tf.math.square).", "square: x².", (b, x, name) => b.square(x, name)),
};
