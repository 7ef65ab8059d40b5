import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/**
 * elu x = x for x > 0, eˣ − 1 otherwise.  d/dx = y + 1 (= eˣ) where y < 0, else 1 (TF's EluGrad), built as
 * dy · (1 + y · step(−x)): differentiating it again gives eˣ for x < 0 and 0 for x ≥ 0 (0 at x = 0 too, as
 * TF's EluGradGrad, which masks with y < 0).
 */
export const eluOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x > 0 ? x : libm.expm1(x)", (n, dy, b) => b.multiply(dy, b.add(1, b.multiply(n, b.step(b.negative(n.inputs[0]))))), "x < 0 ? y + 1 : 1"),
  spec: unarySpec("Elementwise exponential linear unit: x for x > 0, e^x − 1 otherwise (tf.nn.elu).", "elu: x if x > 0 else e^x − 1.", (b, x, name) => b.elu(x, name)),
};
