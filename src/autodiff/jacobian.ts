// The Jacobian of a tensor y w.r.t. each x, built row by row as hessian() builds its rows: for each element of y
// (row-major), tf.gradients of that element w.r.t. the xs (TF's gradients-based jacobian, tf.experimental jacobian's shapes).
import { GraphError } from "../errors.js";
import { concat, reshape, slice, zeros } from "../graph/builders.js";
import type { Node } from "../graph/graph.js";
import { formatShape, isStatic, sizeOf } from "../graph/shape.js";
import { checkMemory, graphBudget } from "../memory.js";
import { gradients } from "./gradients.js";
import { flatLayout } from "./hessian.js";
import { q } from "../messages.js";

/** For each x, the Jacobian ∂y/∂x of shape y.shape ++ x.shape (element [i…, j…] = ∂y[i…]/∂x[j…]), built as graph nodes row by row with gradients(). */
export function jacobian(y: Node, xs: Node[]): Node[] {
  if (!isStatic(y.shape)) throw new GraphError(`jacobian: '${q(y.name)}' has unknown dims ${formatShape(y.shape)}; its number of rows must be known when the graph is built`, y.name);
  const layout = flatLayout(xs);
  const m = sizeOf(y.shape), n = layout.reduce((s, e) => s + e.size, 0);
  checkMemory(m * n * 8, `the ${m}×${n} Jacobian`, graphBudget(y.graph));
  const yShape = y.shape;
  const flatY = reshape(y, [-1]);
  const rows: Node[][] = layout.map(() => []);
  for (let i = 0; i < m; i++) {
    const dyi = gradients(slice(flatY, [i], [1]), xs, { unconnected: "zero" });
    dyi.forEach((g, k) => rows[k].push(reshape(g, [1, layout[k].size])));
  }
  return layout.map((e, k) => (m === 0 ? zeros(y, [...yShape, ...e.shape]) : reshape(concat(rows[k], 0), [...yShape, ...e.shape])));
}
