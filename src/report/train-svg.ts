// The SVG of `hessflow train --svg`: loss curves on a log scale, one colour per optimizer, and below them (when
// recorded) the Hessian's extreme eigenvalues along the way.
import { escapeXml, niceTicks } from "./svg.js";
import { fmtShort } from "./text.js";

/** One optimizer's run: loss per step, and the recorded extreme eigenvalues (step, min, max). */
export interface TrainCurve {
  optimizer: string;
  losses: number[];
  eigen: { step: number; min: number; max: number }[];
}

const COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];

/** Loss against step on a log₁₀ axis (non-positive or non-finite losses left out), with an eigenvalue panel when any were recorded. */
export function trainSvg(name: string, curves: TrainCurve[], opts: { width?: number } = {}): string {
  const width = opts.width ?? 900;
  const hasEigen = curves.some((c) => c.eigen.length > 0);
  const m = { l: 70, r: 150, t: 44, b: 40 };
  const H1 = 300, H2 = hasEigen ? 200 : 0, gap = hasEigen ? 50 : 0;
  const height = m.t + H1 + gap + H2 + m.b;
  const W = width - m.l - m.r;
  const steps = Math.max(1, ...curves.map((c) => c.losses.length - 1));
  const X = (s: number) => m.l + (s / steps) * W;
  const logs = curves.flatMap((c) => c.losses.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10));
  let lo = logs.length ? Math.min(...logs) : -1, hi = logs.length ? Math.max(...logs) : 1;
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const Y = (v: number) => m.t + H1 - ((Math.log10(v) - lo) / (hi - lo)) * H1;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" class="hessflow-train">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.l}" y="20" font-size="14" font-weight="bold">${escapeXml(`${name}: training loss (log scale) per step`)}</text>`,
  ];
  // A gridline every `every` decades, so that at most about ten are labelled however many decades the losses span.
  const every = Math.max(1, Math.ceil((Math.floor(hi) - Math.ceil(lo) + 1) / 10));
  for (let e = every * Math.ceil(Math.ceil(lo) / every); e <= Math.floor(hi); e += every) out.push(`<line x1="${m.l}" y1="${Y(10 ** e).toFixed(1)}" x2="${m.l + W}" y2="${Y(10 ** e).toFixed(1)}" stroke="#e4e4e4"/><text x="${m.l - 6}" y="${(Y(10 ** e) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`);
  for (const t of niceTicks(0, steps)) if (Number.isInteger(t)) out.push(`<text x="${X(t).toFixed(1)}" y="${m.t + H1 + 16}" text-anchor="middle">${t}</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H1}" fill="none" stroke="#888"/>`);
  curves.forEach((c, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const pts = c.losses.flatMap((v, s) => (v > 0 && Number.isFinite(v) ? [`${X(s).toFixed(1)},${Y(v).toFixed(1)}`] : []));
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${pts.join(" ")}" class="loss"><title>${escapeXml(c.optimizer)}</title></polyline>`);
    out.push(`<line x1="${m.l + W + 12}" y1="${m.t + 10 + 18 * k}" x2="${m.l + W + 32}" y2="${m.t + 10 + 18 * k}" stroke="${colour}" stroke-width="3"/><text x="${m.l + W + 38}" y="${m.t + 14 + 18 * k}">${escapeXml(c.optimizer)}</text>`);
  });
  if (hasEigen) {
    const top = m.t + H1 + gap;
    const vals = curves.flatMap((c) => c.eigen.flatMap((e) => [e.min, e.max])).filter(Number.isFinite);
    let elo = Math.min(0, ...vals), ehi = Math.max(0, ...vals);
    if (ehi - elo < 1e-12) { elo -= 1; ehi += 1; }
    const E = (v: number) => top + H2 - ((v - elo) / (ehi - elo)) * H2;
    out.push(`<text x="${m.l}" y="${top - 8}" font-weight="bold">Hessian's largest (solid) and smallest (dashed) eigenvalue</text>`);
    for (const t of niceTicks(elo, ehi)) out.push(`<line x1="${m.l}" y1="${E(t).toFixed(1)}" x2="${m.l + W}" y2="${E(t).toFixed(1)}" stroke="${t === 0 ? "#999" : "#e4e4e4"}"/><text x="${m.l - 6}" y="${(E(t) + 4).toFixed(1)}" text-anchor="end">${fmtShort(t)}</text>`);
    out.push(`<rect x="${m.l}" y="${top}" width="${W}" height="${H2}" fill="none" stroke="#888"/>`);
    curves.forEach((c, k) => {
      const colour = COLOURS[k % COLOURS.length];
      const line = (f: (e: TrainCurve["eigen"][number]) => number, dash: string, cls: string) =>
        out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.4"${dash} points="${c.eigen.filter((e) => Number.isFinite(f(e))).map((e) => `${X(e.step).toFixed(1)},${E(f(e)).toFixed(1)}`).join(" ")}" class="${cls}"/>`);
      line((e) => e.max, "", "eig-max");
      line((e) => e.min, ` stroke-dasharray="5 4"`, "eig-min");
    });
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}
