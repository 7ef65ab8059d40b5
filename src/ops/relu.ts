import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** max(x, 0).  d/dx relu x = step(x): 1 where x > 0, 0 elsewhere (the kink gets 0, as in TF) */
export const reluOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x > 0 ? x : 0", (n, dy, b) => b.multiply(dy, b.step(n.inputs[0])), "x > 0 ? 1 : 0"),
  spec: unarySpec("Elementwise max(x, 0) (tf.nn.relu).", "relu: max(x, 0).", (b, x, name) => b.relu(x, name)),
};
