import { normalizeAxes } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { reduceKernel } from "./kernels.js";
import { reducedShape, reduceSpec, type ReduceAttrs } from "./reduce-sum.js";
import type { PublicOpDef } from "./types.js";

/** Mean over axes.  Linear: gradient = dy broadcast back over the reduced axes, divided by their size N. */
export const reduceMeanOp: PublicOpDef<ReduceAttrs> = {
  arity: 1,
  shape: ([x], { axis, keepDims }, node) => reducedShape(x, axis, keepDims, node),
  kernel([x], out, { axis }) {
    const axes = normalizeAxes(axis, x.shape.length, "reduce_mean");
    const count = axes.reduce((p, a) => p * x.shape[a], 1);
    reduceKernel(x.data, x.shape, axes, out.data, 1 / count);
  },
  grad(node, dy, { axis, keepDims }, b) {
    const x = node.inputs[0];
    const axes = normalizeAxes(axis, x.rank, node.name);
    return [b.divide(b.broadcastLike(keepDims ? dy : b.expandDims(dy, axes), x), b.reductionSize(x, axes))];
  },
  jvp(args) {
    return linearJvp(reduceMeanOp, args);
  },
  spec: reduceSpec("Mean over some or all axes (tf.math.reduce_mean).", "reduce_mean: mean of elements.", (b, x, axis, keepDims, name) => b.reduceMean(x, axis, keepDims, name)),
};
