import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/**
 * elu x = x for x > 0, eˣ − 1 otherwise.  d/dx = 1 for x > 0, y + 1 (= eˣ) otherwise (TF's EluGrad),
 * built as dy · (1 + y · (1 − step(x))): differentiating it again gives eˣ for x < 0, 0 for x > 0.
 */
export const eluOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x > 0 ? x : libm.expm1(x)", (n, dy, b) => b.multiply(dy, b.add(1, b.multiply(n, b.subtract(1, b.step(n.inputs[0]))))), "x > 0 ? 1 : y + 1"),
  spec: unarySpec("Elementwise exponential linear unit: x for x > 0, e^x − 1 otherwise (tf.nn.elu).", "elu: x if x > 0 else e^x − 1.", (b, x, name) => b.elu(x, name)),
};
