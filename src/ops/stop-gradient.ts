import { unaryOp, noGradient } from "./helpers.js";
import type { OpDef } from "./types.js";

/** x in the forward pass; blocks gradients and tangents, as TF's stop_gradient */
export const stopGradientOp: OpDef<Record<string, never>> = { ...unaryOp("x", () => null, null), grad: noGradient };
