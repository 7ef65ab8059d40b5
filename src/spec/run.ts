// Runs what a spec's `outputs` asks for: fetches, gradients, and the exact Hessian with its tf.hessians blocks.
import { gradients } from "../autodiff/gradients.js";
import { hessians, type FlatEntry } from "../autodiff/hessian.js";
import type { Node } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import { checkHessianMemory, type HessianMode, type HessianOptions } from "../session/hessian-runner.js";
import { Session } from "../session/session.js";
import type { WorkerPool } from "../session/worker-pool.js";
import { q } from "../messages.js";
import type { LoadedSpec } from "./build.js";

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
  /** The first NaN or ±Infinity in the results, and the node that produced it; undefined when every number is finite. */
  nonFinite?: NonFinite;
}

/** Options of runSpec. */
export interface RunOptions extends HessianOptions {
  /** Skip the Hessian even if the spec asks for it. */
  noHessian?: boolean;
  /** Worker threads for the Hessian (on Node: nodeThreads() from src/node.ts); without them it runs on the calling thread. */
  threads?: WorkerPool;
}

/** Runs a loaded spec. In rows mode tf_hessians come from the tf.hessians graph; in batched mode from the exact matrix's diagonal blocks (the same numbers). */
export async function runSpec(spec: LoadedSpec, options: RunOptions = {}): Promise<SpecResult> {
  // The Hessian's matrices are refused (if they cannot fit) before anything is computed.
  if (spec.hessian && !options.noHessian) checkHessianMemory(spec.hessian.ys, spec.hessian.xs, options.mode);
  const session = new Session(spec.graph, { threads: options.threads });
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
    const h = await session.hessian(spec.hessian.ys, spec.hessian.xs, spec.feed, options);
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
  result.nonFinite = findNonFinite(session, spec, [...spec.fetch, ...grads], result);
  // The caller's pool outlives this run: its workers drop this session's jobs (the session stays usable for tfHessian).
  if (options.threads) session.dispose();
  return result;
}

/** Where the first NaN or ±Infinity of a result comes from, if it has any (nothing is searched when all is finite). */
function findNonFinite(session: Session, spec: LoadedSpec, nodes: Node[], result: SpecResult): NonFinite | undefined {
  const bad = (a: Float64Array) => { for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return a[i]; return undefined; };
  const outputs = [...result.fetch, ...result.gradients].map((f) => f.value.data);
  const h = result.hessian;
  if (outputs.every((a) => bad(a) === undefined)) {
    if (!h) return undefined;
    let at = -1;
    for (let i = 0; i < h.exact.length; i++) if (!Number.isFinite(h.exact[i])) { at = i; break; }
    if (at < 0) return undefined;
    const hessianValue = h.exact[at];
    // The forward values and gradients are finite: the first non-finite entry is a second derivative.
    const where = `the Hessian's entry [${Math.floor(at / h.n)}, ${at % h.n}]`;
    return { node: where, value: hessianValue, message: `${where} is ${label(hessianValue)} (the values and gradients are finite)` };
  }
  const found = session.firstNonFinite(nodes, spec.feed);
  return found ? describe(spec, found.node, found.value) : undefined;
}

/** A non-finite value found in a run: the node that first produced it, the value, and a one-line message. */
export interface NonFinite {
  node: string;
  value: number;
  message: string;
}

function describe(spec: LoadedSpec, node: Node, value: number): NonFinite {
  // A spec name when the node has one; else the spec node whose expr holds it, or a node built by gradients().
  const name = [...spec.nodes].find(([, v]) => v === node)?.[0];
  if (name !== undefined) return { node: name, value, message: `node '${q(name)}' (${node.op}) produced ${label(value)}` };
  const owner = [...spec.nodes].filter(([, v]) => v.id > node.id && dependsOn(v, node)).sort((a, b) => a[1].id - b[1].id)[0]?.[0];
  const where = owner !== undefined ? `the ${node.op}(...) inside the expr of node '${q(owner)}'` : `the internal node '${node.name}' (${node.op}, built by gradients())`;
  return { node: owner ?? node.name, value, message: `${where} produced ${label(value)}` };
}

/** True when `node` is computed from `input` (an iterative walk up the inputs). */
function dependsOn(node: Node, input: Node): boolean {
  const seen = new Set<number>();
  const stack = [...node.inputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === input) return true;
    if (n.id < input.id || seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push(...n.inputs);
  }
  return false;
}

/** "NaN", "+Infinity" or "-Infinity". */
function label(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
}

/** The diagonal block of an n×n row-major matrix for one variable (what tf.hessians returns for it, flattened). */
export function diagonalBlock(m: Float64Array, n: number, { offset, size }: FlatEntry): Float64Array {
  const block = new Float64Array(size * size);
  for (let r = 0; r < size; r++) block.set(m.subarray((offset + r) * n + offset, (offset + r) * n + offset + size), r * size);
  return block;
}
