import { unaryOp, noGradient } from "./helpers.js";
import type { OpDef } from "./types.js";

/** Ones shaped like x at run time; constant, so no gradient */
export const onesLikeOp: OpDef<Record<string, never>> = { ...unaryOp("1", () => null, null), grad: noGradient };
