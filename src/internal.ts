// hessflow's internals ("hessflow/internal"), for its own tests and benchmark and for the curious: the
// public API plus every graph builder (the gradient helpers tanhGrad, sumToLike, reductionSize, zeros,
// ...), the op registry and the pieces of the finite-difference checker. No stability promise.
export * from "./index.js";
export * from "./graph/builders.js";
export { graphOf } from "./graph/graph.js";
export { OPS, isOpName } from "./ops/registry.js";
export { mulberry32, derivedSeed, initialValue } from "./graph/initializers.js";
export { toTensor, checkTensor, isTensorLike } from "./graph/tensor.js";
export { checkHessianMemory } from "./session/hessian-runner.js";
export { finiteDifferenceJacobian } from "./check/check.js";
export type { Plan } from "./session/plan.js";
