import { symmetricEigen, symmetricEigenProjector, type EigenProjector } from "../curvature/eigen.js";
import type {
  BlockStat, CompareReport, Definiteness, HessianInput, Inertia, NewtonStep, Pair, VariableBlock,
} from "./types.js";

/** Eigenvalues with |λ| ≤ ZERO_TOL·max|λ| count as zero (inertia, condition numbers, pseudo-inverse). */
export const ZERO_TOL = 1e-9;

/** Eigenvalues ascending; when needed (Newton steps), the eigenvectors in factored form. */
interface Eig { values: number[]; projector?: EigenProjector }

/** Throws if the input's sizes or variable layout are inconsistent. */
export function validateInput(input: HessianInput): void {
  const { n, xs, hessian, gradient } = input;
  if (hessian.length !== n * n) throw new Error(`hessian has ${hessian.length} entries, expected n*n = ${n * n}`);
  if (gradient && gradient.length !== n) throw new Error(`gradient has ${gradient.length} entries, expected ${n}`);
  let offset = 0;
  for (const x of xs) {
    const size = x.shape.reduce((a, b) => a * b, 1);
    if (x.offset !== offset || x.size !== size) throw new Error(`variable ${x.name}: offset/size ${x.offset}/${x.size}, expected ${offset}/${size}`);
    offset += size;
  }
  if (offset !== n) throw new Error(`variables cover ${offset} parameters, expected n = ${n}`);
}

/** The tf.hessians-style matrix: H with every off-diagonal (cross-variable) block set to zero. */
export function blockDiagonal(input: HessianInput): Float64Array {
  const { n, xs, hessian } = input;
  const out = new Float64Array(n * n);
  for (const x of xs) {
    for (let i = x.offset; i < x.offset + x.size; i++) {
      const r = i * n;
      out.set(hessian.subarray(r + x.offset, r + x.offset + x.size), r + x.offset);
    }
  }
  return out;
}

/** Symmetric eigen-decomposition of the diagonal sub-block [o, o+m) of h (symmetrised), ascending; the vectors only when asked. */
function eigBlock(h: Float64Array, n: number, o: number, m: number, vectors: boolean): Eig {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) {
    const v = 0.5 * (h[(o + i) * n + o + j] + h[(o + j) * n + o + i]);
    a[i * m + j] = v;
    a[j * m + i] = v;
  }
  if (!vectors) return { values: Array.from(symmetricEigen(a, m, { vectors: false }).values) };
  const projector = symmetricEigenProjector(a, m);
  return { values: Array.from(projector.values), projector };
}

/** Largest |value| of a list (0 for an empty list). */
function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** Negative / zero / positive counts with the relative zero tolerance. */
export function inertiaOf(values: number[], tol = ZERO_TOL): Inertia {
  const cut = tol * maxAbs(values);
  const out: Inertia = { negative: 0, zero: 0, positive: 0 };
  for (const v of values) {
    if (Math.abs(v) <= cut) out.zero++;
    else if (v < 0) out.negative++;
    else out.positive++;
  }
  return out;
}

/** Definiteness read off an inertia. */
export function definitenessOf(i: Inertia): Definiteness {
  if (i.negative === 0 && i.positive === 0) return "zero";
  if (i.negative === 0) return i.zero === 0 ? "positive definite" : "positive semi-definite";
  if (i.positive === 0) return i.zero === 0 ? "negative definite" : "negative semi-definite";
  return "indefinite";
}

/** [max|λ|/min|λ| (Infinity if any λ counts as zero), same over the nonzero λ only (NaN if none)]. */
export function conditionNumbers(values: number[], tol = ZERO_TOL): [number, number] {
  const top = maxAbs(values);
  const nonzero = values.map(Math.abs).filter((a) => a > tol * top);
  if (nonzero.length === 0) return [Infinity, NaN];
  const ratio = top / Math.min(...nonzero);
  return [nonzero.length < values.length ? Infinity : ratio, ratio];
}

/** y = M v, where M is H, or its block-diagonal part when `blocks` is given. */
function matvec(h: Float64Array, n: number, v: Float64Array, blocks?: VariableBlock[]): Float64Array {
  const out = new Float64Array(n);
  const ranges = blocks ? blocks.map((x) => [x.offset, x.offset + x.size]) : [[0, n]];
  for (const [lo, hi] of ranges) {
    for (let i = lo; i < hi; i++) {
      let s = 0;
      for (let j = lo; j < hi; j++) s += h[i * n + j] * v[j];
      out[i] = s;
    }
  }
  return out;
}

/** Adds -Σ v_k (v_k·g)/λ_k over kept eigenpairs of one block into p[o..o+m); returns #dropped. */
function eigSolveInto(e: Eig, g: Float64Array, o: number, cut: number, p: Float64Array): number {
  const m = e.values.length;
  const z = e.projector!.toEigen(g.slice(o, o + m));
  let dropped = 0;
  for (let k = 0; k < m; k++) {
    const lambda = e.values[k];
    if (Math.abs(lambda) <= cut) { dropped++; z[k] = 0; continue; }
    z[k] = -z[k] / lambda;
  }
  const step = e.projector!.fromEigen(z);
  for (let i = 0; i < m; i++) p[o + i] += step[i];
  return dropped;
}

/** Euclidean norm. */
function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/** Newton step from per-block eigen-decompositions (one block = full H), pseudo-inverse when singular. */
function newtonStep(input: HessianInput, g: Float64Array, eigs: Eig[], offsets: number[], cut: number, blocks?: VariableBlock[]): NewtonStep {
  const p = new Float64Array(input.n);
  let dropped = 0;
  eigs.forEach((e, b) => { dropped += eigSolveInto(e, g, offsets[b], cut, p); });
  const hp = matvec(input.hessian, input.n, p, blocks);
  const r = hp.map((x, i) => x + g[i]);
  const gn = norm(g);
  return { step: p, method: dropped ? "pseudo-inverse" : "solve", dropped, norm: norm(p), residual: gn ? norm(r) / gn : 0 };
}

/** Angle in degrees between two vectors; null if either is zero. */
export function angleDegrees(a: Float64Array, b: Float64Array): number | null {
  const na = norm(a), nb = norm(b);
  if (na === 0 || nb === 0) return null;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return (Math.acos(Math.max(-1, Math.min(1, dot / (na * nb)))) * 180) / Math.PI;
}

const GLOSS: Record<Definiteness, string> = {
  "positive definite": "a strict local minimum",
  "positive semi-definite": "a minimum with flat directions",
  "negative definite": "a strict local maximum",
  "negative semi-definite": "a maximum with flat directions",
  indefinite: "a saddle",
  zero: "no curvature at all",
};

/** Plain-language sentences summarising a report (without its verdict). */
export function verdictSentences(r: Omit<CompareReport, "verdict">): string[] {
  const { exact: de, tf_hessians: db } = r.definiteness;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  let consequence = "";
  if (de === "indefinite" && db !== "indefinite") consequence = ": the saddle is invisible to it";
  else if (de !== "indefinite" && db === "indefinite") consequence = ": it reports a saddle that is not there";
  else if (de !== db) consequence = ": it misreads the curvature";
  else consequence = ": same curvature type, different numbers";
  const out = [`exact: ${de} (${GLOSS[de]}); tf.hessians-style: ${db}${consequence}.`];
  const neg = r.inertia.exact.negative, negB = r.inertia.tf_hessians.negative;
  if (neg || negB) {
    const count = (k: number, v: number[]) => (k ? `${k} (smallest ${v[0].toPrecision(4)})` : "none");
    out.push(`Negative eigenvalues: the exact Hessian has ${count(neg, r.eigenvalues.exact)}, the block-diagonal one has ${count(negB, r.eigenvalues.tf_hessians)}.`);
  }
  const f = r.offdiagonal_frobenius_fraction;
  out.push(`The cross-variable blocks that tf.hessians drops carry ${pct(f)} of the Hessian's Frobenius norm (${pct(f * f)} of its sum of squares).`);
  if (r.newton && r.newton.angle_degrees !== null) {
    const a = r.newton.angle_degrees;
    out.push(`The Newton steps from the two matrices point ${a.toFixed(1)}° apart${a > 90 ? " (opposite half-spaces)" : ""}.`);
  }
  return out;
}

/** Frobenius norm and max |entry| of every variable-pair block, with the total and off-diagonal sums of squares. */
export function blockStats(input: HessianInput): { blocks: BlockStat[]; total: number; off: number } {
  const { n, xs, hessian: h } = input;
  const blocks: BlockStat[] = [];
  let total = 0, off = 0;
  for (const a of xs) {
    for (const b of xs) {
      let s = 0, m = 0;
      for (let i = a.offset; i < a.offset + a.size; i++) {
        for (let j = b.offset; j < b.offset + b.size; j++) { const v = h[i * n + j]; s += v * v; m = Math.max(m, Math.abs(v)); }
      }
      blocks.push({ row: a.name, col: b.name, frobenius: Math.sqrt(s), max_abs: m, in_tf_hessians: a === b });
      total += s;
      if (a !== b) off += s;
    }
  }
  return { blocks, total, off };
}

/** ‖H − B‖_F / ‖H‖_F: the share of the Hessian's Frobenius norm in the blocks tf.hessians drops. */
export function offdiagonalShare(input: HessianInput): number {
  const { total, off } = blockStats(input);
  return total > 0 ? Math.sqrt(off / total) : 0;
}

/** Compares the exact Hessian with the tf.hessians-style block-diagonal one: blocks, spectra, Newton steps, verdict. */
export function compareHessians(input: HessianInput): CompareReport {
  validateInput(input);
  const { n, xs, hessian: h } = input;
  let asymmetry = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) asymmetry = Math.max(asymmetry, Math.abs(h[i * n + j] - h[j * n + i]));

  const { blocks, total, off } = blockStats(input);

  const vectors = Boolean(input.gradient);
  const full = eigBlock(h, n, 0, n, vectors);
  const parts = xs.map((x) => eigBlock(h, n, x.offset, x.size, vectors));
  const values: Pair<number[]> = { exact: full.values, tf_hessians: parts.flatMap((e) => e.values).sort((a, b) => a - b) };
  const inertia = { exact: inertiaOf(values.exact), tf_hessians: inertiaOf(values.tf_hessians) };
  const [ce, cen] = conditionNumbers(values.exact), [cb, cbn] = conditionNumbers(values.tf_hessians);

  const base: Omit<CompareReport, "verdict"> = {
    n,
    blocks,
    frobenius: { exact: Math.sqrt(total), tf_hessians: Math.sqrt(total - off) },
    offdiagonal_frobenius_fraction: total > 0 ? Math.sqrt(off / total) : 0,
    eigenvalues: values,
    inertia,
    definiteness: { exact: definitenessOf(inertia.exact), tf_hessians: definitenessOf(inertia.tf_hessians) },
    condition_number: { exact: ce, tf_hessians: cb },
    condition_number_nonzero: { exact: cen, tf_hessians: cbn },
    zero_tolerance: ZERO_TOL,
    asymmetry,
  };
  if (input.gradient) {
    const g = input.gradient;
    const exact = newtonStep(input, g, [full], [0], ZERO_TOL * maxAbs(values.exact));
    const tf = newtonStep(input, g, parts, xs.map((x) => x.offset), ZERO_TOL * maxAbs(values.tf_hessians), xs);
    base.newton = { exact, tf_hessians: tf, angle_degrees: angleDegrees(exact.step, tf.step) };
  }
  return { ...base, verdict: verdictSentences(base) };
}
