import { elementLabels } from "./labels.js";
import { encodePng } from "./png.js";
import { fmtShort } from "./text.js";
import type { CompareReport, HessianInput, VariableBlock } from "./types.js";

/** Layout knobs for heatmapsSvg. */
export interface HeatmapOptions {
  /** Side of each heatmap in px (default 360). */
  panelSize?: number;
  /** Up to this n cells are <rect>s; above it an embedded PNG (default 64). */
  rectLimit?: number;
  /** Raster side is at most this many pixels; bigger matrices are pooled by max |entry| (default 720). */
  maxRaster?: number;
  /** Markup for a pooled panel's res×res RGB pixels, placed in a panel-sized foreignObject (default: an embedded PNG image). */
  raster?: (res: number, rgb: Uint8Array) => string;
}

const WHITE = [255, 255, 255], RED = [178, 24, 43], BLUE = [33, 102, 172];

/** Blue–white–red colour of v on a scale symmetric around 0 (|v| ≥ scale is fully saturated). */
export function divergingColor(v: number, scale: number): [number, number, number] {
  const t = scale > 0 ? Math.min(1, Math.abs(v) / scale) : 0;
  const end = v < 0 ? BLUE : RED;
  return [0, 1, 2].map((k) => Math.round(WHITE[k] + t * (end[k] - WHITE[k]))) as [number, number, number];
}

/** `#rrggbb` of an RGB triple. */
export function hex(c: number[]): string {
  return "#" + c.map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Escapes text for XML/HTML content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The hatching of blocks tf.hessians never computes: an SVG <pattern> with id `hf-hatch`, for a <defs>. */
export const HATCH_PATTERN = `<pattern id="hf-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="1.2"/></pattern>`;

type Panel = "exact" | "tf" | "diff";

/** Variable index of every flat parameter. */
function blockIndex(xs: VariableBlock[], n: number): Int32Array {
  const out = new Int32Array(n);
  xs.forEach((x, b) => out.fill(b, x.offset, x.offset + x.size));
  return out;
}

/** Entry (i, j) of the exact matrix, its block-diagonal part, or their difference. */
function entry(h: Float64Array, n: number, blk: Int32Array, panel: Panel, i: number, j: number): number {
  const v = h[i * n + j];
  if (panel === "exact") return v;
  return (blk[i] === blk[j]) === (panel === "tf") ? v : 0;
}

/** RGB pixels of one panel, pooled to at most maxRaster pixels per side by the entry of largest |value|. */
function rasterPixels(input: HessianInput, blk: Int32Array, panel: Panel, scale: number, maxRaster: number): { px: Uint8Array; res: number } {
  const { n, hessian: h } = input;
  const k = Math.ceil(n / maxRaster), res = Math.ceil(n / k);
  const pooled = new Float64Array(res * res);
  for (let i = 0; i < n; i++) {
    const r = ((i / k) | 0) * res;
    for (let j = 0; j < n; j++) {
      const v = entry(h, n, blk, panel, i, j), c = r + ((j / k) | 0);
      if (Math.abs(v) > Math.abs(pooled[c])) pooled[c] = v;
    }
  }
  const px = new Uint8Array(res * res * 3);
  pooled.forEach((v, c) => px.set(divergingColor(v, scale), 3 * c));
  return { px, res };
}

/** Base64 of bytes (btoa: in browsers and in Node alike). */
function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Variable names to print along an axis, dropping those that would overlap their predecessor. */
function axisLabels(xs: VariableBlock[], n: number, size: number, minGap: (name: string) => number): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
  for (const x of xs) {
    const at = ((x.offset + x.size / 2) / n) * size;
    const last = out[out.length - 1];
    if (!last || at - last.at >= (minGap(last.name) + minGap(x.name)) / 2) out.push({ name: x.name, at });
  }
  return out;
}

/**
 * The colour scale: max |entry|, unless a few large entries would wash out the rest (as in big
 * networks, where one bias block dwarfs the weights): then the 99th percentile of |entry|, saturating above.
 */
export function colourScale(h: Float64Array): { scale: number; max: number } {
  let max = 0;
  for (const v of h) max = Math.max(max, Math.abs(v));
  if (h.length < 400) return { scale: max, max };
  // The 99th percentile from a regular sample of at most 100k entries (exact for smaller matrices).
  const step = Math.max(1, Math.floor(h.length / 100_000));
  const sample: number[] = [];
  for (let i = 0; i < h.length; i += step) sample.push(Math.abs(h[i]));
  sample.sort((a, b) => a - b);
  const p99 = sample[Math.min(sample.length - 1, Math.floor(0.99 * sample.length))];
  return { scale: p99 > 0 && p99 < max / 4 ? p99 : max, max };
}

/** Three heatmaps (exact H, tf.hessians-style B, H − B) on one shared blue–white–red scale, with legend. */
export function heatmapsSvg(input: HessianInput, report?: CompareReport, opts: HeatmapOptions = {}): string {
  const { panelSize: P = 360, rectLimit = 64, maxRaster = 720 } = opts;
  const { n, xs, hessian: h } = input;
  const blk = blockIndex(xs, n);
  const { scale, max } = colourScale(h);
  const maxName = Math.max(2, ...xs.map((x) => x.name.length));
  const L = 14 + 7 * maxName, top = 56, gap = 34;
  const panelW = L + P;
  const width = 3 * panelW + 2 * gap + 16, legendY = top + P + 34, height = legendY + 64;
  const share = report ? ` (${(100 * report.offdiagonal_frobenius_fraction).toFixed(1)}% of &#8214;H&#8214;<tspan baseline-shift="sub" font-size="10">F</tspan>)` : "";
  const titles: [Panel, string][] = [
    ["exact", "Exact Hessian H"],
    ["tf", "tf.hessians-style B (diagonal blocks)"],
    ["diff", `H &#8722; B: dropped blocks${share}`],
  ];
  const cell = P / n;
  const bounds = xs.slice(1).map((x) => (x.offset / n) * P);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" class="hessflow-heatmaps">`,
    `<defs>${HATCH_PATTERN}`,
    `<linearGradient id="hf-scale">${Array.from({ length: 21 }, (_, k) => `<stop offset="${k * 5}%" stop-color="${hex(divergingColor(k / 10 - 1, 1))}"/>`).join("")}</linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  titles.forEach(([panel, title], p) => {
    const x0 = 8 + p * (panelW + gap) + L;
    out.push(`<g transform="translate(${x0},${top})" class="panel-${panel}">`);
    out.push(`<text x="${P / 2}" y="-38" text-anchor="middle" font-size="14" font-weight="bold">${title}</text>`); // titles are fixed markup
    if (n <= rectLimit) {
      const labels = elementLabels(xs);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        const v = entry(h, n, blk, panel, i, j);
        out.push(`<rect x="${(j * cell).toFixed(2)}" y="${(i * cell).toFixed(2)}" width="${cell.toFixed(2)}" height="${cell.toFixed(2)}" fill="${hex(divergingColor(v, scale))}"><title>${escapeXml(`${labels[i]}, ${labels[j]}: ${v}`)}</title></rect>`);
      }
    } else {
      const { px, res } = rasterPixels(input, blk, panel, scale, maxRaster);
      if (opts.raster) out.push(`<foreignObject x="0" y="0" width="${P}" height="${P}">${opts.raster(res, px)}</foreignObject>`);
      else out.push(`<image x="0" y="0" width="${P}" height="${P}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${base64(encodePng(res, res, px))}"/>`);
      if (res < n) out.push(`<text x="${P / 2}" y="${P + 16}" text-anchor="middle" font-size="10" fill="#666">${n}&#215;${n} pooled to ${res}&#215;${res} (largest |entry| per pixel)</text>`);
    }
    if (panel === "tf") {
      for (const a of xs) for (const b of xs) {
        if (a !== b) out.push(`<rect x="${(b.offset / n) * P}" y="${(a.offset / n) * P}" width="${(b.size / n) * P}" height="${(a.size / n) * P}" fill="url(#hf-hatch)" opacity="0.8"/>`);
      }
    }
    for (const b of bounds) out.push(`<line x1="${b}" y1="0" x2="${b}" y2="${P}" stroke="#222" stroke-width="1"/><line x1="0" y1="${b}" x2="${P}" y2="${b}" stroke="#222" stroke-width="1"/>`);
    out.push(`<rect width="${P}" height="${P}" fill="none" stroke="#222" stroke-width="1.2"/>`);
    for (const { name, at } of axisLabels(xs, n, P, (s) => 7 * s.length + 8)) out.push(`<text x="${at.toFixed(1)}" y="-8" text-anchor="middle">${escapeXml(name)}</text>`);
    for (const { name, at } of axisLabels(xs, n, P, () => 14)) out.push(`<text x="-6" y="${(at + 4).toFixed(1)}" text-anchor="end">${escapeXml(name)}</text>`);
    out.push("</g>");
  });
  const barW = 420, bx = (width - barW) / 2;
  out.push(`<g transform="translate(${bx},${legendY})" class="legend">`);
  out.push(`<rect width="${barW}" height="14" fill="url(#hf-scale)" stroke="#444" stroke-width="0.8"/>`);
  for (let k = 0; k <= 4; k++) {
    const x = (k / 4) * barW, v = (k / 2 - 1) * scale;
    out.push(`<line x1="${x}" y1="14" x2="${x}" y2="19" stroke="#444"/><text x="${x}" y="31" text-anchor="middle">${fmtShort(v)}</text>`);
  }
  out.push(`<text x="-10" y="11" text-anchor="end">shared scale</text>`);
  const range = scale < max
    ? `saturating at &#177;${fmtShort(scale)}, the 99th percentile of |entry| (max |entry| = ${fmtShort(max)})`
    : `symmetric at &#177;max|entry| = ${fmtShort(scale)}`;
  out.push(`<text x="${barW / 2}" y="52" text-anchor="middle" fill="#444">blue &lt; 0 &lt; red, ${range}; hatched = not computed by tf.hessians</text>`);
  out.push("</g></svg>");
  return out.join("\n");
}

/** "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

/** Line plot of both sorted spectra (exact vs tf.hessians-style) with a zero line and negative eigenvalues highlighted. */
export function spectraSvg(report: CompareReport, opts: { width?: number; height?: number } = {}): string {
  const { width = 1200, height = 400 } = opts;
  const { exact, tf_hessians: tf } = report.eigenvalues;
  const n = report.n, m = { l: 70, r: 20, t: 44, b: 46 };
  const all = [...exact, ...tf, 0];
  let lo = Math.min(...all), hi = Math.max(...all);
  const pad = (hi - lo || 1) * 0.06;
  lo -= pad; hi += pad;
  const W = width - m.l - m.r, H = height - m.t - m.b;
  const X = (i: number) => m.l + (n <= 1 ? W / 2 : (i / (n - 1)) * W);
  const Y = (v: number) => m.t + ((hi - v) / (hi - lo)) * H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" class="hessflow-spectra">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<rect x="${m.l}" y="${Y(0)}" width="${W}" height="${m.t + H - Y(0)}" fill="#fde8e8"/>`,
    `<text x="${m.l + W - 6}" y="${m.t + H - 6}" text-anchor="end" fill="#b2182b" font-size="11">negative curvature</text>`,
  ];
  for (const t of niceTicks(lo, hi)) {
    out.push(`<line x1="${m.l}" y1="${Y(t)}" x2="${m.l + W}" y2="${Y(t)}" stroke="#e4e4e4"/><text x="${m.l - 6}" y="${Y(t) + 4}" text-anchor="end">${fmtShort(t)}</text>`);
  }
  out.push(`<line x1="${m.l}" y1="${Y(0)}" x2="${m.l + W}" y2="${Y(0)}" stroke="#333" stroke-dasharray="5,3"/>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="none" stroke="#888"/>`);
  const series: [number[], string, string][] = [[exact, "#222222", "exact H"], [tf, "#e08214", "tf.hessians-style B"]];
  const negCut = (v: number[]) => report.zero_tolerance * Math.max(0, ...v.map(Math.abs));
  for (const [vals, colour] of series) {
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${vals.map((v, i) => `${X(i).toFixed(1)},${Y(v).toFixed(1)}`).join(" ")}"/>`);
    const cut = negCut(vals);
    vals.forEach((v, i) => {
      const neg = v < -cut;
      if (neg || n <= 200) out.push(`<circle cx="${X(i).toFixed(1)}" cy="${Y(v).toFixed(1)}" r="${neg ? (n > 60 ? 3 : 5) : n > 60 ? 1.5 : 2.5}" fill="${neg ? "#d7191c" : colour}" stroke="${neg ? colour : "none"}" stroke-width="${n > 60 ? 0.8 : 1.5}"${neg ? ' class="negative"' : ""}><title>${i + 1}: ${v}</title></circle>`);
    });
  }
  series.forEach(([, colour, name], k) => {
    const x = m.l + 10 + k * 250, neg = report.inertia[k ? "tf_hessians" : "exact"].negative;
    out.push(`<line x1="${x}" y1="${m.t - 20}" x2="${x + 24}" y2="${m.t - 20}" stroke="${colour}" stroke-width="2"/><text x="${x + 30}" y="${m.t - 16}">${name}: ${neg} negative</text>`);
  });
  out.push(`<circle cx="${m.l + 530}" cy="${m.t - 20}" r="5" fill="#d7191c"/><text x="${m.l + 540}" y="${m.t - 16}">negative eigenvalue</text>`);
  out.push(`<text x="${m.l + W / 2}" y="${height - 10}" text-anchor="middle">eigenvalue index (ascending), n = ${n}</text>`);
  out.push(`<text transform="translate(16,${m.t + H / 2}) rotate(-90)" text-anchor="middle">eigenvalue</text>`);
  out.push("</svg>");
  return out.join("\n");
}
