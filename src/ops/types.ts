import type { Node } from "../graph/graph.js";
import type { ConcreteShape, Dim, Shape } from "../graph/shape.js";
import type { Tensor } from "../graph/tensor.js";
import type * as builders from "../graph/builders.js";
import type { OPS, PUBLIC_OPS } from "./registry.js";
import type { BatchedMatmul } from "../kernels/matmul.js";
import type { Workspace } from "../kernels/workspace.js";

/** The graph builders (src/graph/builders.ts), handed to gradient rules and spec builds so that op files never import the graph at run time. */
export type Builders = typeof builders;

/** Every op hessflow knows: the registry's keys. */
export type OpName = keyof typeof OPS;

/** Ops usable in specs and `expr` (the registry's PUBLIC_OPS). */
export type PublicOpName = keyof typeof PUBLIC_OPS;

/** Attributes of each op, by op name (API names, camelCase), as its op file declares them. */
export type AttrMap = { [K in OpName]: (typeof OPS)[K] extends OpDef<infer A> ? A : never };

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
  /** Vector-Jacobian product built with the builders `b`: one cotangent per input, null where there is none. */
  grad(node: Node, dy: Node, attrs: A, b: Builders): (Node | null)[];
  /** Batched forward-mode derivative: the output's B tangents (length B·size), or null if all are zero. */
  jvp(args: JvpArgs<A>): Float64Array | null;
  /**
   * True when the gradient rule is not the derivative of one function everywhere (TF's masks, e.g. Pow's
   * log x taken as 0 where x ≤ 0), so ∂²/∂a∂b may differ from ∂²/∂b∂a when two inputs depend on the xs:
   * the Hessian engine then computes every entry instead of mirroring one triangle.
   */
  readonly skewedMixedPartials?: boolean;
}

/** How one spec attribute (TF's snake_case name, the key it is declared under) maps onto the API's attribute. */
export interface AttrDecl {
  /** The attribute's name in the API (camelCase), e.g. "transposeA" for transpose_a. */
  readonly api: string;
  /** JSON type: a boolean, one integer, one number, one integer or a list of them ("axes"), or a list of integers. */
  readonly type: "boolean" | "integer" | "number" | "axes" | "integers";
  /** Smallest allowed element of an "integers" list. */
  readonly minimum?: number;
  /** True when an op node must give it (an expr may still give it as trailing numbers, see `trailing`). */
  readonly required?: boolean;
  /** Its value when omitted; undefined leaves the builder's own default. */
  readonly default?: number | boolean;
  /** In expr, trailing numeric arguments give this attribute, as in reduce_sum(x, 0). */
  readonly trailing?: boolean;
  /** What it means, for the JSON Schema (editors show it). */
  readonly description: string;
}

/** Attribute values in API names, as a spec (or expr) gives them. */
export type SpecAttrs = Readonly<Record<string, boolean | number | number[] | undefined>>;

/** What makes an op public (usable in specs and expr): its attributes, its schema text and the builder call. */
export interface PublicSpec {
  /** Schema branch description: what the op computes, with TF's name. */
  readonly description: string;
  /** Description of the `op` property, e.g. "matmul: matrix product a · b.". */
  readonly op: string;
  /** Description of the `inputs` property, e.g. "Exactly two inputs: [a, b].". */
  readonly inputs: string;
  /** Attributes by spec name (TF's snake_case). */
  readonly attrs: Readonly<Record<string, AttrDecl>>;
  /** Builds the node with the public builder `b` (API attribute names). */
  build(b: Builders, inputs: Node[], attrs: SpecAttrs, name: string | undefined): Node;
}

/** A public op: an OpDef with its spec declaration. */
export interface PublicOpDef<A> extends OpDef<A> {
  /** How specs and expr use it. */
  readonly spec: PublicSpec;
}
