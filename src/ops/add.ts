import { binaryOp, unbroadcast } from "./helpers.js";
import type { OpDef } from "./types.js";

/** a + b, broadcasting.  ∂/∂a = 1, ∂/∂b = 1; each gradient summed back to its input's shape */
export const addOp: OpDef<Record<string, never>> = binaryOp(
  "x + y",
  (n, dy) => [unbroadcast(dy, n.inputs[0]), unbroadcast(dy, n.inputs[1])],
  [1, 1],
);
