import { multiply, square, subtract } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** tanh x.  d/dx tanh x = 1 − tanh²x */
export const tanhOp: OpDef<Record<string, never>> = unaryOp("Math.tanh(x)", (n, dy) => multiply(dy, subtract(1, square(n))), "1 - y * y");
