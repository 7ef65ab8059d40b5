// `compare` past the dense limit: the same block map and off-diagonal share, but the spectra of the exact
// and the tf.hessians-style Hessian only at their extremes, by Lanczos on the matrix (O(n²) per step)
// instead of a dense O(n³) eigen-decomposition. Inertia, condition numbers and Newton steps need the whole
// spectrum, so they are left out (pass --spectra to get them).
import { lanczos, type LanczosResult } from "../curvature/lanczos.js";
import { blockDiagonalOperator, denseOperator } from "../curvature/operator.js";
import { blockStats, validateInput } from "./compare.js";
import { fmtShort } from "./text.js";
import type { BlockStat, HessianInput, Pair } from "./types.js";

/** The extreme eigenvalues of one matrix: the largest (descending) and smallest (ascending), each with its computed residual ‖Hv − λv‖. */
export interface Extremes {
  top: { value: number; residual: number }[];
  bottom: { value: number; residual: number }[];
  steps: number;
  converged: boolean;
}

/** What compare reports with Lanczos spectra. */
export interface LanczosCompareReport {
  n: number;
  spectra_method: "lanczos";
  blocks: BlockStat[];
  frobenius: Pair<number>;
  offdiagonal_frobenius_fraction: number;
  extreme_eigenvalues: Pair<Extremes>;
  asymmetry: number;
  verdict: string[];
}

/** Extremes of a Lanczos result. */
export function extremes(r: LanczosResult): Extremes {
  const pick = (ps: LanczosResult["top"]) => ps.map((p) => ({ value: p.value, residual: p.residual }));
  return { top: pick(r.top), bottom: pick(r.bottom), steps: r.steps, converged: r.converged };
}

/** Compares the exact Hessian with its block diagonal using Lanczos for the k largest and smallest eigenvalues of each (seeded, tol 1e-10). */
export async function compareHessiansLanczos(input: HessianInput, options: { k?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<LanczosCompareReport> {
  validateInput(input);
  const { n, xs, hessian: h } = input;
  const k = Math.min(options.k ?? 5, n);
  let asymmetry = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) asymmetry = Math.max(asymmetry, Math.abs(h[i * n + j] - h[j * n + i]));
  const { blocks, total, off } = blockStats(input);
  const dense = denseOperator(h, n);
  const exact = extremes(await lanczos(dense, { top: k, bottom: k, seed: options.seed, onProgress: options.onProgress }));
  const tf = extremes(await lanczos(blockDiagonalOperator(dense, xs), { top: k, bottom: k, seed: options.seed, onProgress: options.onProgress }));
  const base = {
    n,
    spectra_method: "lanczos" as const,
    blocks,
    frobenius: { exact: Math.sqrt(total), tf_hessians: Math.sqrt(total - off) },
    offdiagonal_frobenius_fraction: total > 0 ? Math.sqrt(off / total) : 0,
    extreme_eigenvalues: { exact, tf_hessians: tf },
    asymmetry,
  };
  return { ...base, verdict: lanczosVerdict(base) };
}

/** Plain-language sentences from the extremes: a negative smallest eigenvalue means a saddle (or a maximum). */
export function lanczosVerdict(r: Pick<LanczosCompareReport, "extreme_eigenvalues" | "offdiagonal_frobenius_fraction">): string[] {
  const { exact: e, tf_hessians: b } = r.extreme_eigenvalues;
  const scale = (x: Extremes) => Math.max(Math.abs(x.top[0]?.value ?? 0), Math.abs(x.bottom[0]?.value ?? 0));
  const negative = (x: Extremes) => (x.bottom[0]?.value ?? 0) < -1e-9 * scale(x);
  const out: string[] = [];
  if (negative(e) && !negative(b)) out.push(`exact: has negative curvature (smallest eigenvalue ${fmtShort(e.bottom[0].value)}), a saddle; tf.hessians-style: none (smallest ${fmtShort(b.bottom[0].value)}): the saddle is invisible to it.`);
  else if (negative(e)) out.push(`Both have negative curvature: smallest eigenvalue ${fmtShort(e.bottom[0].value)} (exact) and ${fmtShort(b.bottom[0].value)} (tf.hessians-style).`);
  else if (negative(b)) out.push(`tf.hessians-style: negative curvature (smallest ${fmtShort(b.bottom[0].value)}) that the exact Hessian does not have (smallest ${fmtShort(e.bottom[0].value)}).`);
  else out.push(`Neither has negative curvature at its smallest eigenvalue (${fmtShort(e.bottom[0]?.value ?? 0)} exact, ${fmtShort(b.bottom[0]?.value ?? 0)} tf.hessians-style).`);
  out.push(`Largest eigenvalue: ${fmtShort(e.top[0]?.value ?? 0)} (exact) vs ${fmtShort(b.top[0]?.value ?? 0)} (tf.hessians-style).`);
  const f = r.offdiagonal_frobenius_fraction;
  out.push(`The cross-variable blocks that tf.hessians drops carry ${(100 * f).toFixed(1)}% of the Hessian's Frobenius norm (${(100 * f * f).toFixed(1)}% of its sum of squares).`);
  return out;
}

/** The Lanczos report as text: block shares, the extreme eigenvalues side by side, the verdict. */
export function formatLanczosReport(r: LanczosCompareReport): string {
  const { exact: e, tf_hessians: b } = r.extreme_eigenvalues;
  const lines = [
    `||H - B||_F / ||H||_F = ${r.offdiagonal_frobenius_fraction.toFixed(8)} (${(100 * r.offdiagonal_frobenius_fraction).toFixed(1)}% of the norm)`,
    "",
    `spectra: Lanczos (extreme eigenvalues only; ${e.steps} and ${b.steps} steps, full reorthogonalisation, seed 0): above the dense limit a full eigen-decomposition is O(n³); pass --spectra for it (and inertia, condition numbers, Newton steps)`,
    `${"".padEnd(10)}${"exact H".padStart(24)}${"tf.hessians-style B".padStart(24)}`,
  ];
  for (let i = 0; i < e.top.length; i++) lines.push(`largest ${String(i + 1).padEnd(2)}${String(e.top[i].value).padStart(24)}${String(b.top[i]?.value ?? "").padStart(24)}`);
  for (let i = 0; i < e.bottom.length; i++) lines.push(`smallest ${String(i + 1).padEnd(1)}${String(e.bottom[i].value).padStart(24)}${String(b.bottom[i]?.value ?? "").padStart(24)}`);
  const worst = Math.max(...[...e.top, ...e.bottom, ...b.top, ...b.bottom].map((p) => p.residual));
  lines.push(`largest residual ‖Hv − λv‖: ${worst.toExponential(1)}`, "", "Verdict", ...r.verdict.map((s) => `- ${s}`));
  return lines.join("\n");
}
