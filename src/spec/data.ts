// Feeds read from data files: `{"npy": "data/x.npy"}` and `{"csv": "data/x.csv", ...}`, paths relative to
// the spec file's directory. NPY headers (v1.0, 2.0, 3.0) are read alone to learn the shape (validate
// loads no data); numeric dtypes are converted to float64, Fortran-ordered arrays are put in C order.
// Every problem is a SpecError naming the feed's JSON path and the file. Node's fs and path are reached
// through process.getBuiltinModule (no static `node:` import: the core stays free of them).
import { SpecError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import { checkMemory, formatBytes, type MemoryBudget } from "../memory.js";
import { q } from "../messages.js";
import { problemError } from "./problem.js";

/** A feed read from a NumPy .npy file (any rank; float64 or a numeric dtype converted to it). */
export interface NpyFeed {
  npy: string;
}

/** A feed read from a comma-separated file of numbers: a rows × columns matrix (transposed on request). */
export interface CsvFeed {
  csv: string;
  /** Feed the columns × rows transpose (a column per example, as placeholders [features, None] want). */
  transpose?: boolean;
  /** Half-open range [start, end) of the columns to keep (0-based; default all). */
  columns?: [number, number];
  /** Half-open range [start, end) of the data rows to keep (0-based, after the header; default all). */
  rows?: [number, number];
  /** The first line is a header of column names, skipped (default false). */
  header?: boolean;
}

/** A feed value read from a file. */
export type DataFeed = NpyFeed | CsvFeed;

/** Whether a feed value is a data file (an object) rather than inline nested arrays. */
export function isDataFeed(value: unknown): value is DataFeed {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The file a data feed names. */
export function dataFile(feed: DataFeed): string {
  return "npy" in feed ? feed.npy : feed.csv;
}

interface Fs {
  openSync(p: string, flags: string): number;
  readSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number; isDirectory(): boolean };
}
interface PathMod {
  resolve(...p: string[]): string;
}

function node<T>(id: string): T {
  const mod = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(id);
  if (!mod) throw new SpecError(`data files need Node's ${id} (feeds from files cannot be read here)`);
  return mod as T;
}

/** Where data-file feeds come from: files on disk resolved against baseDir (Node), or their bytes supplied by the caller, keyed by the path as the spec writes it (a browser: see loadSpecAsync). */
export interface DataSource {
  /** The directory data-file feeds are relative to (the spec file's; default the working directory). */
  baseDir?: string;
  /** The files' bytes by the path the spec gives; when set, nothing is read from disk. */
  files?: ReadonlyMap<string, Uint8Array>;
}

/** Where a data feed's file is: its path resolved against baseDir (the spec's directory; default the working directory). */
export function resolveDataPath(file: string, baseDir?: string): string {
  const path = node<PathMod>("node:path");
  return baseDir === undefined ? path.resolve(file) : path.resolve(baseDir, file);
}

/** An open data file: reads by position, closed by close(). */
interface Opened {
  size: number;
  read(pos: number, len: number): Uint8Array;
  close(): void;
}

function open(feed: DataFeed, where: string, source: DataSource): Opened {
  const file = dataFile(feed);
  const fail = (why: string) => problemError(where, undefined, `cannot read ${q(file)}: ${why}`);
  if (source.files) {
    const bytes = source.files.get(file);
    if (!bytes) throw fail("its bytes were not supplied");
    return { size: bytes.length, read: (pos, len) => bytes.subarray(pos, pos + len), close: () => {} };
  }
  const fs = node<Fs>("node:fs");
  let fd: number;
  try {
    fd = fs.openSync(resolveDataPath(file, source.baseDir), "r");
  } catch (e) {
    throw fail(fsReason(e));
  }
  const stat = fs.fstatSync(fd);
  if (stat.isDirectory()) {
    fs.closeSync(fd);
    throw fail("it is a directory");
  }
  return {
    size: stat.size,
    read(pos, len) {
      const buf = new Uint8Array(len);
      let got = 0;
      try {
        while (got < len) {
          const n = fs.readSync(fd, buf, got, len - got, pos + got);
          if (n === 0) break;
          got += n;
        }
      } catch (e) {
        throw fail(fsReason(e));
      }
      return got === len ? buf : buf.subarray(0, got);
    },
    close: () => fs.closeSync(fd),
  };
}

function fsReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT": return "no such file";
    case "EISDIR": return "it is a directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "ENOTDIR": return "a part of the path is not a directory";
    default: return code ?? String((e as Error).message);
  }
}

// ---------------------------------------------------------------- NPY

/** The dtypes an .npy feed may hold (all converted to float64), by NumPy's kind and size. */
const NPY_KINDS: Record<string, number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8] };

/** An NPY header: the element type, the order and the shape, and where the data start. */
export interface NpyHeader {
  /** NumPy's dtype string, e.g. `<f8`. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

/** Parses an NPY header from the file's first bytes (v1.0, 2.0, 3.0); `problem(msg)` makes the error to throw. */
export function parseNpyHeader(bytes: Uint8Array, problem: (msg: string) => Error): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw problem("not an .npy file (no \\x93NUMPY magic string)");
  const major = bytes[6];
  if (major < 1 || major > 3) throw problem(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw problem("truncated .npy header");
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (bytes.length < start + len) throw problem("truncated .npy header");
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + len));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw problem("malformed .npy header (expected 'descr', 'fortran_order' and 'shape')");
  const parts = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const shape = parts.map((s) => (/^\d+L?$/.test(s) ? Number(s.replace("L", "")) : NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) throw problem(`malformed .npy shape (${shapeText})`);
  return { descr, fortranOrder: fortran === "True", shape, offset: start + len };
}

/** The element size and reader of a supported dtype, or an error message naming the dtype. */
function npyType(descr: string): { size: number; get: (v: DataView, off: number) => number } | string {
  const m = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  const supported = "float64 '<f8' (or float32, int8-64, uint8-64, converted to float64)";
  if (!m || !NPY_KINDS[m[2]]?.includes(Number(m[3]))) return `unsupported dtype '${q(descr)}'; expected ${supported}`;
  const [, order, kind, sz] = m;
  const size = Number(sz);
  if (size > 1 && order === "|") return `unsupported dtype '${q(descr)}' (no byte order); expected ${supported}`;
  const le = order !== ">";
  if (kind === "f") return { size, get: size === 8 ? (v, o) => v.getFloat64(o, le) : (v, o) => v.getFloat32(o, le) };
  if (kind === "i") return { size, get: size === 1 ? (v, o) => v.getInt8(o) : size === 2 ? (v, o) => v.getInt16(o, le) : size === 4 ? (v, o) => v.getInt32(o, le) : (v, o) => Number(v.getBigInt64(o, le)) };
  return { size, get: size === 1 ? (v, o) => v.getUint8(o) : size === 2 ? (v, o) => v.getUint16(o, le) : size === 4 ? (v, o) => v.getUint32(o, le) : (v, o) => Number(v.getBigUint64(o, le)) };
}

/** The shape of an .npy feed, from its header alone (the data's size is checked against the file's). */
export function npyShape(feed: NpyFeed, where: string, source: DataSource = {}): number[] {
  const f = open(feed, where, source);
  try {
    return npyHead(f, feed, where).header.shape;
  } finally {
    f.close();
  }
}

function npyHead(f: Opened, feed: NpyFeed, where: string) {
  const problem = (msg: string) => problemError(where, undefined, `${q(feed.npy)}: ${msg}`);
  let head = f.read(0, Math.min(f.size, 12));
  if (head.length >= 12 && head[6] >= 1 && head[6] <= 3) {
    const view = new DataView(head.buffer, head.byteOffset);
    const end = head[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
    head = f.read(0, Math.min(f.size, end));
  }
  const header = parseNpyHeader(head, problem);
  const type = npyType(header.descr);
  if (typeof type === "string") throw problem(type);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const need = count * type.size;
  if (f.size - header.offset < need) throw problem(`truncated: shape [${header.shape.join(", ")}] of '${q(header.descr)}' needs ${need} bytes of data, the file has ${Math.max(0, f.size - header.offset)}`);
  return { header, type, count };
}

/** Reads an .npy feed as a float64 tensor in C order; refuses (ResourceError) before reading when it would not fit in the budget. */
export function readNpy(feed: NpyFeed, where: string, source: DataSource = {}, budget?: MemoryBudget): Tensor {
  const f = open(feed, where, source);
  try {
    const { header, type, count } = npyHead(f, feed, where);
    checkMemory(count * 8, `feed ${where} (${q(feed.npy)}, shape [${header.shape.join(", ")}] as float64)`, budget);
    const bytes = f.read(header.offset, count * type.size);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const raw = new Float64Array(count);
    for (let i = 0; i < count; i++) raw[i] = type.get(view, i * type.size);
    const data = header.fortranOrder && header.shape.length > 1 ? fortranToC(raw, header.shape) : raw;
    const bad = data.findIndex((v) => !Number.isFinite(v) || (type.size === 8 && header.descr[1] !== "f" && !Number.isSafeInteger(v)));
    if (bad >= 0) {
      const v = data[bad];
      const what = Number.isFinite(v) ? `the integer ${v} (beyond 2^53, not exact as float64)` : `a non-finite value (${v})`;
      throw problemError(where, undefined, `${q(feed.npy)}: holds ${what} at [${unravel(bad, header.shape).join(", ")}]`);
    }
    return { shape: header.shape, data };
  } finally {
    f.close();
  }
}

/** A column-major (Fortran) array of the given shape, rearranged to row-major (C) order. */
export function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const out = new Float64Array(src.length);
  const r = shape.length;
  const fStride = new Array<number>(r);
  for (let k = 0, s = 1; k < r; k++) { fStride[k] = s; s *= shape[k]; }
  const idx = new Array<number>(r).fill(0);
  let off = 0; // the Fortran offset of the C-order position i
  for (let i = 0; i < src.length; i++) {
    out[i] = src[off];
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++;
      off += fStride[k];
      if (idx[k] < shape[k]) break;
      off -= idx[k] * fStride[k];
      idx[k] = 0;
    }
  }
  return out;
}

function unravel(i: number, shape: number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) { out[k] = i % shape[k]; i = Math.floor(i / shape[k]); }
  return out;
}

// ---------------------------------------------------------------- CSV

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses CSV text of numbers (comma separated, optional header line) into the feed's matrix; `problem(path, msg)` makes the errors. */
export function parseCsv(text: string, feed: CsvFeed, problem: (path: string, msg: string) => Error): Tensor {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  const first = feed.header ? 1 : 0;
  const name = q(feed.csv);
  if (lines.length <= first) throw problem("", `${name}: no data rows`);
  const width = lines[first].split(",").length;
  if (feed.header && lines[0].split(",").length !== width) throw problem("", `${name} line 1: the header has ${lines[0].split(",").length} columns, line 2 has ${width}`);
  const nRows = lines.length - first;
  const [r0, r1] = range(feed.rows, nRows, "rows", "data rows", problem, name);
  const [c0, c1] = range(feed.columns, width, "columns", "columns", problem, name);
  const rows = r1 - r0, cols = c1 - c0;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < nRows; i++) {
    const lineNo = first + i + 1;
    const fields = lines[first + i].split(",");
    if (fields.length !== width) throw problem("", `${name} line ${lineNo}: ${fields.length} columns, line ${first + 1} has ${width}`);
    if (i < r0 || i >= r1) continue;
    for (let j = c0; j < c1; j++) {
      const s = fields[j].trim();
      if (!NUMBER.test(s)) {
        const hint = i === 0 && !feed.header && /^["A-Za-z_]/.test(s) ? ` (a header line? set "header": true)` : "";
        throw problem("", `${name} line ${lineNo}, column ${j + 1}: ${s === "" ? "empty field" : `'${q(s)}' is not a number`}${hint}`);
      }
      const v = Number(s);
      if (!Number.isFinite(v)) throw problem("", `${name} line ${lineNo}, column ${j + 1}: '${q(s)}' is out of float64 range`);
      const r = i - r0, c = j - c0;
      data[feed.transpose ? c * rows + r : r * cols + c] = v;
    }
  }
  return { shape: feed.transpose ? [cols, rows] : [rows, cols], data };
}

function range(r: [number, number] | undefined, n: number, key: string, what: string, problem: (path: string, msg: string) => Error, name: string): [number, number] {
  if (r === undefined) return [0, n];
  const [a, b] = r;
  if (!(a >= 0 && a < b && b <= n)) throw problem(`.${key}`, `[${a}, ${b}] is not a range [start, end) with 0 ≤ start < end ≤ ${n}: ${name} has ${n} ${what}`);
  return [a, b];
}

/** Reads a .csv feed; refuses (ResourceError) before reading a file whose numbers could exceed the budget (at most one per 2 bytes of text, 8 bytes each). */
export function readCsv(feed: CsvFeed, where: string, source: DataSource = {}, budget?: MemoryBudget): Tensor {
  const f = open(feed, where, source);
  try {
    checkMemory(f.size * 5, `feed ${where} (${q(feed.csv)}, ${formatBytes(f.size)} of text: up to 4 times that as float64)`, budget);
    const text = new TextDecoder("utf-8").decode(f.read(0, f.size));
    return parseCsv(text, feed, (path, msg) => problemError(where + path, undefined, msg));
  } finally {
    f.close();
  }
}

/** Reads a data feed (npy or csv) as a float64 tensor; `where` is its JSON path (`$.feed.X`). */
export function readDataFeed(feed: DataFeed, where: string, source: DataSource = {}, budget?: MemoryBudget): Tensor {
  return "npy" in feed ? readNpy(feed, where, source, budget) : readCsv(feed, where, source, budget);
}

/** The shape of a data feed without loading an .npy file's data (a .csv file is parsed). */
export function dataFeedShape(feed: DataFeed, where: string, source: DataSource = {}, budget?: MemoryBudget): number[] {
  return "npy" in feed ? npyShape(feed, where, source) : readCsv(feed, where, source, budget).shape as number[];
}
