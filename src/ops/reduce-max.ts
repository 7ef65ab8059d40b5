import { normalizeAxes, sizeOf, type ConcreteShape } from "../graph/shape.js";
import { atLeast } from "./helpers.js";
import { reducedShape, reduceSpec, type ReduceAttrs } from "./reduce-sum.js";
import type { PublicOpDef } from "./types.js";

/** For each element of a tensor of `shape`, the flat index of the output element that reducing `axes` sends it to. */
export function reductionIndex(shape: ConcreteShape, axes: readonly number[]): Int32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(0);
  for (let d = rank - 1, s = 1; d >= 0; d--) if (!axes.includes(d)) { strides[d] = s; s *= shape[d]; }
  const index = new Int32Array(sizeOf(shape));
  const pos = new Array<number>(rank).fill(0);
  for (let i = 0, o = 0; i < index.length; i++) {
    index[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      o += strides[d];
      if (++pos[d] < shape[d]) break;
      o -= strides[d] * shape[d];
      pos[d] = 0;
    }
  }
  return index;
}

/**
 * max (or min) over axes (TF's Max, Min).  Gradient (TF's _MinOrMaxGrad): with ind = [x = y] (y broadcast
 * back) and k = Σ_axes ind, the number of tied extrema,  ∂y/∂x = ind / k: dy goes to the arg-max (arg-min),
 * shared equally among ties. ind is built as 1 − step(y − x) (y ≥ x; for min, x ≥ y), so it has zero
 * gradient, as TF's equal.
 */
export function reduceExtremumOp(which: "max" | "min", spec: PublicOpDef<ReduceAttrs>["spec"]): PublicOpDef<ReduceAttrs> {
  const op = `reduce_${which}`;
  const sign = which === "max" ? 1 : -1;
  return {
    arity: 1,
    shape: ([x], { axis, keepDims }, node) => reducedShape(x, axis, keepDims, node),
    kernel([x], out, { axis }) {
      const index = reductionIndex(x.shape, normalizeAxes(axis, x.shape.length, op));
      const y = out.data.fill(-sign * Infinity);
      const pick = which === "max" ? Math.max : Math.min;
      for (let i = 0; i < index.length; i++) y[index[i]] = pick(y[index[i]], x.data[i]);
    },
    grad(node, dy, { axis, keepDims }, b) {
      const x = node.inputs[0];
      const axes = normalizeAxes(axis, x.rank, node.name);
      const y = keepDims ? node : b.expandDims(node, axes);
      const g = keepDims ? dy : b.expandDims(dy, axes);
      const indicators = which === "max" ? atLeast(b, x, y) : atLeast(b, y, x);
      const selected = b.reduceSum(indicators, axes, true);
      return [b.multiply(b.divide(indicators, selected), g)];
    },
    // ẏ_j = Σ_{i → j} (ind_i / k_j) ẋ_i: the same linear map as the gradient rule, with the same tie test.
    jvp({ inputs: [x], out, tangents: [t], batch, alloc, memo, attrs: { axis } }) {
      if (!t) return null;
      const n = x.data.length, m = out.data.length;
      const { index, weight } = memo(`arg${which}`, () => {
        const index = reductionIndex(x.shape, normalizeAxes(axis, x.shape.length, op));
        const selected = new Float64Array(m), weight = new Float64Array(n);
        // The tie test of the gradient rule: x counts unless it is strictly short of the extremum.
        const tied = (i: number) => !(sign * (out.data[index[i]] - x.data[i]) > 0);
        for (let i = 0; i < n; i++) if (tied(i)) selected[index[i]]++;
        for (let i = 0; i < n; i++) if (tied(i)) weight[i] = 1 / selected[index[i]];
        return { index, weight };
      });
      const res = alloc(batch * m);
      for (let k = 0; k < batch; k++) {
        const to = k * m, from = k * n;
        for (let i = 0; i < n; i++) if (weight[i] !== 0) res[to + index[i]] += weight[i] * t[from + i];
      }
      return res;
    },
    spec,
  };
}

/** max over axes (TF's Max); see reduceExtremumOp. */
export const reduceMaxOp = reduceExtremumOp("max", reduceSpec(
  "Maximum over some or all axes (tf.math.reduce_max); the gradient goes to the maximum, shared equally among ties, as in TF.",
  "reduce_max: largest element.",
  (b, x, axis, keepDims, name) => b.reduceMax(x, axis, keepDims, name),
));
