// Curvature products without the n×n matrix: Hessian-vector products by forward-over-reverse (dense
// tangents through the compiled gradient graph) and Gauss–Newton products Jᵀ·H_out·J·v (Schraudolph 2002),
// for one vector or a block of k at once. Memory O(k·n + plan); nothing n×n is ever allocated.
import { GraphError } from "../errors.js";
import { gradients } from "../autodiff/gradients.js";
import { flatLayout, type FlatEntry } from "../autodiff/hessian.js";
import { Node } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import type { Workspace } from "../kernels/workspace.js";
import { checkMemory } from "../memory.js";
import { q } from "../messages.js";
import { runTangents, TangentContext } from "./executor.js";
import { dependentXs } from "./hessian-options.js";
import { batchSize } from "./hessian-sizing.js";
import type { Plan } from "./plan.js";
import type { Feed, Session } from "./session.js";

/** Which curvature matrix an operator applies: the exact Hessian, or the Gauss–Newton matrix Jᵀ·H_out·J. */
export type CurvatureKind = "hessian" | "gauss-newton";

/** Options of Session.curvatureOperator. */
export interface CurvatureOptions {
  /** "hessian" (default) or "gauss-newton". */
  kind?: CurvatureKind;
  /** For "gauss-newton": the network's output node (e.g. the logits), through which the loss is split as L(z(x)). */
  output?: Node;
}

/** Options of Session.hvp. */
export interface HvpOptions {
  /** k, the number of vectors in the block (default: vectors.length / n). */
  count?: number;
}

/** A curvature matrix at one point (the forward pass done once), applied to blocks of vectors without ever forming it. */
export interface CurvatureOperator {
  /** Which matrix this is. */
  readonly kind: CurvatureKind;
  /** The side of the matrix: the total size of xs. */
  readonly n: number;
  /** Where each x sits in a vector (each x row-major, in xs order: the Hessian's flatten order). */
  readonly layout: FlatEntry[];
  /** The flat gradient of sum(y) over xs at the point. */
  readonly gradient: Float64Array;
  /** Products so far (k per call of apply with k vectors). */
  readonly hvps: number;
  /** M·v_i for a block of `count` vectors, batch-major (count×n in, count×n out). */
  apply(vectors: Float64Array, count?: number): Float64Array;
}

/** A dense Gauss–Newton matrix and where each x sits in it. */
export interface GaussNewtonResult {
  layout: FlatEntry[];
  n: number;
  /** Jᵀ·H_out·J, n×n row-major. */
  matrix: Float64Array;
  /** The flat gradient of sum(loss) over xs at the same point. */
  gradient: Float64Array;
}

/** The derivative graphs an operator's plan runs, built once per (y, xs[, output]) and kept by the session. */
interface CurvatureGraphs {
  /** ∂ sum(y)/∂x per x. */
  grads: Node[];
  /** Gauss–Newton only: ∂ sum(y)/∂z for the output z. */
  gz?: Node;
  /** Gauss–Newton only: the placeholder w (shaped like z) and jt_x = ∂<z, w>/∂x per x: Jᵀ·w, linear in w. */
  w?: Node;
  jt?: Node[];
}

/** A session's curvature operators' derivative graphs; owned by the Session, dropped by dispose(). */
export class CurvatureEngine {
  private graphs = new WeakMap<Node, Map<string, CurvatureGraphs>>();

  constructor(private readonly session: Session, private readonly workspace: Workspace) {}

  /** The operator of `options.kind` for sum(y) over xs at the point `feed` (and the session's variable values now). */
  operator(y: Node, xs: Node[], feed: Feed, options: CurvatureOptions = {}): CurvatureOperator {
    if (typeof options !== "object" || options === null) throw new GraphError(`curvatureOperator: options must be an object, got ${String(options)}`, "options");
    const kind = options.kind ?? "hessian";
    if (kind !== "hessian" && kind !== "gauss-newton") throw new GraphError(`curvatureOperator: options.kind must be "hessian" or "gauss-newton", got ${JSON.stringify(kind) ?? String(kind)}`, "kind");
    if (!(y instanceof Node)) throw new GraphError("curvatureOperator: y must be a node", "y");
    if (!Array.isArray(xs) || xs.length === 0 || xs.some((x) => !(x instanceof Node))) throw new GraphError("curvatureOperator: xs must be a non-empty array of nodes", "xs");
    const layout = flatLayout(xs);
    if (kind === "hessian") return this.hessianOperator(y, xs, layout, feed);
    const output = options.output;
    if (!(output instanceof Node)) throw new GraphError(`curvatureOperator: kind "gauss-newton" needs options.output, the network's output node (e.g. the logits)`, "output");
    return this.gaussNewtonOperator(y, output, xs, layout, feed);
  }

  /** Forgets the derivative graphs (the nodes stay in the graph, which is append-only). */
  dispose(): void {
    this.graphs = new WeakMap();
  }

  private cached(y: Node, key: string, make: () => CurvatureGraphs): CurvatureGraphs {
    let byKey = this.graphs.get(y);
    if (!byKey) this.graphs.set(y, (byKey = new Map()));
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = make()));
    return g;
  }

  private hessianOperator(y: Node, xs: Node[], layout: FlatEntry[], feed: Feed): CurvatureOperator {
    const graphs = this.cached(y, `h|${xs.map((x) => x.id).join(",")}`, () => ({ grads: gradients(y, xs, { unconnected: "zero" }) }));
    const { plan, values } = this.forward([...graphs.grads, ...xs], feed);
    const gradSteps = plan.fetchSteps.slice(0, xs.length);
    const xSteps = plan.fetchSteps.slice(xs.length, 2 * xs.length);
    return new Operator("hessian", plan, values, layout, new TangentContext(plan, this.workspace), gradSteps, (ctx, seedBlock, B, out) => {
      // H·v = d/dε ∇f(x + ε v): the tangent of the gradient nodes, all xs seeded with their slices of v.
      // When an x is computed from another x (or appears twice), seeding them together would let one x's seed
      // overwrite the tangent flowing into it from the other; H's columns are one x's tangent each, so the
      // product is then the sum of one pass per x (linearity): the Hessian that session.hessian returns, times v.
      const groups = dependentXs(xs) || new Set(xs.map((x) => x.id)).size < xs.length ? layout.map((_, k) => [k]) : [layout.map((_, k) => k)];
      for (const group of groups) {
        const tangents = runTangents(ctx, { values, seeds: new Map(group.map((k) => [xSteps[k], seedBlock(k)])), batch: B, outputs: gradSteps });
        addBlocks(tangents, layout, B, out);
        for (const t of new Set(tangents)) if (t) ctx.release(t);
      }
    });
  }

  private gaussNewtonOperator(loss: Node, output: Node, xs: Node[], layout: FlatEntry[], feed: Feed): CurvatureOperator {
    if (output.graph !== loss.graph) throw new GraphError(`gauss-newton: the output '${q(output.name)}' is not in the loss's graph`, output.name);
    if (!dependsOn(loss, output)) throw new GraphError(`gauss-newton: the loss '${q(loss.name)}' does not depend on the output '${q(output.name)}'`, output.name);
    if (xs.includes(output)) throw new GraphError(`gauss-newton: the output '${q(output.name)}' is also one of the xs`, output.name);
    if (dependentXs(xs)) {
      const x = xs.find((a) => xs.some((b) => b !== a && dependsOn(a, b)))!;
      throw new GraphError(`gauss-newton: x '${q(x.name)}' is computed from another x; Gauss–Newton products need independent xs`, x.name);
    }
    const graphs = this.cached(loss, `gn|${output.id}|${xs.map((x) => x.id).join(",")}`, () => {
      const w = output.graph.placeholder(output.shape);
      return {
        grads: gradients(loss, xs, { unconnected: "zero" }),
        gz: gradients(loss, [output], { unconnected: "zero" })[0],
        w,
        jt: gradients(output, xs, { gradYs: [w], unconnected: "zero" }),
      };
    });
    // w's value does not matter (jt is linear in it; only its tangent is used): zeros of the output's fed shape.
    const fed = this.session.resolveFeed(feed);
    const feedNodes = new Map<Node, Tensor>([...fed].map(([id, t]) => [loss.graph.nodes[id], t]));
    const probe = this.session.evaluate([output], feedNodes).plan;
    const outShape = probe.steps[probe.fetchSteps[0]].shape;
    const outSize = outShape.reduce((a, b) => a * b, 1);
    feedNodes.set(graphs.w!, { shape: [...outShape], data: new Float64Array(outSize) });
    const m = xs.length;
    const { plan, values } = this.forward([...graphs.grads, graphs.gz!, ...graphs.jt!, output, ...xs, graphs.w!], feedNodes);
    const f = plan.fetchSteps;
    const gradSteps = f.slice(0, m), gzStep = f[m], jtSteps = f.slice(m + 1, 2 * m + 1), outStep = f[2 * m + 1], xSteps = f.slice(2 * m + 2, 3 * m + 2), wStep = f[3 * m + 2];
    const groups = new Set(xs.map((x) => x.id)).size < xs.length ? layout.map((_, k) => [k]) : [layout.map((_, k) => k)];
    return new Operator("gauss-newton", plan, values, layout, new TangentContext(plan, this.workspace), gradSteps, (ctx, seedBlock, B, out) => {
      // u = J·v: forward tangents of the output z, the xs seeded with v (one pass per x for a repeated x: J v = Σ_k J_k v_k).
      let u: Float64Array | null = null;
      for (const group of groups) {
        const [t] = runTangents(ctx, { values, seeds: new Map(group.map((k) => [xSteps[k], seedBlock(k)])), batch: B, outputs: [outStep] });
        if (t && u) { for (let i = 0; i < u.length; i++) u[i] += t[i]; ctx.release(t); } else if (t) u = t;
      }
      if (!u) return; // the output does not depend on xs: J = 0
      // h = H_out·u = d/dε ∂L/∂z (z + ε u): the tangent of ∂L/∂z with z itself seeded (z treated as the variable).
      const [h] = runTangents(ctx, { values, seeds: new Map([[outStep, u]]), batch: B, outputs: [gzStep] });
      if (!h) return; // L is linear in z: H_out = 0
      // Jᵀ·h: jt = ∂<z, w>/∂x = Jᵀ·w is linear in w, so its tangent along w seeded with h is Jᵀ·h.
      const tangents = runTangents(ctx, { values, seeds: new Map([[wStep, h]]), batch: B, outputs: jtSteps });
      addBlocks(tangents, layout, B, out);
      for (const t of new Set(tangents)) if (t) ctx.release(t);
    });
  }

  /** Runs the plan keeping all forward values, and copies them: the operator keeps its point even if the session runs the same plan elsewhere. */
  private forward(fetches: Node[], feed: Feed): { plan: Plan; values: Tensor[] } {
    const { plan, tensors } = this.session.evaluate(fetches, feed, true);
    const copies = new Map<Float64Array, Float64Array>();
    const values = tensors.map((t) => {
      let c = copies.get(t.data);
      if (!c) copies.set(t.data, (c = Float64Array.from(t.data)));
      return { shape: t.shape, data: c };
    });
    return { plan, values };
  }
}

/** One block of B vectors: `seedBlock(k)` gives x_k's B×size_k slice of them; the product is added into `out` (B×n, zeroed). */
type BlockProduct = (ctx: TangentContext, seedBlock: (k: number) => Float64Array, B: number, out: Float64Array) => void;

class Operator implements CurvatureOperator {
  readonly n: number;
  readonly gradient: Float64Array;
  private count = 0;
  private readonly batch: number;

  constructor(readonly kind: CurvatureKind, plan: Plan, values: Tensor[], readonly layout: FlatEntry[], private readonly ctx: TangentContext, gradSteps: number[], private readonly product: BlockProduct) {
    this.n = layout.reduce((s, e) => s + e.size, 0);
    this.gradient = new Float64Array(this.n);
    layout.forEach((e, k) => this.gradient.set(values[gradSteps[k]].data, e.offset));
    this.batch = batchSize(plan, undefined);
  }

  get hvps(): number {
    return this.count;
  }

  apply(vectors: Float64Array, count?: number): Float64Array {
    const n = this.n;
    if (!(vectors instanceof Float64Array)) throw new GraphError(`${this.kind} products: vectors must be a Float64Array (count×n, batch-major)`, "vectors");
    const k = count ?? vectors.length / n;
    if (!(Number.isInteger(k) && k >= 1)) throw new GraphError(`${this.kind} products: count must be a positive integer, got ${count ?? `${vectors.length}/${n}`}`, "count");
    if (vectors.length !== k * n) throw new GraphError(`${this.kind} products: ${k} vector(s) of n = ${n} need ${k * n} numbers, got ${vectors.length}`, "vectors");
    checkMemory(2 * k * n * 8, `${k} curvature products of size ${n}`);
    const out = new Float64Array(k * n);
    for (let c0 = 0; c0 < k; c0 += this.batch) {
      const B = Math.min(this.batch, k - c0);
      const seedBlock = (j: number): Float64Array => {
        const { offset, size } = this.layout[j];
        const seed = this.ctx.alloc(B * size, false);
        for (let b = 0; b < B; b++) seed.set(vectors.subarray((c0 + b) * n + offset, (c0 + b) * n + offset + size), b * size);
        return seed;
      };
      this.product(this.ctx, seedBlock, B, out.subarray(c0 * n, (c0 + B) * n));
    }
    this.count += k;
    return out;
  }
}

/** Adds the tangents of the per-x outputs (B×size_k each, null = zero) into their places in B rows of length n. */
function addBlocks(tangents: readonly (Float64Array | null)[], layout: FlatEntry[], B: number, out: Float64Array): void {
  const n = layout.reduce((s, e) => s + e.size, 0);
  tangents.forEach((t, k) => {
    if (!t) return;
    const { offset, size } = layout[k];
    for (let b = 0; b < B; b++) {
      const row = b * n + offset, src = b * size;
      for (let i = 0; i < size; i++) out[row + i] += t[src + i];
    }
  });
}

/** True when `node` is `of` or computed from it. */
function dependsOn(node: Node, of: Node): boolean {
  const seen = new Set<number>();
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.id === of.id) return true;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push(...n.inputs);
  }
  return false;
}

/**
 * The dense n×n Gauss–Newton matrix Jᵀ·H_out·J of sum(loss) split at `output` (for small n), built from
 * blocks of products with the identity's rows: column j is G·e_j (G is symmetric, written as columns all the same).
 */
export function gaussNewtonMatrix(session: Session, loss: Node, output: Node, xs: Node[], feed: Feed): Promise<GaussNewtonResult> {
  const op = session.curvatureOperator(loss, xs, feed, { kind: "gauss-newton", output });
  const n = op.n;
  checkMemory(n * n * 8, `the ${n}×${n} Gauss–Newton matrix`);
  const matrix = new Float64Array(n * n);
  const BLOCK = 64;
  for (let c0 = 0; c0 < n; c0 += BLOCK) {
    const k = Math.min(BLOCK, n - c0);
    const eye = new Float64Array(k * n);
    for (let b = 0; b < k; b++) eye[b * n + c0 + b] = 1;
    const cols = op.apply(eye, k);
    for (let b = 0; b < k; b++) for (let i = 0; i < n; i++) matrix[i * n + c0 + b] = cols[b * n + i];
  }
  return Promise.resolve({ layout: op.layout, n, matrix, gradient: op.gradient });
}
