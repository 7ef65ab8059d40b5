// The picture of `hessflow compare --matrix-free --svg`: what the matrix-free compare knows, and nothing more.
// The estimated block map (‖H_ij‖_F ± one standard error, coloured by its share of ‖H‖_F², the blocks
// tf.hessians never builds hatched), the estimated dropped share, the Lanczos extreme eigenvalues of H and
// of the block diagonal B on one axis (negative ones marked), and the verdict.
import type { EstimatedBlock, MatrixFreeCompareReport } from "./compare-matrix-free.js";
import type { Extremes } from "./compare-lanczos.js";
import { divergingColor, escapeXml, HATCH_PATTERN, hex, niceTicks } from "./svg.js";
import { fmtShort } from "./text.js";

/** A subscript inside an SVG <text>. */
const sub = (s: string) => `<tspan baseline-shift="sub" font-size="9">${s}</tspan>`;

/** The variable names of a report's block map, in order. */
function blockNames(r: MatrixFreeCompareReport): string[] {
  return [...new Set(r.blocks.map((b) => b.row))];
}

/** The Ritz values of one matrix that count as negative (below −1e-9 of its largest |value|, as the verdict counts them). */
function negativeRitzValues(x: Extremes): number[] {
  const vals = [...x.top, ...x.bottom].map((p) => p.value);
  const cut = 1e-9 * Math.max(0, ...vals.map(Math.abs));
  return vals.filter((v) => v < -cut);
}

/** Greedy word wrap of a sentence into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** One SVG picture of the matrix-free compare: estimated block map, dropped share, extreme eigenvalues on one axis, verdict. */
export function matrixFreeSvg(r: MatrixFreeCompareReport, meta: { name: string }): string {
  const names = blockNames(r), p = names.length;
  const maxName = Math.max(2, ...names.map((s) => s.length));
  const C = Math.max(90, Math.min(130, 520 / p)), L = 16 + 7 * maxName, mapTop = 100, map = C * p;
  const width = Math.max(1000, L + map + 420), axisTop = mapTop + map + 70, axisH = 150;
  const verdict = r.verdict.flatMap((s) => wrap(`• ${s}`, Math.floor((width - 40) / 6.6)));
  const height = axisTop + axisH + 40 + 17 * verdict.length + 16;
  const total = r.frobenius.exact ** 2;
  const share = (b: EstimatedBlock) => (total > 0 ? b.frobenius ** 2 / total : 0);
  const maxShare = Math.max(1e-300, ...r.blocks.map(share));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" class="hessflow-matrix-free">`,
    `<defs>${HATCH_PATTERN}<linearGradient id="hf-share">${Array.from({ length: 11 }, (_, k) => `<stop offset="${k * 10}%" stop-color="${hex(divergingColor(k / 10, 1))}"/>`).join("")}</linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold">${escapeXml(`${meta.name}: exact Hessian H vs tf.hessians-style block diagonal B, without the ${r.n}×${r.n} matrix`)}</text>`,
    `<text x="16" y="42" fill="#555">${escapeXml(`${r.method}, ${r.hvps} Hessian-vector products; estimates ± one standard error`)}</text>`,
  ];
  // The block map.
  out.push(`<g transform="translate(${16 + L},${mapTop})" class="block-map">`);
  out.push(`<text x="${map / 2}" y="-26" text-anchor="middle" font-size="13" font-weight="bold">Block map: estimated ‖H${sub("ij")}‖${sub("F")} ± s.e.</text>`);
  names.forEach((row, i) => names.forEach((col, j) => {
    const b = r.blocks.find((x) => x.row === row && x.col === col)!;
    const fill = hex(divergingColor(share(b), maxShare));
    const x = j * C, y = i * C, cx = x + C / 2, dark = share(b) > 0.55 * maxShare, ink = dark ? ' fill="#ffffff"' : "";
    out.push(`<g class="block ${b.in_tf_hessians ? "kept" : "dropped"}" data-row="${escapeXml(row)}" data-col="${escapeXml(col)}" data-frobenius="${b.frobenius}" data-stderr="${b.frobenius_stderr}" data-share="${share(b)}">`);
    out.push(`<title>${escapeXml(`${row}, ${col}: ‖H_ij‖_F ≈ ${b.frobenius} ± ${b.frobenius_stderr} (${pct(share(b))} of ‖H‖_F²)${b.in_tf_hessians ? ", kept by tf.hessians" : ", never built by tf.hessians"}`)}</title>`);
    out.push(`<rect x="${x}" y="${y}" width="${C}" height="${C}" fill="${fill}"/>`);
    if (!b.in_tf_hessians) out.push(`<rect x="${x}" y="${y}" width="${C}" height="${C}" fill="url(#hf-hatch)" opacity="0.55" class="hatch"/>`);
    out.push(`<text x="${cx}" y="${y + C / 2 - 8}" text-anchor="middle" font-weight="bold"${ink}>${fmtShort(b.frobenius)}</text>`);
    out.push(`<text x="${cx}" y="${y + C / 2 + 7}" text-anchor="middle" font-size="11"${ink}>± ${fmtShort(b.frobenius_stderr)}</text>`);
    out.push(`<text x="${cx}" y="${y + C - 8}" text-anchor="middle" font-size="10" fill="${dark ? "#ffffff" : b.in_tf_hessians ? "#1b7a34" : "#b2182b"}">${b.in_tf_hessians ? "kept by tf.hessians" : "never built"}</text>`);
    out.push("</g>");
  }));
  for (let k = 1; k < p; k++) out.push(`<line x1="${k * C}" y1="0" x2="${k * C}" y2="${map}" stroke="#222"/><line x1="0" y1="${k * C}" x2="${map}" y2="${k * C}" stroke="#222"/>`);
  out.push(`<rect width="${map}" height="${map}" fill="none" stroke="#222" stroke-width="1.2"/>`);
  names.forEach((s, k) => out.push(`<text x="${k * C + C / 2}" y="-8" text-anchor="middle">${escapeXml(s)}</text><text x="-6" y="${k * C + C / 2 + 4}" text-anchor="end">${escapeXml(s)}</text>`));
  out.push("</g>");
  // The numbers beside it: the dropped share, the norms, the colour legend.
  const side = 16 + L + map + 40, f = r.offdiagonal_frobenius_fraction, fse = r.offdiagonal_frobenius_fraction_stderr;
  out.push(`<g transform="translate(${side},${mapTop})" class="summary" data-share="${f}" data-share-stderr="${fse}">`);
  out.push(`<text y="0" font-size="13" font-weight="bold">Dropped by tf.hessians (hatched blocks)</text>`);
  out.push(`<text y="30" font-size="22" font-weight="bold" fill="#b2182b">${pct(f)} ± ${(100 * fse).toFixed(1)}%</text>`);
  out.push(`<text y="50">of ‖H‖${sub("F")}: ‖H − B‖${sub("F")} / ‖H‖${sub("F")} ≈ ${fmtShort(f)} ± ${fmtShort(fse)} (${pct(f * f)} of ‖H‖${sub("F")}²)</text>`);
  out.push(`<text y="74">‖H‖${sub("F")} ≈ ${fmtShort(r.frobenius.exact)} ± ${fmtShort(r.frobenius_stderr.exact)}, ‖B‖${sub("F")} ≈ ${fmtShort(r.frobenius.tf_hessians)} ± ${fmtShort(r.frobenius_stderr.tf_hessians)}</text>`);
  out.push(`<text y="98" fill="#555">${escapeXml(`Hutchinson: ${r.samples} Rademacher samples per column block`)}</text>`);
  out.push(`<rect y="122" width="240" height="14" fill="url(#hf-share)" stroke="#444" stroke-width="0.8"/>`);
  out.push(`<text y="152">0</text><text x="240" y="152" text-anchor="end">${pct(maxShare)}</text><text y="170" fill="#444">colour: the block's share of ‖H‖${sub("F")}²</text>`);
  out.push(`<rect y="184" width="24" height="16" fill="url(#hf-hatch)" stroke="#444" stroke-width="0.8"/><text x="32" y="197" fill="#444">never built by tf.hessians</text>`);
  out.push(`<text y="222" fill="#555">not computed without the matrix: max |entry|,</text><text y="238" fill="#555">inertia, condition numbers, Newton steps</text>`);
  out.push("</g>");
  // The extreme eigenvalues on one axis: a row for H, a row for B.
  const { exact: e, tf_hessians: t } = r.extreme_eigenvalues;
  const rows: [string, Extremes, string, number][] = [["exact H", e, "#222222", 50], ["tf.hessians-style B", t, "#e08214", 100]];
  const all = rows.flatMap(([, x]) => [...x.top, ...x.bottom].map((q) => q.value)).concat(0);
  let lo = Math.min(...all), hi = Math.max(...all);
  const pad = (hi - lo || 1) * 0.04;
  lo -= pad; hi += pad;
  const al = 16 + Math.max(L, 150), aw = width - al - 24;
  const X = (v: number) => al + ((v - lo) / (hi - lo)) * aw;
  out.push(`<g transform="translate(0,${axisTop})" class="eigenvalues">`);
  out.push(`<text x="16" y="0" font-size="13" font-weight="bold">${escapeXml(`Extreme eigenvalues (Lanczos Ritz values: ${e.top.length} largest and ${e.bottom.length} smallest of each; ${e.steps} and ${t.steps} steps${e.converged && t.converged ? "" : ", NOT converged"})`)}</text>`);
  if (lo < 0) out.push(`<rect x="${al}" y="20" width="${(X(0) - al).toFixed(1)}" height="110" fill="#fde8e8"/><text x="${al + 6}" y="34" fill="#b2182b" font-size="11">negative curvature</text>`);
  for (const v of niceTicks(lo, hi)) out.push(`<line x1="${X(v).toFixed(1)}" y1="20" x2="${X(v).toFixed(1)}" y2="130" stroke="#e4e4e4"/><text x="${X(v).toFixed(1)}" y="146" text-anchor="middle">${fmtShort(v)}</text>`);
  out.push(`<line x1="${X(0).toFixed(1)}" y1="20" x2="${X(0).toFixed(1)}" y2="130" stroke="#333" stroke-dasharray="5,3"/><rect x="${al}" y="20" width="${aw}" height="110" fill="none" stroke="#888"/>`);
  for (const [label, x, colour, y] of rows) {
    const neg = new Set(negativeRitzValues(x));
    out.push(`<line x1="${al}" y1="${y}" x2="${al + aw}" y2="${y}" stroke="${colour}" stroke-opacity="0.35"/><text x="${al - 8}" y="${y + 4}" text-anchor="end" fill="${colour}">${label}</text>`);
    for (const [kind, list] of [["largest", x.top], ["smallest", x.bottom]] as const) list.forEach((q, i) => {
      const isNeg = neg.has(q.value);
      out.push(`<circle cx="${X(q.value).toFixed(1)}" cy="${y}" r="${isNeg ? 6 : 4.5}" fill="${isNeg ? "#d7191c" : colour}" stroke="${isNeg ? colour : "none"}" stroke-width="1.5" fill-opacity="0.8" data-value="${q.value}"${isNeg ? ' class="negative"' : ""}><title>${escapeXml(`${label}, ${kind} #${i + 1}: ${q.value} (residual ${q.residual.toExponential(1)})`)}</title></circle>`);
    });
    out.push(`<text x="${al + aw - 6}" y="${y - 10}" text-anchor="end" font-size="11" fill="${colour}">${escapeXml(`λmin ${fmtShort(x.bottom[0]?.value ?? 0)}, λmax ${fmtShort(x.top[0]?.value ?? 0)}; ${neg.size} negative shown`)}</text>`);
  }
  out.push(`<circle cx="${al + 8}" cy="${axisH + 14}" r="6" fill="#d7191c"/><text x="${al + 20}" y="${axisH + 18}">negative eigenvalue</text><text x="${al + aw}" y="${axisH + 18}" text-anchor="end">eigenvalue</text>`);
  out.push("</g>");
  // The verdict in words.
  const vy = axisTop + axisH + 40;
  out.push(`<g class="verdict"><text x="16" y="${vy}" font-size="13" font-weight="bold">Verdict</text>`);
  verdict.forEach((line, k) => out.push(`<text x="16" y="${vy + 18 + 17 * k}">${escapeXml(line)}</text>`));
  out.push("</g></svg>");
  return out.join("\n");
}
