import { multiply } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** eˣ.  d/dx eˣ = eˣ (the output itself) */
export const expOp: OpDef<Record<string, never>> = unaryOp("Math.exp(x)", (n, dy) => multiply(dy, n), "y");
