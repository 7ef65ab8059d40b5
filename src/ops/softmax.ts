import { ShapeError } from "../errors.js";
import { multiply, reduceSum, subtract } from "../graph/builders.js";
import { axisView } from "./helpers.js";
import type { AttrMap, OpDef } from "./types.js";
import { q } from "../messages.js";

/** Stable softmax of `x` along an axis laid out as [outer, len, inner]; writes into `y`. */
export function softmaxKernel(x: Float64Array, y: Float64Array, outer: number, len: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * len * inner + j;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(x[base + k * inner] - max);
      const lse = max + Math.log(sum);
      for (let k = 0; k < len; k++) {
        const v = x[base + k * inner] - lse;
        y[base + k * inner] = log ? v : Math.exp(v);
      }
    }
  }
}

/** Checks a softmax-style axis against the rank. */
export function checkAxis(rank: number, axis: number, node: string): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ShapeError(`node '${q(node)}': axis ${axis} is out of range for rank ${rank}`, node);
}

/** s = softmax(x) along axis.  Gradient: s ⊙ (dy − Σ_axis dy ⊙ s) */
export const softmaxOp: OpDef<AttrMap["softmax"]> = {
  arity: 1,
  shape([x], { axis }, node) {
    checkAxis(x.length, axis, node);
    return [...x];
  },
  kernel([x], out, { axis }) {
    const { outer, len, inner } = axisView(x.shape, axis);
    softmaxKernel(x.data, out.data, outer, len, inner, false);
  },
  grad: (node, dy, { axis }) => [multiply(node, subtract(dy, reduceSum(multiply(dy, node), axis, true)))],
  // ṡ = s ⊙ (ẋ − Σ_axis s ⊙ ẋ)
  jvp({ out, tangents: [t], batch, alloc, attrs: { axis } }) {
    if (!t) return null;
    const { outer, len, inner } = axisView(out.shape, axis);
    const s = out.data, n = s.length, res = alloc(batch * n);
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) {
        const base = o * len * inner + j;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += s[base + k * inner] * t[b * n + base + k * inner];
        for (let k = 0; k < len; k++) res[b * n + base + k * inner] = s[base + k * inner] * (t[b * n + base + k * inner] - dot);
      }
    }
    return res;
  },
};
