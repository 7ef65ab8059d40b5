import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** tanh x.  d/dx tanh x = 1 − tanh²x (the rule is the fused tanh_grad op, as TF's TanhGrad) */
export const tanhOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("libm.tanh(x)", (n, dy, b) => b.tanhGrad(n, dy), "1 - y * y"),
  spec: unarySpec("Elementwise hyperbolic tangent (tf.math.tanh).", "tanh: hyperbolic tangent.", (b, x, name) => b.tanh(x, name)),
};
