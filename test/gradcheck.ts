// The test suite's finite-difference harness around the public checker (src/check/check.ts, exported as
// checkGradients), in the spirit of autograd's check_grads(order=2):
//   order 1: gradients() against central differences of the function (checkGradients, order 1);
//   order 2: computeHessian "batched" (checkGradients, order 2), and the hessian() graph, computeHessian
//            "rows" and the tf.hessians blocks, each against central differences of the *symbolic* gradient;
//   order 3: gradients of a random projection of the hessian() graph against central differences of it.
// Differences are central with one Richardson extrapolation step (error O(h⁴)), so with the default step
// they are accurate to ~1e-10 relative on smooth functions, far below the default tolerance.
import {
  checkGradients, computeHessian, finiteDifferenceJacobian, fromNested, Graph, gradients, hessian, hessians, mulberry32, multiply, reduceSum, Session,
  type CheckReport, type HessianMode, type NestedArray, type Node, type Tensor,
} from "../src/internal.js";

/** A value fed to a placeholder the function receives after the variables (null dims are unknown until run time). */
export interface PlaceholderInput { shape: (number | null)[]; value: NestedArray }

/** Options of checkGrads. */
export interface GradcheckOptions {
  /** Highest derivative order to check: 1, 2 (default) or 3. */
  order?: 1 | 2 | 3;
  /** Largest accepted error, as max |symbolic − numeric| / max(1, max |numeric|) per check (default 1e-8). */
  tol?: number;
  /** Base finite-difference step, scaled by max(1, |x|) per coordinate (default 1e-4; Richardson uses h and h/2). */
  step?: number;
  /** Extra placeholder inputs, passed to f after the variables (their values are fed, not differentiated). */
  placeholders?: PlaceholderInput[];
  /** Seed of the random projection that reduces a tensor output to a scalar. */
  seed?: number;
  /** Tangent batch size for the batched Hessian (default: the engine's). */
  batch?: number;
}

/** One comparison: what was checked and its worst error. */
export interface CheckResult {
  what: string;
  maxError: number;
  /** Where the worst error is, e.g. "H[3,7]" or "d/dx1[2]". */
  worst: string;
  symbolic: number;
  numeric: number;
  ok: boolean;
}

/** The checker's verdict. */
export interface GradcheckReport {
  ok: boolean;
  maxError: number;
  tol: number;
  /** Number of flattened parameters. */
  n: number;
  checks: CheckResult[];
  /** Every op present in the graph after all derivative graphs were built. */
  ops: Set<string>;
  /** A readable multi-line report. */
  text: string;
}

/** Deterministic PRNG (the initializers' mulberry32) for projections and test data. */
export const rng = mulberry32;

/** Nested array of the given shape with values uniform in [lo, hi). */
export function randomNested(shape: number[], seed: number, lo = -1, hi = 1): NestedArray {
  const r = rng(seed);
  const build = (d: number): NestedArray => (d === shape.length ? lo + (hi - lo) * r() : Array.from({ length: shape[d] }, () => build(d + 1)));
  return build(0);
}

/** Like randomNested but with |v| in [lo, hi) and a random sign (keeps values away from 0, e.g. for relu). */
export function awayFromZero(shape: number[], seed: number, lo = 0.2, hi = 1.2): NestedArray {
  const r = rng(seed);
  const build = (d: number): NestedArray => (d === shape.length ? (r() < 0.5 ? -1 : 1) * (lo + (hi - lo) * r()) : Array.from({ length: shape[d] }, () => build(d + 1)));
  return build(0);
}

/**
 * Checks derivatives of `f` at `values`. f receives one variable per value (then one placeholder per
 * options.placeholders entry) and returns a node; a non-scalar output is reduced to a scalar with a fixed
 * random projection Σ p ⊙ f. Returns a report; never throws on a mismatch (see expectGrads).
 */
export async function checkGrads(f: (inputs: Node[]) => Node, values: (NestedArray | Tensor)[], options: GradcheckOptions = {}): Promise<GradcheckReport> {
  const order = options.order ?? 2;
  const tol = options.tol ?? 1e-8;
  const step = options.step ?? 1e-4;
  const g = new Graph();
  const vars = values.map((v, i) => g.variable(v as NestedArray, `x${i}`));
  const phs = (options.placeholders ?? []).map((p, i) => g.placeholder(p.shape, `p${i}`));
  const feed = new Map<Node, NestedArray | Tensor>();
  (options.placeholders ?? []).forEach((p, i) => feed.set(phs[i], p.value));
  const session = new Session(g);
  const out = f([...vars, ...phs]);

  // Reduce to a scalar with a fixed random projection (a placeholder when the output shape is only known at run time).
  let y: Node;
  if (out.rank === 0) y = out;
  else {
    const concrete = session.run(out, feed).shape;
    const proj = randomNested([...concrete], options.seed ?? 1234, 0.5, 1.5);
    if (out.shape.every((d) => d !== null)) y = reduceSum(multiply(out, g.constant(proj)));
    else {
      const p = g.placeholder(out.shape as (number | null)[], "projection");
      feed.set(p, proj);
      y = reduceSum(multiply(out, p));
    }
  }

  const shapes = vars.map((v) => v.shape as number[]);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const n = sizes.reduce((a, b) => a + b, 0);
  const x0 = new Float64Array(n);
  vars.forEach((v, k) => x0.set(session.variableValue(v).data, offsets[k]));
  const setX = (x: Float64Array) => vars.forEach((v, k) => session.assign(v, { shape: shapes[k], data: x.slice(offsets[k], offsets[k] + sizes[k]) }));
  const evalFlat = (nodes: Node[]) => (x: Float64Array): Float64Array => {
    setX(x);
    const ts = session.run(nodes, feed) as Tensor[];
    const total = ts.reduce((s, t) => s + t.data.length, 0);
    const flat = new Float64Array(total);
    let o = 0;
    for (const t of ts) { flat.set(t.data, o); o += t.data.length; }
    return flat;
  };

  const checks: CheckResult[] = [];
  const label = (i: number) => {
    let k = 0;
    while (k + 1 < offsets.length && offsets[k + 1] <= i) k++;
    return `x${k}[${i - offsets[k]}]`;
  };
  const compare = (what: string, sym: Float64Array, num: Float64Array, where: (idx: number) => string) => {
    if (sym.length !== num.length) {
      checks.push({ what, maxError: Infinity, worst: `${sym.length} symbolic values for ${num.length} numeric ones`, symbolic: NaN, numeric: NaN, ok: false });
      return;
    }
    let scale = 1;
    for (const v of num) scale = Math.max(scale, Math.abs(v));
    let worst = 0, at = 0;
    for (let i = 0; i < num.length; i++) {
      const e = Math.abs(sym[i] - num[i]);
      if (!(e <= worst)) { worst = e; at = i; } // NaN counts as the worst
    }
    const err = worst / scale;
    checks.push({ what, maxError: Number.isNaN(err) ? Infinity : err, worst: where(at), symbolic: sym[at], numeric: num[at], ok: err <= tol });
  };

  // Order 1 (and the batched Hessian): the public checker. It throws when the Hessian cannot be computed; then
  // the gradient is checked alone and the batched Hessian reported as failed with the error.
  const grads = gradients(y, vars, { unconnected: "zero" }) as Node[];
  setX(x0);
  let checked: CheckReport;
  let batchedError: Error | undefined;
  try {
    checked = await checkGradients(y, vars, feed, { order: order >= 2 ? 2 : 1, eps: step, session, mode: "batched", batch: options.batch });
  } catch (e) {
    if (order < 2) throw e;
    batchedError = e as Error;
    checked = await checkGradients(y, vars, feed, { order: 1, eps: step, session });
  }
  const fromChecker = (what: string, o: 1 | 2) => {
    const es = checked.entries.filter((e) => e.order === o);
    const w = es.reduce((a, b) => (b.maxError > a.maxError ? b : a));
    const at = `${w.x}[${w.at.join(",")}]${w.wrt ? ` × ${w.wrt.x}[${w.wrt.at.join(",")}]` : ""}`;
    checks.push({ what, maxError: w.maxError, worst: at, symbolic: w.symbolic, numeric: w.numeric, ok: w.maxError <= tol });
  };
  fromChecker("gradient", 1);

  if (order >= 2) {
    // Reference: differences of the symbolic gradient; row i of H = ∂g/∂x_i (transposed Jacobian).
    const jac = fdJacobian(evalFlat(grads), x0, step); // n×n, jac[r*n + c] = ∂g_r/∂x_c
    const hNum = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) hNum[c * n + r] = jac[r * n + c];
    const hl = (idx: number) => `H[${Math.floor(idx / n)},${idx % n}] (${label(Math.floor(idx / n))}, ${label(idx % n)})`;
    setX(x0);
    const hGraph = hessian(y, vars);
    compare("hessian() graph", session.run(hGraph, feed).data, hNum, hl);
    for (const mode of ["rows", "batched"] as HessianMode[]) {
      if (mode === "batched") {
        if (batchedError) checks.push({ what: "computeHessian batched", maxError: Infinity, worst: `threw ${batchedError.message}`, symbolic: NaN, numeric: NaN, ok: false });
        else fromChecker("computeHessian batched", 2);
        continue;
      }
      setX(x0);
      let m: Float64Array;
      try {
        m = (await computeHessian(session, y, vars, feed, { mode, batch: options.batch })).matrix;
      } catch (e) {
        checks.push({ what: `computeHessian ${mode}`, maxError: Infinity, worst: `threw ${(e as Error).message}`, symbolic: NaN, numeric: NaN, ok: false });
        continue;
      }
      compare(`computeHessian ${mode}`, m, hNum, hl);
    }
    setX(x0);
    const blocks = session.run(hessians(y, vars), feed) as Tensor[];
    const bSym = new Float64Array(sizes.reduce((s, z) => s + z * z, 0));
    const bNum = new Float64Array(bSym.length);
    let o = 0;
    blocks.forEach((b, k) => {
      const expectShape = [...shapes[k], ...shapes[k]];
      if (b.shape.length !== expectShape.length || b.shape.some((d, i) => d !== expectShape[i])) {
        checks.push({ what: `tf.hessians block x${k} shape`, maxError: Infinity, worst: `[${b.shape}] instead of [${expectShape}]`, symbolic: NaN, numeric: NaN, ok: false });
      }
      bSym.set(b.data, o);
      for (let r = 0; r < sizes[k]; r++) for (let c = 0; c < sizes[k]; c++) bNum[o + r * sizes[k] + c] = hNum[(offsets[k] + r) * n + offsets[k] + c];
      o += sizes[k] * sizes[k];
    });
    compare("tf.hessians blocks", bSym, bNum, (i) => `block entry ${i}`);

    if (order >= 3) {
      // d/dx Σ P ⊙ H(x) symbolically (gradients of the hessian graph) vs differences of Σ P ⊙ H(x).
      const P = g.constant(randomNested([n, n], (options.seed ?? 1234) + 1, 0.5, 1.5));
      const s = reduceSum(multiply(hGraph, P));
      const t = gradients(s, vars, { unconnected: "zero" }) as Node[];
      setX(x0);
      const tSym = evalFlat(t)(x0);
      const tNum = fdJacobian(evalFlat([s]), x0, step);
      compare("third order (gradients of hessian graph)", tSym, tNum, label);
    }
  }
  setX(x0);

  const maxError = Math.max(...checks.map((c) => c.maxError));
  const ok = checks.every((c) => c.ok);
  const text = [
    `gradcheck ${ok ? "passed" : "FAILED"}: n=${n}, order ${order}, tol ${tol.toExponential(1)}, max error ${maxError.toExponential(2)}`,
    ...checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"} ${c.what.padEnd(42)} max err ${c.maxError.toExponential(2)} at ${c.worst}: symbolic ${c.symbolic}, numeric ${c.numeric}`),
  ].join("\n");
  return { ok, maxError, tol, n, checks, ops: new Set(g.nodes.map((nd) => nd.op)), text };
}

/** checkGrads, throwing an Error with the full report when any check fails. */
export async function expectGrads(f: (inputs: Node[]) => Node, values: (NestedArray | Tensor)[], options: GradcheckOptions = {}): Promise<GradcheckReport> {
  const r = await checkGrads(f, values, options);
  if (!r.ok) throw new Error(r.text);
  return r;
}

/** The checker's central-difference Jacobian with one Richardson step (m×n row-major; see src/check/check.ts). */
export const fdJacobian = finiteDifferenceJacobian;

/** Converts nested arrays to a flat Float64Array (row-major). */
export function flat(v: NestedArray): Float64Array {
  return fromNested(v, "value").data;
}
