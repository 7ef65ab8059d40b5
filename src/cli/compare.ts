// `hessflow compare SPEC`: the exact Hessian against the tf.hessians-style block diagonal, in words, numbers and pictures.
import { flatLayout } from "../autodiff/hessian.js";
import { compareHessians } from "../report/compare.js";
import { compareHessiansLanczos, formatLanczosReport, type LanczosCompareReport } from "../report/compare-lanczos.js";
import { compareMatrixFree, formatMatrixFreeReport, type MatrixFreeCompareReport } from "../report/compare-matrix-free.js";
import { Session } from "../session/session.js";
import { HessflowError } from "../errors.js";
import { escapeControl, q } from "../messages.js";
import { checkWritable, writeFileAtomic } from "../report/files.js";
import { matrixFreeHtml, reportHtml } from "../report/html.js";
import { matrixFreeSvg } from "../report/matrix-free-svg.js";
import { heatmapsSvg } from "../report/svg.js";
import { formatCompareReport } from "../report/text.js";
import type { CompareReport, HessianInput } from "../report/types.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { runSpec } from "../spec/run.js";
import { HESSIAN_FLAGS, hessianOptions, parseCommand, reportNonFinite, usage } from "./main.js";
import { progress, type Io } from "./output.js";

/**
 * Above this many parameters compare finds only the extreme eigenvalues, by Lanczos, unless --spectra asks
 * for the dense O(n³) eigen-decompositions. Measured: dense eigenvalues take 0.5 s at n = 1,000, 1.7 s at
 * 1,500 and 3.7 s at 2,000 per matrix, Lanczos for the 5 largest and 5 smallest 0.4, 1.0 and 1.7 s.
 */
export const SPECTRA_LIMIT = 1500;

/**
 * Above this many parameters compare never builds the n×n Hessian (8,000² float64 = 512 MB): Lanczos and
 * Hutchinson-style block norms from Hessian-vector products instead. b-5k (4,810) stays dense; mnist-mlp
 * (25,450, 5.2 GB dense) goes matrix-free. --matrix-free forces this path at any size.
 */
export const MATRIX_FREE_LIMIT = 8000;

/** Runs `compare`; returns the exit code. */
export async function compareCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, {
    json: { type: "boolean" }, svg: { type: "string" }, html: { type: "string" }, spectra: { type: "boolean" }, "matrix-free": { type: "boolean" }, samples: { type: "string" }, ...HESSIAN_FLAGS,
  });
  const opts = hessianOptions(values);
  for (const k of ["svg", "html"] as const) {
    const f = values[k];
    if (f !== undefined && !new RegExp(`\\.${k}$`, "i").test(f as string)) usage(`--${k} must name a .${k} file, got '${q(f)}'`);
  }
  const loaded = loadSpec(readSpecFile(spec));
  if (!loaded.hessian) usage(`compare needs the spec to ask for outputs.hessian`);
  const n = flatLayout(loaded.hessian.xs).reduce((sum, e) => sum + e.size, 0);
  if (values.spectra && values["matrix-free"]) usage("--spectra (dense eigen-decompositions) and --matrix-free (no n×n matrix) exclude each other");
  const samples = values.samples === undefined ? 30 : Number(values.samples);
  if (values.samples !== undefined && (!/^\d+$/.test(String(values.samples).trim()) || samples < 2)) usage(`--samples must be an integer of at least 2, got '${q(values.samples)}'`);
  if (values["matrix-free"] || (n > MATRIX_FREE_LIMIT && !values.spectra)) {
    for (const k of ["svg", "html"] as const) if (values[k] !== undefined) checkWritable(values[k] as string);
    return matrixFreeCompare(loaded, samples, { json: Boolean(values.json), svg: values.svg as string | undefined, html: values.html as string | undefined }, io);
  }
  const useLanczos = n > SPECTRA_LIMIT && !values.spectra;
  if (useLanczos && values.html !== undefined) usage(`--html needs the full spectra, and the Hessian has ${n} parameters (above ${SPECTRA_LIMIT} compare uses Lanczos for the extreme eigenvalues only): pass --spectra for the dense O(n³) eigen-decomposition`);
  for (const k of ["svg", "html"] as const) if (values[k] !== undefined) checkWritable(values[k] as string);
  const bar = progress(io, "Hessian rows");
  const result = await runSpec(loaded, { ...opts, onProgress: bar.update }).finally(bar.done);
  const h = result.hessian!;
  // Spectra and Newton steps of a matrix with NaN or ±Infinity mean nothing: say where they came from instead.
  if (result.nonFinite && !h.exact.every(Number.isFinite)) throw new HessflowError(`${result.nonFinite.message}: the Hessian has NaN or ±Infinity entries, so it cannot be compared (run 'hessflow run' to see it)`, result.nonFinite.node);
  reportNonFinite(result, Boolean(values["strict-finite"]), io);
  const input: HessianInput = { n: h.n, xs: h.layout, hessian: h.exact, gradient: h.gradient };
  const meta = { name: loaded.doc.name, description: loaded.doc.description };
  const heading = `${escapeControl(meta.name)}${meta.description ? `: ${escapeControl(meta.description)}` : ""}\n\n`;
  if (useLanczos) {
    const bar = progress(io, "Lanczos steps (exact, then tf.hessians-style)");
    const lr = await compareHessiansLanczos(input, { onProgress: bar.update }).finally(bar.done);
    if (values.svg) await writeFileAtomic(values.svg as string, heatmapsSvg(input));
    if (values.json) io.out(JSON.stringify(reportJson(lr, meta.name)) + "\n");
    else io.out(heading + formatLanczosReport(lr) + "\n");
    return 0;
  }
  // The eigen-decompositions cannot report their steps: a status line says what the wait is for.
  const status = progress(io, "");
  if (h.n > 300) status.status(`eigen-decomposing both ${h.n}×${h.n} matrices (Householder + QL, O(n³))…`);
  let report: CompareReport;
  try {
    report = compareHessians(input);
  } finally {
    status.done();
  }
  if (values.svg) await writeFileAtomic(values.svg as string, heatmapsSvg(input, report));
  if (values.html) await writeFileAtomic(values.html as string, reportHtml(input, report, meta));
  if (values.json) io.out(JSON.stringify(reportJson(report, meta.name)) + "\n");
  else io.out(`${heading}${formatCompareReport(report, input)}\n\nspectra: dense eigen-decomposition of both matrices (all ${h.n} eigenvalues; Householder + QL)\n`);
  return 0;
}

/** The matrix-free path: products of the fast forward-over-reverse operator only, never the n×n matrix. */
async function matrixFreeCompare(loaded: ReturnType<typeof loadSpec>, samples: number, out: { json: boolean; svg?: string; html?: string }, io: Io): Promise<number> {
  const session = new Session(loaded.graph);
  try {
    const op = session.curvatureOperator(loaded.hessian!.ys, loaded.hessian!.xs, loaded.feed, { kind: "hessian" });
    if (!op.gradient.every(Number.isFinite)) throw new HessflowError("the gradient has NaN or ±Infinity entries, so the Hessian cannot be compared (run 'hessflow run --summary' to see where)");
    let bar = progress(io, ""), label = "";
    const onProgress = (phase: string, done: number, total: number) => {
      if (phase !== label) { bar.done(); bar = progress(io, (label = phase)); }
      bar.update(done, total);
    };
    const report = await compareMatrixFree(op, op.layout, { samples, onProgress }).finally(() => bar.done());
    const { exact, tf_hessians: tf } = report.extreme_eigenvalues;
    if (![...exact.top, ...exact.bottom, ...tf.top, ...tf.bottom].every((p) => Number.isFinite(p.value)) || !Number.isFinite(report.offdiagonal_frobenius_fraction)) throw new HessflowError("the Hessian-vector products produced NaN or ±Infinity, so the Hessian cannot be compared (run 'hessflow spectrum' to see them)");
    const meta = { name: loaded.doc.name, description: loaded.doc.description };
    if (out.svg) await writeFileAtomic(out.svg, matrixFreeSvg(report, meta));
    if (out.html) await writeFileAtomic(out.html, matrixFreeHtml(report, meta));
    if (out.json) io.out(JSON.stringify(reportJson(report, meta.name)) + "\n");
    else io.out(`${escapeControl(meta.name)}${meta.description ? `: ${escapeControl(meta.description)}` : ""}\n\n${formatMatrixFreeReport(report)}\n`);
    return 0;
  } finally {
    session.dispose();
  }
}

/** The report as plain JSON: typed arrays become arrays, non-finite numbers become strings ("Infinity", "NaN"). */
export function reportJson(report: CompareReport | LanczosCompareReport | MatrixFreeCompareReport, name: string): unknown {
  return JSON.parse(JSON.stringify({ name, spectra_method: "dense", ...report }, (_k, v) => {
    if (v instanceof Float64Array) return Array.from(v);
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    return v;
  }));
}
