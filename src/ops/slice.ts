import { ShapeError } from "../errors.js";
import type { Dim } from "../graph/shape.js";
import { formatShape } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { copyBox } from "./kernels.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/** Element selection: the box [begin, begin + size) (size −1: to the end).  Gradient: dy padded with zeros back to x's shape. */
export const sliceOp: PublicOpDef<{ begin: number[]; size: number[] }> = {
  arity: 1,
  shape([x], { begin, size }, node) {
    if (begin.length !== x.length || size.length !== x.length) throw new ShapeError(`node '${q(node)}': slice begin/size need ${x.length} entries`, node);
    return x.map((d, i): Dim => {
      const b = begin[i], s = size[i];
      if (!Number.isInteger(b) || b < 0 || !Number.isInteger(s) || s < -1) throw new ShapeError(`node '${q(node)}': bad slice begin ${b} / size ${s} on axis ${i}`, node);
      if (d !== null && (b > d || (s !== -1 && b + s > d))) throw new ShapeError(`node '${q(node)}': slice [${begin}] + [${size}] is outside ${formatShape(x)}`, node);
      return s === -1 ? (d === null ? null : d - b) : s;
    });
  },
  kernel([x], out, { begin }) {
    copyBox(x.data, x.shape, begin, out.data, out.shape, out.shape.map(() => 0), out.shape);
  },
  grad(node, dy, { begin, size }, b) {
    const x = node.inputs[0];
    const after = x.shape.map((d, i) => {
      if (begin[i] === 0 && size[i] === -1) return 0;
      if (d === null) throw new ShapeError(`node '${q(node.name)}': the gradient of slice needs axis ${i} of '${q(x.name)}' to be known`, node.name);
      return d - begin[i] - (size[i] === -1 ? d - begin[i] : size[i]);
    });
    return [b.pad(dy, [...begin], after)];
  },
  jvp: (args) => linearJvp(sliceOp, args),
  spec: {
    description: "Extract a contiguous block (tf.slice).",
    op: "slice: extract the block starting at \"begin\" with extent \"size\".",
    inputs: "Exactly one input: the tensor to slice.",
    attrs: {
      begin: { api: "begin", type: "integers", minimum: 0, required: true, description: "Start index in each dimension." },
      size: { api: "size", type: "integers", minimum: -1, required: true, description: "Extent in each dimension; -1 means \"to the end\"." },
    },
    build: (b, [x], a, name) => b.slice(x, a.begin as number[], a.size as number[], name),
  },
};
