import * as libm from "../kernels/libm.js";
import { ShapeError } from "../errors.js";
import { axisView } from "./helpers.js";
import type { Node } from "../graph/graph.js";
import type { Builders, PublicOpDef, PublicSpec } from "./types.js";
import { q } from "../messages.js";

/** Stable softmax of `x` along an axis laid out as [outer, len, inner]; writes into `y`. */
export function softmaxKernel(x: Float64Array, y: Float64Array, outer: number, len: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * len * inner + j;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += libm.exp(x[base + k * inner] - max);
      const lse = max + libm.log(sum);
      for (let k = 0; k < len; k++) {
        const v = x[base + k * inner] - lse;
        y[base + k * inner] = log ? v : libm.exp(v);
      }
    }
  }
}

/** Checks a softmax-style axis against the rank. */
export function checkAxis(rank: number, axis: number, node: string): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ShapeError(`node '${q(node)}': axis ${axis} is out of range for rank ${rank}`, node);
}

/** The spec declaration of an op along a class axis (softmax, log_softmax, softmax_cross_entropy_with_logits): attribute axis, default -1. */
export function classAxisSpec(description: string, op: string, inputs: string, build: (b: Builders, x: Node[], axis: number, name: string | undefined) => Node): PublicSpec {
  return {
    description,
    op,
    inputs,
    attrs: { axis: { api: "axis", type: "integer", default: -1, trailing: true, description: "The class axis (default -1, the last axis)." } },
    build: (b, x, a, name) => build(b, x, a.axis as number, name),
  };
}

/** s = softmax(x) along axis.  Gradient: s ⊙ (dy − Σ_axis dy ⊙ s) */
export const softmaxOp: PublicOpDef<{ axis: number }> = {
  arity: 1,
  shape([x], { axis }, node) {
    checkAxis(x.length, axis, node);
    return [...x];
  },
  kernel([x], out, { axis }) {
    const { outer, len, inner } = axisView(x.shape, axis);
    softmaxKernel(x.data, out.data, outer, len, inner, false);
  },
  grad: (node, dy, { axis }, b) => [b.multiply(node, b.subtract(dy, b.reduceSum(b.multiply(dy, node), axis, true)))],
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
  spec: classAxisSpec("Softmax along an axis (tf.nn.softmax).", "softmax: exp(x) / sum(exp(x)) along axis.", "Exactly one input: the logits.", (b, [x], axis, name) => b.softmax(x, axis, name)),
};
