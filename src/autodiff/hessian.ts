// The tutorial's Hessian, built as graph nodes: flatten the gradient list, differentiate each
// element again, flatten each result and stack the rows. Plus TF 1.x's tf.hessians (diagonal blocks only).
import { GraphError } from "../errors.js";
import { concat, reshape, slice } from "../graph/builders.js";
import type { Node } from "../graph/graph.js";
import { formatShape, isStatic, sizeOf } from "../graph/shape.js";
import { checkMemory, graphBudget, heapBudget } from "../memory.js";
import { gradients } from "./gradients.js";
import { q } from "../messages.js";

/** Bytes a node of the row-by-row Hessian graph costs at its peak: the node, its plan step and compile-time tables (measured: ~750 B settled, ~2 KB peak). */
const BYTES_PER_ROW_NODE = 2048;

/** Where each variable sits in the flattened parameter vector (row-major, in xs order). */
export interface FlatEntry { name: string; shape: number[]; offset: number; size: number }

/** The flatten layout of xs; every x needs a fully known shape (the Hessian's size n is fixed when the graph is built). */
export function flatLayout(xs: Node[]): FlatEntry[] {
  let offset = 0;
  return xs.map((x) => {
    if (!isStatic(x.shape)) throw new GraphError(`hessian: '${q(x.name)}' has unknown dims ${formatShape(x.shape)}; the Hessian's size must be known when the graph is built (use variables or fixed-shape nodes as xs)`, x.name);
    const size = sizeOf(x.shape);
    const e = { name: x.name, shape: [...x.shape], offset, size };
    offset += size;
    return e;
  });
}

/** The tutorial's flatten(): each tensor reshaped row-major to a vector, concatenated in order. */
export function flatten(tensors: Node[]): Node {
  return concat(tensors.map((t) => reshape(t, [-1])), 0);
}

/** The exact n×n Hessian of sum(ys) over all of xs (as tf.hessians, ys need not be a scalar), row by row as the tutorial builds it with tf.gradients. */
export function hessian(ys: Node, xs: Node[]): Node {
  const layout = flatLayout(xs);
  const n = layout.reduce((s, e) => s + e.size, 0);
  checkMemory(n * n * 8, `the ${n}×${n} Hessian`, graphBudget(ys.graph));
  const flatGrads = flatten(gradients(ys, xs, { unconnected: "zero" }));
  const rows: Node[] = [];
  const graph = flatGrads.graph;
  for (let i = 0; i < n; i++) {
    const before = graph.nodes.length;
    const dgi = gradients(slice(flatGrads, [i], [1]), xs, { unconnected: "zero" });
    rows.push(reshape(flatten(dgi), [1, n]));
    // The graph grows by about as many nodes per row as the first row took: refuse before building the rest.
    if (i === 0) checkMemory(n * (graph.nodes.length - before) * BYTES_PER_ROW_NODE, `the row-by-row Hessian graph (about ${n * (graph.nodes.length - before)} nodes for ${n} rows)`, graph.maxBytes !== undefined ? graphBudget(graph) : heapBudget());
  }
  return concat(rows, 0);
}

/** TF 1.x tf.hessians: one Hessian of sum(ys) per x, of shape x.shape ++ x.shape; the cross-variable blocks are never built. */
export function hessians(ys: Node, xs: Node[]): Node[] {
  return xs.map((x) => {
    const [entry] = flatLayout([x]);
    checkMemory(entry.size * entry.size * 8, `tf.hessians' ${entry.size}×${entry.size} block for '${q(x.name)}'`, graphBudget(ys.graph));
    const flatGrad = flatten(gradients(ys, [x], { unconnected: "zero" }));
    const rows: Node[] = [];
    for (let i = 0; i < entry.size; i++) {
      const [dgi] = gradients(slice(flatGrad, [i], [1]), [x], { unconnected: "zero" });
      rows.push(reshape(dgi, [1, entry.size]));
    }
    return reshape(concat(rows, 0), [...entry.shape, ...entry.shape]);
  });
}
