import { unaryOp, unarySpec, LOGISTIC } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** log(1 + eˣ), stable.  d/dx softplus x = σ(x) */
export const softplusOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x > 0 ? x + libm.log1p(libm.exp(-x)) : libm.log1p(libm.exp(x))", (n, dy, b) => b.multiply(dy, b.sigmoid(n.inputs[0])), LOGISTIC),
  spec: unarySpec("Elementwise log(1+e^x), computed stably (tf.math.softplus).", "softplus: log(1+e^x).", (b, x, name) => b.softplus(x, name)),
};
