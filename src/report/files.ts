import { randomBytes } from "node:crypto";
import { accessSync, closeSync, constants as fsConstants, existsSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { endianness } from "node:os";
import { basename, dirname, join } from "node:path";
import { HessflowError } from "../errors.js";
import { q } from "../messages.js";
import { elementLabels } from "./labels.js";
import type { VariableBlock } from "./types.js";

/** What a file is written from: its whole content, or pieces in order (streamed, never joined). */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array>;

/** The temp file name used while writing `path`: hidden, beside it, tagged with the writer's pid. */
function tempName(path: string, pid: number): string {
  return join(dirname(path), `.${basename(path)}.hessflow-${pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Writes data to a temp file in the same directory, then renames it over path, so the target is
 * never half-written; removes the temp file on failure. Temp files left by a killed writer (its
 * pid no longer running) are removed first. Errors name the target, not the temp file.
 */
export async function writeFileAtomic(path: string, data: FileContent): Promise<void> {
  removeStaleTemps(path);
  const tmp = tempName(path, process.pid);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", 0o644);
    const pieces = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
    for (const piece of pieces) {
      let buf = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
      while (buf.length) buf = buf.subarray(writeSync(fd, buf));
    }
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new HessflowError(`cannot write ${q(path)}: ${describeFsError(err, path)}`, path);
  }
}

/** Fails early, before any work, when `path` cannot be written: a missing or unwritable directory, or a directory in the way. */
export function checkWritable(path: string): void {
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw Object.assign(new Error(), { code: "EISDIR" });
    accessSync(dirname(path) || ".", fsConstants.W_OK);
  } catch (err) {
    throw new HessflowError(`cannot write ${q(path)}: ${describeFsError(err, path)}`, path);
  }
}

function describeFsError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT": return `no such directory ${q(dirname(path))}`;
    case "EISDIR": return "it is a directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "ENOSPC": return "no space left on the device";
    case "EROFS": return "read-only file system";
    case "ENOTDIR": return "a part of the path is not a directory";
    default: return code ?? String((err as Error).message);
  }
}

/** Removes temp files of earlier writes to `path` whose writer is no longer running (killed mid-write). */
function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.hessflow-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path) || ".");
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(/^(\d+)\./.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || running(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** NPY v1.0 bytes ('<f8', C order) of a float64 array with the given shape. */
export function toNpy(h: Float64Array, shape: number[]): Uint8Array {
  const [header, data] = npyPieces(h, shape);
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** The NPY v1.0 header and the data's bytes, as two pieces for streaming (the data is not copied on little-endian machines). */
export function npyPieces(h: Float64Array, shape: number[]): [Uint8Array, Uint8Array] {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== h.length) throw new Error(`shape [${shape.join(",")}] holds ${count} values, got ${h.length}`);
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const head = new Uint8Array(total);
  head.set([0x93, ...Buffer.from("NUMPY", "latin1"), 1, 0]);
  new DataView(head.buffer).setUint16(8, header.length, true);
  head.set(Buffer.from(header, "latin1"), 10);
  if (endianness() === "LE") return [head, new Uint8Array(h.buffer, h.byteOffset, h.byteLength)];
  const data = new Uint8Array(8 * h.length);
  const view = new DataView(data.buffer);
  h.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return [head, data];
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
  return [...csvPieces(h, n, xs)].join("");
}

/** The CSV of toCsv as pieces of about 64 rows each (streamed to a file: a big matrix is never one string). */
export function* csvPieces(h: Float64Array, n: number, xs: VariableBlock[]): Generator<string> {
  const labels = elementLabels(xs).map((l) => `"${l.replace(/"/g, '""')}"`);
  yield ['""', ...labels].join(",") + "\n";
  let lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = [labels[i]];
    for (let j = 0; j < n; j++) row.push(g17(h[i * n + j]));
    lines.push(row.join(","));
    if (lines.length === 64 || i === n - 1) {
      yield lines.join("\n") + "\n";
      lines = [];
    }
  }
}
