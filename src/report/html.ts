import { formatMatrixFreeReport, type MatrixFreeCompareReport } from "./compare-matrix-free.js";
import { matrixFreeSvg } from "./matrix-free-svg.js";
import { escapeXml, heatmapsSvg, spectraSvg } from "./svg.js";
import { fmt, fmtShort, formatCompareReport, formatMatrix, inertiaText, newtonMethodText } from "./text.js";
import type { CompareReport, HessianInput } from "./types.js";

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1420px; padding: 0 16px; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.desc { color: #555; margin-top: 0; }
.verdict { background: #fff8e1; border-left: 5px solid #f0a500; padding: 10px 16px; margin: 16px 0; }
.verdict p { margin: 4px 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 160px; }
.card .big { font-size: 1.5em; font-weight: 600; } .card .small { color: #666; font-size: 0.85em; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
th { background: #f3f3f3; } td.label, th.label { text-align: left; }
td.kept { background: #e3f2e6; }
td.dropped { color: #6b6b6b; background: repeating-linear-gradient(45deg, #f6f6f6, #f6f6f6 6px, #e9e9e9 6px, #e9e9e9 12px); }
td .tag { display: block; font-size: 0.75em; text-transform: uppercase; letter-spacing: 0.05em; }
td.kept .tag { color: #1b7a34; } td.dropped .tag { color: #b2182b; }
.neg { color: #c62828; font-weight: 600; }
.figure { overflow-x: auto; } .figure svg { max-width: 100%; height: auto; }
pre { background: #f7f7f7; padding: 12px; overflow-x: auto; font-size: 12px; }
`;

/** Escaped text. */
const e = escapeXml;

/** Indices of all eigenvalues for small n, or the 5 smallest / 5 largest (-1 = gap). */
function shownIndices(n: number): number[] {
  if (n <= 24) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, 3, 4, -1, n - 5, n - 4, n - 3, n - 2, n - 1];
}

/** One self-contained HTML page (no network) with the comparison, heatmaps and spectra plot. */
export function reportHtml(input: HessianInput, report: CompareReport, meta: { name: string; description?: string }): string {
  const r = report;
  const names = input.xs.map((x) => x.name);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const blockRows = names.map((row) => `<tr><th class="label">${e(row)}</th>${names.map((col) => {
    const b = r.blocks.find((s) => s.row === row && s.col === col)!;
    const cls = b.in_tf_hessians ? "kept" : "dropped";
    return `<td class="${cls}" title="${e(`${row} x ${col}`)}">${fmtShort(b.frobenius)} / ${fmtShort(b.max_abs)}<span class="tag">${cls}</span></td>`;
  }).join("")}</tr>`).join("\n");
  const neg = (v: number, cut: number) => (v < -cut ? ` class="neg"` : "");
  const cut = (k: "exact" | "tf_hessians") => r.zero_tolerance * Math.max(0, ...r.eigenvalues[k].map(Math.abs));
  const eigRows = shownIndices(r.n).map((i) => i < 0
    ? `<tr><td>…</td><td>…</td><td>…</td></tr>`
    : `<tr><td>${i + 1}</td><td${neg(r.eigenvalues.exact[i], cut("exact"))}>${fmt(r.eigenvalues.exact[i])}</td><td${neg(r.eigenvalues.tf_hessians[i], cut("tf_hessians"))}>${fmt(r.eigenvalues.tf_hessians[i])}</td></tr>`).join("\n");
  const row = (label: string, f: (k: "exact" | "tf_hessians") => string) => `<tr><td class="label">${label}</td><td>${f("exact")}</td><td>${f("tf_hessians")}</td></tr>`;
  const nw = r.newton;
  const newton = nw ? `<h2>Newton step p solving H p = −g</h2>
<table><tr><th></th><th>exact H</th><th>tf.hessians-style B</th></tr>
${row("method", (k) => e(newtonMethodText(nw[k])))}
${row("‖p‖", (k) => fmt(nw[k].norm))}
${row("‖H p + g‖ / ‖g‖", (k) => fmtShort(nw[k].residual))}
</table>
<p>Angle between the two steps: <b>${nw.angle_degrees === null ? "undefined (zero step)" : `${nw.angle_degrees.toFixed(2)}°`}</b>. Pseudo-inverse = minimum-norm least-squares step, dropping eigenvalues with |λ| ≤ ${r.zero_tolerance}·max|λ|.</p>` : "";
  return `${pageHead(meta)}
<p>Exact Hessian H (all ${r.n}×${r.n} entries) versus what <code>tf.hessians</code> returns: one block per variable, i.e. the block-diagonal matrix B. Variables: ${input.xs.map((x) => `<code>${e(x.name)}[${x.shape.join(",")}]</code>`).join(" ")}.</p>
<div class="verdict">${r.verdict.map((s) => `<p>${e(s)}</p>`).join("")}</div>
<div class="cards">
<div class="card"><div class="small">parameters</div><div class="big">${r.n}</div></div>
<div class="card"><div class="small">dropped share of ‖H‖<sub>F</sub></div><div class="big">${pct(r.offdiagonal_frobenius_fraction)}</div></div>
<div class="card"><div class="small">exact H</div><div class="big">${e(r.definiteness.exact)}</div><div class="small">${inertiaText(r.inertia.exact)}</div></div>
<div class="card"><div class="small">tf.hessians-style B</div><div class="big">${e(r.definiteness.tf_hessians)}</div><div class="small">${inertiaText(r.inertia.tf_hessians)}</div></div>
</div>
<h2>Heatmaps</h2>
<div class="figure">${heatmapsSvg(input, r)}</div>
<h2>Block map</h2>
<p>Each cell: Frobenius norm / max |entry| of the (row, column) block. <b>Kept</b> blocks are what tf.hessians returns; <b>dropped</b> blocks are never computed. They carry ${pct(r.offdiagonal_frobenius_fraction)} of ‖H‖<sub>F</sub> (‖H − B‖<sub>F</sub> / ‖H‖<sub>F</sub> = ${fmt(r.offdiagonal_frobenius_fraction)}).</p>
<table class="blocks"><tr><th></th>${names.map((c) => `<th>${e(c)}</th>`).join("")}</tr>
${blockRows}
</table>
<h2>Spectra</h2>
<div class="figure">${spectraSvg(r)}</div>
<table><tr><th></th><th>exact H</th><th>tf.hessians-style B</th></tr>
${row("inertia", (k) => inertiaText(r.inertia[k]))}
${row("definiteness", (k) => e(r.definiteness[k]))}
${row("condition number", (k) => fmtShort(r.condition_number[k], 6))}
${row("… over nonzero eigenvalues", (k) => fmtShort(r.condition_number_nonzero[k], 6))}
${row("‖·‖<sub>F</sub>", (k) => fmt(r.frobenius[k]))}
</table>
<p>Eigenvalues, ascending${r.n > 24 ? " (5 smallest and 5 largest)" : ""}; zero means |λ| ≤ ${r.zero_tolerance}·max|λ|; negative ones in red.</p>
<table class="eigenvalues"><tr><th>#</th><th>exact H</th><th>tf.hessians-style B</th></tr>
${eigRows}
</table>
${newton}
<h2>Text report</h2>
<details><summary>terminal version</summary><pre>${e(formatCompareReport(r, input))}</pre></details>
<details><summary>Hessian matrix${r.n > 40 ? " (summary)" : ""}</summary><pre>${e(formatMatrix(input.hessian, input.n, input.xs))}</pre></details>
</body></html>
`;
}

/** The start of a report page: doctype, head with the inline CSS, the title and the spec's description. */
function pageHead(meta: { name: string; description?: string }): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hessflow: ${e(meta.name)}</title><style>${CSS}</style></head>
<body>
<h1>hessflow: ${e(meta.name)}</h1>
${meta.description ? `<p class="desc">${e(meta.description)}</p>` : ""}`;
}

/** One self-contained HTML page (no network) for the matrix-free compare: the verdict, its picture, the text report. */
export function matrixFreeHtml(r: MatrixFreeCompareReport, meta: { name: string; description?: string }): string {
  return `${pageHead(meta)}
<p>Exact Hessian H versus what <code>tf.hessians</code> returns (one block per variable, the block-diagonal B), compared without the ${r.n}×${r.n} matrix: ${e(r.method)}, ${r.hvps} Hessian-vector products. Block norms and the dropped share are estimates ± one standard error.</p>
<div class="verdict">${r.verdict.map((s) => `<p>${e(s)}</p>`).join("")}</div>
<div class="figure">${matrixFreeSvg(r, meta)}</div>
<p>Not computed: ${e(r.note.replace(/^matrix-free: /, ""))}.</p>
<h2>Text report</h2>
<details><summary>terminal version</summary><pre>${e(formatMatrixFreeReport(r))}</pre></details>
</body></html>
`;
}
