// The op table: one entry per op, each from its own file. Its type makes a missing op or rule a compile error.
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
import type { OpTable } from "./types.js";

/** Every op's shape rule, kernel, gradient rule and JVP rule, by op name. */
export const OPS: OpTable = {
  placeholder: placeholderOp,
  variable: variableOp,
  constant: constantOp,
  matmul: matmulOp,
  add: addOp,
  subtract: subtractOp,
  multiply: multiplyOp,
  divide: divideOp,
  squared_difference: squaredDifferenceOp,
  negative: negativeOp,
  square: squareOp,
  exp: expOp,
  log: logOp,
  tanh: tanhOp,
  sigmoid: sigmoidOp,
  relu: reluOp,
  softplus: softplusOp,
  step: stepOp,
  tanh_grad: tanhGradOp,
  sigmoid_grad: sigmoidGradOp,
  identity: identityOp,
  stop_gradient: stopGradientOp,
  ones_like: onesLikeOp,
  reduce_sum: reduceSumOp,
  reduce_mean: reduceMeanOp,
  reduction_size: reductionSizeOp,
  broadcast_like: broadcastLikeOp,
  sum_to_like: sumToLikeOp,
  expand_dims: expandDimsOp,
  reshape: reshapeOp,
  reshape_like: reshapeLikeOp,
  transpose: transposeOp,
  concat: concatOp,
  slice: sliceOp,
  pad: padOp,
  softmax: softmaxOp,
  log_softmax: logSoftmaxOp,
  softmax_cross_entropy_with_logits: softmaxCrossEntropyOp,
};

/** True if `name` is an op of the table. */
export function isOpName(name: string): name is keyof OpTable {
  return Object.prototype.hasOwnProperty.call(OPS, name);
}
