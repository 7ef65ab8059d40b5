import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** eˣ.  d/dx eˣ = eˣ (the output itself) */
export const expOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("libm.exp(x)", (n, dy, b) => b.multiply(dy, n), "y"),
  spec: unarySpec("Elementwise exponential e^x (tf.math.exp).", "exp: e^x.", (b, x, name) => b.exp(x, name)),
};
