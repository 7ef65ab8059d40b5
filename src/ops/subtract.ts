import { negative } from "../graph/builders.js";
import { binaryOp, unbroadcast } from "./helpers.js";
import type { OpDef } from "./types.js";

/** a − b, broadcasting.  ∂/∂a = 1, ∂/∂b = −1 */
export const subtractOp: OpDef<Record<string, never>> = binaryOp(
  "x - y",
  (n, dy) => [unbroadcast(dy, n.inputs[0]), unbroadcast(negative(dy), n.inputs[1])],
  [1, -1],
);
