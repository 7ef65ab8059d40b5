// Building blocks shared by the op files: elementwise op factories and batched-tangent helpers.
import type { Node } from "../graph/graph.js";
import type { ConcreteShape, Dim, Shape } from "../graph/shape.js";
import { broadcastShapes, sizeOf } from "../graph/shape.js";
import type { Tensor } from "../graph/tensor.js";
import { sumToLike } from "../graph/builders.js";
import { broadcastBinary } from "./kernels.js";
import type { JvpArgs, OpDef } from "./types.js";

type NoAttrs = Record<string, never>;

/** Shape [B, 1…, ...shape] padded to `rank` so that a batch of tangents broadcasts against primal values. */
export function batchShape(batch: number, shape: ConcreteShape, rank: number): number[] {
  return [batch, ...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/** Reduces a broadcast gradient back to an input's shape: the one shared `unbroadcast`. */
export function unbroadcast(g: Node, x: Node): Node {
  return sumToLike(g, x);
}

/** Applies a linear kernel to each of the B tangents of input `which` (other inputs as primal values). */
export function linearJvp<A>(def: Pick<OpDef<A>, "kernel">, args: JvpArgs<A>, which = 0): Float64Array | null {
  const t = args.tangents[which];
  if (!t) return null;
  const inSize = args.inputs[which].data.length, outSize = args.out.data.length;
  const res = new Float64Array(args.batch * outSize);
  const ins = [...args.inputs];
  for (let b = 0; b < args.batch; b++) {
    ins[which] = { shape: args.inputs[which].shape, data: t.subarray(b * inSize, (b + 1) * inSize) };
    def.kernel(ins, { shape: args.out.shape, data: res.subarray(b * outSize, (b + 1) * outSize) }, args.attrs);
  }
  return res;
}

/** An elementwise op y = f(x) with gradient rule `grad` (graph ops) and derivative `deriv(x, y)` for tangents. */
export function unaryOp(f: (x: number) => number, grad: (node: Node, dy: Node) => Node | null, deriv: ((x: number, y: number) => number) | null): OpDef<NoAttrs> {
  return {
    arity: 1,
    shape: (inputs) => [...inputs[0]],
    kernel(inputs, out) {
      const x = inputs[0].data, y = out.data;
      for (let i = 0; i < y.length; i++) y[i] = f(x[i]);
    },
    grad: (node, dy) => [grad(node, dy)],
    jvp({ inputs, out, tangents, batch }) {
      const t = tangents[0];
      if (!t || !deriv) return null;
      const x = inputs[0].data, y = out.data, n = y.length;
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = deriv(x[i], y[i]);
      const res = new Float64Array(batch * n);
      for (let b = 0, o = 0; b < batch; b++) for (let i = 0; i < n; i++, o++) res[o] = d[i] * t[o];
      return res;
    },
  };
}

/** A broadcasting elementwise op z = f(a, b) with gradient rule and partial derivatives ∂z/∂a, ∂z/∂b for tangents. */
export function binaryOp(
  f: (a: number, b: number) => number,
  grad: (node: Node, dy: Node) => [Node | null, Node | null],
  partials: [(a: number, b: number) => number, (a: number, b: number) => number],
): OpDef<NoAttrs> {
  return {
    arity: 2,
    shape: (inputs: readonly Shape[], _a, node): Dim[] => broadcastShapes(inputs[0], inputs[1], node),
    kernel(inputs, out) {
      broadcastBinary(f, inputs[0].data, inputs[0].shape, inputs[1].data, inputs[1].shape, out.data, out.shape);
    },
    grad,
    jvp({ inputs, out, tangents, batch }) {
      let res: Float64Array | null = null;
      const outShape = out.shape, rank = outShape.length, n = out.data.length;
      const bs = batchShape(batch, outShape, rank);
      for (let k = 0; k < 2; k++) {
        const t = tangents[k];
        if (!t) continue;
        const p = partialArray(inputs, out, partials[k]);
        const term = new Float64Array(batch * n);
        broadcastBinary((pv, tv) => pv * tv, p, outShape, t, batchShape(batch, inputs[k].shape, rank), term, bs);
        if (res) for (let i = 0; i < res.length; i++) res[i] += term[i];
        else res = term;
      }
      return res;
    },
  };
}

function partialArray(inputs: readonly Tensor[], out: Tensor, d: (a: number, b: number) => number): Float64Array {
  const p = new Float64Array(out.data.length);
  broadcastBinary(d, inputs[0].data, inputs[0].shape, inputs[1].data, inputs[1].shape, p, out.shape);
  return p;
}

/** Splits a concrete shape around `axis` into [outer, length, inner] for axis-wise kernels. */
export function axisView(shape: ConcreteShape, axis: number): { outer: number; len: number; inner: number } {
  const len = shape[axis];
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  return { outer, len, inner };
}

/** An op with no gradient and zero tangents (step, ones_like, reduction_size). */
export const noGradient = (node: Node): null[] => node.inputs.map(() => null);

/** The logistic function 1/(1+e⁻ˣ), stable for large |x|. */
export function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
