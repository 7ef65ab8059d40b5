import { binaryOp, sameShapes } from "./helpers.js";
import type { OpDef } from "./types.js";

/**
 * TF's SigmoidGrad: sigmoid_grad(y, dy) = dy·y·(1 − y), the gradient of y = σ(x), as one op.
 * ∂/∂y = dy·(1 − 2y),  ∂/∂dy = y·(1 − y)
 */
export const sigmoidGradOp: OpDef<Record<string, never>> = {
  ...binaryOp(
  "y * x * (1 - x)",
  (n, g, b) => {
    const [y, dy] = n.inputs;
    return [b.multiply(g, b.multiply(dy, b.subtract(1, b.multiply(2, y)))), b.sigmoidGrad(y, g)];
  },
  ["y * (1 - 2 * x)", "x * (1 - x)"],
),
  shape: (inputs, _a, node) => sameShapes(inputs, node, "y and dy"),
};
