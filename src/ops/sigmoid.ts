import { multiply, subtract } from "../graph/builders.js";
import { unaryOp, LOGISTIC } from "./helpers.js";
import type { OpDef } from "./types.js";

/** σ(x) = 1/(1+e⁻ˣ), stable for large |x|.  d/dx σ = σ(1 − σ) */
export const sigmoidOp: OpDef<Record<string, never>> = unaryOp(LOGISTIC, (n, dy) => multiply(dy, multiply(n, subtract(1, n))), "y * (1 - y)");
