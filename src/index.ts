// hessflow's public API for Node: the platform-neutral list in src/core.ts (graph, ops, gradients, sessions, specs,
// compare) plus nodeThreads and readSpecFile. Everything else (the gradient builders such as tanhGrad and
// sumToLike, the op registry, plans) is internal, reachable through "hessflow/internal" (src/internal.ts)
// with no stability promise. test/api-surface.test.ts holds this list.
export * from "./core.js";
export { nodeThreads } from "./node.js";
export { readSpecFile } from "./spec/load.js";
