// Every differentiable op of the registry, gradient-checked at first and second order (hessian() graph,
// computeHessian rows and batched, tf.hessians blocks), a few at third order. Internal ops (pad,
// broadcast_like, sum_to_like, expand_dims, reshape_like, reduction_size, ones_like, step) are reached
// both directly and through the gradient graphs of public ops; each entry asserts that the ops it claims
// to cover really are in its graph.
import { describe, expect, it } from "vitest";
import {
  add, broadcastLike, concat, divide, exp, expandDims, gradients, Graph, identity, log, logSoftmax, matmul, multiply,
  negative, onesLike, pad, reduceMean, reduceSum, relu, reshape, reshapeLike, Session, sigmoid, slice, softmax,
  softmaxCrossEntropyWithLogits, softplus, square, squaredDifference, step, stopGradient, subtract, sumToLike, tanh, transpose,
  HessflowError, ShapeError, sigmoidGrad, tanhGrad, type NestedArray, type Node,
  maximum, reduceMax, computeHessian, hessian, toNested,
  abs, sqrt, minimum, reduceMin, leakyRelu, elu, pow,
  sigmoidCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, oneHot, l2Loss, FeedError, jacobian, hessians,
} from "../src/internal.js";
import { OPS, PUBLIC_OPS } from "../src/ops/registry.js";
import type { PublicOpName } from "../src/ops/types.js";
import { awayFromZero, checkGrads, flat, randomNested, type PlaceholderInput } from "./gradcheck.js";

interface Entry {
  name: string;
  /** Ops this entry exercises (each must appear in the graph once all derivative graphs are built). */
  covers: string[];
  f: (xs: Node[]) => Node;
  values: NestedArray[];
  placeholders?: PlaceholderInput[];
  order?: 1 | 2 | 3;
}

const R = (shape: number[], seed: number, lo = -1, hi = 1) => randomNested(shape, seed, lo, hi);
const fmt = (s: number[]) => `[${s.join(",")}]`;
let seed = 100;
const next = () => ++seed;

const TABLE: Entry[] = [];

/** Distinct entries at least 0.09 apart (shuffled multiples of 0.1 plus jitter below 0.005): no ties near these points. */
function distinct(shape: number[], seed: number): NestedArray {
  const u = flat(R([shape.reduce((a, b) => a * b, 1)], seed));
  const v = new Float64Array(u.length);
  [...u.keys()].sort((i, j) => u[i] - u[j]).forEach((i, k) => (v[i] = 0.1 * (k - u.length / 2) + 0.005 * u[i]));
  return toNested({ shape, data: v });
}

// matmul: all four transpose combinations, raw (bilinear: nonzero cross Hessian) and under tanh.
for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
  const a = ta ? [4, 3] : [3, 4], b = tb ? [2, 4] : [4, 2];
  TABLE.push({ name: `matmul transposeA=${ta} transposeB=${tb}`, covers: ["matmul"], f: ([x, y]) => matmul(x, y, { transposeA: ta, transposeB: tb }), values: [R(a, next()), R(b, next())] });
  TABLE.push({ name: `tanh(matmul transposeA=${ta} transposeB=${tb})`, covers: ["matmul", "tanh"], f: ([x, y]) => tanh(matmul(x, y, { transposeA: ta, transposeB: tb })), values: [R(a, next()), R(b, next())], order: ta && tb ? 3 : 2 });
}

// Broadcasting binary ops.
const BINARY: [string, (a: Node, b: Node) => Node, boolean][] = [
  ["add", add, true], ["subtract", subtract, true], ["multiply", multiply, false], ["divide", divide, false], ["squared_difference", squaredDifference, false],
];
const SHAPES: [number[], number[]][] = [[[3, 4], [4]], [[4], [3, 4]], [[3, 1], [1, 4]], [[], [2, 3]], [[2, 3], []], [[2, 3], [2, 3]], [[2, 1, 3], [4, 1]]];
for (const [op, fn, linear] of BINARY) {
  for (const [sa, sb] of SHAPES) {
    const bValues = op === "divide" ? awayFromZero(sb, next(), 0.5, 1.5) : R(sb, next());
    const covers = [op, ...(fmt(sa) !== fmt(sb) ? ["sum_to_like"] : [])];
    TABLE.push({ name: `${op} ${fmt(sa)} ${fmt(sb)}`, covers, f: ([a, b]) => fn(a, b), values: [R(sa, next()), bValues] });
    if (linear) TABLE.push({ name: `square(${op} ${fmt(sa)} ${fmt(sb)})`, covers: [...covers, ...(fmt(sa) !== fmt(sb) ? ["broadcast_like"] : [])], f: ([a, b]) => square(fn(a, b)), values: [R(sa, next()), bValues] });
  }
}
// maximum away from ties: one input has |entries| ≥ 0.2, the other |entries| ≤ 0.1, so every pair differs by ≥ 0.1.
SHAPES.forEach(([sa, sb], i) => {
  const [va, vb] = i % 2 ? [awayFromZero(sa, next()), R(sb, next(), -0.1, 0.1)] : [R(sa, next(), -0.1, 0.1), awayFromZero(sb, next())];
  const covers = ["maximum", ...(fmt(sa) !== fmt(sb) ? ["sum_to_like"] : [])];
  TABLE.push({ name: `square(maximum ${fmt(sa)} ${fmt(sb)})`, covers, f: ([a, b]) => square(maximum(a, b)), values: [va, vb] });
});
TABLE.push({ name: "divide [2,3] [3] (third order)", covers: ["divide"], f: ([a, b]) => divide(a, b), values: [R([2, 3], next()), awayFromZero([3], next(), 0.5, 1.5)], order: 3 });
TABLE.push({ name: "multiply x·x (same node twice)", covers: ["multiply"], f: ([a]) => multiply(a, a), values: [R([2, 3], next())] });

// Elementwise unary ops.
TABLE.push({ name: "negative", covers: ["negative"], f: ([x]) => negative(x), values: [R([2, 3], next())] });
TABLE.push({ name: "square(negative)", covers: ["negative", "square"], f: ([x]) => square(negative(x)), values: [R([2, 3], next())] });
TABLE.push({ name: "square", covers: ["square"], f: ([x]) => square(x), values: [R([2, 3], next())] });
TABLE.push({ name: "exp", covers: ["exp"], f: ([x]) => exp(x), values: [R([2, 3], next(), -2, 2)], order: 3 });
TABLE.push({ name: "log (positive inputs)", covers: ["log"], f: ([x]) => log(x), values: [R([2, 3], next(), 0.3, 2)], order: 3 });
TABLE.push({ name: "tanh", covers: ["tanh", "tanh_grad"], f: ([x]) => tanh(x), values: [R([2, 3], next(), -2, 2)], order: 3 });
TABLE.push({ name: "sigmoid", covers: ["sigmoid", "sigmoid_grad"], f: ([x]) => sigmoid(x), values: [R([2, 3], next(), -3, 3)], order: 3 });
TABLE.push({ name: "sigmoid (large |x|)", covers: ["sigmoid"], f: ([x]) => sigmoid(x), values: [[-30, -8, 8, 30]] });
TABLE.push({ name: "relu (inputs away from 0)", covers: ["relu", "step"], f: ([x]) => relu(x), values: [awayFromZero([2, 3], next())] });
TABLE.push({ name: "square(relu) (inputs away from 0)", covers: ["relu", "step", "square"], f: ([x]) => square(relu(x)), values: [awayFromZero([2, 3], next())] });
TABLE.push({ name: "softplus", covers: ["softplus", "sigmoid"], f: ([x]) => softplus(x), values: [R([2, 3], next(), -3, 3)] });
TABLE.push({ name: "softplus (large |x|)", covers: ["softplus", "sigmoid"], f: ([x]) => softplus(x), values: [[-40, -12, 12, 40]] });
TABLE.push({ name: "identity", covers: ["identity"], f: ([x]) => identity(x, "id"), values: [R([2, 3], next())] });
TABLE.push({ name: "square(identity)", covers: ["identity", "square"], f: ([x]) => square(identity(x, "id")), values: [R([2, 3], next())] });
// The fused gradient ops (TF's TanhGrad / SigmoidGrad), differentiated in both inputs.
TABLE.push({ name: "tanh_grad(y, dy)", covers: ["tanh_grad"], f: ([y, dy]) => tanhGrad(y, dy), values: [R([2, 3], next(), -0.9, 0.9), R([2, 3], next())], order: 3 });
TABLE.push({ name: "sigmoid_grad(y, dy)", covers: ["sigmoid_grad"], f: ([y, dy]) => sigmoidGrad(y, dy), values: [R([2, 3], next(), 0.1, 0.9), R([2, 3], next())], order: 3 });
TABLE.push({ name: "step·x² (step has zero derivative away from 0)", covers: ["step"], f: ([x]) => multiply(step(x), square(x)), values: [awayFromZero([2, 3], next())] });

// Reductions: axis null, one axis, negative axis, several axes, all axes listed; keepDims true/false.
for (const [opName, fn] of [["reduce_sum", reduceSum], ["reduce_mean", reduceMean]] as const) {
  for (const axis of [null, 1, -1, [0, 2], [0, 1, 2]] as (number | number[] | null)[]) {
    for (const keep of [false, true]) {
      const covers = [opName, "broadcast_like", ...(!keep && axis !== null ? ["expand_dims"] : [])];
      TABLE.push({ name: `square(${opName} axis=${JSON.stringify(axis)} keepDims=${keep})`, covers, f: ([x]) => square(fn(x, axis, keep)), values: [R([2, 3, 4], next())] });
    }
  }
  TABLE.push({ name: `${opName} of tanh (axis 0)`, covers: [opName, "tanh"], f: ([x]) => fn(tanh(x), 0), values: [R([3, 2], next(), -2, 2)] });
}

// reduce_max on distinct entries (away from ties), over the same axes.
for (const axis of [null, 1, -1, [0, 2], [0, 1, 2]] as (number | number[] | null)[]) {
  for (const keep of [false, true]) {
    TABLE.push({ name: `square(reduce_max axis=${JSON.stringify(axis)} keepDims=${keep})`, covers: ["reduce_max", "step"], f: ([x]) => square(reduceMax(x, axis, keep)), values: [distinct([2, 3, 4], next())] });
  }
}

// Shape ops (linear: checked under square so that the second derivative goes through their rules).
TABLE.push({ name: "square(reshape [2,6] → [3,-1])", covers: ["reshape"], f: ([x]) => square(reshape(x, [3, -1])), values: [R([2, 6], next())] });
TABLE.push({ name: "square(reshape [2,3,2] → [-1])", covers: ["reshape"], f: ([x]) => square(reshape(x, [-1])), values: [R([2, 3, 2], next())] });
TABLE.push({ name: "tanh(reshape [2,3] → [3,1,2])", covers: ["reshape", "tanh"], f: ([x]) => tanh(reshape(x, [3, 1, 2])), values: [R([2, 3], next())] });
TABLE.push({ name: "square(transpose rank 3 perm [2,0,1])", covers: ["transpose"], f: ([x]) => square(transpose(x, [2, 0, 1])), values: [R([2, 3, 4], next())] });
TABLE.push({ name: "square(transpose rank 3 perm [1,0,2])", covers: ["transpose"], f: ([x]) => square(transpose(x, [1, 0, 2])), values: [R([2, 3, 2], next())] });
TABLE.push({ name: "square(transpose rank 3 default perm)", covers: ["transpose"], f: ([x]) => square(transpose(x)), values: [R([2, 3, 2], next())] });
TABLE.push({ name: "matmul(transpose(a), b)", covers: ["transpose", "matmul"], f: ([a, b]) => matmul(transpose(a), b), values: [R([3, 2], next()), R([3, 2], next())] });
TABLE.push({ name: "square(concat axis 0)", covers: ["concat", "slice"], f: ([a, b]) => square(concat([a, b], 0)), values: [R([2, 3], next()), R([1, 3], next())] });
TABLE.push({ name: "square(concat axis 1, three inputs)", covers: ["concat", "slice"], f: ([a, b, c]) => square(concat([a, b, c], 1)), values: [R([2, 3], next()), R([2, 2], next()), R([2, 1], next())] });
TABLE.push({ name: "square(concat axis -1, rank 3)", covers: ["concat", "slice"], f: ([a, b]) => square(concat([a, b], -1)), values: [R([2, 2, 1], next()), R([2, 2, 2], next())] });
TABLE.push({ name: "tanh(concat of the same input twice)", covers: ["concat", "tanh"], f: ([a]) => tanh(concat([a, multiply(a, a)], 0)), values: [R([2, 2], next())] });
TABLE.push({ name: "square(slice [3,4] begin [1,0] size [2,-1])", covers: ["slice", "pad"], f: ([x]) => square(slice(x, [1, 0], [2, -1])), values: [R([3, 4], next())] });
TABLE.push({ name: "square(slice rank 3 begin [0,1,1] size [-1,2,2])", covers: ["slice", "pad"], f: ([x]) => square(slice(x, [0, 1, 1], [-1, 2, 2])), values: [R([2, 3, 4], next())] });
TABLE.push({ name: "tanh(slice) (third order)", covers: ["slice", "pad"], f: ([x]) => tanh(slice(x, [1, 1], [2, 2])), values: [R([3, 4], next())], order: 3 });
TABLE.push({ name: "square(pad [2,3] before [1,0] after [0,2])", covers: ["pad", "slice"], f: ([x]) => square(pad(x, [1, 0], [0, 2])), values: [R([2, 3], next())] });
TABLE.push({ name: "tanh(pad rank 3)", covers: ["pad", "slice"], f: ([x]) => tanh(pad(x, [0, 1, 0], [1, 0, 2])), values: [R([2, 2, 2], next())] });

// Softmax family.
for (const [shape, axis] of [[[3, 4], -1], [[3, 4], 0], [[2, 3, 2], 1]] as [number[], number][]) {
  TABLE.push({ name: `softmax ${fmt(shape)} axis ${axis}`, covers: ["softmax"], f: ([x]) => softmax(x, axis), values: [R(shape, next(), -2, 2)], order: axis === 0 ? 3 : 2 });
  TABLE.push({ name: `log_softmax ${fmt(shape)} axis ${axis}`, covers: ["log_softmax", "softmax"], f: ([x]) => logSoftmax(x, axis), values: [R(shape, next(), -2, 2)], order: axis === 0 ? 3 : 2 });
}
for (const [shape, axis] of [[[3, 4], 0], [[3, 4], 1], [[2, 3, 2], 1]] as [number[], number][]) {
  TABLE.push({
    name: `softmax_cross_entropy_with_logits ${fmt(shape)} axis ${axis} (labels and logits differentiated)`,
    covers: ["softmax_cross_entropy_with_logits", "log_softmax", "softmax"],
    f: ([labels, logits]) => softmaxCrossEntropyWithLogits(labels, logits, axis),
    values: [R(shape, next(), 0.1, 1), R(shape, next(), -2, 2)],
    order: axis === 0 ? 3 : 2,
  });
}
TABLE.push({ name: "softmax_cross_entropy_with_logits, one-hot labels fed, logits differentiated", covers: ["softmax_cross_entropy_with_logits"], f: ([z, y]) => softmaxCrossEntropyWithLogits(y, z, 0), values: [R([3, 4], next(), -2, 2)], placeholders: [{ shape: [3, null], value: [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]] }] });

// The other loss ops: sigmoid xent (both inputs differentiated, large |logits|), sparse xent along a non-last axis, one_hot's axis, l2_loss.
TABLE.push({ name: "sigmoid_cross_entropy_with_logits, labels and logits differentiated", covers: ["sigmoid_cross_entropy_with_logits"], f: ([z, x]) => sigmoidCrossEntropyWithLogits(z, x), values: [R([3, 2], next(), 0, 1), R([3, 2], next(), -3, 3)] });
TABLE.push({ name: "sigmoid_cross_entropy_with_logits (large |logits|)", covers: ["sigmoid_cross_entropy_with_logits"], f: ([x, z]) => sigmoidCrossEntropyWithLogits(z, x), values: [[-40, -12, 12, 40]], placeholders: [{ shape: [4], value: [1, 0, 1, 0] }] });
TABLE.push({ name: "sparse_softmax_cross_entropy_with_logits [4,2,3] axis 0 (class axis first)", covers: ["sparse_softmax_cross_entropy_with_logits", "one_hot"], f: ([z, y]) => sparseSoftmaxCrossEntropyWithLogits(y, z, 0), values: [R([4, 2, 3], next(), -2, 2)], placeholders: [{ shape: [2, 3], value: [[0, 3, 1], [2, 2, 0]] }] });
TABLE.push({ name: "mean sparse xent of an MLP 2-3-4 on a fed batch", covers: ["sparse_softmax_cross_entropy_with_logits", "matmul", "tanh"], f: ([w1, w2, X, y]) => reduceMean(sparseSoftmaxCrossEntropyWithLogits(y, matmul(tanh(matmul(X, w1)), w2))), values: [R([2, 3], next()), R([3, 4], next())], placeholders: [{ shape: [null, 2], value: [[0.5, -1.2], [0.3, 0.8], [1.1, 0.2]] }, { shape: [null], value: [3, 0, 1] }] });
TABLE.push({ name: "square(x ⊙ one_hot(indices, 3, axis 0))", covers: ["one_hot"], f: ([x, i]) => square(multiply(x, oneHot(i, 3, 0))), values: [R([3, 2], next())], placeholders: [{ shape: [2], value: [2, 0] }] });
TABLE.push({ name: "l2_loss of a [2,3] matrix", covers: ["l2_loss"], f: ([x]) => l2Loss(x), values: [R([2, 3], next())] });

// Internal ops, used directly.
TABLE.push({ name: "square(broadcast_like [4] → [3,4])", covers: ["broadcast_like", "sum_to_like"], f: ([x, like]) => square(broadcastLike(x, like)), values: [R([4], next()), R([3, 4], next())] });
TABLE.push({ name: "square(broadcast_like [3,1] → [3,4])", covers: ["broadcast_like", "sum_to_like"], f: ([x, like]) => square(broadcastLike(x, like)), values: [R([3, 1], next()), R([3, 4], next())] });
TABLE.push({ name: "square(sum_to_like [3,4] → [4])", covers: ["sum_to_like", "broadcast_like"], f: ([x, like]) => square(sumToLike(x, like)), values: [R([3, 4], next()), R([4], next())] });
TABLE.push({ name: "square(sum_to_like [3,4] → [3,1])", covers: ["sum_to_like", "broadcast_like"], f: ([x, like]) => square(sumToLike(x, like)), values: [R([3, 4], next()), R([3, 1], next())] });
TABLE.push({ name: "square(sum_to_like [2,3] → [])", covers: ["sum_to_like", "broadcast_like"], f: ([x, like]) => square(sumToLike(x, like)), values: [R([2, 3], next()), 0.5] });
TABLE.push({ name: "square(expand_dims [3,4] axes [0,2])", covers: ["expand_dims", "reshape"], f: ([x]) => square(expandDims(x, [0, 2])), values: [R([3, 4], next())] });
TABLE.push({ name: "tanh(expand_dims [2,3] axis [2])", covers: ["expand_dims"], f: ([x]) => tanh(expandDims(x, [2])), values: [R([2, 3], next())] });

// Run-time (None) dims: these reach reshape_like, reduction_size, ones_like and dynamic broadcast_like / sum_to_like.
const P23 = { shape: [null, 2] as (number | null)[], value: [[0.3, -0.7], [1.1, 0.4], [-0.5, 0.9]] as NestedArray };
const P3 = { shape: [null, 3] as (number | null)[], value: [[0.3, -0.7, 0.2], [1.1, 0.4, -0.8]] as NestedArray };
TABLE.push({ name: "l2_loss(x ⊙ p) with p [None,3]", covers: ["l2_loss"], f: ([x, p]) => l2Loss(multiply(x, p)), values: [R([3], next())], placeholders: [P3] });
TABLE.push({ name: "square(reshape_like [2,3] → like [None,2])", covers: ["reshape_like"], f: ([x, like]) => square(reshapeLike(x, like)), values: [R([2, 3], next())], placeholders: [P23] });
TABLE.push({ name: "tanh(reshape(x·p, [-1])) with p [None,3]", covers: ["reshape", "reshape_like"], f: ([x, p]) => tanh(reshape(multiply(x, p), [-1])), values: [R([3], next())], placeholders: [P3] });
TABLE.push({ name: "square(reduce_mean(tanh(x·p), 0)) with p [None,3]", covers: ["reduce_mean", "reduction_size", "broadcast_like", "sum_to_like"], f: ([x, p]) => square(reduceMean(tanh(multiply(x, p)), 0)), values: [R([1, 3], next())], placeholders: [P3] });
TABLE.push({ name: "square(reduce_mean(x·p)) over all axes with p [None,3]", covers: ["reduce_mean", "reduction_size"], f: ([x, p]) => square(reduceMean(multiply(x, p))), values: [R([3], next())], placeholders: [P3] });
TABLE.push({ name: "square(reduce_sum(x + p, 1)) with p [None,3]", covers: ["reduce_sum", "broadcast_like", "sum_to_like"], f: ([x, p]) => square(reduceSum(add(x, p), 1)), values: [R([3], next())], placeholders: [P3] });
TABLE.push({ name: "ones_like(x·p) ⊙ tanh(x·p) with p [None,3]", covers: ["ones_like"], f: ([x, p]) => multiply(onesLike(multiply(x, p)), tanh(multiply(x, p))), values: [R([3], next())], placeholders: [P3] });

// Composite: a small softmax-regression MLP with every common op at once.
TABLE.push({
  name: "MLP 2-3-2 (tanh, softmax xent) on a fed batch",
  covers: ["matmul", "add", "tanh", "softmax_cross_entropy_with_logits", "reduce_mean"],
  f: ([w1, b1, w2, b2, X, Y]) => reduceMean(softmaxCrossEntropyWithLogits(Y, add(matmul(w2, tanh(add(matmul(w1, X), b1))), b2), 0)),
  values: [R([3, 2], next()), R([3, 1], next()), R([2, 3], next()), R([2, 1], next())],
  placeholders: [{ shape: [2, null], value: [[0.5, -1.2, 0.3, 0.8], [1.1, 0.2, -0.7, -0.4]] }, { shape: [2, null], value: [[1, 0, 0, 1], [0, 1, 1, 0]] }],
  order: 3,
});

// Edge shapes: scalars, vectors, size-1 axes.
TABLE.push({ name: "tanh of a scalar variable", covers: ["tanh"], f: ([x]) => tanh(x), values: [0.7], order: 3 });
TABLE.push({ name: "square(reduce_sum of a scalar, axis null)", covers: ["reduce_sum"], f: ([x]) => square(reduceSum(x)), values: [0.7] });
TABLE.push({ name: "square(reduce_mean axis null keepDims)", covers: ["reduce_mean", "broadcast_like"], f: ([x]) => square(reduceMean(x, null, true)), values: [R([2, 3], next())] });
TABLE.push({ name: "square(reduce_sum over a size-1 axis)", covers: ["reduce_sum"], f: ([x]) => square(reduceSum(x, 1)), values: [R([3, 1, 2], next())] });
TABLE.push({ name: "square(reshape scalar → [1,1])", covers: ["reshape"], f: ([x]) => square(reshape(x, [1, 1])), values: [0.4] });
TABLE.push({ name: "softmax of a vector (axis 0)", covers: ["softmax"], f: ([x]) => softmax(x, 0), values: [R([4], next(), -2, 2)] });
TABLE.push({ name: "log_softmax over a size-1 axis", covers: ["log_softmax"], f: ([x]) => logSoftmax(x, 1), values: [R([3, 1], next(), -2, 2)] });
TABLE.push({ name: "tanh(concat of vectors)", covers: ["concat"], f: ([a, b]) => tanh(concat([a, b], 0)), values: [R([2], next()), R([3], next())] });
TABLE.push({ name: "square(transpose of a vector)", covers: ["transpose"], f: ([x]) => square(transpose(x)), values: [R([3], next())] });
TABLE.push({ name: "tanh(slice of a vector)", covers: ["slice", "pad"], f: ([x]) => tanh(slice(x, [1], [2])), values: [R([4], next())] });
TABLE.push({ name: "tanh(pad of a vector)", covers: ["pad"], f: ([x]) => tanh(pad(x, [2], [1])), values: [R([2], next())] });
TABLE.push({ name: "matmul [1,3]·[3,1] (a scalar as a matrix)", covers: ["matmul"], f: ([a, b]) => square(matmul(a, b)), values: [R([1, 3], next()), R([3, 1], next())] });
TABLE.push({ name: "softmax_cross_entropy_with_logits of vectors (axis 0) → scalar", covers: ["softmax_cross_entropy_with_logits"], f: ([y, z]) => softmaxCrossEntropyWithLogits(y, z, 0), values: [R([3], next(), 0.1, 1), R([3], next(), -2, 2)] });
TABLE.push({ name: "multiply scalar·scalar", covers: ["multiply"], f: ([a, b]) => multiply(a, b), values: [0.3, -1.7] });
TABLE.push({ name: "divide scalar by a [2,2] matrix", covers: ["divide", "sum_to_like"], f: ([a, b]) => divide(a, b), values: [0.3, awayFromZero([2, 2], next(), 0.5, 1.5)], order: 3 });

/**
 * One gradient check per public op, required by its type: an op added to the registry's PUBLIC_OPS does not compile
 * until it has a line here: a check of its own, the name of a TABLE entry above that checks it, or null when
 * NOT_DIFFERENTIATED says why it has none.
 */
const PER_OP: { readonly [K in PublicOpName]: Entry | string | null } = {
  matmul: "matmul transposeA=false transposeB=false",
  add: "square(add [3,4] [4])",
  subtract: "square(subtract [3,4] [4])",
  multiply: "multiply [3,4] [4]",
  divide: "divide [2,3] [3] (third order)",
  squared_difference: "squared_difference [3,4] [4]",
  maximum: { name: "tanh(maximum [2,3] [3]) (third order)", covers: ["maximum"], f: ([a, b]) => tanh(maximum(a, b)), values: [awayFromZero([2, 3], next()), R([3], next(), -0.1, 0.1)], order: 3 },
  negative: "negative",
  square: "square",
  exp: "exp",
  log: "log (positive inputs)",
  tanh: "tanh",
  sigmoid: "sigmoid",
  relu: "relu (inputs away from 0)",
  softplus: "softplus",
  identity: "identity",
  stop_gradient: null,
  reduce_sum: "square(reduce_sum axis=1 keepDims=false)",
  reduce_mean: "square(reduce_mean axis=1 keepDims=false)",
  reduce_max: { name: "tanh(reduce_max axis 0) (third order)", covers: ["reduce_max"], f: ([x]) => tanh(reduceMax(x, 0)), values: [distinct([3, 2], next())], order: 3 },
  reshape: "square(reshape [2,6] → [3,-1])",
  transpose: "square(transpose rank 3 perm [2,0,1])",
  concat: "square(concat axis 0)",
  slice: "square(slice [3,4] begin [1,0] size [2,-1])",
  softmax: "softmax [3,4] axis -1",
  log_softmax: "log_softmax [3,4] axis -1",
  softmax_cross_entropy_with_logits: "softmax_cross_entropy_with_logits [3,4] axis 0 (labels and logits differentiated)",
  abs: { name: "tanh(abs) (inputs away from 0, third order)", covers: ["abs", "step"], f: ([x]) => tanh(abs(x)), values: [awayFromZero([2, 3], next())], order: 3 },
  sqrt: { name: "sqrt (positive inputs, third order)", covers: ["sqrt"], f: ([x]) => sqrt(x), values: [R([2, 3], next(), 0.3, 2)], order: 3 },
  minimum: { name: "tanh(minimum [2,3] [3]) (third order)", covers: ["minimum"], f: ([a, b]) => tanh(minimum(a, b)), values: [awayFromZero([2, 3], next()), R([3], next(), -0.1, 0.1)], order: 3 },
  reduce_min: { name: "tanh(reduce_min axis 0) (third order)", covers: ["reduce_min"], f: ([x]) => tanh(reduceMin(x, 0)), values: [distinct([3, 2], next())], order: 3 },
  leaky_relu: { name: "tanh(leaky_relu alpha 0.3) (inputs away from 0, third order)", covers: ["leaky_relu", "step"], f: ([x]) => tanh(leakyRelu(x, 0.3)), values: [awayFromZero([2, 3], next())], order: 3 },
  elu: { name: "tanh(elu) (inputs away from 0, third order)", covers: ["elu", "step"], f: ([x]) => tanh(elu(x)), values: [awayFromZero([2, 3], next())], order: 3 },
  pow: { name: "pow [2,3] [3] (positive base, third order)", covers: ["pow", "log", "step"], f: ([a, b]) => pow(a, b), values: [R([2, 3], next(), 0.3, 2), R([3], next(), -2, 2)], order: 3 },
  sigmoid_cross_entropy_with_logits: { name: "sigmoid_cross_entropy_with_logits [2,3], labels fed, logits differentiated (third order)", covers: ["sigmoid_cross_entropy_with_logits", "sigmoid", "sigmoid_grad"], f: ([x, z]) => sigmoidCrossEntropyWithLogits(z, x), values: [R([2, 3], next(), -3, 3)], placeholders: [{ shape: [2, 3], value: [[0, 1, 0.3], [1, 0.5, 0]] }], order: 3 },
  sparse_softmax_cross_entropy_with_logits: { name: "sparse_softmax_cross_entropy_with_logits [3,4] axis -1, labels fed, logits differentiated (third order)", covers: ["sparse_softmax_cross_entropy_with_logits", "softmax", "one_hot"], f: ([z, y]) => sparseSoftmaxCrossEntropyWithLogits(y, z), values: [R([3, 4], next(), -2, 2)], placeholders: [{ shape: [null], value: [2, 0, 3] }], order: 3 },
  one_hot: { name: "tanh(x) ⊙ one_hot(indices, 4) with indices fed (x differentiated)", covers: ["one_hot", "tanh"], f: ([x, i]) => multiply(tanh(x), oneHot(i, 4)), values: [R([3, 4], next(), -2, 2)], placeholders: [{ shape: [3], value: [1, 3, 0] }] },
  l2_loss: { name: "l2_loss of tanh (third order)", covers: ["l2_loss", "tanh"], f: ([x]) => l2Loss(tanh(x)), values: [R([2, 3], next(), -2, 2)], order: 3 },
};
for (const e of Object.values(PER_OP)) if (e !== null && typeof e === "object") TABLE.push(e);

// minimum away from ties (as maximum above) and pow with a positive base, over the broadcasting shapes.
SHAPES.forEach(([sa, sb], i) => {
  const [va, vb] = i % 2 ? [awayFromZero(sa, next()), R(sb, next(), -0.1, 0.1)] : [R(sa, next(), -0.1, 0.1), awayFromZero(sb, next())];
  const sum = fmt(sa) !== fmt(sb) ? ["sum_to_like"] : [];
  TABLE.push({ name: `square(minimum ${fmt(sa)} ${fmt(sb)})`, covers: ["minimum", ...sum], f: ([a, b]) => square(minimum(a, b)), values: [va, vb] });
  TABLE.push({ name: `pow ${fmt(sa)} ${fmt(sb)} (positive base)`, covers: ["pow", ...sum], f: ([a, b]) => pow(a, b), values: [R(sa, next(), 0.3, 2), R(sb, next(), -2, 2)] });
});
// reduce_min on distinct entries (away from ties), over the same axes as reduce_max.
for (const axis of [null, 1, -1, [0, 2], [0, 1, 2]] as (number | number[] | null)[]) {
  for (const keep of [false, true]) {
    TABLE.push({ name: `square(reduce_min axis=${JSON.stringify(axis)} keepDims=${keep})`, covers: ["reduce_min", "step"], f: ([x]) => square(reduceMin(x, axis, keep)), values: [distinct([2, 3, 4], next())] });
  }
}
TABLE.push({ name: "leaky_relu default alpha (inputs away from 0)", covers: ["leaky_relu", "step"], f: ([x]) => leakyRelu(x), values: [awayFromZero([2, 3], next())] });
TABLE.push({ name: "square(abs) (inputs away from 0)", covers: ["abs", "step"], f: ([x]) => square(abs(x)), values: [awayFromZero([2, 3], next())] });

/** Ops with no derivative to check against differences, and why. */
const NOT_DIFFERENTIATED: Record<string, string> = {
  placeholder: "source: fed at run time, has no inputs (differentiating w.r.t. it is covered in hessian.test.ts)",
  variable: "source: what is differentiated against, has no inputs",
  constant: "source: a fixed value, has no inputs",
  assign: "stateful update of a variable: no gradient (refused, tested in train.test.ts)",
  group: "bundles updates, a constant 0: no gradient (refused, tested in train.test.ts)",
  stop_gradient: "its gradient is zero by definition while its finite difference is not; checked against exact values below",
};

describe("gradcheck of every op (orders 1 and 2; 3 where marked)", () => {
  for (const e of TABLE) {
    it(e.name, async () => {
      const r = await checkGrads(e.f, e.values, { order: e.order ?? 2, placeholders: e.placeholders });
      if (process.env.GRADCHECK_VERBOSE) console.log(`${e.name}\n${r.text}`);
      expect(r.ok, r.text).toBe(true);
      for (const op of e.covers) expect(r.ops.has(op), `${op} should be in the graph of '${e.name}' (ops: ${[...r.ops].join(", ")})`).toBe(true);
    });
  }
});

describe("op coverage", () => {
  it("every op in OPS is in the table or explicitly listed as not differentiated, with a reason", () => {
    const covered = new Set(TABLE.flatMap((e) => e.covers));
    const missing = Object.keys(OPS).filter((op) => !covered.has(op) && !(op in NOT_DIFFERENTIATED));
    expect(missing, `ops neither gradient-checked nor listed: ${missing.join(", ")}`).toEqual([]);
    for (const [op, why] of Object.entries(NOT_DIFFERENTIATED)) {
      expect(op in OPS, `listed op '${op}' is not in the registry`).toBe(true);
      expect(why.length).toBeGreaterThan(10);
    }
  });

  it("every public op's PER_OP line names a TABLE entry that covers it (or a reason in NOT_DIFFERENTIATED)", () => {
    expect(Object.keys(PER_OP).sort()).toEqual(Object.keys(PUBLIC_OPS).sort());
    for (const [op, e] of Object.entries(PER_OP)) {
      if (e === null) expect(op in NOT_DIFFERENTIATED, op).toBe(true);
      else expect(TABLE.find((t) => t.name === (typeof e === "string" ? e : e.name))?.covers, op).toContain(op);
    }
  });

  it("the table claims no op that does not exist", () => {
    for (const e of TABLE) for (const op of e.covers) expect(op in OPS, `${e.name}: unknown op ${op}`).toBe(true);
  });

  it("third order is checked for several ops", () => {
    expect(TABLE.filter((e) => e.order === 3).length).toBeGreaterThanOrEqual(5);
  });
});

describe("batched Hessian with small tangent batches (chunks within and across variable blocks)", () => {
  const picks = TABLE.filter((e) => /^tanh\(matmul|softmax_cross_entropy_with_logits \[3,4\] axis 0|square\(concat axis 1|MLP/.test(e.name));
  it("picks a few entries", () => expect(picks.length).toBeGreaterThanOrEqual(6));
  for (const e of picks) {
    for (const batch of [1, 3]) {
      it(`${e.name}, batch ${batch}`, async () => {
        const r = await checkGrads(e.f, e.values, { order: 2, placeholders: e.placeholders, batch });
        expect(r.ok, r.text).toBe(true);
      });
    }
  }
});

describe("shape rules agree with kernels (no silent garbage, errors name the node)", () => {
  it("softmax_cross_entropy_with_logits with labels [1,4] broadcast against logits [3,4]: rejected when built, or computed", () => {
    const g = new Graph();
    const z = g.variable([[1, 2, 3, 4], [0, 1, 0, 1], [2, 2, 1, 0]], "z");
    const y = g.constant([[0.1, 0.2, 0.3, 0.4]]);
    let l: Node;
    try {
      l = softmaxCrossEntropyWithLogits(y, z, 1, "xent");
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as Error).message).toMatch(/'xent'/);
      return;
    }
    const expected = [[1, 2, 3, 4], [0, 1, 0, 1], [2, 2, 1, 0]].map((row) => {
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      return -row.reduce((a, v, k) => a + [0.1, 0.2, 0.3, 0.4][k] * (v - lse), 0);
    });
    const got = new Session(g).run(l).data;
    expect(Array.from(got).map((v, i) => Math.abs(v - expected[i]))).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12), expect.closeTo(0, 12)]);
  });

  for (const [op, fn, ys, dys] of [["tanh_grad", tanhGrad, [3, 4], [4]], ["sigmoid_grad", sigmoidGrad, [3, 1], [1, 4]]] as const) {
    it(`${op}(y ${fmt([...ys])}, dy ${fmt([...dys])}): broadcasting is rejected when built (naming the node) or differentiated correctly`, async () => {
      const y0 = R([...ys], next(), 0.1, 0.9), dy0 = R([...dys], next());
      const g = new Graph();
      try {
        fn(g.variable(y0), g.variable(dy0));
      } catch (e) {
        expect(e).toBeInstanceOf(ShapeError);
        expect((e as Error).message).toMatch(new RegExp(`'${op}_\\d+'`));
        return;
      }
      const r = await checkGrads(([y, dy]) => fn(y, dy), [y0, dy0]);
      expect(r.ok, r.text).toBe(true);
    });
  }

  for (const [from, to] of [[[3, 4], [5]], [[3, 4], [2, 4]], [[3, 4], [3, 2]], [[2, 3], [3, 2]]] as [number[], number[]][]) {
    it(`sum_to_like ${fmt(from)} → ${fmt(to)} (not a broadcast reduction) is a ShapeError naming the node`, () => {
      const g = new Graph();
      const a = g.variable(R(from, next()), "a");
      const like = g.variable(R(to, next()), "like");
      let bad: Node | undefined;
      const e = (() => {
        try {
          bad = sumToLike(a, like);
          return new Session(g).run(bad);
        } catch (err) {
          return err as Error;
        }
      })();
      expect(e, `got ${JSON.stringify(e)}`).toBeInstanceOf(ShapeError);
      expect((e as Error).message).toMatch(bad ? new RegExp(`'${bad.name}'`) : /'sum_to_like_\d+'/);
    });
  }

  it("reshape_like to a fed shape with another element count is an error naming the node (not a mis-shaped tensor)", () => {
    const g = new Graph();
    const x = g.variable([[1, 2, 3], [4, 5, 6]], "x");
    const p = g.placeholder([null, 2], "p");
    const r = reshapeLike(x, p);
    const s = new Session(g);
    expect(Array.from(s.run(r, { p: [[0, 0], [0, 0], [0, 0]] }).data)).toEqual([1, 2, 3, 4, 5, 6]);
    let out: unknown;
    let err: unknown;
    try {
      out = s.run(r, { p: [[0, 0], [0, 0]] });
    } catch (e) {
      err = e;
    }
    expect(err, `returned ${JSON.stringify(out)}`).toBeInstanceOf(HessflowError);
    expect((err as Error).message).toMatch(new RegExp(`'${r.name}'`));
  });
});

describe("static shapes survive builder simplifications", () => {
  it("reshape of a reshape keeps the static shape: reshape(reshape(p [None,2], [2,3]), [-1]) is [6]", () => {
    const g = new Graph();
    const p = g.placeholder([null, 2], "p");
    const r = reshape(p, [2, 3]);
    expect(r.shape).toEqual([2, 3]);
    expect(reshape(r, [-1]).shape).toEqual([6]);
  });
});

describe("ops that block or have no gradient", () => {
  it("stop_gradient passes values through but blocks gradients: d/dx [x · stop_gradient(x)] = x", () => {
    const g = new Graph();
    const x = g.variable([1.5, -2, 0.25], "x");
    const y = reduceSum(multiply(x, stopGradient(x)));
    const [dx] = gradients(y, [x]);
    const s = new Session(g);
    expect(Array.from(s.run(y).data)).toEqual([1.5 * 1.5 + 4 + 0.0625]);
    expect(Array.from(s.run(dx!).data)).toEqual([1.5, -2, 0.25]);
    // dx is stop_gradient(x) itself, so differentiating it again gives nothing.
    expect(gradients(reduceSum(dx!), [x])).toEqual([null]);
  });

  it("only stop_gradient: y = stop_gradient(x)² has no gradient (null), or zeros with unconnected 'zero'", () => {
    const g = new Graph();
    const x = g.variable([[1, 2]], "x");
    const y = reduceSum(square(stopGradient(x)));
    expect(gradients(y, [x])).toEqual([null]);
    const [z] = gradients(y, [x], { unconnected: "zero" });
    const t = new Session(g).run(z!);
    expect(t.shape).toEqual([1, 2]);
    expect(Array.from(t.data)).toEqual([0, 0]);
  });

  it("step and ones_like contribute no gradient", () => {
    const g = new Graph();
    const x = g.variable([0.5, -0.5], "x");
    expect(gradients(reduceSum(step(x)), [x])).toEqual([null]);
    const p = g.placeholder([null], "p");
    expect(gradients(reduceSum(onesLike(multiply(x, p))), [x])).toEqual([null]);
  });
});

describe("ties, as in TF", () => {
  it("reduce_max shares dy equally among tied maxima (TF's _MinOrMaxGrad: indicators / num_selected · grad)", () => {
    const g = new Graph();
    const x = g.variable([[1, 3, 3, 2], [5, 5, 5, -1]], "x");
    const [dx] = gradients(reduceSum(multiply(reduceMax(x, 1), [4, 3])), [x]);
    expect(toNested(new Session(g).run(dx!))).toEqual([[0, 2, 2, 0], [1, 1, 1, 0]]);
    const [dAll] = gradients(reduceSum(reduceMax(x, null, true)), [x]);
    expect(toNested(new Session(g).run(dAll!))).toEqual([[0, 0, 0, 0], [1 / 3, 1 / 3, 1 / 3, 0]]);
  });

  it("maximum gives a tie's gradient to x (TF's _MaximumGrad: xmask = greater_equal(x, y)), also when broadcasting", () => {
    const g = new Graph();
    const x = g.variable([[1, 2, 3], [3, 0, 1]], "x");
    const y = g.variable([3, 2, 1], "y");
    const [dx, dy] = gradients(maximum(x, y), [x, y]);
    const s = new Session(g);
    expect(toNested(s.run(dx!))).toEqual([[0, 1, 1], [1, 0, 1]]);
    expect(toNested(s.run(dy!))).toEqual([1, 1, 0]);
  });

  it("at ties the batched Hessian (JVP rules) equals the Hessian graph (gradient rules) and the rule's exact value", async () => {
    const g = new Graph();
    const x = g.variable([1, 3, 3], "x");
    const a = g.variable([1, 2], "a"), b = g.variable([1, 0.5], "b");
    // Σ max(x)² + Σ maximum(a, b)²: H_xx = 2·w·wᵀ with w = [0, ½, ½]; H_aa = 2·diag[a ≥ b] = 2·I; the rest 0.
    const L = add(reduceSum(square(reduceMax(x))), reduceSum(square(maximum(a, b))));
    const xs = [x, a, b];
    const expected = [
      [0, 0, 0, 0, 0, 0, 0], [0, 0.5, 0.5, 0, 0, 0, 0], [0, 0.5, 0.5, 0, 0, 0, 0],
      [0, 0, 0, 2, 0, 0, 0], [0, 0, 0, 0, 2, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0],
    ];
    const s = new Session(g);
    expect(toNested(s.run(hessian(L, xs)))).toEqual(expected);
    for (const mode of ["rows", "batched"] as const) {
      const m = (await computeHessian(s, L, xs, {}, { mode })).matrix;
      expect(toNested({ shape: [7, 7], data: m }), mode).toEqual(expected);
    }
  });
});
