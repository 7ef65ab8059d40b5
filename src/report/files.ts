import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { endianness } from "node:os";
import { basename, dirname, join } from "node:path";
import { elementLabels } from "./labels.js";
import type { VariableBlock } from "./types.js";

/** Writes data to a temp file in the same directory, then renames it over path; removes the temp file on failure. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** NPY v1.0 bytes ('<f8', C order) of a float64 array with the given shape. */
export function toNpy(h: Float64Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== h.length) throw new Error(`shape [${shape.join(",")}] holds ${count} values, got ${h.length}`);
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + 8 * h.length);
  const view = new DataView(out.buffer);
  out.set([0x93, ...Buffer.from("NUMPY", "latin1"), 1, 0]);
  view.setUint16(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), 10);
  if (endianness() === "LE") out.set(new Uint8Array(h.buffer, h.byteOffset, h.byteLength), total);
  else h.forEach((v, i) => view.setFloat64(total + 8 * i, v, true));
  return out;
}

/** C's `%.17g`: 17 significant digits, trailing zeros removed (round-trips every float64). */
export function g17(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const strip = (m: string) => (m.includes(".") ? m.replace(/\.?0+$/, "") : m);
  const [mantissa, e] = v.toExponential(16).split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 17) return `${strip(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return strip(v.toFixed(16 - exp));
}

/** CSV of an n×n matrix: header and first column hold element labels like `w1[0,1]`; values in %.17g. */
export function toCsv(h: Float64Array, n: number, xs: VariableBlock[]): string {
  const labels = elementLabels(xs).map((l) => `"${l.replace(/"/g, '""')}"`);
  const lines = [['""', ...labels].join(",")];
  for (let i = 0; i < n; i++) {
    const row = [labels[i]];
    for (let j = 0; j < n; j++) row.push(g17(h[i * n + j]));
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}
