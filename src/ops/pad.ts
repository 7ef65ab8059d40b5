import { ShapeError } from "../errors.js";
import type { Dim } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { copyBox } from "./kernels.js";
import type { OpDef } from "./types.js";
import { q } from "../messages.js";

/** Zero padding: `before[i]` and `after[i]` zeros on axis i (the adjoint of slice).  Gradient: slice dy back out. */
export const padOp: OpDef<{ before: number[]; after: number[] }> = {
  arity: 1,
  shape([x], { before, after }, node) {
    if (before.length !== x.length || after.length !== x.length || ![...before, ...after].every((p) => Number.isInteger(p) && p >= 0)) {
      throw new ShapeError(`node '${q(node)}': pad needs ${x.length} non-negative before/after entries`, node);
    }
    return x.map((d, i): Dim => (d === null ? null : d + before[i] + after[i]));
  },
  kernel([x], out, { before }) {
    out.data.fill(0);
    copyBox(x.data, x.shape, x.shape.map(() => 0), out.data, out.shape, before, x.shape);
  },
  grad(node, dy, { before, after }, b) {
    const x = node.inputs[0];
    return [b.slice(dy, [...before], x.shape.map((d, i) => (before[i] === 0 && after[i] === 0 ? -1 : (d as number))))];
  },
  jvp: (args) => linearJvp(padOp, args),
};
