// The op table: one line per op, each op declared once in its own file. Everything else that lists ops
// (OpName, the spec loader, expr, the JSON Schema, the gradient-check table) is derived from these tables.
import { addOp } from "./add.js";
import { broadcastLikeOp } from "./broadcast-like.js";
import { concatOp } from "./concat.js";
import { divideOp } from "./divide.js";
import { expOp } from "./exp.js";
import { expandDimsOp } from "./expand-dims.js";
import { identityOp } from "./identity.js";
import { logOp } from "./log.js";
import { logSoftmaxOp } from "./log-softmax.js";
import { matmulOp } from "./matmul.js";
import { multiplyOp } from "./multiply.js";
import { negativeOp } from "./negative.js";
import { onesLikeOp } from "./ones-like.js";
import { padOp } from "./pad.js";
import { reduceMeanOp } from "./reduce-mean.js";
import { reduceSumOp } from "./reduce-sum.js";
import { reductionSizeOp } from "./reduction-size.js";
import { reluOp } from "./relu.js";
import { reshapeOp } from "./reshape.js";
import { reshapeLikeOp } from "./reshape-like.js";
import { sigmoidOp } from "./sigmoid.js";
import { sliceOp } from "./slice.js";
import { softmaxOp } from "./softmax.js";
import { softmaxCrossEntropyOp } from "./softmax-cross-entropy.js";
import { softplusOp } from "./softplus.js";
import { constantOp, placeholderOp, variableOp } from "./sources.js";
import { squareOp } from "./square.js";
import { squaredDifferenceOp } from "./squared-difference.js";
import { stepOp } from "./step.js";
import { stopGradientOp } from "./stop-gradient.js";
import { subtractOp } from "./subtract.js";
import { sumToLikeOp } from "./sum-to-like.js";
import { tanhOp } from "./tanh.js";
import { tanhGradOp } from "./tanh-grad.js";
import { sigmoidGradOp } from "./sigmoid-grad.js";
import { transposeOp } from "./transpose.js";
import { maximumOp } from "./maximum.js";
import { reduceMaxOp } from "./reduce-max.js";
import { absOp } from "./abs.js";
import { sqrtOp } from "./sqrt.js";
import { minimumOp } from "./minimum.js";
import { reduceMinOp } from "./reduce-min.js";
import { leakyReluOp } from "./leaky-relu.js";
import { eluOp } from "./elu.js";
import { powOp } from "./pow.js";
import { sigmoidCrossEntropyOp } from "./sigmoid-cross-entropy.js";
import { sparseSoftmaxCrossEntropyOp } from "./sparse-softmax-cross-entropy.js";
import { oneHotOp } from "./one-hot.js";
import { l2LossOp } from "./l2-loss.js";
import { assignOp, groupOp } from "./assign.js";
import type { OpDef, PublicOpDef } from "./types.js";

/** Ops usable in specs and expr (and the API): each declares its spec attributes, schema text and builder call. */
export const PUBLIC_OPS = {
  matmul: matmulOp,
  add: addOp,
  subtract: subtractOp,
  multiply: multiplyOp,
  divide: divideOp,
  squared_difference: squaredDifferenceOp,
  maximum: maximumOp,
  minimum: minimumOp,
  pow: powOp,
  negative: negativeOp,
  square: squareOp,
  sqrt: sqrtOp,
  abs: absOp,
  exp: expOp,
  log: logOp,
  tanh: tanhOp,
  sigmoid: sigmoidOp,
  relu: reluOp,
  softplus: softplusOp,
  leaky_relu: leakyReluOp,
  elu: eluOp,
  identity: identityOp,
  stop_gradient: stopGradientOp,
  reduce_sum: reduceSumOp,
  reduce_mean: reduceMeanOp,
  reduce_max: reduceMaxOp,
  reduce_min: reduceMinOp,
  reshape: reshapeOp,
  transpose: transposeOp,
  concat: concatOp,
  slice: sliceOp,
  softmax: softmaxOp,
  log_softmax: logSoftmaxOp,
  softmax_cross_entropy_with_logits: softmaxCrossEntropyOp,
  sigmoid_cross_entropy_with_logits: sigmoidCrossEntropyOp,
  sparse_softmax_cross_entropy_with_logits: sparseSoftmaxCrossEntropyOp,
  one_hot: oneHotOp,
  l2_loss: l2LossOp,
} as const satisfies Readonly<Record<string, PublicOpDef<never>>>;

/** Source ops: nodes made by graph.placeholder / variable / constant (in specs, nodes of their own kind). */
export const SOURCE_OPS = {
  placeholder: placeholderOp,
  variable: variableOp,
  constant: constantOp,
} as const satisfies Readonly<Record<string, OpDef<never>>>;

/** Internal ops: built only by gradient rules and builders (the fused gradients, shape plumbing). */
export const INTERNAL_OPS = {
  step: stepOp,
  tanh_grad: tanhGradOp,
  sigmoid_grad: sigmoidGradOp,
  ones_like: onesLikeOp,
  reduction_size: reductionSizeOp,
  broadcast_like: broadcastLikeOp,
  sum_to_like: sumToLikeOp,
  expand_dims: expandDimsOp,
  reshape_like: reshapeLikeOp,
  pad: padOp,
  assign: assignOp,
  group: groupOp,
} as const satisfies Readonly<Record<string, OpDef<never>>>;

/** Every op's shape rule, kernel, gradient rule and JVP rule, by op name. */
export const OPS = { ...SOURCE_OPS, ...PUBLIC_OPS, ...INTERNAL_OPS };

/** True if `name` is an op of the table. */
export function isOpName(name: string): name is keyof typeof OPS {
  return Object.prototype.hasOwnProperty.call(OPS, name);
}

/** True if `name` is a public op (usable in specs and expr). */
export function isPublicOpName(name: string): name is keyof typeof PUBLIC_OPS {
  return Object.prototype.hasOwnProperty.call(PUBLIC_OPS, name);
}
