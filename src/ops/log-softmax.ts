import * as libm from "../kernels/libm.js";
import { axisView } from "./helpers.js";
import { checkAxis, classAxisSpec, softmaxKernel } from "./softmax.js";
import type { PublicOpDef } from "./types.js";

/** log softmax(x) along axis, stable.  Gradient: dy − softmax(x) ⊙ Σ_axis dy */
export const logSoftmaxOp: PublicOpDef<{ axis: number }> = {
  arity: 1,
  shape([x], { axis }, node) {
    checkAxis(x.length, axis, node);
    return [...x];
  },
  kernel([x], out, { axis }) {
    const { outer, len, inner } = axisView(x.shape, axis);
    softmaxKernel(x.data, out.data, outer, len, inner, true);
  },
  grad: (node, dy, { axis }, b) => [b.subtract(dy, b.multiply(b.softmax(node.inputs[0], axis), b.reduceSum(dy, axis, true)))],
  // d log softmax = ẋ − Σ_axis softmax ⊙ ẋ, with softmax = exp(output)
  jvp({ out, tangents: [t], batch, alloc, attrs: { axis } }) {
    if (!t) return null;
    const { outer, len, inner } = axisView(out.shape, axis);
    const ls = out.data, n = ls.length, res = alloc(batch * n);
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) {
        const base = o * len * inner + j;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += libm.exp(ls[base + k * inner]) * t[b * n + base + k * inner];
        for (let k = 0; k < len; k++) res[b * n + base + k * inner] = t[b * n + base + k * inner] - dot;
      }
    }
    return res;
  },
  spec: classAxisSpec("Log-softmax along an axis, computed stably (tf.nn.log_softmax).", "log_softmax: x - logsumexp(x) along axis.", "Exactly one input: the logits.", (b, [x], axis, name) => b.logSoftmax(x, axis, name)),
};
