// `compare` without the n×n matrix (issue 9): everything from Hessian-vector products. The extreme
// eigenvalues of the exact Hessian H and of its tf.hessians-style block diagonal B come from Lanczos on the
// product operator (B through blockDiagonalOperator); the block map's Frobenius norms from Hutchinson-style
// sampling: for a Rademacher vector v_j supported on block j, E‖H_ij v_j‖² = ‖H_ij‖_F², and one product
// H v_j gives every row block i at once. Max |entry|, inertia, condition numbers and Newton steps need the
// matrix or the whole spectrum, so they are not computed here (null in the report).
import { lanczos } from "../curvature/lanczos.js";
import { blockDiagonalOperator, type BlockRange, type LinearOperator } from "../curvature/operator.js";
import { mulberry32, rademacher } from "../curvature/random.js";
import { extremes, lanczosVerdict, type Extremes } from "./compare-lanczos.js";
import { fmtShort } from "./text.js";
import type { Pair } from "./types.js";

/** One variable's block of the flattened parameter vector, named. */
export interface NamedBlock extends BlockRange { name: string }

/** An estimated block of the block map: its Frobenius norm ± one standard error; max |entry| is not computed (null). */
export interface EstimatedBlock {
  row: string;
  col: string;
  frobenius: number;
  frobenius_stderr: number;
  max_abs: null;
  in_tf_hessians: boolean;
}

/** What compare reports on the matrix-free path. */
export interface MatrixFreeCompareReport {
  n: number;
  spectra_method: "lanczos";
  /** How the numbers were had, in words, e.g. "matrix-free (Lanczos, Hutchinson, 30 samples)". */
  method: string;
  /** Rademacher samples per column block for the block norms. */
  samples: number;
  blocks: EstimatedBlock[];
  frobenius: Pair<number>;
  frobenius_stderr: Pair<number>;
  offdiagonal_frobenius_fraction: number;
  offdiagonal_frobenius_fraction_stderr: number;
  extreme_eigenvalues: Pair<Extremes>;
  /** Hessian-vector products used in all (a block-diagonal product counts one per block). */
  hvps: number;
  /** Not computed without the matrix or the whole spectrum. */
  inertia: null;
  condition_number: null;
  newton: null;
  asymmetry: null;
  note: string;
  verdict: string[];
}

/** Options of compareMatrixFree(). */
export interface MatrixFreeOptions {
  /** How many of the largest and of the smallest eigenvalues (default 5). */
  k?: number;
  /** Rademacher samples per column block for the block norms (default 30). */
  samples?: number;
  /** Seed of Lanczos's start vectors and of the samples (default 0). */
  seed?: number;
  /** Lanczos's relative tolerance (default 1e-10). */
  tol?: number;
  /** Lanczos's step limit (default min(n, 500)). */
  maxSteps?: number;
  /** Progress of each phase: (phase label, done, total). */
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** The note every matrix-free report carries about what it leaves out. */
export const MATRIX_FREE_NOTE = "matrix-free: inertia, definiteness, condition numbers, Newton steps and max |entry| per block are not computed (they need the n×n matrix or its whole spectrum); block norms and the off-diagonal share are estimates ± one standard error";

/** Mean and standard error (sample standard deviation / √N) of a list. */
function meanStderr(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) : NaN;
  return [m, Math.sqrt(v / xs.length)];
}

/**
 * Per-sample squared block norms: sq[t][i][j] = ‖H_ij v_j‖² for the t-th Rademacher v_j on block j, an
 * unbiased estimate of ‖H_ij‖_F². One product per column block per sample, applied `batch` vectors at a time.
 */
export async function sampleBlockSquares(op: LinearOperator, blocks: readonly BlockRange[], options: { samples?: number; seed?: number; batch?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<number[][][]> {
  const n = op.n, p = blocks.length, samples = options.samples ?? 30, batch = Math.max(1, options.batch ?? 8);
  if (!Number.isInteger(samples) || samples < 2) throw new RangeError("block norms need at least 2 samples (for a standard error)");
  const rand = mulberry32(((options.seed ?? 0) ^ 0x5bd1e995) >>> 0);
  const jobs: [number, number][] = [];
  for (let t = 0; t < samples; t++) for (let j = 0; j < p; j++) jobs.push([t, j]);
  const sq = Array.from({ length: samples }, () => Array.from({ length: p }, () => new Array<number>(p).fill(0)));
  for (let start = 0; start < jobs.length; start += batch) {
    const part = jobs.slice(start, start + batch);
    const v = new Float64Array(part.length * n);
    part.forEach(([, j], c) => rademacher(rand, v.subarray(c * n + blocks[j].offset, c * n + blocks[j].offset + blocks[j].size)));
    const hv = await op.apply(v, part.length);
    part.forEach(([t, j], c) => {
      blocks.forEach((b, i) => {
        let s = 0;
        for (let r = c * n + b.offset; r < c * n + b.offset + b.size; r++) s += hv[r] * hv[r];
        sq[t][i][j] = s;
      });
    });
    options.onProgress?.(Math.min(jobs.length, start + batch), jobs.length);
  }
  return sq;
}

/**
 * Block Frobenius norms, the Frobenius norms of H and B and the off-diagonal share ‖H − B‖_F/‖H‖_F with
 * standard errors, from the samples of sampleBlockSquares. H_ij and H_ji have the same norm, so their two
 * independent estimates are averaged; a norm's error is the delta method's (se of the square / 2·norm),
 * the share's that of the ratio estimator mean(off)/mean(total) over the samples.
 */
export function blockNormEstimates(sq: number[][][], blocks: readonly NamedBlock[]): Pick<MatrixFreeCompareReport, "blocks" | "frobenius" | "frobenius_stderr" | "offdiagonal_frobenius_fraction" | "offdiagonal_frobenius_fraction_stderr"> {
  const p = blocks.length, N = sq.length;
  const sym = (t: number, i: number, j: number) => (i === j ? sq[t][i][i] : 0.5 * (sq[t][i][j] + sq[t][j][i]));
  const sqrtSe = (m: number, se: number): [number, number] => {
    const f = Math.sqrt(Math.max(0, m));
    return [f, f > 0 ? se / (2 * f) : Math.sqrt(se)];
  };
  const out: EstimatedBlock[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const [m, se] = meanStderr(Array.from({ length: N }, (_, t) => sym(t, i, j)));
      const [f, fse] = sqrtSe(m, se);
      out.push({ row: blocks[i].name, col: blocks[j].name, frobenius: f, frobenius_stderr: fse, max_abs: null, in_tf_hessians: i === j });
    }
  }
  const total: number[] = [], off: number[] = [], diag: number[] = [];
  for (let t = 0; t < N; t++) {
    let a = 0, o = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) { a += sq[t][i][j]; if (i !== j) o += sq[t][i][j]; }
    total.push(a); off.push(o); diag.push(a - o);
  }
  const [mt, set] = meanStderr(total), [md, sed] = meanStderr(diag), [mo] = meanStderr(off);
  const ratio = mt > 0 ? mo / mt : 0;
  // Ratio estimator: var(R) ≈ var(off_t − R·total_t) / (N · mean(total)²).
  const [, seLin] = meanStderr(off.map((o, t) => o - ratio * total[t]));
  const ratioSe = mt > 0 ? seLin / mt : 0;
  const share = Math.sqrt(ratio);
  const [fe, fese] = sqrtSe(mt, set), [fb, fbse] = sqrtSe(md, sed);
  return {
    blocks: out,
    frobenius: { exact: fe, tf_hessians: fb },
    frobenius_stderr: { exact: fese, tf_hessians: fbse },
    offdiagonal_frobenius_fraction: share,
    offdiagonal_frobenius_fraction_stderr: share > 0 ? ratioSe / (2 * share) : Math.sqrt(ratioSe),
  };
}

/** Compares the exact Hessian with its block diagonal from products alone: Lanczos extremes of both, estimated block norms and off-diagonal share. */
export async function compareMatrixFree(op: LinearOperator, blocks: readonly NamedBlock[], options: MatrixFreeOptions = {}): Promise<MatrixFreeCompareReport> {
  const n = op.n;
  const covered = blocks.reduce((s, b) => s + b.size, 0);
  if (covered !== n) throw new Error(`variables cover ${covered} parameters, expected n = ${n}`);
  const k = Math.min(options.k ?? 5, n), samples = options.samples ?? 30, seed = options.seed ?? 0;
  let hvps = 0;
  const counted: LinearOperator = { n, apply: (v, c) => { hvps += c; return op.apply(v, c); } };
  const phase = (label: string) => (done: number, total: number) => options.onProgress?.(label, done, total);
  const lz = { top: k, bottom: k, seed, tol: options.tol, maxSteps: options.maxSteps };
  const exact = extremes(await lanczos(counted, { ...lz, onProgress: phase("Lanczos steps (exact H)") }));
  const tf = extremes(await lanczos(blockDiagonalOperator(counted, blocks), { ...lz, onProgress: phase("Lanczos steps (tf.hessians-style B)") }));
  const sq = await sampleBlockSquares(counted, blocks, { samples, seed, onProgress: phase("Hutchinson block-norm products") });
  const norms = blockNormEstimates(sq, blocks);
  const base = {
    n,
    spectra_method: "lanczos" as const,
    method: `matrix-free (Lanczos, Hutchinson, ${samples} samples)`,
    samples,
    ...norms,
    extreme_eigenvalues: { exact, tf_hessians: tf },
    hvps,
    inertia: null,
    condition_number: null,
    newton: null,
    asymmetry: null,
    note: MATRIX_FREE_NOTE,
  };
  const verdict = lanczosVerdict(base);
  const se = base.offdiagonal_frobenius_fraction_stderr;
  verdict[verdict.length - 1] = verdict[verdict.length - 1].replace(/carry ([\d.]+%) of/, `carry $1 ± ${(100 * se).toFixed(1)}% (estimated) of`);
  return { ...base, verdict };
}

/** The matrix-free report as text: the estimated block map, the share, the extreme eigenvalues side by side, what was not computed, the verdict, the method line. */
export function formatMatrixFreeReport(r: MatrixFreeCompareReport): string {
  const names = [...new Set(r.blocks.map((b) => b.row))];
  const cell = (b: EstimatedBlock) => `${fmtShort(b.frobenius)} ± ${fmtShort(b.frobenius_stderr)} ${b.in_tf_hessians ? "kept" : "DROPPED"}`;
  const cells = names.map((row) => names.map((col) => cell(r.blocks.find((b) => b.row === row && b.col === col)!)));
  const width = Math.max(...names.map((s) => s.length), ...cells.flat().map((s) => s.length));
  const rowW = Math.max(...names.map((s) => s.length));
  const lines = [
    `Block map: Frobenius norm ± one standard error, estimated (Hutchinson, ${r.samples} Rademacher samples per column block; kept = returned by tf.hessians, DROPPED = never computed; max |entry| not computed without the matrix)`,
    `${"".padEnd(rowW)} | ${names.map((s) => s.padStart(width)).join("  ")}`,
    `${"-".repeat(rowW)}-+-${"-".repeat((width + 2) * names.length - 2)}`,
    ...names.map((row, i) => `${row.padEnd(rowW)} | ${cells[i].map((s) => s.padStart(width)).join("  ")}`),
    "",
    `||H - B||_F / ||H||_F ≈ ${r.offdiagonal_frobenius_fraction.toFixed(6)} ± ${r.offdiagonal_frobenius_fraction_stderr.toPrecision(2)} (${(100 * r.offdiagonal_frobenius_fraction).toFixed(1)}% of the norm; estimated)`,
    `||H||_F ≈ ${fmtShort(r.frobenius.exact)} ± ${fmtShort(r.frobenius_stderr.exact)}, ||B||_F ≈ ${fmtShort(r.frobenius.tf_hessians)} ± ${fmtShort(r.frobenius_stderr.tf_hessians)}`,
    "",
  ];
  const { exact: e, tf_hessians: b } = r.extreme_eigenvalues;
  lines.push(`extreme eigenvalues (Lanczos; ${e.steps} and ${b.steps} steps${e.converged && b.converged ? "" : ", NOT converged to the tolerance: see the residuals"})`);
  lines.push(`${"".padEnd(10)}${"exact H".padStart(24)}${"tf.hessians-style B".padStart(24)}`);
  for (let i = 0; i < e.top.length; i++) lines.push(`largest ${String(i + 1).padEnd(2)}${String(e.top[i].value).padStart(24)}${String(b.top[i]?.value ?? "").padStart(24)}`);
  for (let i = 0; i < e.bottom.length; i++) lines.push(`smallest ${String(i + 1).padEnd(1)}${String(e.bottom[i].value).padStart(24)}${String(b.bottom[i]?.value ?? "").padStart(24)}`);
  const worst = Math.max(...[...e.top, ...e.bottom, ...b.top, ...b.bottom].map((p) => p.residual));
  lines.push(`largest residual ‖Hv − λv‖: ${worst.toExponential(1)}`, "", `not computed: ${r.note.replace(/^matrix-free: /, "")}`, "", "Verdict", ...r.verdict.map((s) => `- ${s}`), "");
  lines.push(`method: ${r.method}, ${r.hvps} Hessian-vector products, no n×n matrix (n = ${r.n})`);
  return lines.join("\n");
}
