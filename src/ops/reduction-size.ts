import { noGradient } from "./helpers.js";
import type { OpDef } from "./types.js";

/** The number of elements a mean averages over, known at run time (a scalar); no gradient. */
export const reductionSizeOp: OpDef<{ axis?: number[] | null }> = {
  arity: 1,
  shape: () => [],
  kernel([x], out, { axis }) {
    out.data[0] = (axis ?? x.shape.map((_, i) => i)).reduce((p, a) => p * x.shape[a], 1);
  },
  grad: noGradient,
  jvp: () => null,
};
