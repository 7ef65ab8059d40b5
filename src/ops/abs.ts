import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/**
 * |x|.  d/dx |x| = sign(x), 0 at x = 0 (TF's _AbsGrad: dy · sign(x)); sign(x) is built as
 * step(x) − step(−x), whose gradient is zero, so the rule differentiates again (second derivative 0).
 */
export const absOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("Math.abs(x)", (n, dy, b) => {
    const x = n.inputs[0];
    return b.multiply(dy, b.subtract(b.step(x), b.step(b.negative(x))));
  }, "x > 0 ? 1 : x < 0 ? -1 : 0"),
  spec: unarySpec("Elementwise absolute value |x| (tf.math.abs); its gradient is sign(x), 0 at 0, as in TF.", "abs: absolute value |x|.", (b, x, name) => b.abs(x, name)),
};
