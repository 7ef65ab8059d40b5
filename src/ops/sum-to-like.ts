import { ShapeError } from "../errors.js";
import { formatShape } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { sumToShape } from "./kernels.js";
import type { OpDef } from "./types.js";
import { q } from "../messages.js";

/** g summed down to the shape of `like`, undoing a broadcast (the shared unbroadcast).  Adjoint: broadcast back. */
export const sumToLikeOp: OpDef<Record<string, never>> = {
  arity: 2,
  shape([g, like], _a, node) {
    // `like` must broadcast to g: right-aligned, each of its dims is 1 or g's.
    const off = g.length - like.length;
    const ok = off >= 0 && like.every((d, i) => d === null || d === 1 || g[off + i] === null || g[off + i] === d);
    if (!ok) throw new ShapeError(`node '${q(node)}': cannot sum ${formatShape(g)} down to ${formatShape(like)} (not a broadcast of it)`, node);
    return [...like];
  },
  kernel([g], out) {
    sumToShape(g.data, g.shape, out.data, out.shape);
  },
  grad: (node, dy, _attrs, b) => [b.broadcastLike(dy, node.inputs[0]), null],
  jvp: (args) => linearJvp(sumToLikeOp, args),
};
