// The browser entry (src/browser.ts) from Node: its exports, loadSpecAsync against loadSpec, the maxBytes budget, and
// the stored-deflate PNG stream that encodePng writes where there is no zlib.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as browser from "../src/browser.js";
import * as index from "../src/index.js";
import { storedZlib } from "../src/report/png.js";
import { ROOT } from "./dist.js";

const SPECS = join(ROOT, "graph-specs");
const readFile = async (path: string) => readFileSync(join(SPECS, path));
const doc = (name: string) => JSON.parse(readFileSync(join(SPECS, `${name}.json`), "utf8"));
const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

describe("src/browser.ts", () => {
  it("exports the Node API without nodeThreads and readSpecFile, plus loadSpecAsync, validation, the report's SVG and HTML, budgetOf and webWorkerThreads", () => {
    const expected = [...Object.keys(index).filter((k) => k !== "nodeThreads" && k !== "readSpecFile"),
      "loadSpecAsync", "specProblemsAsync", "specProblems", "schemaProblems", "formatProblem", "heatmapsSvg", "spectraSvg", "reportHtml", "budgetOf", "webWorkerThreads"].sort();
    expect(Object.keys(browser).sort()).toEqual(expected);
  });

  it("webWorkerThreads outside a browser: no pool, and the reason (a Session given it computes on the calling thread)", async () => {
    const { pool, reason } = browser.webWorkerThreads();
    expect(pool).toBeUndefined();
    expect(reason).toBe("no Web Workers here");
    const g = new browser.Graph();
    const w = g.variable([[0.5, -1], [2, 0.25]], "w");
    const h = await new browser.Session(g, { threads: pool }).hessian(browser.reduceSum(browser.square(browser.tanh(w))), [w], {}, { workers: 2 });
    expect(h.workers).toBe(0);
  });

  it("loadSpecAsync (data files through readFile, mathjs imported for expr) builds what loadSpec builds from the files", async () => {
    for (const name of ["iris-mlp", "expr-tutorial", "seed-two-layer-linear"]) {
      const a = await browser.loadSpecAsync(doc(name), { readFile });
      const b = index.loadSpec(index.readSpecFile(join(SPECS, `${name}.json`)));
      expect([...a.nodes.keys()], name).toEqual([...b.nodes.keys()]);
      expect([...a.feed.values()].map((t) => [t.shape, bits(t.data)]), name).toEqual([...b.feed.values()].map((t) => [t.shape, bits(t.data)]));
      const [ra, rb] = await Promise.all([browser.runSpec(a), index.runSpec(b)]);
      expect(bits(ra.hessian!.exact), name).toBe(bits(rb.hessian!.exact));
    }
  });

  it("a data file that cannot be read is one SpecError naming the feed; a schema error comes first, with nothing read", async () => {
    const iris = doc("iris-mlp");
    const failing = async () => { throw new Error("HTTP 404 (Not Found)"); };
    await expect(browser.loadSpecAsync(iris, { readFile: failing })).rejects.toThrow(/^\$\.feed\.Xraw: cannot read data\/iris\.csv: HTTP 404 \(Not Found\)$/);
    let reads = 0;
    await expect(browser.loadSpecAsync({ ...iris, format: "nope" }, { readFile: async (p) => (reads++, readFile(p)) })).rejects.toThrow(browser.SpecError);
    expect(reads).toBe(0);
  });

  it("specProblemsAsync reports what `validate` reports (every problem, path and message), an unreadable data file as a problem", async () => {
    const bad = doc("expr-tutorial");
    bad.nodes.push({ name: "e", expr: "reduce_mux(h2)" }, { name: "h2", op: "tanh", inputs: ["nope"] });
    const { problems } = await browser.specProblemsAsync(bad);
    expect(problems).toEqual(browser.specProblems(bad).problems);
    expect(problems.length).toBeGreaterThan(1);
    const ok = await browser.specProblemsAsync(doc("iris-mlp"), { readFile });
    expect([ok.problems, ok.loaded?.graph.nodes.length !== undefined]).toEqual([[], true]);
    const missing = await browser.specProblemsAsync(doc("iris-mlp"), { readFile: async () => { throw new Error("HTTP 404 (Not Found)"); } });
    expect(missing).toEqual({ problems: [{ path: "$.feed.Xraw", message: "cannot read data/iris.csv: HTTP 404 (Not Found)" }] });
  });

  it("maxBytes: a Graph's budget refuses variables, Hessians and runs before allocating; loadSpecAsync passes it on", async () => {
    const g = new browser.Graph({ maxBytes: 1000 });
    expect(() => g.variable({ type: "zeros", shape: [20, 20] }, "w")).toThrow("variable 'w' (shape [20, 20]) needs 3.2 KB, more than the 1.0 KB available (the limit maxBytes sets)");
    const w = g.variable({ type: "zeros", shape: [12] }, "w");
    expect(() => browser.hessian(browser.reduceSum(browser.square(w)), [w])).toThrow("the 12×12 Hessian needs 1.2 KB, more than the 1.0 KB available (the limit maxBytes sets)");
    expect(() => new browser.Graph({ maxBytes: -1 })).toThrow("maxBytes must be a positive number of bytes, got -1");
    const loaded = await browser.loadSpecAsync(doc("b-200"), { maxBytes: 200_000 });
    expect(loaded.graph.maxBytes).toBe(200_000);
    await expect(browser.runSpec(loaded)).rejects.toThrow(/^the 193×193 Hessian needs 298 KB, more than the 200 KB available \(the limit maxBytes sets\)$/);
  });

  it("storedZlib is a zlib stream that inflates to its input (empty, one block, several blocks)", () => {
    for (const size of [0, 1, 65535, 65536, 200_001]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
      expect(Buffer.from(inflateSync(storedZlib(data))).equals(Buffer.from(data)), `${size} bytes`).toBe(true);
    }
  });
});
