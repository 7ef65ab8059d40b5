import { multiply, subtract } from "../graph/builders.js";
import { unaryOp, logistic } from "./helpers.js";
import type { OpDef } from "./types.js";

/** σ(x) = 1/(1+e⁻ˣ), stable for large |x|.  d/dx σ = σ(1 − σ) */
export const sigmoidOp: OpDef<Record<string, never>> = unaryOp(logistic, (n, dy) => multiply(dy, multiply(n, subtract(1, n))), (_x, y) => y * (1 - y));
