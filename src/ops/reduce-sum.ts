import type { Dim, Shape } from "../graph/shape.js";
import { normalizeAxes } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { reduceKernel } from "./kernels.js";
import type { Node } from "../graph/graph.js";
import type { Builders, PublicOpDef, PublicSpec } from "./types.js";

/** Attributes of the reductions (reduce_sum, reduce_mean, reduce_max): the axes (null: all) and keepDims. */
export interface ReduceAttrs { axis?: number[] | null; keepDims?: boolean }

/** The spec declaration of a reduction: attributes axis (trailing numbers in expr) and keepdims. */
export function reduceSpec(
  description: string,
  op: string,
  build: (b: Builders, x: Node, axis: number | number[] | undefined, keepDims: boolean | undefined, name: string | undefined) => Node,
): PublicSpec {
  return {
    description,
    op,
    inputs: "Exactly one input: the tensor to reduce.",
    attrs: {
      axis: { api: "axis", type: "axes", trailing: true, description: "Axis or list of axes to reduce; omit to reduce over all axes. Negative values count from the last axis." },
      keepdims: { api: "keepDims", type: "boolean", description: "Keep reduced axes with size 1 (default false)." },
    },
    build: (b, [x], a, name) => build(b, x, a.axis as number | number[] | undefined, a.keepDims as boolean | undefined, name),
  };
}

/** Output shape of a reduction over `axis` (all when null), keeping 1s when keepDims. */
export function reducedShape(x: Shape, axis: readonly number[] | null | undefined, keepDims: boolean | undefined, node: string): Dim[] {
  const axes = normalizeAxes(axis, x.length, node);
  return keepDims ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i));
}

/** Σ over axes.  Linear: its gradient broadcasts dy back over the reduced axes (the adjoint). */
export const reduceSumOp: PublicOpDef<ReduceAttrs> = {
  arity: 1,
  shape: ([x], { axis, keepDims }, node) => reducedShape(x, axis, keepDims, node),
  kernel([x], out, { axis }) {
    reduceKernel(x.data, x.shape, normalizeAxes(axis, x.shape.length, "reduce_sum"), out.data, 1);
  },
  grad(node, dy, { axis, keepDims }, b) {
    const x = node.inputs[0];
    const axes = normalizeAxes(axis, x.rank, node.name);
    return [b.broadcastLike(keepDims ? dy : b.expandDims(dy, axes), x)];
  },
  jvp(args) {
    return linearJvp(reduceSumOp, args);
  },
  spec: reduceSpec("Sum over some or all axes (tf.math.reduce_sum).", "reduce_sum: sum of elements.", (b, x, axis, keepDims, name) => b.reduceSum(x, axis, keepDims, name)),
};
