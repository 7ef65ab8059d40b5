import { binaryOp, sameShapes } from "./helpers.js";
import type { OpDef } from "./types.js";

/**
 * TF's TanhGrad: tanh_grad(y, dy) = dy·(1 − y²), the gradient of y = tanh x, as one op (one pass instead of three).
 * ∂/∂y = −2·y·dy,  ∂/∂dy = 1 − y²  (so its own gradient needs only multiply and tanh_grad)
 */
export const tanhGradOp: OpDef<Record<string, never>> = {
  ...binaryOp(
  "y * (1 - x * x)",
  (n, g, b) => {
    const [y, dy] = n.inputs;
    return [b.multiply(g, b.multiply(-2, b.multiply(y, dy))), b.tanhGrad(y, g)];
  },
  ["-2 * x * y", "1 - x * x"],
),
  shape: (inputs, _a, node) => sameShapes(inputs, node, "y and dy"),
};
