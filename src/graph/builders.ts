// The public graph-building API, with TF's names in camelCase. Gradient rules use these too,
// so every derivative is itself a graph that can be differentiated again.
import { GraphError, ShapeError } from "../errors.js";
import type { Graph, Node, NodeLike } from "./graph.js";
import { graphOf } from "./graph.js";
import { normalizeAxes, sameStaticShape, staticSize, isStatic } from "./shape.js";
import { q } from "../messages.js";

/** Options of matmul: TF's transpose_a / transpose_b. */
export interface MatmulOptions { transposeA?: boolean; transposeB?: boolean; name?: string }

function lift2(a: NodeLike, b: NodeLike): [Node, Node] {
  const g = graphOf(a, b);
  return [g.lift(a), g.lift(b)];
}

/** Matrix product of two rank-2 tensors, optionally transposing either. */
export function matmul(a: NodeLike, b: NodeLike, opts: MatmulOptions = {}): Node {
  const [x, y] = lift2(a, b);
  if (!opts.name && (x.isZeros || y.isZeros) && isStatic(x.shape) && isStatic(y.shape)) {
    const m = opts.transposeA ? x.shape[1] : x.shape[0], n = opts.transposeB ? y.shape[0] : y.shape[1];
    if (m !== undefined && n !== undefined) return zeros(x, [m, n]);
  }
  return x.graph.apply("matmul", [x, y], { transposeA: opts.transposeA || undefined, transposeB: opts.transposeB || undefined }, opts.name);
}

/** A constant of zeros with the given static shape, in the graph of `like`. */
export function zeros(like: Node, shape: readonly number[]): Node {
  return like.graph.constant({ shape: [...shape], data: new Float64Array(staticSize(shape) ?? 0) });
}

/** Elementwise a + b with NumPy broadcasting. */
export function add(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  if (!name && y.isZeros && sameStaticShape(x.shape, broadcastStatic(x, y))) return x;
  if (!name && x.isZeros && sameStaticShape(y.shape, broadcastStatic(x, y))) return y;
  return x.graph.apply("add", [x, y], {}, name);
}

/** Elementwise a − b with NumPy broadcasting. */
export function subtract(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  if (!name && y.isZeros && sameStaticShape(x.shape, broadcastStatic(x, y))) return x;
  return x.graph.apply("subtract", [x, y], {}, name);
}

/** Elementwise a · b with NumPy broadcasting (TF's multiply, not a matrix product). */
export function multiply(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  if (!name) {
    const out = broadcastStatic(x, y);
    if (y.isOnes && sameStaticShape(x.shape, out)) return x;
    if (x.isOnes && sameStaticShape(y.shape, out)) return y;
    if ((x.isZeros || y.isZeros) && isStatic(out)) return zeros(x, out as number[]);
  }
  return x.graph.apply("multiply", [x, y], {}, name);
}

/** Elementwise a / b with NumPy broadcasting. */
export function divide(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  if (!name && y.isOnes && sameStaticShape(x.shape, broadcastStatic(x, y))) return x;
  return x.graph.apply("divide", [x, y], {}, name);
}

/** dy·(1 − y²): the gradient of y = tanh x given dy, as one op (TF's TanhGrad). */
export function tanhGrad(y: Node, dy: Node): Node {
  return y.graph.apply("tanh_grad", [y, dy], {});
}

/** dy·y·(1 − y): the gradient of y = σ(x) given dy, as one op (TF's SigmoidGrad). */
export function sigmoidGrad(y: Node, dy: Node): Node {
  return y.graph.apply("sigmoid_grad", [y, dy], {});
}

/** Elementwise max(a, b) with NumPy broadcasting; where a = b the gradient goes to a, as TF's maximum. */
export function maximum(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  return x.graph.apply("maximum", [x, y], {}, name);
}

/** Elementwise min(a, b) with NumPy broadcasting; where a = b the gradient goes to a, as TF's minimum. */
export function minimum(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  return x.graph.apply("minimum", [x, y], {}, name);
}

/** Elementwise power a^b with NumPy broadcasting; the gradient in b is a^b·log(a) where a > 0, else 0, as TF's pow. */
export function pow(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  return x.graph.apply("pow", [x, y], {}, name);
}

/** Elementwise (a − b)². */
export function squaredDifference(a: NodeLike, b: NodeLike, name?: string): Node {
  const [x, y] = lift2(a, b);
  return x.graph.apply("squared_difference", [x, y], {}, name);
}

function broadcastStatic(x: Node, y: Node) {
  const r = Math.max(x.rank, y.rank);
  const out: (number | null)[] = [];
  for (let i = 0; i < r; i++) {
    const a = i < r - x.rank ? 1 : x.shape[i - (r - x.rank)];
    const b = i < r - y.rank ? 1 : y.shape[i - (r - y.rank)];
    out.push(a === 1 ? b : b === 1 ? a : a === b ? a : null);
  }
  return out;
}

function unary(op: "negative" | "square" | "exp" | "log" | "tanh" | "sigmoid" | "relu" | "softplus" | "abs" | "sqrt" | "elu" | "step" | "identity" | "stop_gradient" | "ones_like", x: NodeLike, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply(op, [n], {}, name);
}

/** Elementwise −x. */
export function negative(x: NodeLike, name?: string): Node {
  if (!name && typeof x === "object" && !Array.isArray(x) && x.op === "negative") return x.inputs[0];
  if (!name && typeof x === "object" && !Array.isArray(x) && x.isZeros) return x;
  return unary("negative", x, name);
}
/** Elementwise x². */
export function square(x: NodeLike, name?: string): Node { return unary("square", x, name); }
/** Elementwise eˣ. */
export function exp(x: NodeLike, name?: string): Node { return unary("exp", x, name); }
/** Elementwise natural logarithm. */
export function log(x: NodeLike, name?: string): Node { return unary("log", x, name); }
/** Elementwise hyperbolic tangent. */
export function tanh(x: NodeLike, name?: string): Node { return unary("tanh", x, name); }
/** Elementwise logistic sigmoid 1 / (1 + e⁻ˣ). */
export function sigmoid(x: NodeLike, name?: string): Node { return unary("sigmoid", x, name); }
/** Elementwise max(x, 0). */
export function relu(x: NodeLike, name?: string): Node { return unary("relu", x, name); }
/** Elementwise log(1 + eˣ), computed stably. */
export function softplus(x: NodeLike, name?: string): Node { return unary("softplus", x, name); }
/** Elementwise |x|; its gradient is sign(x), 0 at 0, as TF's. */
export function abs(x: NodeLike, name?: string): Node { return unary("abs", x, name); }
/** Elementwise √x. */
export function sqrt(x: NodeLike, name?: string): Node { return unary("sqrt", x, name); }
/** Elementwise exponential linear unit: x for x > 0, eˣ − 1 otherwise (tf.nn.elu). */
export function elu(x: NodeLike, name?: string): Node { return unary("elu", x, name); }
/** Elementwise leaky ReLU: x for x > 0, alpha·x otherwise (alpha 0.2 by default, as tf.nn.leaky_relu). */
export function leakyRelu(x: NodeLike, alpha = 0.2, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("leaky_relu", [n], { alpha }, name);
}
/** Elementwise Heaviside step (1 where x > 0, else 0); its gradient is zero. Used by relu's rule. */
export function step(x: NodeLike, name?: string): Node { return unary("step", x, name); }
/** Passes x through unchanged (a named node). */
export function identity(x: NodeLike, name?: string): Node { return unary("identity", x, name); }
/** Passes x through but blocks gradients (TF's stop_gradient). */
export function stopGradient(x: NodeLike, name?: string): Node { return unary("stop_gradient", x, name); }
/** Ones with the run-time shape of x; its gradient is zero. */
export function onesLike(x: NodeLike, name?: string): Node {
  const n = graphOf(x).lift(x);
  if (!name && isStatic(n.shape)) return n.graph.constant({ shape: [...n.shape], data: new Float64Array(staticSize(n.shape)!).fill(1) });
  return unary("ones_like", n, name);
}

/** Sum over `axis` (all axes when omitted), keeping reduced dims as 1 when keepDims. */
export function reduceSum(x: NodeLike, axis?: number | number[] | null, keepDims = false, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("reduce_sum", [n], { axis: normalizeAxes(axis, n.rank, name ?? "reduce_sum"), keepDims: keepDims || undefined }, name);
}

/** Mean over `axis` (all axes when omitted), keeping reduced dims as 1 when keepDims. */
export function reduceMean(x: NodeLike, axis?: number | number[] | null, keepDims = false, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("reduce_mean", [n], { axis: normalizeAxes(axis, n.rank, name ?? "reduce_mean"), keepDims: keepDims || undefined }, name);
}

/** Maximum over `axis` (all axes when omitted), keeping reduced dims as 1 when keepDims; the gradient is shared equally among tied maxima, as TF's. */
export function reduceMax(x: NodeLike, axis?: number | number[] | null, keepDims = false, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("reduce_max", [n], { axis: normalizeAxes(axis, n.rank, name ?? "reduce_max"), keepDims: keepDims || undefined }, name);
}

/** Minimum over `axis` (all axes when omitted), keeping reduced dims as 1 when keepDims; the gradient is shared equally among tied minima, as TF's. */
export function reduceMin(x: NodeLike, axis?: number | number[] | null, keepDims = false, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("reduce_min", [n], { axis: normalizeAxes(axis, n.rank, name ?? "reduce_min"), keepDims: keepDims || undefined }, name);
}

/** Number of elements reduce_mean averages over (a scalar known at run time); gradient zero. */
export function reductionSize(x: Node, axis: number[]): Node {
  const dims = axis.map((a) => x.shape[a]);
  if (dims.every((d) => d !== null)) return x.graph.constant(dims.reduce((p: number, d) => p * (d as number), 1));
  return x.graph.apply("reduction_size", [x], { axis });
}

/** x broadcast (NumPy rules) to the run-time shape of `like`; adjoint of sumToLike. */
export function broadcastLike(x: Node, like: Node): Node {
  if (sameStaticShape(x.shape, like.shape)) return x;
  return x.graph.apply("broadcast_like", [x, like], {});
}

/** g summed down to the run-time shape of `like` (undoing a broadcast); the shared `unbroadcast`. */
export function sumToLike(g: Node, like: Node): Node {
  if (sameStaticShape(g.shape, like.shape)) return g;
  if (g.isZeros && isStatic(like.shape)) return zeros(g, like.shape);
  return g.graph.apply("sum_to_like", [g, like], {});
}

/** Inserts size-1 dims at the given axes of the output. */
export function expandDims(x: Node, axis: number[], name?: string): Node {
  if (axis.length === 0) return x;
  return x.graph.apply("expand_dims", [x], { axis: [...axis].sort((a, b) => a - b) }, name);
}

/** Reshapes x (row-major); one entry of `shape` may be −1. */
export function reshape(x: NodeLike, shape: number[], name?: string): Node {
  const n = graphOf(x).lift(x);
  if (!name && sameStaticShape(n.shape, shape)) return n;
  // reshape(reshape(x)) is reshape(x) when x's size is known (else the inner shape carries information).
  const src = !name && n.op === "reshape" && staticSize(n.inputs[0].shape) !== null ? n.inputs[0] : n;
  return n.graph.apply("reshape", [src], { shape: [...shape] }, name);
}

/** x reshaped to the run-time shape of `like` (same number of elements). */
export function reshapeLike(x: Node, like: Node): Node {
  if (sameStaticShape(x.shape, like.shape)) return x;
  if (isStatic(like.shape)) return reshape(x, [...like.shape]);
  return x.graph.apply("reshape_like", [x, like], {});
}

/** Permutes axes (reverses them when perm is omitted, as TF does). */
export function transpose(x: NodeLike, perm?: number[], name?: string): Node {
  const n = graphOf(x).lift(x);
  const p = perm ?? Array.from({ length: n.rank }, (_, i) => n.rank - 1 - i);
  return n.graph.apply("transpose", [n], { perm: p }, name);
}

/** Joins tensors along an existing axis. */
export function concat(xs: NodeLike[], axis: number, name?: string): Node {
  if (xs.length === 0) throw new GraphError(`concat '${q(name ?? "?")}' needs at least one input`, name);
  const g = graphOf(...xs);
  const nodes = xs.map((x) => g.lift(x));
  if (nodes.length === 1 && !name) return nodes[0];
  const rank = nodes[0].rank;
  const ax = axis < 0 ? axis + rank : axis;
  return g.apply("concat", nodes, { axis: ax }, name);
}

/** The box of x starting at `begin` with extent `size` (−1: to the end), as tf.slice. */
export function slice(x: NodeLike, begin: number[], size: number[], name?: string): Node {
  const n = graphOf(x).lift(x);
  if (begin.length !== n.rank || size.length !== n.rank) throw new ShapeError(`node '${q(name ?? "slice")}': begin and size need ${n.rank} entries for input '${q(n.name)}' of rank ${n.rank}`, name ?? n.name);
  if (!name) {
    const simpler = simplifySlice(n, begin, size);
    if (simpler) return simpler;
  }
  return n.graph.apply("slice", [n], { begin: [...begin], size: [...size] }, name);
}

/** Pads x with zeros: `before[i]` and `after[i]` entries on axis i. */
export function pad(x: Node, before: number[], after: number[], name?: string): Node {
  if (before.every((b) => b === 0) && after.every((a) => a === 0)) return x;
  if (!name && x.isZeros && isStatic(x.shape)) return zeros(x, x.shape.map((d, i) => d + before[i] + after[i]));
  return x.graph.apply("pad", [x], { before: [...before], after: [...after] }, name);
}

// Structural-zero pruning: a slice that falls inside one concat piece or inside a pad's
// interior reads that input directly; one that falls in the padding is a constant zero.
function simplifySlice(x: Node, begin: number[], size: number[]): Node | null {
  if (!isStatic(x.shape)) return null;
  const shape = x.shape;
  const ext = size.map((s, i) => (s === -1 ? shape[i] - begin[i] : s));
  if (begin.every((b) => b === 0) && ext.every((e, i) => e === shape[i])) return x;
  if (x.isZeros) return zeros(x, ext);
  if (x.op === "pad") {
    const { before } = x.attrs as { before: number[] };
    const inner = x.inputs[0];
    if (!isStatic(inner.shape)) return null;
    let outside = false, inside = true;
    for (let i = 0; i < shape.length; i++) {
      const lo = before[i], hi = before[i] + inner.shape[i];
      if (begin[i] + ext[i] <= lo || begin[i] >= hi) outside = true;
      if (begin[i] < lo || begin[i] + ext[i] > hi) inside = false;
    }
    if (outside) return zeros(x, ext);
    if (inside) return slice(inner, begin.map((b, i) => b - before[i]), ext);
  }
  if (x.op === "concat") {
    const axis = (x.attrs as { axis: number }).axis;
    let off = 0;
    for (const piece of x.inputs) {
      const len = piece.shape[axis];
      if (len === null) return null;
      if (begin[axis] >= off && begin[axis] + ext[axis] <= off + len) {
        return slice(piece, begin.map((b, i) => (i === axis ? b - off : b)), ext);
      }
      off += len;
    }
  }
  return null;
}

/** Softmax along `axis` (default last). */
export function softmax(x: NodeLike, axis = -1, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("softmax", [n], { axis: axis < 0 ? axis + n.rank : axis }, name);
}

/** log(softmax(x)) along `axis`, computed stably. */
export function logSoftmax(x: NodeLike, axis = -1, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("log_softmax", [n], { axis: axis < 0 ? axis + n.rank : axis }, name);
}

/** Per-example loss −Σ labels·log_softmax(logits) along `axis` (TF's softmax_cross_entropy_with_logits). */
export function softmaxCrossEntropyWithLogits(labels: NodeLike, logits: NodeLike, axis = -1, name?: string): Node {
  const [y, z] = lift2(labels, logits);
  return y.graph.apply("softmax_cross_entropy_with_logits", [y, z], { axis: axis < 0 ? axis + z.rank : axis }, name);
}

/** Elementwise logistic loss max(x,0) − x·z + log(1 + e^−|x|) of logits x and labels z of the same shape (TF's sigmoid_cross_entropy_with_logits). */
export function sigmoidCrossEntropyWithLogits(labels: NodeLike, logits: NodeLike, name?: string): Node {
  const [z, x] = lift2(labels, logits);
  return z.graph.apply("sigmoid_cross_entropy_with_logits", [z, x], {}, name);
}

/** Per-example loss −log_softmax(logits)[label] along `axis` for integer class labels (TF's sparse_softmax_cross_entropy_with_logits); no gradient to labels. */
export function sparseSoftmaxCrossEntropyWithLogits(labels: NodeLike, logits: NodeLike, axis = -1, name?: string): Node {
  const [y, z] = lift2(labels, logits);
  return y.graph.apply("sparse_softmax_cross_entropy_with_logits", [y, z], { axis: axis < 0 ? axis + z.rank : axis }, name);
}

/** One-hot encoding of integer `indices` with `depth` classes, the new axis at `axis` (default −1, last, as TF's one_hot); no gradient to indices. */
export function oneHot(indices: NodeLike, depth: number, axis = -1, name?: string): Node {
  const n = graphOf(indices).lift(indices);
  return n.graph.apply("one_hot", [n], { depth, axis: axis < 0 ? axis + n.rank + 1 : axis }, name);
}

/** Half the sum of squares, sum(x²)/2, a scalar (TF's l2_loss). */
export function l2Loss(x: NodeLike, name?: string): Node {
  const n = graphOf(x).lift(x);
  return n.graph.apply("l2_loss", [n], {}, name);
}

/** The variable's update to `value` (tf.assign): fetching it (or a group holding it) sets the variable after the run and gives the new value. */
export function assign(variable: Node, value: NodeLike, name?: string): Node {
  return update("assign", variable, value, name);
}

/** The variable's update to v + delta (tf.assign_add), applied after the run; gives the new value. */
export function assignAdd(variable: Node, delta: NodeLike, name?: string): Node {
  return update("add", variable, delta, name);
}

/** The variable's update to v − delta (tf.assign_sub), applied after the run; gives the new value. */
export function assignSub(variable: Node, delta: NodeLike, name?: string): Node {
  return update("sub", variable, delta, name);
}

function update(mode: "assign" | "add" | "sub", variable: Node, value: NodeLike, name?: string): Node {
  const what = mode === "assign" ? "assign" : mode === "add" ? "assignAdd" : "assignSub";
  if (typeof variable !== "object" || variable === null || variable.op !== "variable") throw new GraphError(`${what}: the target must be a variable node, got ${typeof variable === "object" && variable !== null && "op" in variable ? `a ${variable.op} ('${q(variable.name)}')` : JSON.stringify(variable)}`);
  const g = variable.graph;
  return g.apply("assign", [variable, g.lift(value)], { mode, serial: g.nodes.length }, name);
}

/** One fetchable node running all the given updates (tf.group); its value is a scalar 0. */
export function group(...ops: Node[]): Node {
  if (ops.length === 0) throw new GraphError("group needs at least one op");
  const g = graphOf(...ops);
  return g.apply("group", ops.map((o) => g.lift(o)), { serial: g.nodes.length });
}

/** The graph's trainable variables in creation order (tf.trainable_variables). */
export function trainableVariables(graph: Graph): Node[] {
  return graph.nodes.filter((n) => n.op === "variable" && graph.isTrainable(n));
}
