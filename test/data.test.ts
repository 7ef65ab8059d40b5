// Feeds from data files: .npy and .csv read back what was written (dtypes converted, Fortran order put in
// C order), paths relative to the spec's directory, and every bad input is one line naming the JSON path
// and the file, from `loadSpec`, `validate` and the CLI (exit 1; exit 2 for a file over the memory budget).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceError } from "../src/errors.js";
import { fortranToC, parseCsv, parseNpyHeader, readCsv, readNpy } from "../src/spec/data.js";
import { loadSpec, readSpecFile } from "../src/spec/load.js";
import { validateFile } from "../src/cli/validate.js";
import { toNpy } from "../src/report/files.js";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "hessflow.mjs");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hessflow-data-"));
  mkdirSync(join(dir, "data"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** NPY v1.0 (or 2.0) bytes with any descr, order and raw data bytes. */
function npy(descr: string, shape: number[], data: Uint8Array, { fortran = false, version = 1 } = {}): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const start = version === 1 ? 10 : 12;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${dims}, }`;
  const total = Math.ceil((start + header.length + 1) / 64) * 64;
  header = header.padEnd(total - start - 1, " ") + "\n";
  const out = new Uint8Array(total + data.length);
  out.set([0x93, ...Buffer.from("NUMPY", "latin1"), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), start);
  out.set(data, total);
  return out;
}
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const put = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return name;
};
const fail = (msg: string) => new Error(msg);

describe("reading .npy files", () => {
  it("round-trips toNpy's float64 arrays of rank 0 to 3", () => {
    for (const shape of [[], [5], [2, 3], [2, 3, 4]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1) * 1e3 + i / 7);
      const file = put(`data/r${shape.length}.npy`, toNpy(data, shape));
      const t = readNpy({ npy: file }, "$.feed.X", { baseDir: dir });
      expect(t.shape).toEqual(shape);
      expect(Array.from(t.data)).toEqual(Array.from(data));
    }
  });

  it("converts '<f4', '<i4', '<i8', '|u1', '<u2' and big-endian '>f8' to float64; reads format 2.0 headers", () => {
    const values = [0, 1, 2, 3, 250, 7];
    const cases: [string, ArrayBufferView][] = [
      ["<f4", Float32Array.from([0.5, -1.25, 3, 1e-3, 250, 7])],
      ["<i4", Int32Array.from([0, -1, 2, -3, 250, 2147483647])],
      ["<i8", BigInt64Array.from([0n, -1n, 2n, -3n, 250n, 9007199254740991n])],
      ["|u1", Uint8Array.from(values)],
      ["<u2", Uint16Array.from([0, 1, 2, 3, 250, 65535])],
    ];
    for (const [descr, arr] of cases) {
      const t = readNpy({ npy: put(`data/t${descr.slice(1)}.npy`, npy(descr, [2, 3], bytesOf(arr))) }, "$.feed.X", { baseDir: dir });
      expect(t.shape).toEqual([2, 3]);
      expect(Array.from(t.data)).toEqual(Array.from(arr as unknown as ArrayLike<number | bigint>, Number));
    }
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, Math.PI, false);
    new DataView(be.buffer).setFloat64(8, -2.5, false);
    expect(Array.from(readNpy({ npy: put("data/be.npy", npy(">f8", [2], be)) }, "$", { baseDir: dir }).data)).toEqual([Math.PI, -2.5]);
    const v2 = readNpy({ npy: put("data/v2.npy", npy("<f8", [3], bytesOf(Float64Array.from([1, 2, 3])), { version: 2 })) }, "$", { baseDir: dir });
    expect(Array.from(v2.data)).toEqual([1, 2, 3]);
  });

  it("puts Fortran-ordered arrays in C order (rank 2 and 3)", () => {
    // C order [[1, 2, 3], [4, 5, 6]] stored column-major is 1 4 2 5 3 6.
    const f2 = readNpy({ npy: put("data/f2.npy", npy("<f8", [2, 3], bytesOf(Float64Array.from([1, 4, 2, 5, 3, 6])), { fortran: true })) }, "$", { baseDir: dir });
    expect(f2.shape).toEqual([2, 3]);
    expect(Array.from(f2.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // Rank 3, shape [2, 3, 4]: element (i, j, k) = 100i + 10j + k, stored with i fastest.
    const shape = [2, 3, 4];
    const fort: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fort.push(100 * i + 10 * j + k);
    const c: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) c.push(100 * i + 10 * j + k);
    expect(Array.from(fortranToC(Float64Array.from(fort), shape))).toEqual(c);
    const f3 = readNpy({ npy: put("data/f3.npy", npy("<i4", shape, bytesOf(Int32Array.from(fort)), { fortran: true })) }, "$", { baseDir: dir });
    expect(Array.from(f3.data)).toEqual(c);
  });

  it("refuses other dtypes, truncated data, non-finite values and non-npy files, naming the file", () => {
    const err = (file: string) => { try { readNpy({ npy: file }, "$.feed.X", { baseDir: dir }); return ""; } catch (e) { return (e as Error).message; } };
    expect(err(put("data/c16.npy", npy("<c16", [1], new Uint8Array(16))))).toBe("$.feed.X: data/c16.npy: unsupported dtype '<c16'; expected float64 '<f8' (or float32, int8-64, uint8-64, converted to float64)");
    expect(err(put("data/u.npy", npy("<U3", [1], new Uint8Array(12))))).toMatch(/^\$\.feed\.X: data\/u\.npy: unsupported dtype '<U3'/);
    expect(err(put("data/short.npy", npy("<f8", [4], new Uint8Array(16))))).toBe("$.feed.X: data/short.npy: truncated: shape [4] of '<f8' needs 32 bytes of data, the file has 16");
    expect(err(put("data/nan.npy", npy("<f8", [2, 2], bytesOf(Float64Array.from([1, 2, NaN, 4])))))).toBe("$.feed.X: data/nan.npy: holds a non-finite value (NaN) at [1, 0]");
    expect(err(put("data/text.npy", "hello, not numpy"))).toBe("$.feed.X: data/text.npy: not an .npy file (no \\x93NUMPY magic string)");
    expect(err("data/missing.npy")).toBe("$.feed.X: cannot read data/missing.npy: no such file");
    expect(err("data")).toBe("$.feed.X: cannot read data: it is a directory");
    expect(() => parseNpyHeader(npy("<f8", [2], new Uint8Array(16)).subarray(0, 20), fail)).toThrow("truncated .npy header");
  });

  it("refuses a file over the memory budget before reading its data (ResourceError)", () => {
    const file = put("data/big.npy", toNpy(new Float64Array(1000), [10, 100]));
    const budget = { bytes: 4000, source: "HESSFLOW_MAX_BYTES" };
    expect(() => readNpy({ npy: file }, "$.feed.X", { baseDir: dir }, budget)).toThrow(ResourceError);
    expect(() => readNpy({ npy: file }, "$.feed.X", { baseDir: dir }, budget)).toThrow("feed $.feed.X (data/big.npy, shape [10, 100] as float64) needs 8.0 KB, more than the 4.0 KB available (the limit HESSFLOW_MAX_BYTES sets)");
  });
});

describe("reading .csv files", () => {
  const csv = (text: string, opts: Record<string, unknown> = {}) => parseCsv(text, { csv: "x.csv", ...opts }, (p, m) => new Error(`$${p}: ${m}`));

  it("round-trips numbers written with a CSV writer (%.17g), with header, ranges and transpose", () => {
    const rows = [[1.5, -2, 3e-7], [0.1, 1 / 3, -1e300], [4, 5, 6], [Math.PI, Math.E, -7.5]];
    const text = "a,b,c\r\n" + rows.map((r) => r.map((v) => v.toPrecision(17)).join(",")).join("\r\n") + "\r\n\r\n";
    const all = csv(text, { header: true });
    expect(all.shape).toEqual([4, 3]);
    expect(Array.from(all.data)).toEqual(rows.flat());
    const t = csv(text, { header: true, transpose: true, rows: [1, 3], columns: [0, 2] });
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([0.1, 4, 1 / 3, 5]);
    expect(csv("1, 2 ,+3.5e1\n").data).toEqual(Float64Array.from([1, 2, 35]));
  });

  it("names the line and column of a malformed field, a ragged line and a bad range", () => {
    const err = (text: string, opts = {}) => { try { csv(text, opts); return ""; } catch (e) { return (e as Error).message; } };
    expect(err("1,2\n3,x\n")).toBe("$: x.csv line 2, column 2: 'x' is not a number");
    expect(err("1,2\n3,\n")).toBe("$: x.csv line 2, column 2: empty field");
    expect(err("1,2\n3,4,5\n")).toBe("$: x.csv line 2: 3 columns, line 1 has 2");
    expect(err("a,b\n1,2\n")).toBe(`$: x.csv line 1, column 1: 'a' is not a number (a header line? set "header": true)`);
    expect(err("1,0x10\n")).toBe("$: x.csv line 1, column 2: '0x10' is not a number");
    expect(err("1,1e999\n")).toBe("$: x.csv line 1, column 2: '1e999' is out of float64 range");
    expect(err("a,b\n", { header: true })).toBe("$: x.csv: no data rows");
    expect(err("1,2\n", { columns: [1, 3] })).toBe("$.columns: [1, 3] is not a range [start, end) with 0 ≤ start < end ≤ 2: x.csv has 2 columns");
    expect(err("1,2\n", { rows: [1, 1] })).toBe("$.rows: [1, 1] is not a range [start, end) with 0 ≤ start < end ≤ 1: x.csv has 1 data rows");
  });

  it("refuses a file over the memory budget before reading it", () => {
    const file = put("data/big.csv", "1,2,3\n".repeat(100));
    expect(() => readCsv({ csv: file }, "$.feed.X", { baseDir: dir }, { bytes: 1000, source: "HESSFLOW_MAX_BYTES" })).toThrow(ResourceError);
  });
});

describe("data feeds in specs", () => {
  const spec = (feed: Record<string, unknown>, xShape: (number | null)[] = [2, null]) => ({
    format: "hessflow.graph/1",
    name: "data",
    nodes: [
      { name: "X", op: "placeholder", shape: xShape },
      { name: "w", op: "variable", value: [[1, -1]] },
      { name: "L", expr: "reduce_sum(square(matmul(w, X)))" },
    ],
    feed,
    outputs: { fetch: ["L"], gradients: { ys: ["L"], xs: ["w"] } },
  });
  const writeSpec = (name: string, doc: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(doc));
    return join(dir, name);
  };

  beforeAll(() => {
    put("data/x.npy", toNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]));
    put("data/x.csv", "p,q\n1,4\n2,5\n3,6\n");
    put("data/bad.csv", "1,4\n2,five\n");
    put("data/c8.npy", npy("<c8", [2, 3], new Uint8Array(48)));
  });

  it("paths are relative to the spec file's directory (readSpecFile), or to baseDir (loadSpec)", () => {
    const path = writeSpec("npy.json", spec({ X: { npy: "data/x.npy" } }));
    const a = loadSpec(readSpecFile(path));
    const x = [...a.feed.values()][0];
    expect(x.shape).toEqual([2, 3]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const b = loadSpec(spec({ X: { csv: "data/x.csv", header: true, transpose: true } }), { baseDir: dir });
    expect(Array.from([...b.feed.values()][0].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(validateFile(path)).toMatchObject({ valid: true, problems: [] });
    // From another working directory, through the CLI.
    const r = spawnSync(process.execPath, [BIN, "run", path], { cwd: tmpdir(), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("L = 27"); // (1-4)² + (2-5)² + (3-6)²
  });

  it("a placeholder without a shape takes the file's rank", () => {
    const doc = spec({ X: { npy: "data/x.npy" } });
    delete (doc.nodes[0] as { shape?: unknown }).shape;
    const loaded = loadSpec(doc, { baseDir: dir });
    expect(loaded.nodes.get("X")!.shape).toEqual([null, null]);
  });

  it("every bad input is one problem naming the JSON path and the file; the CLI exits 1", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ X: { npy: "data/x.np" } }, "$.feed.X: cannot read data/x.np: no such file"],
      [{ X: { npy: "data/c8.npy" } }, "$.feed.X: data/c8.npy: unsupported dtype '<c8'; expected float64 '<f8' (or float32, int8-64, uint8-64, converted to float64)"],
      [{ X: { csv: "data/x.csv", header: true } }, "$.feed.X (node 'X'): data/x.csv has shape [3, 2] does not match placeholder 'X' of shape [2, None]"],
      [{ X: { csv: "data/bad.csv", transpose: true } }, "$.feed.X: data/bad.csv line 2, column 2: 'five' is not a number"],
      [{ X: { csv: "data/x.csv", header: true, columns: [0, 3], transpose: true } }, "$.feed.X.columns: [0, 3] is not a range [start, end) with 0 ≤ start < end ≤ 2: data/x.csv has 2 columns"],
    ];
    cases.forEach(([feed, line], i) => {
      const path = writeSpec(`bad-${i}.json`, spec(feed));
      const v = validateFile(path);
      expect(v.valid).toBe(false);
      expect(v.problems.map((p) => (p.node === undefined ? `${p.path}: ${p.message}` : `${p.path} (node '${p.node}'): ${p.message}`))).toEqual([line]);
      expect(() => loadSpec(readSpecFile(path))).toThrow(line);
      const r = spawnSync(process.execPath, [BIN, "run", path], { encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`hessflow: ${line}\n`);
    });
  });

  it("the schema accepts the file forms and explains a bad one", () => {
    const path = writeSpec("schema.json", spec({ X: { npy: "data/x.npy", header: true } }));
    const v = validateFile(path);
    expect(v.valid).toBe(false);
    expect(v.problems.map((p) => p.path)).toContain("$.feed.X.header");
    const empty = validateFile(writeSpec("empty.json", spec({ X: {} })));
    expect(empty.problems).toEqual([{ path: "$.feed.X", message: `must have exactly one of the properties "npy" or "csv"` }]);
  });

  it("a data file over the memory budget is refused with exit 2 before it is read", () => {
    const path = writeSpec("budget.json", spec({ X: { npy: "data/x.npy" } }));
    const r = spawnSync(process.execPath, [BIN, "run", path], { encoding: "utf8", env: { ...process.env, HESSFLOW_MAX_BYTES: "40" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hessflow: feed \$\.feed\.X \(data\/x\.npy, shape \[2, 3\] as float64\) needs 48 B, more than the 40 B available/);
    expect(r.stderr.split("\n")).toHaveLength(2);
    // validate reads the .npy header only: the same budget does not stop it.
    const v = spawnSync(process.execPath, [BIN, "validate", path], { encoding: "utf8", env: { ...process.env, HESSFLOW_MAX_BYTES: "40" } });
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^ok: /);
  });
});
