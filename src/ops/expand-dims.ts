import { ShapeError } from "../errors.js";
import type { Dim } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import type { OpDef } from "./types.js";
import { q } from "../messages.js";

/** Inserts size-1 dims at the given output axes (a reshape).  Gradient: reshape dy back to x. */
export const expandDimsOp: OpDef<{ axis: number[] }> = {
  arity: 1,
  shape([x], { axis }, node) {
    const rank = x.length + axis.length;
    const out: Dim[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) out.push(axis.includes(i) ? 1 : x[k++]);
    if (k !== x.length || axis.some((a) => a < 0 || a >= rank)) throw new ShapeError(`node '${q(node)}': bad expand_dims axes ${JSON.stringify(axis)}`, node);
    return out;
  },
  kernel([x], out) {
    out.data.set(x.data);
  },
  grad: (node, dy, _attrs, b) => [b.reshapeLike(dy, node.inputs[0])],
  jvp: (args) => linearJvp(expandDimsOp, args),
};
