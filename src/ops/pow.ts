import { binaryOp, binarySpec, unbroadcast } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/**
 * z = x^y elementwise, broadcasting (TF's Pow).  ∂z/∂x = y · x^(y−1);  ∂z/∂y = z · log x where x > 0, else 0
 * (TF's _PowGrad).  log x is built as m · log(m·x + 1 − m) with m = step(x), so neither value nor
 * gradient is NaN where x ≤ 0; each partial is summed back to its input's shape.
 */
export const powOp: PublicOpDef<Record<string, never>> = {
  ...binaryOp(
    "libm.pow(x, y)",
    (n, dy, b) => {
      const [x, y] = n.inputs;
      const m = b.step(x);
      const logX = b.multiply(m, b.log(b.add(b.multiply(m, x), b.subtract(1, m))));
      const gx = b.multiply(dy, b.multiply(y, b.pow(x, b.subtract(y, 1))));
      const gy = b.multiply(dy, b.multiply(n, logX));
      return [unbroadcast(b, gx, x), unbroadcast(b, gy, y)];
    },
    ["y * libm.pow(x, y - 1)", "x > 0 ? libm.pow(x, y) * libm.log(x) : 0"],
  ),
  // Where x ≤ 0: ∂/∂y of ∂z/∂x is x^(y−1) (the product rule's y' term), but ∂/∂x of ∂z/∂y is 0 (the masked log).
  skewedMixedPartials: true,
  spec: binarySpec(
    "Elementwise power x^y with NumPy/TF broadcasting (tf.math.pow); the gradient in y is z·log(x) where x > 0, else 0, as in TF.",
    "pow: x^y.",
    (b, x, y, name) => b.pow(x, y, name),
  ),
};
