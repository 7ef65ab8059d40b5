// What the playground page shows for one spec text: the problems `hessflow validate` lists, or the numbers
// and pictures of `hessflow run` and `hessflow compare` as plain data (strings, SVG, pixels) that the page's
// Web Worker posts to the main thread. It runs wherever the library runs (Node in the tests, a browser worker).
import { HessflowError, SpecError } from "../errors.js";
import { compareHessians } from "../report/compare.js";
import { elementLabels } from "../report/labels.js";
import { heatmapsSvg, spectraSvg } from "../report/svg.js";
import { fmt, fmtShort, inertiaText } from "../report/text.js";
import type { BlockStat, HessianInput } from "../report/types.js";
import type { LoadedSpec } from "../spec/build.js";
import { parseJsonText } from "../spec/json-text.js";
import { formatProblem, specProblems } from "../spec/load.js";
import type { SpecProblem } from "../spec/problem.js";
import { runSpec } from "../spec/run.js";
import type { WorkerPool } from "../session/worker-pool.js";

/** Above this many parameters the page refuses a spec: both dense eigen-decompositions (O(n³)) would take too long. */
export const PLAYGROUND_MAX_PARAMETERS = 1500;

/** Up to this many parameters the page prints the Hessian's entries (as `hessflow run` does), not only its heatmap. */
export const MATRIX_TABLE_LIMIT = 40;

/** One problem as `hessflow validate` gives it: the JSON path, the node, the message, and its one-line text. */
export interface ViewProblem extends SpecProblem {
  /** `path (node 'x'): message`, or the message alone for broken JSON (as validate prints them). */
  line: string;
}

/** One named tensor, its shape and its entries (fmt: 8 decimals, as `hessflow run`). */
export interface ViewTensor {
  name: string;
  shape: number[];
  values: string[];
}

/** A heatmap panel drawn as pixels (n above the SVG's cell limit): RGBA, res×res, for a canvas in the SVG. */
export interface ViewRaster {
  panel: number;
  res: number;
  rgba: Uint8ClampedArray;
}

/** Everything the page shows for a valid spec. */
export interface PlaygroundView {
  name: string;
  description: string;
  n: number;
  layout: { name: string; shape: number[]; offset: number; size: number }[];
  fetch: ViewTensor[];
  gradients: ViewTensor[];
  /** The Hessian's entries for n ≤ MATRIX_TABLE_LIMIT: element labels, rows of fmt strings, and the last index of every variable block. */
  matrix?: { labels: string[]; rows: string[][]; blockEnds: number[] };
  /** Exact H, tf.hessians-style B (hatched where never computed) and H − B, from heatmapsSvg. */
  heatmaps: string;
  /** Panels drawn as pixels: each `<canvas data-raster="k">` in `heatmaps` gets rasters[k]. */
  rasters: ViewRaster[];
  /** Both spectra, from spectraSvg. */
  spectra: string;
  definiteness: { exact: string; tf_hessians: string };
  inertia: { exact: string; tf_hessians: string };
  /** The extreme eigenvalues of both matrices (all of them for small n), as [index, exact, tf.hessians-style]. */
  eigenvalues: [string, string, string][];
  offdiagonalShare: string;
  newtonAngle: string;
  verdict: string[];
  blocks: { row: string; col: string; frobenius: string; maxAbs: string; kept: boolean }[];
  /** Hex of the exact Hessian's float64 bits hashed (FNV-1a 32): the same in every engine that computes the same bits. */
  hessianHash: string;
  ms: { hessian: number; total: number };
  /** The threads the Hessian ran on (1: the worker's own thread). */
  threads: number;
}

/** The outcome for one text: the view, or the problems (the page keeps its last view on problems). */
export type ViewResult = { ok: true; view: PlaygroundView } | { ok: false; problems: ViewProblem[] };

/** Options of playgroundView. */
export interface ViewOptions {
  /** The name broken JSON is reported against (`NAME:LINE:COL: invalid JSON: ...`); default "editor". */
  file?: string;
  /** Checks and builds a parsed document (default specProblems: every problem `hessflow validate` finds). */
  check?: (doc: unknown) => Promise<{ problems: SpecProblem[]; loaded?: LoadedSpec }> | { problems: SpecProblem[]; loaded?: LoadedSpec };
  /** Worker threads for the Hessian (in a page: webWorkerThreads().pool); without them it runs on the calling thread. */
  threads?: WorkerPool;
}

/** The view of a spec's text: parse (line and column on broken JSON), validate (every problem, with paths), run, compare. */
export async function playgroundView(text: string, options: ViewOptions = {}): Promise<ViewResult> {
  const t0 = performance.now();
  let doc: unknown;
  try {
    doc = parseJsonText(text, options.file ?? "editor");
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, problems: [{ path: "$", message: e.message, line: e.message }] };
    throw e;
  }
  let loaded: LoadedSpec;
  try {
    const checked = await (options.check ?? specProblems)(doc);
    if (checked.problems.length || !checked.loaded) return { ok: false, problems: checked.problems.map((p) => ({ ...p, line: formatProblem(p) })) };
    loaded = checked.loaded;
  } catch (e) {
    return failure(e);
  }
  if (!loaded.hessian) return problem("$.outputs", "the playground needs the spec to ask for outputs.hessian");
  const n = loaded.hessian.xs.reduce((s, x) => s + x.shape.reduce<number>((a, d) => a * (d ?? 0), 1), 0);
  if (n > PLAYGROUND_MAX_PARAMETERS) return problem("$.outputs.hessian.xs", `${n} parameters: the page compares dense Hessians of at most ${PLAYGROUND_MAX_PARAMETERS} (use 'hessflow compare' on the command line)`);
  try {
    const result = await runSpec(loaded, { threads: options.threads });
    const h = result.hessian!;
    if (result.nonFinite) return problem("$", `${result.nonFinite.message}: the page cannot compare a Hessian of non-finite numbers`);
    const input: HessianInput = { n: h.n, xs: h.layout, hessian: h.exact, gradient: h.gradient };
    const report = compareHessians(input);
    const rasters: ViewRaster[] = [];
    const heatmaps = heatmapsSvg(input, report, { raster: (res, rgb) => canvasMarkup(rasters, res, rgb) });
    const tensor = (name: string, t: { shape: readonly number[]; data: Float64Array }): ViewTensor => ({ name, shape: [...t.shape], values: Array.from(t.data, (v) => fmt(v)) });
    const { exact, tf_hessians: tf } = report.eigenvalues;
    const shown = h.n <= 12 ? exact.map((_, i) => i) : [0, 1, 2, 3, 4, -1, h.n - 5, h.n - 4, h.n - 3, h.n - 2, h.n - 1];
    return {
      ok: true,
      view: {
        name: loaded.doc.name,
        description: loaded.doc.description ?? "",
        n: h.n,
        layout: h.layout.map(({ name, shape, offset, size }) => ({ name, shape, offset, size })),
        fetch: result.fetch.map((f) => tensor(f.name, f.value)),
        gradients: result.gradients.map((g) => tensor(g.name, g.value)),
        matrix: h.n <= MATRIX_TABLE_LIMIT ? matrixRows(input) : undefined,
        heatmaps,
        rasters,
        spectra: spectraSvg(report, { width: 900, height: 320 }),
        definiteness: report.definiteness,
        inertia: { exact: inertiaText(report.inertia.exact), tf_hessians: inertiaText(report.inertia.tf_hessians) },
        eigenvalues: shown.map((i) => (i < 0 ? ["…", "…", "…"] : [String(i + 1), fmt(exact[i]), fmt(tf[i])])),
        offdiagonalShare: `${(100 * report.offdiagonal_frobenius_fraction).toFixed(1)}%`,
        newtonAngle: report.newton?.angle_degrees == null ? "undefined (a zero step)" : `${report.newton.angle_degrees.toFixed(2)}°`,
        verdict: report.verdict,
        blocks: report.blocks.map(blockCell),
        hessianHash: hashBits(h.exact),
        ms: { hessian: h.ms, total: performance.now() - t0 },
        threads: Math.max(1, h.workers),
      },
    };
  } catch (e) {
    return failure(e);
  }
}

/** A one-problem result. */
function problem(path: string, message: string): ViewResult {
  return { ok: false, problems: [{ path, message, line: `${path}: ${message}` }] };
}

/** A library error (bad feed, memory refused) as one problem at the node or `$`; anything else is a bug and is rethrown. */
function failure(e: unknown): ViewResult {
  if (!(e instanceof HessflowError)) throw e;
  return problem("$", e.message);
}

/** The Hessian's entries as strings, with the variable-block ends for the separators. */
function matrixRows(input: HessianInput): NonNullable<PlaygroundView["matrix"]> {
  const { n, xs, hessian } = input;
  const rows = Array.from({ length: n }, (_, i) => Array.from(hessian.subarray(i * n, (i + 1) * n), (v) => fmt(v)));
  return { labels: elementLabels(xs), rows, blockEnds: xs.map((x) => x.offset + x.size - 1) };
}

/** One block of the block map, its numbers formatted. */
function blockCell(b: BlockStat): PlaygroundView["blocks"][number] {
  return { row: b.row, col: b.col, frobenius: fmtShort(b.frobenius), maxAbs: fmtShort(b.max_abs), kept: b.in_tf_hessians };
}

/** Records a panel's pixels (as RGBA) and returns a canvas to draw them in: the page allows no data: images under its CSP. */
function canvasMarkup(rasters: ViewRaster[], res: number, rgb: Uint8Array): string {
  const rgba = new Uint8ClampedArray(res * res * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p];
    rgba[q + 1] = rgb[p + 1];
    rgba[q + 2] = rgb[p + 2];
    rgba[q + 3] = 255;
  }
  rasters.push({ panel: rasters.length, res, rgba });
  return `<canvas xmlns="http://www.w3.org/1999/xhtml" class="hf-raster" data-raster="${rasters.length - 1}" width="${res}" height="${res}"></canvas>`;
}

/** FNV-1a (32 bits) of a Float64Array's bytes, as 8 hex digits. */
export function hashBits(values: Float64Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
