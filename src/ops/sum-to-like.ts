import { broadcastLike } from "../graph/builders.js";
import { linearJvp } from "./helpers.js";
import { sumToShape } from "./kernels.js";
import type { OpDef } from "./types.js";

/** g summed down to the shape of `like`, undoing a broadcast (the shared unbroadcast).  Adjoint: broadcast back. */
export const sumToLikeOp: OpDef<Record<string, never>> = {
  arity: 2,
  shape: ([, like]) => [...like],
  kernel([g], out) {
    sumToShape(g.data, g.shape, out.data, out.shape);
  },
  grad: (node, dy) => [broadcastLike(dy, node.inputs[0]), null],
  jvp: (args) => linearJvp(sumToLikeOp, args),
};
