import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** −x.  d/dx (−x) = −1 */
export const negativeOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("-x", (_n, dy, b) => b.negative(dy), "-1"),
  spec: unarySpec("Elementwise negation -x (tf.math.negative).", "negative: -x.", (b, x, name) => b.negative(x, name)),
};
