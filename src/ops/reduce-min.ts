import { reduceExtremumOp } from "./reduce-max.js";
import { reduceSpec } from "./reduce-sum.js";

/** min over axes (TF's Min): dy goes to the arg-min, shared equally among ties (TF's _MinOrMaxGrad); see reduceExtremumOp. */
export const reduceMinOp = reduceExtremumOp("min", reduceSpec(
  "Minimum over some or all axes (tf.math.reduce_min); the gradient goes to the minimum, shared equally among ties, as in TF.",
  "reduce_min: smallest element.",
  (b, x, axis, keepDims, name) => b.reduceMin(x, axis, keepDims, name),
));
