import { broadcastLike, divide, expandDims, reductionSize } from "../graph/builders.js";
import { normalizeAxes } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { reduceKernel } from "./kernels.js";
import { reducedShape } from "./reduce-sum.js";
import type { AttrMap, OpDef } from "./types.js";

/** Mean over axes.  Linear: gradient = dy broadcast back over the reduced axes, divided by their size N. */
export const reduceMeanOp: OpDef<AttrMap["reduce_mean"]> = {
  arity: 1,
  shape: ([x], { axis, keepDims }, node) => reducedShape(x, axis, keepDims, node),
  kernel([x], out, { axis }) {
    const axes = normalizeAxes(axis, x.shape.length, "reduce_mean");
    const count = axes.reduce((p, a) => p * x.shape[a], 1);
    reduceKernel(x.data, x.shape, axes, out.data, 1 / count);
  },
  grad(node, dy, { axis, keepDims }) {
    const x = node.inputs[0];
    const axes = normalizeAxes(axis, x.rank, node.name);
    return [divide(broadcastLike(keepDims ? dy : expandDims(dy, axes), x), reductionSize(x, axes))];
  },
  jvp(args) {
    return linearJvp(reduceMeanOp, args);
  },
};
