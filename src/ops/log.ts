import { divide } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** Natural log.  d/dx log x = 1/x */
export const logOp: OpDef<Record<string, never>> = unaryOp("Math.log(x)", (n, dy) => divide(dy, n.inputs[0]), "1 / x");
