import { FeedError, ShapeError } from "../errors.js";
import { noGradient } from "./helpers.js";
import type { PublicOpDef } from "./types.js";
import { q } from "../messages.js";

/** Attributes of one_hot: the number of classes and where the new axis goes (normalized to 0…rank of the indices). */
export interface OneHotAttrs { depth: number; axis: number }

/** Checks that every class index is an integer (fed as a number); returns the first offending value, or undefined. */
export function nonInteger(data: Float64Array): number | undefined {
  for (let i = 0; i < data.length; i++) if (!Number.isInteger(data[i])) return data[i];
  return undefined;
}

/**
 * out[..., k, ...] = [indices[...] = k] for k < depth, the new axis at `axis` (TF's one_hot with on_value 1, off_value 0;
 * an index outside [0, depth) gives a row of zeros, as in TF).  A constant in its input: no gradient to indices.
 */
export const oneHotOp: PublicOpDef<OneHotAttrs> = {
  arity: 1,
  shape([x], { depth, axis }, node) {
    if (!Number.isInteger(depth) || depth < 0) throw new ShapeError(`node '${q(node)}': one_hot depth must be a non-negative integer, got ${depth}`, node);
    if (!Number.isInteger(axis) || axis < 0 || axis > x.length) throw new ShapeError(`node '${q(node)}': one_hot axis ${axis} is out of range for indices of rank ${x.length}`, node);
    return [...x.slice(0, axis), depth, ...x.slice(axis)];
  },
  kernel([x], out, { depth, axis }) {
    const bad = nonInteger(x.data);
    if (bad !== undefined) throw new FeedError(`one_hot: indices must be integers (class numbers), got ${bad}`);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = x.data.length / Math.max(outer, 1);
    out.data.fill(0);
    for (let a = 0; a < outer; a++) for (let j = 0; j < inner; j++) {
      const k = x.data[a * inner + j];
      if (k >= 0 && k < depth) out.data[(a * depth + k) * inner + j] = 1;
    }
  },
  grad: noGradient,
  jvp: () => null,
  spec: {
    description: "One-hot encoding of integer class indices (tf.one_hot, on_value 1, off_value 0); indices outside [0, depth) give zeros, as in TF. No gradient to indices.",
    op: "one_hot: 1 where the class index equals the position along the new axis, else 0.",
    inputs: "Exactly one input: the class indices (integers, fed as numbers).",
    attrs: {
      depth: { api: "depth", type: "integer", required: true, trailing: true, description: "Number of classes: the size of the new axis." },
      axis: { api: "axis", type: "integer", default: -1, description: "Where the new axis goes (default -1: last, as in TF)." },
    },
    build: (b, [indices], a, name) => b.oneHot(indices, a.depth as number, a.axis as number | undefined, name),
  },
};
