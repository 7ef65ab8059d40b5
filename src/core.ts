// The platform-neutral public API, shared by the Node entry (src/index.ts, which adds nodeThreads and
// readSpecFile) and the browser entry (src/browser.ts): nothing here reaches a `node:` module statically.
export { Graph, Node } from "./graph/graph.js";
export type { GraphOptions, NodeLike, VariableOptions } from "./graph/graph.js";
export {
  matmul, add, subtract, multiply, divide, negative, square, squaredDifference, exp, log, tanh, sigmoid,
  relu, softplus, reduceSum, reduceMean, reshape, transpose, concat, slice, identity, stopGradient,
  softmax, logSoftmax, softmaxCrossEntropyWithLogits, reduceMax, maximum,
  abs, sqrt, minimum, reduceMin, leakyRelu, elu, pow,
  sigmoidCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, oneHot, l2Loss,
  assign, assignAdd, assignSub, group, trainableVariables,
} from "./graph/builders.js";
export type { MatmulOptions } from "./graph/builders.js";
export type { Initializer } from "./graph/initializers.js";
export type { Tensor, NestedArray } from "./graph/tensor.js";
export { tensor, fromNested, toNested } from "./graph/tensor.js";
export { gradients } from "./autodiff/gradients.js";
export type { GradientsOptions } from "./autodiff/gradients.js";
export { hessian, hessians, flatten, flatLayout } from "./autodiff/hessian.js";
export type { FlatEntry } from "./autodiff/hessian.js";
export { jacobian } from "./autodiff/jacobian.js";
export { hessianVectorProduct } from "./autodiff/hvp.js";
export { Session } from "./session/session.js";
export type { Feed, Fetches, Fetched } from "./session/session.js";
export { computeHessian } from "./session/hessian-runner.js";
export { gaussNewtonMatrix } from "./session/curvature.js";
export type { CurvatureKind, CurvatureOperator, CurvatureOptions, GaussNewtonResult, HvpOptions } from "./session/curvature.js";
export type { HessianMode, HessianOptions, HessianResult } from "./session/hessian-runner.js";
export { checkGradients } from "./check/check.js";
export type { CheckEntry, CheckOptions, CheckReport } from "./check/check.js";
export { HessflowError, ShapeError, GraphError, FeedError, SpecError, ResourceError } from "./errors.js";
export { loadSpec } from "./spec/load.js";
export type { LoadedSpec, SpecDoc } from "./spec/load.js";
export { runSpec } from "./spec/run.js";
export type { RunOptions, SpecResult } from "./spec/run.js";
export { compareHessians } from "./report/compare.js";
export type { CompareReport, HessianInput } from "./report/types.js";
export { Saver } from "./train/saver.js";
export type { Checkpoint } from "./train/saver.js";
export { GradientDescentOptimizer, MomentumOptimizer, AdamOptimizer } from "./train/optimizers.js";
export type { AdamOptions, MomentumOptions } from "./train/optimizers.js";
export { newtonStep, applyStep } from "./train/newton.js";
export type { NewtonMethod, NewtonOptions, NewtonStep } from "./train/newton.js";
