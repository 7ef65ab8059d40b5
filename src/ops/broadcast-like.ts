import { ShapeError } from "../errors.js";
import { broadcastShapes, formatShape } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { broadcastTo } from "./kernels.js";
import type { OpDef } from "./types.js";
import { q } from "../messages.js";

/** x broadcast to the shape of `like` (NumPy rules).  Linear; adjoint: sum back to x's shape. */
export const broadcastLikeOp: OpDef<Record<string, never>> = {
  arity: 2,
  shape([x, like], _a, node) {
    const out = broadcastShapes(x, like, node);
    if (out.length !== like.length) throw new ShapeError(`node '${q(node)}': cannot broadcast ${formatShape(x)} to ${formatShape(like)}`, node);
    return [...like];
  },
  kernel([x], out) {
    broadcastTo(x.data, x.shape, out.data, out.shape);
  },
  grad: (node, dy, _attrs, b) => [b.sumToLike(dy, node.inputs[0]), null],
  jvp: (args) => linearJvp(broadcastLikeOp, args),
};
