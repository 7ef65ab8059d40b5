// tf.gradients, the standard way (TF's gradients_util.py): keep the nodes between xs and ys,
// walk them in reverse creation order, sum the contributions reaching each node, and apply
// each op's gradient rule, which is itself built from graph ops.
import { GraphError } from "../errors.js";
import * as builders from "../graph/builders.js";
import { add, multiply, onesLike, zeros } from "../graph/builders.js";
import type { Node, NodeLike } from "../graph/graph.js";
import { formatShape, isStatic, type Shape } from "../graph/shape.js";
import { OPS } from "../ops/registry.js";
import { q } from "../messages.js";

/** Options of gradients(), as tf.gradients. */
export interface GradientsOptions {
  /** Initial cotangents for ys, each shaped like its y (nodes, or numbers/nested arrays lifted to constants; default or null: ones, i.e. the derivative of sum(ys)). */
  gradYs?: readonly (NodeLike | null)[];
  /** Nodes treated as constants: no gradient flows through them. */
  stopGradients?: Node[];
  /** What an x that ys do not depend on gets: null (default, as TF) or zeros shaped like x. */
  unconnected?: "none" | "zero";
}

/** Symbolic d(sum ys)/d(xs) with `unconnected: "zero"`: one gradient node per x, never null. */
export function gradients(ys: Node | readonly Node[], xs: readonly Node[], options: GradientsOptions & { unconnected: "zero" }): Node[];
/** Symbolic d(sum ys)/d(xs): one gradient node per x (null where unconnected, as tf.gradients' None), appended to the same graph. */
export function gradients(ys: Node | readonly Node[], xs: readonly Node[], options?: GradientsOptions): (Node | null)[];
export function gradients(ys: Node | readonly Node[], xs: readonly Node[], options: GradientsOptions = {}): (Node | null)[] {
  const yList = Array.isArray(ys) ? ys : [ys];
  if (yList.length === 0) throw new GraphError("gradients needs at least one y");
  const graph = yList[0].graph;
  for (const n of [...yList, ...xs, ...(options.stopGradients ?? [])]) graph.lift(n);
  if (options.gradYs && options.gradYs.length !== yList.length) throw new GraphError(`gradients: ${yList.length} ys but ${options.gradYs.length} gradYs`);
  const gradYs = yList.map((y, i) => {
    const given = options.gradYs?.[i];
    if (given === undefined || given === null) return onesLike(y);
    const gy = graph.lift(given);
    if (!compatibleShapes(gy.shape, y.shape)) throw new GraphError(`gradients: gradYs[${i}] has shape ${formatShape(gy.shape)}, but y '${q(y.name)}' has shape ${formatShape(y.shape)}`, y.name);
    return gy;
  });
  const stop = new Set((options.stopGradients ?? []).map((n) => n.id));
  const xIds = new Set(xs.map((x) => x.id));

  // Ancestors of ys (nodes ys may depend on), then those among them reachable from an x.
  const ancestors = new Map<number, Node>();
  const stack = [...yList];
  while (stack.length) {
    const n = stack.pop()!;
    if (ancestors.has(n.id)) continue;
    ancestors.set(n.id, n);
    if (!stop.has(n.id)) for (const i of n.inputs) if (!ancestors.has(i.id)) stack.push(i);
  }
  const ordered = [...ancestors.values()].sort((a, b) => a.id - b.id);
  const between = new Set<number>();
  for (const n of ordered) {
    if (stop.has(n.id) && !xIds.has(n.id)) continue;
    if (xIds.has(n.id) || n.inputs.some((i) => between.has(i.id))) between.add(n.id);
  }

  // Seed, then walk backwards summing contributions.
  const pending = new Map<number, Node[]>();
  const contribute = (n: Node, g: Node | null) => {
    if (!g || g.isZeros || !between.has(n.id)) return;
    const list = pending.get(n.id);
    if (list) list.push(g);
    else pending.set(n.id, [g]);
  };
  yList.forEach((y, i) => contribute(y, gradYs[i]));
  const result = new Map<number, Node>();
  for (let k = ordered.length - 1; k >= 0; k--) {
    const node = ordered[k];
    const parts = pending.get(node.id);
    if (!parts) continue;
    pending.delete(node.id);
    const dy = parts.reduce((acc, g) => add(acc, g));
    if (xIds.has(node.id)) result.set(node.id, dy);
    if (stop.has(node.id) || node.inputs.length === 0) continue;
    const def = OPS[node.op] as { grad(n: Node, dy: Node, attrs: unknown, b: typeof builders): (Node | null)[] };
    const grads = def.grad(node, dy, node.attrs, builders);
    node.inputs.forEach((input, i) => {
      const g = grads[i];
      if (g && !compatibleShapes(g.shape, input.shape)) {
        throw new GraphError(`node '${q(node.name)}': the ${node.op} gradient rule gave shape ${formatShape(g.shape)} for input '${q(input.name)}' of shape ${formatShape(input.shape)}`, node.name);
      }
      contribute(input, g);
    });
  }

  return xs.map((x) => {
    const g = result.get(x.id);
    if (g) return g;
    if (options.unconnected !== "zero") return null;
    return isStatic(x.shape) ? zeros(x, x.shape) : multiply(onesLike(x), 0);
  });
}

/** Same rank, and equal wherever both dims are known. */
function compatibleShapes(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}
