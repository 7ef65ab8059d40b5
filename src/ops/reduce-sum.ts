import { broadcastLike, expandDims } from "../graph/builders.js";
import type { Dim, Shape } from "../graph/shape.js";
import { normalizeAxes } from "../graph/shape.js";
import { linearJvp } from "./helpers.js";
import { reduceKernel } from "./kernels.js";
import type { AttrMap, OpDef } from "./types.js";

/** Output shape of a reduction over `axis` (all when null), keeping 1s when keepDims. */
export function reducedShape(x: Shape, axis: readonly number[] | null | undefined, keepDims: boolean | undefined, node: string): Dim[] {
  const axes = normalizeAxes(axis, x.length, node);
  return keepDims ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i));
}

/** Σ over axes.  Linear: its gradient broadcasts dy back over the reduced axes (the adjoint). */
export const reduceSumOp: OpDef<AttrMap["reduce_sum"]> = {
  arity: 1,
  shape: ([x], { axis, keepDims }, node) => reducedShape(x, axis, keepDims, node),
  kernel([x], out, { axis }) {
    reduceKernel(x.data, x.shape, normalizeAxes(axis, x.shape.length, "reduce_sum"), out.data, 1);
  },
  grad(node, dy, { axis, keepDims }) {
    const x = node.inputs[0];
    const axes = normalizeAxes(axis, x.rank, node.name);
    return [broadcastLike(keepDims ? dy : expandDims(dy, axes), x)];
  },
  jvp(args) {
    return linearJvp(reduceSumOp, args);
  },
};
