import { divide, multiply, negative, square } from "../graph/builders.js";
import { binaryOp, unbroadcast } from "./helpers.js";
import type { OpDef } from "./types.js";

/** a / b elementwise, broadcasting.  ∂/∂a = 1/b, ∂/∂b = −a/b² */
export const divideOp: OpDef<Record<string, never>> = binaryOp(
  "x / y",
  (n, dy) => {
    const [a, b] = n.inputs;
    return [unbroadcast(divide(dy, b), a), unbroadcast(negative(divide(multiply(dy, a), square(b))), b)];
  },
  ["1 / y", "-x / (y * y)"],
);
