import { multiply, negative, subtract } from "../graph/builders.js";
import { binaryOp, unbroadcast } from "./helpers.js";
import type { OpDef } from "./types.js";

/** (a − b)², broadcasting.  ∂/∂a = 2(a − b), ∂/∂b = −2(a − b) */
export const squaredDifferenceOp: OpDef<Record<string, never>> = binaryOp(
  "(x - y) * (x - y)",
  (n, dy) => {
    const [a, b] = n.inputs;
    const g = multiply(dy, multiply(2, subtract(a, b)));
    return [unbroadcast(g, a), unbroadcast(negative(g), b)];
  },
  ["2 * (x - y)", "-2 * (x - y)"],
);
