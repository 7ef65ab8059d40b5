// Second-order steps on a session's variables: exact Newton, saddle-free Newton (|H|, Dauphin et al. 2014),
// block-diagonal Newton from the tf.hessians blocks (each variable's block solved on its own), and Gauss–Newton
// (Jᵀ·H_out·J). Small n: dense matrices solved through their eigen-decomposition (a pseudo-inverse where singular);
// large n: conjugate gradient with curvature-vector products, never an n×n matrix.
import { GraphError } from "../errors.js";
import type { Node } from "../graph/graph.js";
import { tensor } from "../graph/tensor.js";
import { checkMemory, graphBudget, type MemoryBudget } from "../memory.js";
import { q } from "../messages.js";
import { symmetricEigenProjector } from "../curvature/eigen.js";
import { blockDiagonalOperator, type LinearOperator } from "../curvature/operator.js";
import type { FlatEntry } from "../autodiff/hessian.js";
import type { Feed, Session } from "../session/session.js";

/** The second-order methods newtonStep knows. */
export const NEWTON_METHODS = ["newton", "saddle-free", "block-newton", "gauss-newton"] as const;

/** One of NEWTON_METHODS. */
export type NewtonMethod = (typeof NEWTON_METHODS)[number];

/** Above this many parameters newtonStep uses conjugate gradient unless told otherwise. */
export const DENSE_LIMIT = 2000;

/** Options of newtonStep. */
export interface NewtonOptions {
  /** "newton" (default), "saddle-free", "block-newton" or "gauss-newton". */
  method?: NewtonMethod;
  /** The learning rate lr of θ ← θ − lr·M⁻¹g (default 1). */
  lr?: number;
  /** The damping λ added to the curvature's diagonal, M + λI (default 0). */
  damping?: number;
  /** For "gauss-newton": the network's output node (e.g. the logits). */
  output?: Node;
  /** "dense" (eigen-decomposition), "cg" (conjugate gradient), or "auto" (default: dense up to DENSE_LIMIT parameters). */
  solver?: "dense" | "cg" | "auto";
  /** CG's stopping tolerance on ‖r‖/‖g‖ (default 1e-12). */
  cgTol?: number;
  /** CG's iteration limit (default 2n). */
  cgMaxIter?: number;
}

/** A computed step: Δθ = −lr·M⁻¹g, flat in the Hessian's flatten order, with how it was found. */
export interface NewtonStep {
  method: NewtonMethod;
  solver: "dense" | "cg";
  n: number;
  layout: FlatEntry[];
  /** The flat gradient at the point. */
  gradient: Float64Array;
  /** Δθ, to be added to the variables (applyStep). */
  step: Float64Array;
  /** Dense: some eigenvalue of the damped matrix was zero (|μ| ≤ 1e-9·max|μ|) and the pseudo-inverse (least squares) was used. */
  pseudoInverse: boolean;
  /** Dense: the eigenvalues (ascending) of the damped curvature matrix solved with (per block for block-newton, concatenated). */
  eigenvalues?: Float64Array;
  /** CG: iterations, whether ‖r‖ ≤ cgTol·‖g‖ was reached, and whether a direction of non-positive curvature stopped it. */
  cg?: { iterations: number; converged: boolean; negativeCurvature: boolean };
}

/** Relative threshold below which an eigenvalue counts as zero (as compare's inertia). */
const ZERO = 1e-9;

/** Solves the symmetric system (A) x = g densely by eigen-decomposition; `abs` uses |eigenvalue| (saddle-free); zero eigenvalues are dropped (pseudo-inverse). */
function eigenSolve(a: Float64Array, n: number, g: Float64Array, damping: number, abs: boolean): { x: Float64Array; values: Float64Array; pseudo: boolean } {
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  const eig = symmetricEigenProjector(sym, n);
  const values = Float64Array.from(eig.values, (v) => (abs ? Math.abs(v) : v) + damping);
  let big = 0;
  for (const v of values) big = Math.max(big, Math.abs(v));
  const z = eig.toEigen(g);
  let pseudo = false;
  for (let k = 0; k < n; k++) {
    if (Math.abs(values[k]) <= ZERO * big) {
      z[k] = 0;
      pseudo = true;
    } else z[k] /= values[k];
  }
  return { x: eig.fromEigen(z), values: Float64Array.from(values).sort(), pseudo };
}

/** Conjugate gradient for (op + damping·I) x = b; stops at ‖r‖ ≤ tol·‖b‖, after maxIter, or at a direction of non-positive curvature. */
export async function conjugateGradient(op: LinearOperator, b: Float64Array, options: { damping?: number; tol?: number; maxIter?: number } = {}): Promise<{ x: Float64Array; iterations: number; converged: boolean; negativeCurvature: boolean }> {
  const n = op.n, damping = options.damping ?? 0, tol = options.tol ?? 1e-12, maxIter = options.maxIter ?? 2 * n;
  const x = new Float64Array(n), r = Float64Array.from(b), p = Float64Array.from(b);
  const dot = (u: Float64Array, v: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += u[i] * v[i]; return s; };
  let rr = dot(r, r);
  const stop = tol * Math.sqrt(rr);
  let it = 0;
  if (Math.sqrt(rr) <= stop || rr === 0) return { x, iterations: 0, converged: true, negativeCurvature: false };
  while (it < maxIter) {
    const ap = await op.apply(p, 1);
    for (let i = 0; i < n; i++) ap[i] += damping * p[i];
    const pap = dot(p, ap);
    if (!(pap > 0)) return { x, iterations: it, converged: false, negativeCurvature: true };
    const alpha = rr / pap;
    for (let i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * ap[i]; }
    it++;
    const rrNew = dot(r, r);
    if (Math.sqrt(rrNew) <= stop) return { x, iterations: it, converged: true, negativeCurvature: false };
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
  }
  return { x, iterations: it, converged: false, negativeCurvature: false };
}

/** The dense block (offset, size) of an operator: its products with the identity's columns of that block, in blocks of 64. */
async function denseBlock(op: LinearOperator, offset: number, size: number, budget: MemoryBudget): Promise<Float64Array> {
  const n = op.n;
  checkMemory(size * size * 8 + Math.min(size, 64) * n * 16, `the ${size}×${size} curvature block`, budget);
  const out = new Float64Array(size * size);
  for (let c0 = 0; c0 < size; c0 += 64) {
    const k = Math.min(64, size - c0);
    const eye = new Float64Array(k * n);
    for (let b = 0; b < k; b++) eye[b * n + offset + c0 + b] = 1;
    const cols = await op.apply(eye, k);
    for (let b = 0; b < k; b++) for (let i = 0; i < size; i++) out[i * size + c0 + b] = cols[b * n + offset + i];
  }
  return out;
}

/**
 * The step Δθ = −lr·(M + λI)⁻¹g of `method` for sum(loss) over the variables `xs` at their session values:
 * M the Hessian ("newton"), |H| ("saddle-free": eigenvalues replaced by their absolute values; dense only),
 * the per-variable diagonal blocks tf.hessians returns ("block-newton"), or Jᵀ·H_out·J ("gauss-newton", needs `output`).
 */
export async function newtonStep(session: Session, loss: Node, xs: Node[], feed: Feed, options: NewtonOptions = {}): Promise<NewtonStep> {
  const method = options.method ?? "newton";
  if (!(NEWTON_METHODS as readonly string[]).includes(method)) throw new GraphError(`newtonStep: method must be one of ${NEWTON_METHODS.join(", ")}, got '${q(String(method))}'`, "method");
  const lr = options.lr ?? 1, damping = options.damping ?? 0;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new GraphError(`newtonStep: lr must be a positive number, got ${lr}`, "lr");
  if (!(damping >= 0) || !Number.isFinite(damping)) throw new GraphError(`newtonStep: damping must be a non-negative number, got ${damping}`, "damping");
  if (method === "gauss-newton" && !options.output) throw new GraphError("newtonStep: gauss-newton needs the network's output node (options.output)", "output");
  const op = session.curvatureOperator(loss, xs, feed, method === "gauss-newton" ? { kind: "gauss-newton", output: options.output } : { kind: "hessian" });
  const n = op.n, g = op.gradient, layout = op.layout;
  const solver = options.solver === "dense" || options.solver === "cg" ? options.solver : method === "saddle-free" || n <= DENSE_LIMIT ? "dense" : "cg";
  if (solver === "cg" && method === "saddle-free") throw new GraphError("newtonStep: saddle-free needs the eigen-decomposition of H (solver 'dense')", "solver");
  const finish = (x: Float64Array, extra: Partial<NewtonStep>): NewtonStep => ({
    method, solver, n, layout, gradient: g, step: Float64Array.from(x, (v) => -lr * v), pseudoInverse: false, ...extra,
  });
  if (solver === "cg") {
    const cgOp: LinearOperator = method === "block-newton" ? blockDiagonalOperator(op, layout) : op;
    const r = await conjugateGradient(cgOp, g, { damping, tol: options.cgTol, maxIter: options.cgMaxIter });
    return finish(r.x, { cg: { iterations: r.iterations, converged: r.converged, negativeCurvature: r.negativeCurvature } });
  }
  if (method === "block-newton") {
    const x = new Float64Array(n), values: number[] = [];
    let pseudo = false;
    for (const b of layout) {
      const block = await denseBlock(op, b.offset, b.size, graphBudget(session.graph));
      const s = eigenSolve(block, b.size, g.subarray(b.offset, b.offset + b.size), damping, false);
      x.set(s.x, b.offset);
      values.push(...s.values);
      pseudo ||= s.pseudo;
    }
    return finish(x, { pseudoInverse: pseudo, eigenvalues: Float64Array.from(values) });
  }
  checkMemory(n * n * 8 * 3, `the ${n}×${n} curvature matrix and its eigen-decomposition`, graphBudget(session.graph));
  const m = method === "gauss-newton" ? await denseBlock(op, 0, n, graphBudget(session.graph)) : (await session.hessian(loss, xs, feed)).matrix;
  const s = eigenSolve(m, n, g, damping, method === "saddle-free");
  return finish(s.x, { pseudoInverse: s.pseudo, eigenvalues: s.values });
}

/** Adds a flat step (the Hessian's flatten order of `xs`) to the variables' session values, one session.assign per variable. */
export function applyStep(session: Session, xs: Node[], step: Float64Array): void {
  let offset = 0;
  for (const x of xs) {
    if (x.op !== "variable") throw new GraphError(`applyStep: '${q(x.name)}' is not a variable`, x.name);
    const t = session.variableValue(x);
    const data = Float64Array.from(t.data, (v, i) => v + step[offset + i]);
    offset += data.length;
    session.assign(x, tensor(data, [...t.shape]));
  }
  if (offset !== step.length) throw new GraphError(`applyStep: the step has ${step.length} entries, the variables ${offset}`, "step");
}
