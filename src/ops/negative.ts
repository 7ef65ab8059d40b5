import { negative } from "../graph/builders.js";
import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** −x.  d/dx (−x) = −1 */
export const negativeOp: OpDef<Record<string, never>> = unaryOp("-x", (_n, dy) => negative(dy), "-1");
