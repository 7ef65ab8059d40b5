// A temporary curvature operator for the CLI: TF's _hessian_vector_product, built as graph nodes. For
// placeholders v_x shaped like each x, gv = Σ_x reduce_sum(grad_x · v_x) and Hv = gradients(gv, xs); each
// product is one session.run feeding v. The fast numeric operator (session.curvatureOperator) replaces it.
import { flatLayout, type FlatEntry } from "../autodiff/hessian.js";
import { gradients } from "../autodiff/gradients.js";
import { add, multiply, reduceSum } from "../graph/builders.js";
import type { Node } from "../graph/graph.js";
import { tensor, type Tensor } from "../graph/tensor.js";
import type { Session } from "../session/session.js";
import type { LinearOperator } from "./operator.js";

/** A curvature operator with the layout of its parameter vector and the gradient at the point. */
export interface SymbolicOperator extends LinearOperator {
  /** Each x's name, shape and range in the flattened vector (the Hessian's order). */
  layout: FlatEntry[];
  /** The gradient of sum(y) over the xs, flattened. */
  gradient: Float64Array;
}

/** The Hessian of sum(y) over xs as an operator: one session.run of the symbolic Hessian-vector product per vector (adds nodes to y's graph). */
export function symbolicHessianOperator(session: Session, y: Node, xs: Node[], feed: Map<Node, Tensor>): SymbolicOperator {
  const layout = flatLayout(xs);
  const n = layout.reduce((s, e) => s + e.size, 0);
  const graph = y.graph;
  const grads = gradients(y, xs, { unconnected: "zero" });
  const vs = layout.map((e, i) => graph.placeholder(e.shape, `hvp_v${i}_${e.name}`));
  let gv: Node | undefined;
  grads.forEach((g, i) => { const term = reduceSum(multiply(g, vs[i])); gv = gv ? add(gv, term) : term; });
  const hv = gradients(gv!, xs, { unconnected: "zero" });
  const gradient = new Float64Array(n);
  session.run(grads, feed).forEach((t, i) => gradient.set(t.data, layout[i].offset));
  return {
    n,
    layout,
    gradient,
    apply(vectors, count) {
      const out = new Float64Array(count * n);
      const f = new Map(feed);
      for (let c = 0; c < count; c++) {
        layout.forEach((e, i) => f.set(vs[i], tensor(vectors.slice(c * n + e.offset, c * n + e.offset + e.size), e.shape)));
        session.run(hv, f).forEach((t, i) => out.set(t.data, c * n + layout[i].offset));
      }
      return out;
    },
  };
}
