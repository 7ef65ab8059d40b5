// The SVG of `hessflow spectrum --svg`: the SLQ spectral density, with the extreme eigenvalues from Lanczos marked.
import { escapeXml, niceTicks } from "./svg.js";
import { fmtShort } from "./text.js";

/** What the density plot shows: the density on its grid and the extreme eigenvalues found (either may be missing). */
export interface SpectrumPlot {
  name: string;
  n: number;
  curvature: string;
  density?: { x: number[]; y: number[] };
  top?: number[];
  bottom?: number[];
}

/** Line plot of the spectral density with negative eigenvalues shaded and the extreme eigenvalues as marked ticks. */
export function spectrumSvg(p: SpectrumPlot, opts: { width?: number; height?: number } = {}): string {
  const { width = 900, height = 400 } = opts;
  const m = { l: 70, r: 20, t: 44, b: 46 };
  const W = width - m.l - m.r, H = height - m.t - m.b;
  const marks = [...(p.top ?? []), ...(p.bottom ?? [])];
  const xs = [...(p.density?.x ?? []), ...marks, 0];
  let lo = Math.min(...xs), hi = Math.max(...xs);
  const pad = (hi - lo || 1) * 0.03;
  lo -= pad; hi += pad;
  const ymax = Math.max(1e-300, ...(p.density?.y ?? [1])) * 1.08;
  const X = (v: number) => m.l + ((v - lo) / (hi - lo)) * W;
  const Y = (d: number) => m.t + H - (d / ymax) * H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" class="hessflow-spectrum">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.l}" y="20" font-size="14" font-weight="bold">${escapeXml(`${p.name}: spectrum of the ${p.curvature} (n = ${p.n})`)}</text>`,
  ];
  if (lo < 0) out.push(`<rect x="${m.l}" y="${m.t}" width="${(Math.min(X(0), m.l + W) - m.l).toFixed(1)}" height="${H}" fill="#fde8e8"/><text x="${m.l + 6}" y="${m.t + 14}" fill="#b2182b" font-size="11">negative curvature</text>`);
  for (const t of niceTicks(lo, hi)) out.push(`<line x1="${X(t).toFixed(1)}" y1="${m.t}" x2="${X(t).toFixed(1)}" y2="${m.t + H}" stroke="#e4e4e4"/><text x="${X(t).toFixed(1)}" y="${m.t + H + 16}" text-anchor="middle">${fmtShort(t)}</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="none" stroke="#888"/>`);
  if (p.density) {
    const d = p.density;
    out.push(`<polyline fill="none" stroke="#222222" stroke-width="1.6" points="${d.x.map((x, i) => `${X(x).toFixed(1)},${Y(d.y[i]).toFixed(1)}`).join(" ")}" class="density"/>`);
  }
  for (const [vals, colour, label] of [[p.top ?? [], "#2166ac", "largest"], [p.bottom ?? [], "#d7191c", "smallest"]] as const) {
    vals.forEach((v, i) => out.push(`<line x1="${X(v).toFixed(1)}" y1="${m.t + H}" x2="${X(v).toFixed(1)}" y2="${m.t + H - 18}" stroke="${colour}" stroke-width="2" class="eigenvalue"><title>${escapeXml(`${label} #${i + 1}: ${v}`)}</title></line>`));
  }
  out.push(`<line x1="${m.l + 10}" y1="${m.t - 14}" x2="${m.l + 34}" y2="${m.t - 14}" stroke="#222" stroke-width="2"/><text x="${m.l + 40}" y="${m.t - 10}">density (stochastic Lanczos quadrature)</text>`);
  out.push(`<line x1="${m.l + 330}" y1="${m.t - 6}" x2="${m.l + 330}" y2="${m.t - 22}" stroke="#2166ac" stroke-width="2"/><text x="${m.l + 338}" y="${m.t - 10}">largest eigenvalues</text>`);
  out.push(`<line x1="${m.l + 480}" y1="${m.t - 6}" x2="${m.l + 480}" y2="${m.t - 22}" stroke="#d7191c" stroke-width="2"/><text x="${m.l + 488}" y="${m.t - 10}">smallest eigenvalues (Lanczos)</text>`);
  out.push(`<text x="${m.l + W / 2}" y="${height - 8}" text-anchor="middle">eigenvalue</text>`);
  out.push(`<text transform="translate(16,${m.t + H / 2}) rotate(-90)" text-anchor="middle">density</text>`);
  out.push("</svg>");
  return out.join("\n");
}
