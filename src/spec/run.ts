// Runs what a spec's `outputs` asks for: fetches, gradients, and the exact Hessian with its tf.hessians blocks.
import { gradients } from "../autodiff/gradients.js";
import { hessians, type FlatEntry } from "../autodiff/hessian.js";
import type { Node } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import { computeHessian, type HessianMode, type HessianOptions } from "../session/hessian-runner.js";
import { Session } from "../session/session.js";
import type { LoadedSpec } from "./load.js";

/** The numbers a spec's outputs ask for. */
export interface SpecResult {
  name: string;
  fetch: { name: string; value: Tensor }[];
  gradients: { name: string; value: Tensor }[];
  hessian?: {
    layout: FlatEntry[];
    n: number;
    /** n×n, row-major, in the flatten order of xs. */
    exact: Float64Array;
    /** The flat gradient over the Hessian's xs. */
    gradient: Float64Array;
    /** tf.hessians' block for x number k: size×size, row-major, to be shaped x.shape ++ x.shape (made on demand: blocks can be large). */
    tfHessian(k: number): Float64Array;
    mode: HessianMode;
    workers: number;
    ms: number;
  };
}

/** Options of runSpec. */
export interface RunOptions extends HessianOptions {
  /** Skip the Hessian even if the spec asks for it. */
  noHessian?: boolean;
}

/** Runs a loaded spec. In rows mode tf_hessians come from the tf.hessians graph; in batched mode from the exact matrix's diagonal blocks (the same numbers). */
export async function runSpec(spec: LoadedSpec, options: RunOptions = {}): Promise<SpecResult> {
  const session = new Session(spec.graph);
  const grads: Node[] = spec.gradients ? (gradients(spec.gradients.ys, spec.gradients.xs, { unconnected: "zero" }) as Node[]) : [];
  const fetched = session.run([spec.fetch, grads], spec.feed);
  const name = (n: Node) => [...spec.nodes].find(([, v]) => v === n)?.[0] ?? n.name;
  const result: SpecResult = {
    name: spec.doc.name,
    fetch: spec.fetch.map((n, i) => ({ name: spec.doc.outputs.fetch![i] ?? name(n), value: fetched[0][i] })),
    gradients: grads.map((_, i) => ({ name: spec.doc.outputs.gradients!.xs[i], value: fetched[1][i] })),
  };
  if (spec.hessian && !options.noHessian) {
    const t0 = performance.now();
    const h = await computeHessian(session, spec.hessian.ys, spec.hessian.xs, spec.feed, options);
    const ms = performance.now() - t0;
    let tfHessian: (k: number) => Float64Array;
    if (h.mode === "rows") {
      // The tf.hessians graph is built and run only if a block is asked for (it is as big as the rows graph).
      let blocks: Float64Array[] | undefined;
      tfHessian = (k) => (blocks ??= session.run(hessians(spec.hessian!.ys, spec.hessian!.xs), spec.feed).map((t) => t.data))[k];
    } else {
      tfHessian = (k) => diagonalBlock(h.matrix, h.n, h.layout[k]);
    }
    result.hessian = { layout: h.layout.map((e, i) => ({ ...e, name: spec.doc.outputs.hessian!.xs[i] })), n: h.n, exact: h.matrix, gradient: h.gradient, tfHessian, mode: h.mode, workers: h.workers, ms };
  }
  return result;
}

/** The diagonal block of an n×n row-major matrix for one variable (what tf.hessians returns for it, flattened). */
export function diagonalBlock(m: Float64Array, n: number, { offset, size }: FlatEntry): Float64Array {
  const block = new Float64Array(size * size);
  for (let r = 0; r < size; r++) block.set(m.subarray((offset + r) * n + offset, (offset + r) * n + offset + size), r * size);
  return block;
}
