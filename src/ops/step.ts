import { unaryOp, noGradient } from "./helpers.js";
import type { OpDef } from "./types.js";

/** Heaviside step 1[x > 0], used by relu's rule.  Its derivative is 0 almost everywhere: no gradient, no tangent */
export const stepOp: OpDef<Record<string, never>> = { ...unaryOp("x > 0 ? 1 : 0", () => null, null), grad: noGradient };
