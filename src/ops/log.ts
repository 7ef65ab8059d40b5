import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** Natural log.  d/dx log x = 1/x */
export const logOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("libm.log(x)", (n, dy, b) => b.divide(dy, n.inputs[0]), "1 / x"),
  spec: unarySpec("Elementwise natural logarithm (tf.math.log).", "log: natural logarithm.", (b, x, name) => b.log(x, name)),
};
