// How each op of the registry is written in an exported Python program: one call of a helper that the
// program's prelude defines with TF's semantics (see prelude-torch.ts and prelude-jax.ts). The table is
// typed over the registry, so an op added without an export rule does not compile.
import type { Node } from "../graph/graph.js";
import type { OpName } from "../ops/types.js";

/** Writes a node as a Python expression from its inputs' Python names (src/export imports no graph code at run time). */
export type Emit = (args: readonly string[], node: Node) => string;

/** An op that has no meaning in an exported program: the reason, for the refusal message. */
export interface Unexportable { readonly refuse: string }

/** A Python list literal of integers. */
function ints(v: unknown): string {
  return `[${(v as number[]).join(", ")}]`;
}

const call = (helper: string) => (args: readonly string[]) => `${helper}(${args.join(", ")})`;
const reduce = (helper: string): Emit => ([x], n) => `${helper}(${x}, ${ints(n.attrs.axis ?? [])}, ${n.attrs.keepDims ? "True" : "False"})`;
const alongAxis = (helper: string): Emit => (args, n) => `${helper}(${args.join(", ")}, ${n.attrs.axis as number})`;
const sideEffect: Unexportable = { refuse: "it updates a variable (training ops are not exported; export the loss and apply the steps in Python)" };

/** The export rule of every op (the helper call), or why it cannot be exported. Sources are written by the program builder. */
export const EMIT = {
  placeholder: { refuse: "a source (written by the program builder)" },
  variable: { refuse: "a source (written by the program builder)" },
  constant: { refuse: "a source (written by the program builder)" },
  matmul: ([a, b], n) => `matmul(${a}, ${b}, ${n.attrs.transposeA ? "True" : "False"}, ${n.attrs.transposeB ? "True" : "False"})`,
  add: call("add"),
  subtract: call("subtract"),
  multiply: call("multiply"),
  divide: call("divide"),
  squared_difference: call("squared_difference"),
  maximum: call("maximum"),
  minimum: call("minimum"),
  pow: call("tf_pow"),
  negative: call("negative"),
  square: call("square"),
  sqrt: call("sqrt"),
  abs: call("tf_abs"),
  exp: call("exp"),
  log: call("log"),
  tanh: call("tanh"),
  sigmoid: call("sigmoid"),
  relu: call("relu"),
  softplus: call("softplus"),
  leaky_relu: ([x], n) => `leaky_relu(${x}, ${pyNumber((n.attrs.alpha as number | undefined) ?? 0.2)})`,
  elu: call("elu"),
  identity: call("identity"),
  stop_gradient: call("stop_gradient"),
  reduce_sum: reduce("reduce_sum"),
  reduce_mean: reduce("reduce_mean"),
  reduce_max: reduce("reduce_max"),
  reduce_min: reduce("reduce_min"),
  reshape: ([x], n) => `reshape(${x}, ${ints(n.attrs.shape)})`,
  transpose: ([x], n) => `transpose(${x}, ${ints(n.attrs.perm)})`,
  concat: (args, n) => `concat([${args.join(", ")}], ${n.attrs.axis as number})`,
  slice: ([x], n) => `tf_slice(${x}, ${ints(n.attrs.begin)}, ${ints(n.attrs.size)})`,
  softmax: alongAxis("softmax"),
  log_softmax: alongAxis("log_softmax"),
  softmax_cross_entropy_with_logits: alongAxis("softmax_cross_entropy_with_logits"),
  sigmoid_cross_entropy_with_logits: call("sigmoid_cross_entropy_with_logits"),
  sparse_softmax_cross_entropy_with_logits: alongAxis("sparse_softmax_cross_entropy_with_logits"),
  one_hot: ([x], n) => `one_hot(${x}, ${n.attrs.depth as number}, ${n.attrs.axis as number})`,
  l2_loss: call("l2_loss"),
  step: call("step"),
  tanh_grad: call("tanh_grad"),
  sigmoid_grad: call("sigmoid_grad"),
  ones_like: call("ones_like"),
  reduction_size: ([x], n) => `reduction_size(${x}, ${ints(n.attrs.axis)})`,
  broadcast_like: call("broadcast_like"),
  sum_to_like: call("sum_to_like"),
  expand_dims: ([x], n) => `expand_dims(${x}, ${ints(n.attrs.axis)})`,
  reshape_like: call("reshape_like"),
  pad: ([x], n) => `pad(${x}, ${ints(n.attrs.before)}, ${ints(n.attrs.after)})`,
  assign: sideEffect,
  group: sideEffect,
} as const satisfies { readonly [P in OpName]: Emit | Unexportable };

/** The Python helpers the emitted lines call (each prelude must define every one of them). */
export const HELPERS = [
  "matmul", "add", "subtract", "multiply", "divide", "squared_difference", "maximum", "minimum", "tf_pow", "negative", "square",
  "sqrt", "tf_abs", "exp", "log", "tanh", "sigmoid", "relu", "softplus", "leaky_relu", "elu", "identity", "stop_gradient",
  "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reshape", "transpose", "concat", "tf_slice", "softmax", "log_softmax",
  "softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits", "one_hot",
  "l2_loss", "step", "tanh_grad", "sigmoid_grad", "ones_like", "reduction_size", "broadcast_like", "sum_to_like", "expand_dims",
  "reshape_like", "pad",
] as const;

/** A float64 as a Python literal that reads back to the same bits: the shortest round-trip decimal, -0.0, nan and ±inf included. */
export function pyNumber(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
  if (Object.is(v, -0)) return "-0.0";
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
