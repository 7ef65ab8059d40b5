import { ShapeError } from "../errors.js";
import { transpose } from "../graph/builders.js";
import { linearJvp } from "./helpers.js";
import { transposeKernel } from "./kernels.js";
import type { AttrMap, OpDef } from "./types.js";
import { q } from "../messages.js";

/** Permutes axes by `perm`.  Gradient: transpose dy by the inverse permutation. */
export const transposeOp: OpDef<AttrMap["transpose"]> = {
  arity: 1,
  shape([x], { perm }, node) {
    const ok = Array.isArray(perm) && perm.length === x.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) throw new ShapeError(`node '${q(node)}': perm ${JSON.stringify(perm)} is not a permutation of the ${x.length} axes`, node);
    return perm.map((p) => x[p]);
  },
  kernel([x], out, { perm }) {
    transposeKernel(x.data, x.shape, perm, out.data);
  },
  grad(_node, dy, { perm }) {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [transpose(dy, inv)];
  },
  jvp: (args) => linearJvp(transposeOp, args),
};
