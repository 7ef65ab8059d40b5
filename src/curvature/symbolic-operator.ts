// Curvature operators built as graph nodes, one session.run per vector: TF's _hessian_vector_product
// (hessianVectorProduct) and a double-backward Gauss-Newton product. Slow, and written independently of
// the fast forward-over-reverse session.curvatureOperator: the tests use them to check it.
import { flatLayout, type FlatEntry } from "../autodiff/hessian.js";
import { gradients } from "../autodiff/gradients.js";
import { hessianVectorProduct } from "../autodiff/hvp.js";
import { add, multiply, reduceSum, stopGradient } from "../graph/builders.js";
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
  const hv = hessianVectorProduct(y, xs, vs);
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

/** Σ_i reduce_sum(a_i · b_i): the scalar whose gradient gives a Jacobian-vector or Hessian-vector product. */
function pairedSum(a: Node[], b: Node[]): Node {
  let out: Node | undefined;
  a.forEach((x, i) => { const term = reduceSum(multiply(x, b[i])); out = out ? add(out, term) : term; });
  return out!;
}

/**
 * The generalised Gauss-Newton matrix G = Jᵀ H_z J of sum(y) over xs, for the network output z (J = ∂z/∂x,
 * H_z = ∂²y/∂z²), as an operator built from graph nodes: Jv by the double-backward trick (the gradient of
 * (Jᵀu)·v with respect to a dummy u), then H_z(Jv) as a Hessian-vector product in z, then Jᵀ of that as a
 * gradient with gradYs. One session.run per vector (adds nodes to y's graph). G is positive semi-definite
 * when the loss is convex in z.
 */
export function symbolicGaussNewtonOperator(session: Session, y: Node, xs: Node[], z: Node, feed: Map<Node, Tensor>): SymbolicOperator {
  const layout = flatLayout(xs);
  const n = layout.reduce((s, e) => s + e.size, 0);
  const graph = y.graph;
  const vs = layout.map((e, i) => graph.placeholder(e.shape, `ggn_v${i}_${e.name}`));
  const u = graph.placeholder(z.shape, `ggn_u_${z.name}`);
  const jtu = gradients(z, xs, { gradYs: [u], unconnected: "zero" });
  const jv = stopGradient(gradients(pairedSum(jtu, vs), [u], { unconnected: "zero" })[0]);
  const gz = gradients(y, [z], { unconnected: "zero" })[0];
  const hjv = stopGradient(gradients(reduceSum(multiply(gz, jv)), [z], { unconnected: "zero" })[0]);
  const gv = gradients(z, xs, { gradYs: [hjv], unconnected: "zero" });
  const grads = gradients(y, xs, { unconnected: "zero" });
  const [zValue, ...gradValues] = session.run([z, ...grads], feed);
  const gradient = new Float64Array(n);
  gradValues.forEach((t, i) => gradient.set(t.data, layout[i].offset));
  const zeros = tensor(new Float64Array(zValue.data.length), zValue.shape);
  return {
    n,
    layout,
    gradient,
    apply(vectors, count) {
      const out = new Float64Array(count * n);
      const f = new Map(feed);
      f.set(u, zeros);
      for (let c = 0; c < count; c++) {
        layout.forEach((e, i) => f.set(vs[i], tensor(vectors.slice(c * n + e.offset, c * n + e.offset + e.size), e.shape)));
        session.run(gv, f).forEach((t, i) => out.set(t.data, c * n + layout[i].offset));
      }
      return out;
    },
  };
}
