import { unaryOp, unarySpec, LOGISTIC } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** σ(x) = 1/(1+e⁻ˣ), stable for large |x|.  d/dx σ = σ(1 − σ) (the rule is the fused sigmoid_grad op, as TF's SigmoidGrad) */
export const sigmoidOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp(LOGISTIC, (n, dy, b) => b.sigmoidGrad(n, dy), "y * (1 - y)"),
  spec: unarySpec("Elementwise logistic sigmoid 1/(1+e^-x) (tf.math.sigmoid).", "sigmoid: 1/(1+e^-x).", (b, x, name) => b.sigmoid(x, name)),
};
