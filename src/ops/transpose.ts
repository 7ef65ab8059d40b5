import { ShapeError } from "../errors.js";
import { linearJvp } from "./helpers.js";
import { transposeKernel } from "./kernels.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/** Permutes axes by `perm`.  Gradient: transpose dy by the inverse permutation. */
export const transposeOp: PublicOpDef<{ perm: number[] }> = {
  arity: 1,
  shape([x], { perm }, node) {
    const ok = Array.isArray(perm) && perm.length === x.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) throw new ShapeError(`node '${q(node)}': perm ${JSON.stringify(perm)} is not a permutation of the ${x.length} axes`, node);
    return perm.map((p) => x[p]);
  },
  kernel([x], out, { perm }) {
    transposeKernel(x.data, x.shape, perm, out.data);
  },
  grad(_node, dy, { perm }, b) {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [b.transpose(dy, inv)];
  },
  jvp: (args) => linearJvp(transposeOp, args),
  spec: {
    description: "Permute axes (tf.transpose).",
    op: "transpose: permute axes.",
    inputs: "Exactly one input: the tensor to transpose.",
    attrs: {
      perm: { api: "perm", type: "integers", minimum: 0, trailing: true, description: "Output axis i is input axis perm[i]; default reverses the axes." },
    },
    build: (b, [x], a, name) => b.transpose(x, a.perm as number[] | undefined, name),
  },
};
