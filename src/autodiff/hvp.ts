// Hessian-vector products as graph nodes: TF's _hessian_vector_product (tensorflow/python/ops/gradients_impl.py).
import { GraphError } from "../errors.js";
import { add, multiply, reduceSum } from "../graph/builders.js";
import type { Node, NodeLike } from "../graph/graph.js";
import { formatShape } from "../graph/shape.js";
import { q } from "../messages.js";
import { gradients } from "./gradients.js";

/**
 * Symbolic H·v for the Hessian of sum(y) over xs, one node per x, shaped like it (zeros where y does not
 * depend on x), as TF's `_hessian_vector_product`:
 *
 *   g_i = ∂ sum(y) / ∂x_i,   p = Σ_i <g_i, v_i>,   result_j = ∂p / ∂x_j = Σ_i (∂g_i/∂x_j)ᵀ v_i = (H v)_j
 *
 * (H symmetric). The vs are held constant in the second differentiation (TF wraps them in stop_gradient;
 * here they are `stopGradients` of that one call only, so the result can still be differentiated w.r.t. a
 * v, or w.r.t. the xs again: third derivatives come free). When one x is computed from another, the
 * tutorial's Hessian rows are not symmetric and this is Hᵀ·v in their terms (TF's semantics), while
 * `session.hvp` gives H·v, the matrix `session.hessian` returns times v.
 */
export function hessianVectorProduct(y: Node, xs: readonly Node[], vs: readonly NodeLike[]): Node[] {
  if (xs.length === 0) throw new GraphError("hessianVectorProduct: xs is empty");
  if (vs.length !== xs.length) throw new GraphError(`hessianVectorProduct: ${xs.length} xs but ${vs.length} vs (one v per x, shaped like it)`);
  const graph = y.graph;
  const vNodes = vs.map((v, i) => {
    const node = graph.lift(v);
    const x = xs[i];
    const ok = node.shape.length === x.shape.length && node.shape.every((d, k) => d === null || x.shape[k] === null || d === x.shape[k]);
    if (!ok) throw new GraphError(`hessianVectorProduct: v for '${q(x.name)}' has shape ${formatShape(node.shape)}, but x has shape ${formatShape(x.shape)}`, x.name);
    return node;
  });
  const grads = gradients(y, xs, { unconnected: "zero" });
  // p = Σ_i sum(g_i ⊙ v_i), a scalar.
  const inner = grads.map((g, i) => reduceSum(multiply(g, vNodes[i]))).reduce((a, b) => add(a, b));
  return gradients(inner, xs, { unconnected: "zero", stopGradients: vNodes.filter((v) => !xs.includes(v)) });
}
