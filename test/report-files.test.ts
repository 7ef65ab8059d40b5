import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { g17, toCsv, toNpy, writeFileAtomic } from "../src/report/files.js";
import { referenceInput } from "./report-fixtures.js";

const dirs: string[] = [];
const tempDir = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); dirs.push(d); return d; };
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const hasNumpy = spawnSync("python3", ["-c", "import numpy"], { stdio: "ignore" }).status === 0;

/** Minimal NPY v1.0 reader for '<f8' arrays. */
function parseNpy(bytes: Uint8Array): { header: string; headerLen: number; shape: number[]; data: Float64Array } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, ...Buffer.from("NUMPY"), 1, 0]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint16(8, true);
  const header = Buffer.from(bytes.subarray(10, 10 + headerLen)).toString("latin1");
  const shape = header.match(/'shape': \(([^)]*)\)/)![1].split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat64(10 + headerLen + 8 * i, true);
  expect(bytes.length).toBe(10 + headerLen + 8 * count);
  return { header, headerLen, shape, data };
}

describe("toNpy", () => {
  const input = referenceInput("seed");

  it("writes a v1.0 header padded to 64 bytes and the data little-endian in C order", () => {
    const npy = parseNpy(toNpy(input.hessian, [11, 11]));
    expect((10 + npy.headerLen) % 64).toBe(0);
    expect(npy.header.endsWith("\n")).toBe(true);
    expect(npy.header).toContain("'descr': '<f8'");
    expect(npy.header).toContain("'fortran_order': False");
    expect(npy.shape).toEqual([11, 11]);
    expect(npy.data).toEqual(input.hessian);
  });

  it("handles 1-D and 0-D shapes and rejects a wrong size", () => {
    expect(parseNpy(toNpy(input.gradient!, [11])).header).toContain("'shape': (11,)");
    expect(parseNpy(toNpy(Float64Array.of(2.5), [])).data).toEqual(Float64Array.of(2.5));
    expect(() => toNpy(input.gradient!, [3, 3])).toThrow(/holds 9/);
  });

  it.skipIf(!hasNumpy)("loads in numpy with identical values (CSV too)", () => {
    const dir = tempDir("hessflow-npy-");
    writeFileSync(join(dir, "h.npy"), toNpy(input.hessian, [11, 11]));
    writeFileSync(join(dir, "h.csv"), toCsv(input.hessian, 11, input.xs));
    const script = `
import csv, json, sys, numpy as np
a = np.load(sys.argv[1] + '/h.npy')
rows = list(csv.reader(open(sys.argv[1] + '/h.csv')))
c = np.array([[float(x) for x in r[1:]] for r in rows[1:]])
print(json.dumps({'shape': a.shape, 'dtype': str(a.dtype), 'c_order': bool(a.flags['C_CONTIGUOUS']),
  'values': a.ravel().tolist(), 'csv_equal': bool((c == a).all()), 'labels': rows[0][1:4]}))`;
    const res = spawnSync("python3", ["-c", script, dir], { encoding: "utf8" });
    expect(res.stderr).toBe("");
    const out = JSON.parse(res.stdout);
    expect(out.shape).toEqual([11, 11]);
    expect(out.dtype).toBe("float64");
    expect(out.c_order).toBe(true);
    expect(out.values).toEqual(Array.from(input.hessian));
    expect(out.csv_equal).toBe(true);
    expect(out.labels).toEqual(["w1[0,0]", "w1[0,1]", "w1[0,2]"]);
  });
});

describe("toCsv", () => {
  it("labels rows and columns and round-trips every value exactly", () => {
    const input = referenceInput("seed");
    const lines = toCsv(input.hessian, 11, input.xs).trimEnd().split("\n");
    expect(lines).toHaveLength(12);
    expect(lines[0].startsWith('"","w1[0,0]","w1[0,1]"')).toBe(true);
    expect(lines[0].endsWith('"w2[0,1]","b2[0,0]"')).toBe(true);
    expect(lines[7].startsWith('"b1[0,0]",')).toBe(true);
    const values = lines.slice(1).flatMap((l) => l.replace(/^"[^"]*",/, "").split(",").map(Number));
    expect(Float64Array.from(values)).toEqual(input.hessian);
  });

  it("formats like C %.17g", () => {
    const cases: [number, string][] = [
      [0.1, "0.10000000000000001"], [1e-5, "1.0000000000000001e-05"], [123456789012345678, "1.2345678901234568e+17"],
      [1.5, "1.5"], [-2, "-2"], [1e16, "10000000000000000"], [1e17, "1e+17"], [0.0001, "0.0001"],
      [9.99999999999999e-5, "9.9999999999999896e-05"], [-0.46394093637479017, "-0.46394093637479017"],
      [5e-324, "4.9406564584124654e-324"], [1.7976931348623157e308, "1.7976931348623157e+308"], [0, "0"],
    ];
    for (const [v, s] of cases) expect(g17(v)).toBe(s);
  });
});

describe("writeFileAtomic", () => {
  it("writes and replaces a file, leaving no temp files", async () => {
    const dir = tempDir("hessflow-atomic-");
    const path = join(dir, "out.json");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, Uint8Array.of(104, 105));
    expect(readFileSync(path, "utf8")).toBe("hi");
    expect(readdirSync(dir)).toEqual(["out.json"]);
  });

  it("removes the temp file and rethrows when the rename fails", async () => {
    const dir = tempDir("hessflow-atomic-");
    const target = join(dir, "taken");
    mkdirSync(target);
    writeFileSync(join(target, "keep"), "x"); // a non-empty directory cannot be replaced by a file
    await expect(writeFileAtomic(target, "data")).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["taken"]);
  });

  it("fails cleanly when the directory does not exist", async () => {
    await expect(writeFileAtomic(join(tmpdir(), "hessflow-no-such-dir-" + process.pid, "x"), "data")).rejects.toThrow(/^cannot write .*hessflow-no-such-dir-\d+\/x: no such directory /);
  });
});
