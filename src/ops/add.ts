import { binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** a + b, broadcasting.  ∂/∂a = 1, ∂/∂b = 1; each gradient summed back to its input's shape */
export const addOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp("x + y", (n, dy, b) => [unbroadcast(b, dy, n.inputs[0]), unbroadcast(b, dy, n.inputs[1])], [1, 1]),
  spec: binarySpec("Elementwise x + y with NumPy/TF broadcasting (tf.math.add).", "add: x + y.", (b, x, y, name) => b.add(x, y, name)),
};
