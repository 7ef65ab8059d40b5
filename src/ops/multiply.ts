import { multiply } from "../graph/builders.js";
import { binaryOp, unbroadcast } from "./helpers.js";
import type { OpDef } from "./types.js";

/** a · b elementwise, broadcasting.  ∂/∂a = b, ∂/∂b = a */
export const multiplyOp: OpDef<Record<string, never>> = binaryOp(
  "x * y",
  (n, dy) => {
    const [a, b] = n.inputs;
    return [unbroadcast(multiply(dy, b), a), unbroadcast(multiply(dy, a), b)];
  },
  ["y", "x"],
);
