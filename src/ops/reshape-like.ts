import { ShapeError } from "../errors.js";
import { linearJvp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** x reshaped to the run-time shape of `like`.  Gradient: reshape dy back to x. */
export const reshapeLikeOp: OpDef<Record<string, never>> = {
  arity: 2,
  shape: ([, like]) => [...like],
  kernel([x], out) {
    if (x.data.length !== out.data.length) throw new ShapeError(`reshape_like: ${x.data.length} elements cannot become [${out.shape}]`);
    out.data.set(x.data);
  },
  grad: (node, dy, _attrs, b) => [b.reshapeLike(dy, node.inputs[0]), null],
  jvp: (args) => linearJvp(reshapeLikeOp, args),
};
