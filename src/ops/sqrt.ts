import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** √x.  d/dx √x = 1/(2√x) = 0.5 / y (TF's SqrtGrad: dy · 0.5 / y) */
export const sqrtOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("Math.sqrt(x)", (n, dy, b) => b.divide(b.multiply(0.5, dy), n), "0.5 / y"),
  spec: unarySpec("Elementwise square root (tf.math.sqrt).", "sqrt: square root √x.", (b, x, name) => b.sqrt(x, name)),
};
