import { unaryOp, unarySpec, noGradient } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** x in the forward pass; blocks gradients and tangents, as TF's stop_gradient */
export const stopGradientOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x", () => null, null),
  grad: noGradient,
  spec: unarySpec("x in the forward pass, zero gradient (tf.stop_gradient).", "stop_gradient: x in the forward pass, zero gradient.", (b, x, name) => b.stopGradient(x, name)),
};
