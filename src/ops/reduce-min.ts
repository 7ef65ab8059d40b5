import { normalizeAxes } from "../graph/shape.js";
import { atLeast } from "./helpers.js";
import { reductionIndex } from "./reduce-max.js";
import { reducedShape, reduceSpec, type ReduceAttrs } from "./reduce-sum.js";
import type { PublicOpDef } from "./types.js";

/**
 * min over axes (TF's Min).  Gradient (TF's _MinOrMaxGrad): with ind = [x = y] (y broadcast back) and
 * k = Σ_axes ind, the number of tied minima,  ∂y/∂x = ind / k: dy goes to the arg-min, shared equally among ties.
 * ind is built as 1 − step(x − y) (x ≤ y), so it has zero gradient, as TF's equal.
 */
export const reduceMinOp: PublicOpDef<ReduceAttrs> = {
  arity: 1,
  shape: ([x], { axis, keepDims }, node) => reducedShape(x, axis, keepDims, node),
  kernel([x], out, { axis }) {
    const index = reductionIndex(x.shape, normalizeAxes(axis, x.shape.length, "reduce_min"));
    const y = out.data.fill(Infinity);
    for (let i = 0; i < index.length; i++) y[index[i]] = Math.min(y[index[i]], x.data[i]);
  },
  grad(node, dy, { axis, keepDims }, b) {
    const x = node.inputs[0];
    const axes = normalizeAxes(axis, x.rank, node.name);
    const y = keepDims ? node : b.expandDims(node, axes);
    const g = keepDims ? dy : b.expandDims(dy, axes);
    const indicators = atLeast(b, y, x);
    const selected = b.reduceSum(indicators, axes, true);
    return [b.multiply(b.divide(indicators, selected), g)];
  },
  // ẏ_j = Σ_{i → j} (ind_i / k_j) ẋ_i: the same linear map as the gradient rule, with the same tie test.
  jvp({ inputs: [x], out, tangents: [t], batch, alloc, memo, attrs: { axis } }) {
    if (!t) return null;
    const n = x.data.length, m = out.data.length;
    const { index, weight } = memo("argmin", () => {
      const index = reductionIndex(x.shape, normalizeAxes(axis, x.shape.length, "reduce_min"));
      const selected = new Float64Array(m), weight = new Float64Array(n);
      for (let i = 0; i < n; i++) if (!(x.data[i] - out.data[index[i]] > 0)) selected[index[i]]++;
      for (let i = 0; i < n; i++) if (!(x.data[i] - out.data[index[i]] > 0)) weight[i] = 1 / selected[index[i]];
      return { index, weight };
    });
    const res = alloc(batch * m);
    for (let k = 0; k < batch; k++) {
      const to = k * m, from = k * n;
      for (let i = 0; i < n; i++) if (weight[i] !== 0) res[to + index[i]] += weight[i] * t[from + i];
    }
    return res;
  },
  spec: reduceSpec(
    "Minimum over some or all axes (tf.math.reduce_min); the gradient goes to the minimum, shared equally among ties, as in TF.",
    "reduce_min: smallest element.",
    (b, x, axis, keepDims, name) => b.reduceMin(x, axis, keepDims, name),
  ),
};
