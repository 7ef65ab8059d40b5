// `hessflow run SPEC`: prints fetches, gradients and the Hessian as aligned tables, or one JSON document.
import type { FlatEntry } from "../autodiff/hessian.js";
import { sizeOf } from "../graph/shape.js";
import { escapeControl } from "../messages.js";
import type { Tensor } from "../graph/tensor.js";
import { offdiagonalShare } from "../report/compare.js";
import { formatMatrix, fmt } from "../report/text.js";
import type { SpecResult } from "../spec/run.js";
import { jsonText, tensorJson, writeMatrixJson, writeTensorJson } from "./json-out.js";
import { ChunkedWriter, type Io } from "./output.js";

/** Scalar facts about a Hessian, for --summary and for big matrices. */
export function hessianSummary(h: Float64Array, n: number, layout: FlatEntry[]) {
  let trace = 0, ss = 0, sum = 0, asym = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    trace += h[i * n + i];
    for (let j = 0; j < n; j++) {
      const v = h[i * n + j];
      ss += v * v; sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (j > i) asym = Math.max(asym, Math.abs(v - h[j * n + i]));
    }
  }
  const rows: Record<string, number[]> = {};
  for (const r of [0, Math.floor(n / 2), n - 1]) rows[String(r)] = Array.from(h.subarray(r * n, (r + 1) * n));
  return { n, trace, fro: Math.sqrt(ss), sum, min, max, max_asymmetry: asym, rows, xs: layout };
}

/** Prints a SpecResult as the JSON contract of `run --json` (summary-only with `summary`). */
export function printRunJson(r: SpecResult, summary: boolean, io: Io): void {
  const w = new ChunkedWriter(io);
  w.write(`{"name":${JSON.stringify(r.name)},"fetch":{`);
  w.write(r.fetch.map((f) => `${JSON.stringify(f.name)}:${tensorJson(f.value)}`).join(","));
  w.write(`},"gradients":{`);
  w.write(r.gradients.map((g) => `${JSON.stringify(g.name)}:${tensorJson(g.value)}`).join(","));
  w.write("}");
  if (r.hessian) {
    const h = r.hessian;
    w.write(`,"hessian":{"xs":${JSON.stringify(h.layout)},"mode":${JSON.stringify(h.mode)},"n":${h.n},"ms":${Number(h.ms.toFixed(3))}`);
    if (summary) {
      const { xs: _xs, ...s } = hessianSummary(h.exact, h.n, h.layout);
      w.write(`,"summary":${jsonText(s)}`);
    } else {
      w.write(`,"exact":`);
      writeMatrixJson(w, h.exact, h.n, h.n);
      w.write(`,"tf_hessians":{`);
      h.layout.forEach((e, k) => {
        if (k) w.write(",");
        w.write(`${JSON.stringify(e.name)}:`);
        writeTensorJson(w, h.tfHessian(k), [...e.shape, ...e.shape]);
      });
      w.write("}");
    }
    w.write("}");
  }
  w.write("}\n");
  w.flush();
}

/** Values eight to a line, aligned (vectors, long columns). */
function valueLines(data: Float64Array): string {
  const cells = Array.from(data, (v) => fmt(v));
  const width = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 8) lines.push("  " + cells.slice(i, i + 8).map((c) => c.padStart(width)).join("  "));
  return lines.join("\n");
}

function formatTensor(t: Tensor): string {
  const size = sizeOf(t.shape);
  if (t.shape.length === 0) return "  " + fmt(t.data[0]);
  if (size === 0) return "  (empty)";
  if (t.shape.length === 1 && size <= 400) return valueLines(t.data);
  if (t.shape.length === 2 && t.shape[1] === 1 && t.shape[0] > 6 && t.shape[0] <= 400) {
    // A long column (a bias gradient): printed transposed, eight values a line.
    return `${valueLines(t.data)}\n  (a column, printed transposed)`;
  }
  if (t.shape.length >= 2 && size <= 400) {
    // Rank 2 as it is; higher ranks as a matrix whose rows run over the leading dimensions.
    const c = t.shape[t.shape.length - 1], r = size / c;
    const cells = Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, (i + 1) * c), (v) => fmt(v)));
    const width = Math.max(...cells.flat().map((x) => x.length));
    const table = cells.map((row) => "  " + row.map((x) => x.padStart(width)).join("  ")).join("\n");
    return t.shape.length === 2 ? table : `${table}\n  (shown as ${r}×${c}: rows run over the leading dimensions [${t.shape.slice(0, -1).join(", ")}])`;
  }
  let min = Infinity, max = -Infinity, ss = 0;
  for (const v of t.data) { min = Math.min(min, v); max = Math.max(max, v); ss += v * v; }
  return `  shape [${t.shape.join(", ")}]: min ${fmt(min)}  max ${fmt(max)}  norm ${fmt(Math.sqrt(ss))}`;
}

/** Prints a SpecResult as aligned tables with separators between variable blocks. */
export function printRunText(r: SpecResult, description: string | undefined, summary: boolean, io: Io): void {
  const out: string[] = [`${escapeControl(r.name)}${description ? `: ${escapeControl(description)}` : ""}`, ""];
  for (const f of r.fetch) {
    out.push(f.value.shape.length === 0 ? `${f.name} = ${fmt(f.value.data[0])}` : `${f.name} [${f.value.shape.join(", ")}]:\n${formatTensor(f.value)}`);
  }
  if (r.gradients.length) {
    out.push("", "Gradients");
    for (const g of r.gradients) out.push(`d/d${g.name} [${g.value.shape.join(", ")}]:`, formatTensor(g.value));
  }
  if (r.hessian) {
    const h = r.hessian;
    const big = summary || h.n > 40;
    out.push("", `Exact Hessian, ${h.n}×${h.n} over ${h.layout.map((e) => `${e.name}[${e.shape.join(",")}]`).join(", ")} (mode ${h.mode}${h.workers ? `, ${h.workers} threads` : ""}, ${h.ms.toFixed(1)} ms)`);
    if (big) {
      const s = hessianSummary(h.exact, h.n, h.layout);
      out.push(`  trace ${fmt(s.trace)}  Frobenius norm ${fmt(s.fro)}  sum ${fmt(s.sum)}  min ${fmt(s.min)}  max ${fmt(s.max)}  max |H - Hᵀ| ${s.max_asymmetry.toExponential(2)}`);
      if (summary) {
        const rows = Object.keys(s.rows).map(Number);
        out.push(`rows ${rows.join(", ")}${h.n > 40 ? " (first and last 3 columns)" : ""}:`, formatMatrix(h.exact, h.n, h.layout, { maxFull: 40, rows }));
      } else {
        out.push(formatMatrix(h.exact, h.n, h.layout, { maxFull: 40, summary: false }));
      }
    } else {
      out.push(formatMatrix(h.exact, h.n, h.layout));
    }
    out.push("", "tf.hessians-style blocks (one per variable; the cross-variable blocks above are never built):");
    h.layout.forEach((e, k) => {
      out.push(`${e.name}: shape [${[...e.shape, ...e.shape].join(", ")}], shown as ${e.size}×${e.size}`);
      if (big) {
        let tr = 0;
        for (let i = 0; i < e.size; i++) tr += h.exact[(e.offset + i) * h.n + e.offset + i];
        out.push(`  trace ${fmt(tr)}`);
      } else {
        out.push(formatMatrix(h.tfHessian(k), e.size, [{ ...e, offset: 0 }]));
      }
    });
    const share = offdiagonalShare({ n: h.n, xs: h.layout, hessian: h.exact });
    out.push("", `The blocks tf.hessians never builds carry ${(100 * share).toFixed(1)}% of the Hessian's Frobenius norm; 'hessflow compare' shows what that changes (spectra, saddles, Newton steps).`);
  }
  io.out(out.join("\n") + "\n");
}
