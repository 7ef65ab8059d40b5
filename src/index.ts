// hessflow's public API: build a graph, differentiate it symbolically, run it in a session.
export { Graph, Node, graphOf } from "./graph/graph.js";
export type { NodeLike } from "./graph/graph.js";
export * from "./graph/builders.js";
export type { Initializer } from "./graph/initializers.js";
export type { Tensor, NestedArray } from "./graph/tensor.js";
export { tensor, fromNested, toNested } from "./graph/tensor.js";
export { gradients } from "./autodiff/gradients.js";
export type { GradientsOptions } from "./autodiff/gradients.js";
export { hessian, hessians, flatten, flatLayout } from "./autodiff/hessian.js";
export type { FlatEntry } from "./autodiff/hessian.js";
export { Session } from "./session/session.js";
export type { Feed, Fetches, Fetched } from "./session/session.js";
export * from "./errors.js";
