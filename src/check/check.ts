// checkGradients: symbolic derivatives against central finite differences in float64, as TF's
// gradient_checker and autograd's check_grads(order=2). Order 1 compares gradients() with differences
// of the function; order 2 compares the Hessian from computeHessian with differences of the gradient.
// Differences are central with one Richardson extrapolation step (error O(h⁴)): with the default step
// they are accurate to about 1e-10 relative on smooth functions, far below the default tolerance.
import { gradients as symbolicGradients } from "../autodiff/gradients.js";
import { GraphError } from "../errors.js";
import type { Node } from "../graph/graph.js";
import { toTensor, type NestedArray, type Tensor } from "../graph/tensor.js";
import { q } from "../messages.js";
import { computeHessian, type HessianOptions } from "../session/hessian-runner.js";
import { Session, type Feed } from "../session/session.js";

/** Options of checkGradients; mode, workers and batch are computeHessian's, for the order-2 Hessian (default mode "batched"). */
export interface CheckOptions extends HessianOptions {
  /** Highest derivative order to check: 1 (gradients) or 2 (gradients and the Hessian; default). */
  order?: 1 | 2;
  /** Base finite-difference step, scaled by max(1, |x|) per coordinate (default 1e-4; Richardson uses eps and eps/2). */
  eps?: number;
  /** The session to run in (default: a new one on y's graph); its variable values are the point checked, and are restored afterwards. */
  session?: Session;
  /** The symbolic gradient to check (default: gradients(y, xs, {unconnected: "zero"})); order 2 differentiates it numerically as its reference. */
  gradients?: (y: Node, xs: Node[]) => Node[];
}

/** The largest error of one variable at one order, and where it is. */
export interface CheckEntry {
  /** The variable's (or placeholder's) name. */
  x: string;
  /** 1: the gradient's entries for x; 2: the Hessian's rows for x (all columns). */
  order: 1 | 2;
  /** max over the entries of |symbolic − numeric| / max(1, |numeric|) (Infinity when either is NaN). */
  maxError: number;
  /** The element of x (its multi-index) where the largest error is. */
  at: number[];
  /** Order 2: the Hessian column of the largest error, as a variable and its element. */
  wrt?: { x: string; at: number[] };
  /** The symbolic value there. */
  symbolic: number;
  /** The finite-difference value there. */
  numeric: number;
}

/** What checkGradients found: one entry per variable and order (order 1 entries first, in xs order). */
export interface CheckReport {
  /** The number of flattened parameters. */
  n: number;
  /** The highest order checked. */
  order: 1 | 2;
  /** The base finite-difference step used. */
  eps: number;
  /** One per variable and order. */
  entries: CheckEntry[];
  /** The entry with the largest error. */
  worst: CheckEntry;
  /** worst.maxError. */
  maxError: number;
}

/**
 * Checks the derivatives of sum(y) with respect to xs (variables, or placeholders given in feed) at
 * the current point against central finite differences in float64; never throws on a mismatch.
 */
export async function checkGradients(y: Node, xs: Node[], feed: Feed = {}, options: CheckOptions = {}): Promise<CheckReport> {
  const order = options.order ?? 2;
  const eps = options.eps ?? 1e-4;
  if (order !== 1 && order !== 2) throw new GraphError(`checkGradients: order must be 1 or 2, got ${q(order)}`);
  if (!(eps > 0 && Number.isFinite(eps))) throw new GraphError(`checkGradients: eps must be a positive number, got ${q(eps)}`);
  if (xs.length === 0) throw new GraphError("checkGradients: xs is empty");
  const session = options.session ?? new Session(y.graph);
  const fed = new Map<Node, NestedArray | Tensor>(feed instanceof Map ? feed : Object.entries(feed).map(([name, v]) => [y.graph.get(name), v]));

  // The point: each x's value (a variable's current value, a placeholder's feed), flattened in xs order.
  const start = xs.map((x) => {
    if (x.op === "variable") return session.variableValue(x);
    if (x.op === "placeholder") {
      if (!fed.has(x)) throw new GraphError(`checkGradients: placeholder '${q(x.name)}' in xs has no feed`, x.name);
      return toTensor(fed.get(x), `feed '${q(x.name)}'`, x.name);
    }
    throw new GraphError(`checkGradients: '${q(x.name)}' is a ${x.op}; xs must be variables or fed placeholders`, x.name);
  });
  const sizes = start.map((t) => t.data.length);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const n = sizes.reduce((a, b) => a + b, 0);
  const x0 = new Float64Array(n);
  start.forEach((t, k) => x0.set(t.data, offsets[k]));
  const setX = (x: Float64Array) => xs.forEach((v, k) => {
    const t = { shape: [...start[k].shape], data: x.slice(offsets[k], offsets[k] + sizes[k]) };
    if (v.op === "variable") session.assign(v, t);
    else fed.set(v, t);
  });
  const run = (nodes: Node[]) => (x: Float64Array): Float64Array => {
    setX(x);
    const ts = session.run(nodes, fed) as Tensor[];
    const flat = new Float64Array(ts.reduce((s, t) => s + t.data.length, 0));
    let o = 0;
    for (const t of ts) { flat.set(t.data, o); o += t.data.length; }
    return flat;
  };
  const sumOf = (nodes: Node[]) => (x: Float64Array) => Float64Array.of(run(nodes)(x).reduce((s, v) => s + v, 0));
  // Which x, and which element of it, flat index i is.
  const where = (i: number) => {
    let k = 0;
    while (k + 1 < offsets.length && offsets[k + 1] <= i) k++;
    return { k, at: multiIndex(i - offsets[k], start[k].shape) };
  };

  const entries: CheckEntry[] = [];
  try {
    const grads = (options.gradients ?? ((yy, xx) => symbolicGradients(yy, xx, { unconnected: "zero" })))(y, xs);
    const gSym = run(grads)(x0);
    if (gSym.length !== n) throw new GraphError(`checkGradients: the gradient has ${gSym.length} values for ${n} parameters`);
    const gNum = finiteDifferenceJacobian(sumOf([y]), x0, eps); // 1×n
    xs.forEach((x, k) => entries.push({ x: x.name, order: 1, ...largestError(gSym, gNum, offsets[k], sizes[k], (i) => ({ at: where(i).at })) }));

    if (order === 2) {
      // Row r of the Hessian is ∂g/∂x_r: the transposed Jacobian of the gradient (the same when it is symmetric).
      const jac = finiteDifferenceJacobian(run(grads), x0, eps); // jac[r*n + c] = ∂g_r/∂x_c
      const hNum = new Float64Array(n * n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) hNum[c * n + r] = jac[r * n + c];
      setX(x0);
      const hSym = (await computeHessian(session, y, xs, fed, { mode: options.mode ?? "batched", workers: options.workers, batch: options.batch })).matrix;
      xs.forEach((x, k) => entries.push({
        x: x.name, order: 2,
        ...largestError(hSym, hNum, offsets[k] * n, sizes[k] * n, (i) => {
          const col = where(i % n);
          return { at: where(Math.floor(i / n)).at, wrt: { x: xs[col.k].name, at: col.at } };
        }),
      }));
    }
  } finally {
    setX(x0);
  }
  const worst = entries.reduce((a, b) => (b.maxError > a.maxError ? b : a));
  return { n, order, eps, entries, worst, maxError: worst.maxError };
}

/** The largest |sym − num| / max(1, |num|) over entries [from, from + count), and where (NaN counts as Infinity). */
function largestError(sym: Float64Array, num: Float64Array, from: number, count: number, place: (i: number) => { at: number[]; wrt?: { x: string; at: number[] } }) {
  let worst = -1, at = from;
  for (let i = from; i < from + count; i++) {
    let e = Math.abs(sym[i] - num[i]) / Math.max(1, Math.abs(num[i]));
    if (Number.isNaN(e)) e = Infinity;
    if (e > worst) { worst = e; at = i; }
  }
  return { maxError: worst, ...place(at), symbolic: sym[at], numeric: num[at] };
}

/** The multi-index of flat (row-major) element i of a tensor of the given shape. */
function multiIndex(i: number, shape: readonly number[]): number[] {
  const at = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { at[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return at;
}

/**
 * Central-difference Jacobian of F at x0 with one Richardson step: D(h) = (F(x+h) − F(x−h)) / 2h,
 * J ≈ (4·D(h/2) − D(h)) / 3, h = eps·max(1, |x_j|). Returns m×n row-major (m outputs, n coordinates).
 */
export function finiteDifferenceJacobian(F: (x: Float64Array) => Float64Array, x0: Float64Array, eps: number): Float64Array {
  const n = x0.length;
  let m = -1;
  let J = new Float64Array(0);
  const x = Float64Array.from(x0);
  for (let j = 0; j < n; j++) {
    const h = eps * Math.max(1, Math.abs(x0[j]));
    const D = (hh: number) => {
      x[j] = x0[j] + hh;
      const fp = F(x);
      x[j] = x0[j] - hh;
      const fm = F(x);
      x[j] = x0[j];
      return fp.map((v, i) => (v - fm[i]) / (2 * hh));
    };
    const d1 = D(h), d2 = D(h / 2);
    if (m < 0) { m = d1.length; J = new Float64Array(m * n); }
    for (let i = 0; i < m; i++) J[i * n + j] = (4 * d2[i] - d1[i]) / 3;
  }
  return J;
}
