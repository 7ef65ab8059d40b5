import { ShapeError } from "../errors.js";
import type { Dim } from "../graph/shape.js";
import { formatShape, staticSize } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/** Row-major reshape; one target dim may be −1.  Gradient: reshape dy back to x's shape. */
export const reshapeOp: PublicOpDef<{ shape: number[] }> = {
  arity: 1,
  shape([x], { shape }, node) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) throw new ShapeError(`node '${q(node)}': reshape shape must be integers ≥ −1, got ${JSON.stringify(shape)}`, node);
    const holes = shape.filter((d) => d === -1).length;
    if (holes > 1) throw new ShapeError(`node '${q(node)}': reshape shape may contain at most one −1`, node);
    const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const total = staticSize(x);
    if (total === null) return shape.map((d) => (d === -1 ? null : d));
    if (holes === 0 ? known !== total : known === 0 || total % known !== 0) {
      throw new ShapeError(`node '${q(node)}': cannot reshape ${formatShape(x)} (${total} elements) to ${formatShape(shape)}`, node);
    }
    return shape.map((d): Dim => (d === -1 ? total / known : d));
  },
  kernel([x], out) {
    if (x.data.length !== out.data.length) throw new ShapeError(`reshape: ${x.data.length} elements cannot become [${out.shape}]`);
    out.data.set(x.data);
  },
  grad: (node, dy, _attrs, b) => [b.reshapeLike(dy, node.inputs[0])],
  jvp: (args) => linearJvp(reshapeOp, args),
  spec: {
    description: "Same elements, new shape (tf.reshape).",
    op: "reshape: same elements in row-major order, new shape.",
    inputs: "Exactly one input: the tensor to reshape.",
    attrs: {
      shape: { api: "shape", type: "integers", minimum: -1, required: true, description: "Target shape; at most one entry may be -1, meaning \"whatever size makes the element count match\"." },
    },
    build: (b, [x], a, name) => b.reshape(x, a.shape as number[], name),
  },
};
