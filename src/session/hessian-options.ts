// The Hessian's options and result types, the options check and the up-front memory check.
import { GraphError } from "../errors.js";
import { flatLayout, type FlatEntry } from "../autodiff/hessian.js";
import type { Node } from "../graph/graph.js";
import { checkMemory, graphBudget, type MemoryBudget } from "../memory.js";
import { OPS } from "../ops/registry.js";

/** How to compute a Hessian. */
export type HessianMode = "rows" | "batched";

/** Options of computeHessian and Session.hessian. */
export interface HessianOptions {
  /** "batched" (default, fast) or "rows" (the tutorial's algorithm). */
  mode?: HessianMode;
  /** Worker threads for batched mode: a number, or "auto" (default) to use them when n is large enough (only with a session given threads). */
  workers?: number | "auto";
  /** Directions per tangent batch (default: 64, fewer for big layers so each tangent buffer stays under 4 MB). */
  batch?: number;
  /** Called in batched mode as rows are handed out: (rows started, n). For a progress display; the numbers do not depend on it. */
  onProgress?: (rows: number, n: number) => void;
}

/** A computed Hessian: the flatten layout of xs and the n×n matrix, row-major. */
export interface HessianResult {
  layout: FlatEntry[];
  n: number;
  matrix: Float64Array;
  /** The flat gradient of y over xs at the same point. */
  gradient: Float64Array;
  mode: HessianMode;
  workers: number;
}

/** Throws a one-line GraphError naming the option unless mode is "rows" | "batched", workers a positive integer or "auto", batch a positive integer. */
export function checkHessianOptions(options: HessianOptions): void {
  if (typeof options !== "object" || options === null) throw new GraphError(`computeHessian: options must be an object, got ${JSON.stringify(options)}`, "options");
  const { mode, workers, batch } = options;
  if (mode !== undefined && mode !== "rows" && mode !== "batched") throw new GraphError(`computeHessian: options.mode must be "rows" or "batched", got ${show(mode)}`, "mode");
  if (workers !== undefined && workers !== "auto" && !(Number.isInteger(workers) && workers >= 1)) throw new GraphError(`computeHessian: options.workers must be a positive integer or "auto", got ${show(workers)}`, "workers");
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) throw new GraphError(`computeHessian: options.batch must be a positive integer, got ${show(batch)}`, "batch");
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/**
 * Refuses, before anything is computed, a Hessian whose matrices cannot fit in memory: the n×n result,
 * and a second n×n copy where the mode makes one (rows: the plan's output buffer; an asymmetric Hessian: the columns).
 */
export function checkHessianMemory(y: Node, xs: Node[], mode: HessianMode = "batched", budget: MemoryBudget = graphBudget(xs[0]?.graph)): void {
  const n = flatLayout(xs).reduce((s, e) => s + e.size, 0);
  const copies = mode === "rows" || asymmetricHessian(y, xs) ? 2 : 1;
  checkMemory(copies * n * n * 8, `the ${n}×${n} Hessian${copies > 1 ? " (two copies in this mode)" : ""}`, budget);
}

/**
 * True when the Hessian of tf.gradients may not be symmetric, so no triangle may be mirrored: some x is
 * computed from another x, or an op whose rule skews its mixed partials (see OpDef.skewedMixedPartials,
 * e.g. pow) has two inputs that depend on the xs, on the way from the xs to y.
 */
export function asymmetricHessian(y: Node, xs: Node[]): boolean {
  if (dependentXs(xs)) return true;
  const ids = new Set(xs.map((x) => x.id));
  const depends = new Map<number, boolean>();
  // Ancestors of y, children before parents are settled: an iterative post-order walk.
  const stack: [Node, boolean][] = [[y, false]];
  while (stack.length) {
    const [n, expanded] = stack.pop()!;
    if (depends.has(n.id)) continue;
    if (!expanded && !ids.has(n.id)) {
      stack.push([n, true]);
      for (const i of n.inputs) if (!depends.has(i.id)) stack.push([i, false]);
      continue;
    }
    const fromXs = n.inputs.filter((i) => depends.get(i.id)).length;
    if (fromXs >= 2 && (OPS[n.op] as { skewedMixedPartials?: boolean }).skewedMixedPartials) return true;
    depends.set(n.id, ids.has(n.id) || fromXs > 0);
  }
  return false;
}

/** True when some x is computed from another x (then the Hessian of tf.gradients is not symmetric). */
export function dependentXs(xs: Node[]): boolean {
  const ids = new Set(xs.map((x) => x.id));
  for (const x of xs) {
    const seen = new Set<number>();
    const stack = [...x.inputs];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      if (ids.has(n.id)) return true;
      stack.push(...n.inputs);
    }
  }
  return false;
}
