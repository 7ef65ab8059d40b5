// Writes one JSON document to stdout in pieces, so an n×n Hessian never has to exist as one giant string.
import type { Tensor } from "../graph/tensor.js";

/** Where JSON text goes, piece by piece. */
export interface TextSink { write(s: string): void }

/** JSON text of a number; NaN and ±Infinity, which JSON lacks, as the strings "NaN", "Infinity" and "-Infinity" (as NumPy and pandas read them). */
export function numberJson(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

/** JSON.stringify with NaN and ±Infinity encoded as numberJson does (not as null). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

/** JSON text of a tensor as nested arrays (a number for rank 0). */
export function tensorJson(t: Tensor): string {
  const parts: string[] = [];
  writeTensorJson({ write: (s: string) => parts.push(s) }, t.data, t.shape);
  return parts.join("");
}

/** Writes an n×n row-major matrix as nested JSON arrays, one row at a time. */
export function writeMatrixJson(w: TextSink, m: Float64Array, rows: number, cols: number): void {
  writeTensorJson(w, m, [rows, cols]);
}

/** Writes a row-major tensor of any shape as nested JSON arrays, streaming its innermost rows (never one giant string or nested JS array). */
export function writeTensorJson(w: TextSink, data: Float64Array, shape: readonly number[]): void {
  const num = numberJson;
  if (shape.length === 0) { w.write(num(data[0])); return; }
  const inner = shape[shape.length - 1];
  let offset = 0;
  const walk = (depth: number): void => {
    if (depth === shape.length - 1) {
      let line = "[";
      for (let j = 0; j < inner; j++) line += (j ? "," : "") + num(data[offset++]);
      w.write(line + "]");
      return;
    }
    w.write("[");
    for (let i = 0; i < shape[depth]; i++) {
      if (i) w.write(",");
      walk(depth + 1);
    }
    w.write("]");
  };
  walk(0);
}
