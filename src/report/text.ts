import { elementLabels, shapeLabel } from "./labels.js";
import type { CompareReport, HessianInput, Inertia, NewtonStep, VariableBlock } from "./types.js";

/** Options for formatMatrix / formatVector. */
export interface FormatOptions {
  /** Decimals of fixed-point output (default 8, like NumPy). */
  precision?: number;
  /** Above this n only a summary with edge rows/columns is printed (default 40). */
  maxFull?: number;
  /** Rows/columns shown at each edge in summary mode (default 3). */
  edgeItems?: number;
  /** Show only these rows (a table of them, no block rules); default: all, or the edges. */
  rows?: number[];
  /** For large n, false leaves out the matrix's summary line (the caller prints its own). */
  summary?: boolean;
}

/** Fixed-point number with `precision` decimals (exponent form beyond 1e8); nan/inf spelled like NumPy. */
export function fmt(v: number, precision = 8): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const text = Math.abs(v) >= 1e8 ? v.toExponential(precision) : v.toFixed(precision);
  // A value that rounds to zero prints as zero, not "-0.00000000".
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** Short number with `digits` significant digits (for block norms, condition numbers). */
export function fmtShort(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return fmt(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-4 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
}

/** Aligns a grid of cells: first column left, others right; `|` after columns in colSep, rules after rows in rowSep. */
export function renderTable(cells: string[][], colSep = new Set<number>(), rowSep = new Set<number>()): string {
  const ncol = Math.max(...cells.map((r) => r.length));
  const width = Array.from({ length: ncol }, (_, c) => Math.max(0, ...cells.map((r) => (r[c] ?? "").length)));
  const join = (parts: string[], sep: (c: number) => string) => parts.map((p, c) => (c ? sep(c - 1) : "") + p).join("");
  const lines: string[] = [];
  cells.forEach((row, r) => {
    const padded = width.map((w, c) => (c === 0 ? (row[c] ?? "").padEnd(w) : (row[c] ?? "").padStart(w)));
    lines.push(join(padded, (c) => (colSep.has(c) ? " | " : "  ")).trimEnd());
    if (rowSep.has(r)) lines.push(join(width.map((w) => "-".repeat(w)), (c) => (colSep.has(c) ? "-+-" : "--")));
  });
  return lines.join("\n");
}

/** Indices 0..n-1, or the first and last `edge` of them with -1 marking the elided middle. */
function edgeIndices(n: number, full: boolean, edge: number): number[] {
  if (full || n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
}

/** One-line description of the variable layout, e.g. `4 variables: w1[2,3] b1[2,1] ...`. */
export function describeLayout(xs: VariableBlock[]): string {
  return `${xs.length} variable${xs.length === 1 ? "" : "s"}: ${xs.map(shapeLabel).join(" ")}`;
}

/** Aligned table of an n×n row-major matrix with variable-block separators, or a summary for large n. */
export function formatMatrix(h: Float64Array, n: number, xs: VariableBlock[], opts: FormatOptions = {}): string {
  const { precision = 8, maxFull = 40, edgeItems = 3 } = opts;
  const labels = elementLabels(xs);
  const full = n <= maxFull;
  const idx = edgeIndices(n, full, edgeItems);
  const rowIdx = opts.rows ?? idx;
  const ends = new Set(xs.map((x) => x.offset + x.size - 1));
  const cell = (i: number, j: number) => (i < 0 || j < 0 ? "..." : fmt(h[i * n + j], precision));
  const cells = [["", ...idx.map((j) => (j < 0 ? "..." : labels[j]))], ...rowIdx.map((i) => [i < 0 ? "..." : labels[i], ...idx.map((j) => cell(i, j))])];
  if (opts.rows) return renderTable(cells, new Set([0]), new Set([0]));
  const seps = new Set<number>([0]);
  const rowSeps = new Set<number>([0]);
  if (full) idx.forEach((i, k) => { if (ends.has(i) && i !== n - 1) { seps.add(k + 1); rowSeps.add(k + 1); } });
  const table = renderTable(cells, seps, rowSeps);
  if (full) return table;
  if (opts.summary === false) return `first and last ${edgeItems} rows/columns:\n${table}`;
  let trace = 0, ss = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) trace += h[i * n + i];
  for (const v of h) { ss += v * v; min = Math.min(min, v); max = Math.max(max, v); }
  return [
    `${n}×${n} matrix, ${describeLayout(xs)}`,
    `trace ${fmt(trace, precision)}  Frobenius norm ${fmt(Math.sqrt(ss), precision)}  min ${fmt(min, precision)}  max ${fmt(max, precision)}`,
    `first and last ${edgeItems} rows/columns:`,
    table,
  ].join("\n");
}

/** Aligned `label  value` listing of a flat vector with rules between variables (edges only for large n). */
export function formatVector(v: Float64Array, xs: VariableBlock[], opts: FormatOptions = {}): string {
  const { precision = 8, maxFull = 40, edgeItems = 3 } = opts;
  const labels = elementLabels(xs);
  const full = v.length <= maxFull;
  const idx = edgeIndices(v.length, full, edgeItems);
  const ends = new Set(xs.map((x) => x.offset + x.size - 1));
  const rowSeps = new Set<number>();
  if (full) idx.forEach((i, k) => { if (ends.has(i) && i !== v.length - 1) rowSeps.add(k); });
  return renderTable(idx.map((i) => (i < 0 ? ["...", "..."] : [labels[i], fmt(v[i], precision)])), new Set(), rowSeps);
}

/** `2 negative, 3 zero, 6 positive`. */
export function inertiaText(i: Inertia): string {
  return `${i.negative} negative, ${i.zero} zero, ${i.positive} positive`;
}

/** `pseudo-inverse (3 dropped)` or `solve (nonsingular)`. */
export function newtonMethodText(s: NewtonStep): string {
  return s.method === "solve" ? "solve (nonsingular)" : `pseudo-inverse (${s.dropped} dropped)`;
}

/** Spectra side by side: all for n ≤ 2·show+2, else the `show` smallest and largest. */
function spectraTable(r: CompareReport, show = 5): string {
  const { exact, tf_hessians: tf } = r.eigenvalues;
  const idx = edgeIndices(r.n, r.n <= 2 * show + 2, show);
  const rows = idx.map((i) => (i < 0 ? ["...", "...", "..."] : [String(i + 1), fmt(exact[i]), fmt(tf[i])]));
  return renderTable([["#", "exact", "tf.hessians-style"], ...rows], new Set(), new Set([0]));
}

/** Readable, aligned terminal report of a CompareReport. */
export function formatCompareReport(report: CompareReport, input: HessianInput): string {
  const r = report;
  const names = input.xs.map((x) => x.name);
  const blockCells = [["", ...names], ...names.map((row) => [row, ...names.map((col) => {
    const b = r.blocks.find((s) => s.row === row && s.col === col)!;
    return `${fmtShort(b.frobenius)} / ${fmtShort(b.max_abs)} ${b.in_tf_hessians ? "kept   " : "DROPPED"}`;
  })])];
  const out: string[] = [];
  const section = (title: string, ...body: string[]) => out.push("", title, "=".repeat(title.length), ...body);
  out.push(`Exact Hessian vs tf.hessians-style (block-diagonal) Hessian`, `n = ${r.n} parameters, ${describeLayout(input.xs)}`);
  section("Block map: Frobenius norm / max |entry| (kept = returned by tf.hessians, DROPPED = never computed)",
    renderTable(blockCells, new Set([0]), new Set([0])));
  section("Off-diagonal share",
    `||H - B||_F / ||H||_F = ${fmt(r.offdiagonal_frobenius_fraction)} (${(100 * r.offdiagonal_frobenius_fraction).toFixed(1)}% of the norm, ` +
      `${(100 * r.offdiagonal_frobenius_fraction ** 2).toFixed(1)}% of the sum of squares)`,
    `||H||_F = ${fmt(r.frobenius.exact)}, ||B||_F = ${fmt(r.frobenius.tf_hessians)}`);
  section(`Eigenvalues (ascending${r.n > 12 ? ", 5 smallest and 5 largest" : ""})`, spectraTable(r));
  const pair = (label: string, f: (k: "exact" | "tf_hessians") => string) => [label, f("exact"), f("tf_hessians")];
  const summary = [
    ["", "exact", "tf.hessians-style"],
    pair("inertia", (k) => inertiaText(r.inertia[k])),
    pair("definiteness", (k) => r.definiteness[k]),
    pair("condition number", (k) => fmtShort(r.condition_number[k], 6)),
    pair("  over nonzero eigenvalues", (k) => fmtShort(r.condition_number_nonzero[k], 6)),
  ];
  section("Spectrum summary", renderTable(summary, new Set([0]), new Set([0])),
    `zero means |lambda| <= ${r.zero_tolerance} * max|lambda|` + (r.asymmetry > 0 ? `; input symmetrised (max |H - H^T| = ${r.asymmetry.toExponential(2)})` : ""));
  if (r.newton) {
    const nw = r.newton;
    const rows = [
      ["", "exact", "tf.hessians-style"],
      pair("method", (k) => newtonMethodText(nw[k])),
      pair("||p||", (k) => fmt(nw[k].norm)),
      pair("||H p + g|| / ||g||", (k) => fmtShort(nw[k].residual)),
    ];
    section("Newton step p solving H p = -g", renderTable(rows, new Set([0]), new Set([0])),
      "pseudo-inverse = minimum-norm least-squares step; eigenvalues counted as zero are dropped",
      `angle between the two steps: ${nw.angle_degrees === null ? "undefined (zero step)" : `${nw.angle_degrees.toFixed(2)} degrees`}`);
  }
  section("Verdict", ...r.verdict.map((s) => `- ${s}`));
  return out.join("\n") + "\n";
}
