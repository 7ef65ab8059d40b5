import { ShapeError } from "../errors.js";
import type { Dim } from "../graph/shape.js";
import { formatShape } from "../graph/shape.js";
import { copyBox } from "./kernels.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/** Joins inputs along `axis`.  Gradient: the slice of dy that each input occupies. */
export const concatOp: PublicOpDef<{ axis: number }> = {
  arity: "variadic",
  shape(inputs, { axis }, node) {
    const rank = inputs[0].length;
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ShapeError(`node '${q(node)}': concat axis ${axis} is out of range for rank ${rank}`, node);
    const out: Dim[] = [...inputs[0]];
    for (let k = 1; k < inputs.length; k++) {
      const s = inputs[k];
      if (s.length !== rank) throw new ShapeError(`node '${q(node)}': concat inputs have ranks ${rank} and ${s.length}`, node);
      for (let i = 0; i < rank; i++) {
        if (i === axis) out[i] = out[i] === null || s[i] === null ? null : (out[i] as number) + (s[i] as number);
        else if (out[i] !== null && s[i] !== null && out[i] !== s[i]) throw new ShapeError(`node '${q(node)}': concat input ${k} has shape ${formatShape(s)}, incompatible with ${formatShape(inputs[0])} off axis ${axis}`, node);
        else if (out[i] === null) out[i] = s[i];
      }
    }
    return out;
  },
  kernel(inputs, out, { axis }) {
    let off = 0;
    const at = out.shape.map(() => 0);
    for (const x of inputs) {
      at[axis] = off;
      copyBox(x.data, x.shape, x.shape.map(() => 0), out.data, out.shape, at, x.shape);
      off += x.shape[axis];
    }
  },
  grad(node, dy, { axis }, b) {
    let off = 0;
    return node.inputs.map((x) => {
      const len = x.shape[axis];
      if (len === null) throw new ShapeError(`node '${q(node.name)}': the gradient of concat needs the size of input '${q(x.name)}' along axis ${axis} to be known`, node.name);
      const g = b.slice(dy, x.shape.map((_, i) => (i === axis ? off : 0)), x.shape.map((_, i) => (i === axis ? len : -1)));
      off += len;
      return g;
    });
  },
  jvp({ inputs, out, tangents, batch, alloc, attrs: { axis } }) {
    if (tangents.every((t) => !t)) return null;
    const size = out.data.length;
    const res = alloc(batch * size);
    for (let b = 0; b < batch; b++) {
      let off = 0;
      const at = out.shape.map(() => 0);
      const view = res.subarray(b * size, (b + 1) * size);
      inputs.forEach((x, k) => {
        const t = tangents[k];
        if (t) {
          at[axis] = off;
          const n = x.data.length;
          copyBox(t.subarray(b * n, (b + 1) * n), x.shape, x.shape.map(() => 0), view, out.shape, at, x.shape);
        }
        off += x.shape[axis];
      });
    }
    return res;
  },
  spec: {
    description: "Join tensors along an existing axis (tf.concat).",
    op: "concat: join tensors along an axis.",
    inputs: "One or more tensors to join, in order.",
    attrs: {
      axis: { api: "axis", type: "integer", required: true, default: 0, trailing: true, description: "The axis to join along; negative values count from the last axis." },
    },
    build: (b, x, a, name) => b.concat(x, a.axis as number, name),
  },
};
