// Compile: keep only what the fetches need, put it in creation order (a valid execution order),
// resolve every shape for the fed sizes, and assign reusable buffers by liveness.
import { FeedError, HessflowError } from "../errors.js";
import { checkMemory, graphBudget } from "../memory.js";
import type { Node } from "../graph/graph.js";
import { formatShape, sizeOf } from "../graph/shape.js";
import { OPS } from "../ops/registry.js";
import type { OpName } from "../ops/types.js";
import { q } from "../messages.js";

/** One step of a compiled plan: plain data, so it can be sent to a worker thread. */
export interface Step {
  readonly op: OpName;
  readonly name: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Indices of the input steps. */
  readonly inputs: readonly number[];
  /** Concrete output shape. */
  readonly shape: readonly number[];
  /** Buffer slot holding the output (−1 for sources, whose values the session holds, and for aliases). */
  readonly slot: number;
  /** When ≥ 0, this step's output is that input step's data unchanged (a reshape, or a broadcast/sum that is a no-op at the fed shapes). */
  readonly alias: number;
}

/** A compiled, shape-resolved, ordered program for a set of fetches. */
export interface Plan {
  readonly steps: readonly Step[];
  /** Element count of each buffer slot. */
  readonly slotSizes: readonly number[];
  /** Step index of each fetch, in fetch order. */
  readonly fetchSteps: readonly number[];
  /** Graph node id of each step. */
  readonly nodeIds: readonly number[];
}

/** Ops whose output is their first input's data, reshaped at most. */
const ALIAS_OPS = new Set<OpName>(["reshape", "reshape_like", "expand_dims", "identity", "stop_gradient"]);

/**
 * Compiles the fetches for the given placeholder shapes. With `keepAll`, every step gets its own
 * buffer (the vectorised Hessian needs all forward values); otherwise buffers are reused once dead.
 */
export function compilePlan(fetches: readonly Node[], feedShapes: ReadonlyMap<number, readonly number[]>, keepAll = false): Plan {
  // Nodes the fetches need, in creation order.
  const needed = new Map<number, Node>();
  const stack = [...fetches];
  while (stack.length) {
    const n = stack.pop()!;
    if (needed.has(n.id)) continue;
    needed.set(n.id, n);
    for (const i of n.inputs) if (!needed.has(i.id)) stack.push(i);
  }
  const order = [...needed.values()].sort((a, b) => a.id - b.id);
  const index = new Map<number, number>();
  order.forEach((n, i) => index.set(n.id, i));

  // Concrete shapes.
  const shapes: number[][] = [];
  for (const n of order) {
    let shape: number[];
    if (n.op === "placeholder") {
      const fed = feedShapes.get(n.id);
      if (!fed) throw new FeedError(`placeholder '${q(n.name)}' must be fed (shape ${formatShape(n.shape)})`, n.name);
      if (fed.length !== n.shape.length || n.shape.some((d, i) => d !== null && d !== fed[i])) {
        throw new FeedError(`feed for '${q(n.name)}' has shape [${fed.join(", ")}], expected ${formatShape(n.shape)}`, n.name);
      }
      shape = [...fed];
    } else if (n.op === "variable" || n.op === "constant") {
      shape = [...n.value!.shape];
    } else {
      const def = OPS[n.op] as { shape(i: readonly (readonly number[])[], a: unknown, name: string): (number | null)[] };
      let s: (number | null)[];
      try {
        s = def.shape(n.inputs.map((i) => shapes[index.get(i.id)!]), n.attrs, n.name);
      } catch (e) {
        if (e instanceof HessflowError) throw new FeedError(`${e.message} (with the fed shapes)`, n.name);
        throw e;
      }
      if (s.some((d) => d === null)) throw new FeedError(`node '${q(n.name)}': shape could not be resolved at run time`, n.name);
      shape = s as number[];
    }
    shapes.push(shape);
  }

  // Steps that only relabel their input's data share its buffer.
  const alias = order.map((n, i) => {
    if (n.inputs.length === 0) return -1;
    const src = index.get(n.inputs[0].id)!;
    if (ALIAS_OPS.has(n.op)) {
      if (sizeOf(shapes[src]) !== sizeOf(shapes[i])) {
        throw new FeedError(`node '${q(n.name)}': cannot reshape [${shapes[src].join(", ")}] (${sizeOf(shapes[src])} elements) to [${shapes[i].join(", ")}] with the fed shapes`, n.name);
      }
      return src;
    }
    const same = shapes[src].length === shapes[i].length && shapes[src].every((d, k) => d === shapes[i][k]);
    return (n.op === "sum_to_like" || n.op === "broadcast_like") && same ? src : -1;
  });

  // Buffer slots by liveness: a buffer is free once its last reader (or a reader of an alias of it) has run.
  const lastUse = order.map((_, i) => i);
  order.forEach((n, i) => n.inputs.forEach((inp) => (lastUse[index.get(inp.id)!] = i)));
  const fetchSteps = fetches.map((f) => index.get(f.id)!);
  for (const f of fetchSteps) lastUse[f] = Infinity;
  for (let i = order.length - 1; i >= 0; i--) if (alias[i] >= 0) lastUse[alias[i]] = Math.max(lastUse[alias[i]], lastUse[i]);
  const slotSizes: number[] = [];
  const free = new Map<number, number[]>();
  const slots: number[] = new Array(order.length).fill(-1);
  const owner = (k: number): number => (alias[k] >= 0 ? owner(alias[k]) : k); // the step whose buffer k's data is
  const release = (k: number) => {
    const size = slotSizes[slots[k]];
    const list = free.get(size);
    if (list) list.push(slots[k]);
    else free.set(size, [slots[k]]);
  };
  order.forEach((n, i) => {
    if (n.inputs.length === 0 || alias[i] >= 0) return; // sources come from the session; aliases share a buffer
    const size = sizeOf(shapes[i]);
    let slot = keepAll ? undefined : free.get(size)?.pop();
    if (slot === undefined) { slot = slotSizes.length; slotSizes.push(size); }
    slots[i] = slot;
    if (keepAll) return;
    // Buffers read for the last time here (directly or through an alias) are free from the next step on.
    for (const k of new Set(n.inputs.map((x) => owner(index.get(x.id)!)))) if (lastUse[k] === i && slots[k] >= 0) release(k);
    if (lastUse[i] === i) release(i);
  });
  const bytes = slotSizes.reduce((s, n) => s + n, 0) * 8;
  checkMemory(bytes, `running ${fetches.length === 1 ? `'${q(fetches[0].name)}'` : `${fetches.length} fetches`}`, graphBudget(fetches[0]?.graph));

  const steps: Step[] = order.map((n, i) => ({
    op: n.op, name: n.name, attrs: n.attrs, inputs: n.inputs.map((x) => index.get(x.id)!), shape: shapes[i], slot: slots[i], alias: alias[i],
  }));
  return { steps, slotSizes, fetchSteps, nodeIds: order.map((n) => n.id) };
}
