import { multiply, sigmoid } from "../graph/builders.js";
import { unaryOp, LOGISTIC } from "./helpers.js";
import type { OpDef } from "./types.js";

/** log(1 + eˣ), stable.  d/dx softplus x = σ(x) */
export const softplusOp: OpDef<Record<string, never>> = unaryOp("x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))", (n, dy) => multiply(dy, sigmoid(n.inputs[0])), LOGISTIC);
