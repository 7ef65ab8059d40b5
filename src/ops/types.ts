import type { Node } from "../graph/graph.js";
import type { ConcreteShape, Dim, Shape } from "../graph/shape.js";
import type { Tensor } from "../graph/tensor.js";
import type { BatchedMatmul } from "../kernels/matmul.js";
import type { Workspace } from "../kernels/workspace.js";

/** Attributes of each op, by op name (camelCase, as in the programming API). */
export interface AttrMap {
  placeholder: Record<string, never>;
  variable: Record<string, never>;
  constant: Record<string, never>;
  matmul: { transposeA?: boolean; transposeB?: boolean };
  add: Record<string, never>;
  subtract: Record<string, never>;
  multiply: Record<string, never>;
  divide: Record<string, never>;
  squared_difference: Record<string, never>;
  negative: Record<string, never>;
  square: Record<string, never>;
  exp: Record<string, never>;
  log: Record<string, never>;
  tanh: Record<string, never>;
  sigmoid: Record<string, never>;
  relu: Record<string, never>;
  softplus: Record<string, never>;
  step: Record<string, never>;
  tanh_grad: Record<string, never>;
  sigmoid_grad: Record<string, never>;
  identity: Record<string, never>;
  stop_gradient: Record<string, never>;
  ones_like: Record<string, never>;
  reduce_sum: { axis?: number[] | null; keepDims?: boolean };
  reduce_mean: { axis?: number[] | null; keepDims?: boolean };
  reduction_size: { axis?: number[] | null };
  broadcast_like: Record<string, never>;
  sum_to_like: Record<string, never>;
  expand_dims: { axis: number[] };
  reshape: { shape: number[] };
  reshape_like: Record<string, never>;
  transpose: { perm: number[] };
  concat: { axis: number };
  slice: { begin: number[]; size: number[] };
  pad: { before: number[]; after: number[] };
  softmax: { axis: number };
  log_softmax: { axis: number };
  softmax_cross_entropy_with_logits: { axis: number };
}

/** Every op hessflow knows. */
export type OpName = keyof AttrMap;

/** Inputs of a batched Jacobian-vector product: B tangents per input, batch-major, null for a zero tangent. */
export interface JvpArgs<A> {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly tangents: readonly (Float64Array | null)[];
  readonly batch: number;
  readonly attrs: A;
  /** A buffer of `size` elements from the executor's pool (returned to it when dead); zero-filled unless `zero` is false. */
  alloc(size: number, zero?: boolean): Float64Array;
  /** Numeric primitives over all B tangents at once (batching, blocking and scratch memory live there). */
  readonly kernels: JvpKernels;
  /** Caches a value derived from primal values only, for the whole Hessian (they do not change between batches). */
  memo<T>(key: string, make: () => T): T;
}

/** The kernel layer's primitives a JVP rule states its maths with; the session provides them (see src/kernels). */
export interface JvpKernels {
  /** into[t] += op(A_t)·op(B) (batched "a") or op(A)·op(B_t) (batched "b") for every tangent t, batch-major. */
  matmulBatched(product: BatchedMatmul, into: Float64Array): void;
  /** out[t·n + i] = coefficient[i] · tangents[t·n + i] for each of `batch` tangents (n = coefficient.length). */
  scaleEach(coefficient: Float64Array, tangents: Float64Array, batch: number, out: Float64Array): void;
  /** out[t·n + i] = ca[i]·ta[t·n + i] + cb[i]·tb[t·n + i] for each of `batch` tangents, in one pass. */
  combineEach(ca: Float64Array, ta: Float64Array, cb: Float64Array, tb: Float64Array, batch: number, out: Float64Array): void;
  /** out = coefficient · tangents (out += … when `accumulate`), broadcast to outShape by NumPy rules. */
  multiplyBroadcast(coefficient: Float64Array, coefficientShape: ConcreteShape, tangents: Float64Array, tangentShape: ConcreteShape, out: Float64Array, outShape: ConcreteShape, accumulate: boolean): void;
}

/** Everything about one op: shape rule, kernel, gradient rule (in graph ops) and batched JVP rule (numeric). */
export interface OpDef<A> {
  /** Number of inputs, or "variadic". */
  readonly arity: number | "variadic";
  /** Output shape from input shapes; nulls are unknown dims; throws ShapeError naming `node`. */
  shape(inputs: readonly Shape[], attrs: A, node: string): Dim[];
  /** Computes `out.data` (already allocated with the output's concrete shape) from the inputs; scratch memory comes from the running session's `workspace`. */
  kernel(inputs: readonly Tensor[], out: Tensor, attrs: A, workspace?: Workspace): void;
  /** Vector-Jacobian product built with graph ops: one cotangent per input, null where there is none. */
  grad(node: Node, dy: Node, attrs: A): (Node | null)[];
  /** Batched forward-mode derivative: the output's B tangents (length B·size), or null if all are zero. */
  jvp(args: JvpArgs<A>): Float64Array | null;
}

/** The op table's type: a missing op, or an op missing a rule, fails to compile. */
export type OpTable = { readonly [K in OpName]: OpDef<AttrMap[K]> };
