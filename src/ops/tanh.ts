import { tanhGrad } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** tanh x.  d/dx tanh x = 1 − tanh²x (the rule is the fused tanh_grad op, as TF's TanhGrad) */
export const tanhOp: OpDef<Record<string, never>> = unaryOp("Math.tanh(x)", (n, dy) => tanhGrad(n, dy), "1 - y * y");
