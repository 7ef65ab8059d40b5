import { multiply } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** x².  d/dx x² = 2x */
export const squareOp: OpDef<Record<string, never>> = unaryOp("x * x", (n, dy) => multiply(dy, multiply(2, n.inputs[0])), "2 * x");
