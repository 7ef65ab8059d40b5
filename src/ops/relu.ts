import { multiply, step } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** max(x, 0).  d/dx relu x = step(x): 1 where x > 0, 0 elsewhere (the kink gets 0, as in TF) */
export const reluOp: OpDef<Record<string, never>> = unaryOp("x > 0 ? x : 0", (n, dy) => multiply(dy, step(n.inputs[0])), "x > 0 ? 1 : 0");
