import { FeedError, GraphError, ShapeError } from "../errors.js";
import { formatShape } from "../graph/shape.js";
import type { OpDef } from "./types.js";
import { q } from "../messages.js";

/** Attributes of assign: how the new value is made from the variable's value v and the input x, and a serial number keeping each assign a node of its own. */
export interface AssignAttrs { mode: "assign" | "add" | "sub"; serial: number }

/**
 * The new value of variable `v` (input 0) from `x` (input 1): x (tf.assign), v + x (tf.assign_add) or v − x
 * (tf.assign_sub), same shape as v; the session writes it to the variable after the run. Stateful: no gradient,
 * no tangent (differentiating through it is a GraphError, where TF has no gradient for Assign).
 */
export const assignOp: OpDef<AssignAttrs> = {
  arity: 2,
  shape: ([v, x], attrs, node) => {
    if (v.length !== x.length || v.some((d, i) => d !== null && x[i] !== null && d !== x[i])) {
      throw new ShapeError(`node '${q(node)}': ${attrs.mode} to a variable of shape ${formatShape(v)} from a value of shape ${formatShape(x)}`, node);
    }
    return [...v];
  },
  kernel: ([v, x], out, attrs) => {
    if (x.data.length !== v.data.length) throw new FeedError(`${attrs.mode}: value of shape [${x.shape}] for a variable of shape [${v.shape}]`);
    const o = out.data, a = v.data, b = x.data;
    if (attrs.mode === "assign") o.set(b);
    else if (attrs.mode === "add") for (let i = 0; i < o.length; i++) o[i] = a[i] + b[i];
    else for (let i = 0; i < o.length; i++) o[i] = a[i] - b[i];
  },
  grad: (node) => {
    throw new GraphError(`node '${q(node.name)}': no gradient through ${node.attrs.mode === "assign" ? "assign" : node.attrs.mode === "add" ? "assignAdd" : "assignSub"} (a stateful update)`, node.name);
  },
  jvp: () => {
    throw new GraphError("no tangent through an assign (a stateful update)");
  },
};

/** A scalar 0 that needs all its inputs (tf.group): fetching it runs them and their assigns. No gradient. */
export const groupOp: OpDef<{ serial: number }> = {
  arity: "variadic",
  shape: () => [],
  kernel: (_inputs, out) => { out.data[0] = 0; },
  grad: (node) => {
    throw new GraphError(`node '${q(node.name)}': no gradient through group`, node.name);
  },
  jvp: () => null,
};
