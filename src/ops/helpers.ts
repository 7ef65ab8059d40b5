// Building blocks shared by the op files: elementwise op factories and batched-tangent helpers.
import type { Node } from "../graph/graph.js";
import type { ConcreteShape, Dim, Shape } from "../graph/shape.js";
import { broadcastShapes, formatShape, sizeOf } from "../graph/shape.js";
import { ShapeError } from "../errors.js";
import { binaryKernel, derivativeKernel, unaryKernel } from "./kernels.js";
import type { Builders, JvpArgs, OpDef, PublicSpec } from "./types.js";
import { q } from "../messages.js";

type NoAttrs = Record<string, never>;

/** Shape [B, 1…, ...shape] padded to `rank` so that a batch of tangents broadcasts against primal values. */
export function batchShape(batch: number, shape: ConcreteShape, rank: number): number[] {
  return [batch, ...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/** Reduces a broadcast gradient back to an input's shape: the one shared `unbroadcast`. */
export function unbroadcast(b: Builders, g: Node, x: Node): Node {
  return b.sumToLike(g, x);
}

/** Applies a linear kernel to each of the B tangents of input `which` (other inputs as primal values). */
export function linearJvp<A>(def: Pick<OpDef<A>, "kernel">, args: JvpArgs<A>, which = 0): Float64Array | null {
  const t = args.tangents[which];
  if (!t) return null;
  const inSize = args.inputs[which].data.length, outSize = args.out.data.length;
  const res = args.alloc(args.batch * outSize, false); // linear kernels write every output element
  const ins = [...args.inputs];
  for (let b = 0; b < args.batch; b++) {
    ins[which] = { shape: args.inputs[which].shape, data: t.subarray(b * inSize, (b + 1) * inSize) };
    def.kernel(ins, { shape: args.out.shape, data: res.subarray(b * outSize, (b + 1) * outSize) }, args.attrs);
  }
  return res;
}

/**
 * An elementwise op y = f(x): `f` and `deriv` are JS expressions in x (and y, the output), compiled
 * once; `grad` is the gradient rule, built with the builders `b` it is handed. A null deriv means zero tangents.
 */
export function unaryOp(f: string, grad: (node: Node, dy: Node, b: Builders) => Node | null, deriv: string | null): OpDef<NoAttrs> {
  const kernel = unaryKernel(f);
  const dk = deriv === null ? null : derivativeKernel(deriv);
  return {
    arity: 1,
    shape: (inputs) => [...inputs[0]],
    kernel(inputs, out) {
      kernel(inputs[0].data, out.data);
    },
    grad: (node, dy, _attrs, b) => [grad(node, dy, b)],
    // ẏ = f'(x) · ẋ for every tangent.
    jvp({ inputs, out, tangents, batch, alloc, memo, kernels }) {
      const t = tangents[0];
      if (!t || !dk) return null;
      const n = out.data.length;
      const d = memo("d", () => {
        const arr = new Float64Array(n);
        dk(inputs[0].data, out.data, arr);
        return arr;
      });
      const res = alloc(batch * n, false);
      kernels.scaleEach(d, t, batch, res);
      return res;
    },
  };
}

/**
 * A broadcasting elementwise op z = f(a, b): `f` is a JS expression in x (from a) and y (from b);
 * `partials` are ∂z/∂a and ∂z/∂b, each a constant or an expression in x and y, for tangents.
 */
export function binaryOp(
  f: string,
  grad: (node: Node, dy: Node, b: Builders) => [Node | null, Node | null],
  partials: [number | string, number | string],
): OpDef<NoAttrs> {
  const kernel = binaryKernel(f);
  const partialKernels = partials.map((p) => (typeof p === "string" ? binaryKernel(p) : null));
  return {
    arity: 2,
    shape: (inputs: readonly Shape[], _a, node): Dim[] => broadcastShapes(inputs[0], inputs[1], node),
    kernel(inputs, out) {
      kernel(inputs[0].data, inputs[0].shape, inputs[1].data, inputs[1].shape, out.data, out.shape);
    },
    grad: (node, dy, _attrs, b) => grad(node, dy, b),
    // ż = ∂z/∂a · ȧ + ∂z/∂b · ḃ, each tangent broadcast against the output shape.
    jvp({ inputs, out, tangents, batch, alloc, memo, kernels }) {
      const outShape = out.shape, rank = outShape.length, n = out.data.length;
      // z = a ± b with one tangent of the output's own size: that tangent (or its negation) is the answer.
      for (let k = 0; k < 2; k++) {
        const t = tangents[k];
        if (t && !tangents[1 - k] && partials[k] === 1 && t.length === batch * n) return t;
      }
      const bs = batchShape(batch, outShape, rank);
      const coeffs = [0, 1].map((k) => {
        const p = partials[k], pk = partialKernels[k];
        return pk === null
          ? memo(`c${k}`, () => Float64Array.of(p as number))
          : memo(`p${k}`, () => {
            const arr = new Float64Array(n);
            pk(inputs[0].data, inputs[0].shape, inputs[1].data, inputs[1].shape, arr, outShape);
            return arr;
          });
      });
      const [ta, tb] = tangents;
      if (ta && tb && ta.length === batch * n && tb.length === batch * n && coeffs[0].length === n && coeffs[1].length === n) {
        // Both tangents full-size: one fused pass, ż = ∂a·ȧ + ∂b·ḃ.
        const res = alloc(batch * n, false);
        kernels.combineEach(coeffs[0], ta, coeffs[1], tb, batch, res);
        return res;
      }
      let res: Float64Array | null = null;
      for (let k = 0; k < 2; k++) {
        const t = tangents[k];
        if (!t) continue;
        const first = res === null;
        res ??= alloc(batch * n, false);
        kernels.multiplyBroadcast(coeffs[k], partialKernels[k] === null ? [] : outShape, t, batchShape(batch, inputs[k].shape, rank), res, bs, !first);
      }
      return res;
    },
  };
}

/** Splits a concrete shape around `axis` into [outer, length, inner] for axis-wise kernels. */
export function axisView(shape: ConcreteShape, axis: number): { outer: number; len: number; inner: number } {
  const len = shape[axis];
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  return { outer, len, inner };
}

/** Shape rule of ops whose two inputs must have the same shape (unknown dims match anything); no broadcasting. */
export function sameShapes(inputs: readonly Shape[], node: string, what = "inputs"): Dim[] {
  const [a, b] = inputs;
  if (a.length !== b.length || a.some((d, i) => d !== null && b[i] !== null && d !== b[i])) {
    throw new ShapeError(`node '${q(node)}': ${what} must have the same shape, got ${formatShape(a)} and ${formatShape(b)}`, node);
  }
  return a.map((d, i) => d ?? b[i]);
}

/** An op with no gradient and zero tangents (step, ones_like, reduction_size). */
export const noGradient = (node: Node): null[] => node.inputs.map(() => null);

/** The logistic function 1/(1+e⁻ˣ) of `x` as a JS expression, stable for large |x|. */
export const LOGISTIC = "(x >= 0 ? 1 / (1 + libm.exp(-x)) : libm.exp(x) / (1 + libm.exp(x)))";

/** The spec declaration of an elementwise op of one input and no attributes. */
export function unarySpec(description: string, op: string, build: (b: Builders, x: Node, name: string | undefined) => Node): PublicSpec {
  return { description, op, inputs: "Exactly one input: the tensor x.", attrs: {}, build: (b, [x], _a, name) => build(b, x, name) };
}

/** The spec declaration of a broadcasting elementwise op of two inputs and no attributes. */
export function binarySpec(description: string, op: string, build: (b: Builders, x: Node, y: Node, name: string | undefined) => Node): PublicSpec {
  return { description, op, inputs: "Exactly two inputs: [x, y].", attrs: {}, build: (b, [x, y], _a, name) => build(b, x, y, name) };
}

/** [a ≥ c] elementwise as 1 or 0 (broadcasting), built as 1 − step(c − a): ops with zero gradient, like TF's greater_equal masks. */
export function atLeast(b: Builders, a: Node, c: Node): Node {
  return b.subtract(1, b.step(b.subtract(c, a)));
}
