import { sigmoidGrad } from "../graph/builders.js";
import { unaryOp, LOGISTIC } from "./helpers.js";
import type { OpDef } from "./types.js";

/** σ(x) = 1/(1+e⁻ˣ), stable for large |x|.  d/dx σ = σ(1 − σ) (the rule is the fused sigmoid_grad op, as TF's SigmoidGrad) */
export const sigmoidOp: OpDef<Record<string, never>> = unaryOp(LOGISTIC, (n, dy) => sigmoidGrad(n, dy), "y * (1 - y)");
