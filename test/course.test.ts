// The course in graph-specs/: every spec (except the b-* benchmark sizes) is valid, runs, and its exact
// Hessian is symmetric, matches central finite differences of the gradient, and is the same in both
// modes. Then one check per spec that what its description teaches is true of its numbers.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { gradients } from "../src/autodiff/gradients.js";
import type { Node } from "../src/graph/graph.js";
import { tensor } from "../src/graph/tensor.js";
import { Session } from "../src/session/session.js";
import { checkSpec } from "../src/spec/check.js";
import { loadSpec, schemaProblems, type LoadedSpec, type SpecDoc } from "../src/spec/load.js";
import { runSpec } from "../src/spec/run.js";

const DIR = fileURLToPath(new URL("../graph-specs/", import.meta.url));
const COURSE = readdirSync(DIR).filter((f) => f.endsWith(".json") && !f.startsWith("b-")).sort();
/** Specs on real data (graph-specs/data/) too big for the full finite-difference Hessian here (131 and 25,450 parameters); test/data-course.test.ts checks them. newton-classifier.json (51 parameters) reads iris.csv too and is checked here. */
const DATA_SPECS = new Set(["iris-mlp.json", "mnist-mlp.json"]);
const NEW_SPECS = ["deep-linear", "tanh-mlp", "softmax-classifier", "relu-net", "single-layer", "shared-weight", "l2-regularised", "expr-tutorial"];

const read = (file: string): SpecDoc => JSON.parse(readFileSync(DIR + file, "utf8")) as SpecDoc;

/** The exact Hessian of a loaded spec (batched or rows mode). */
async function exactHessian(spec: LoadedSpec, mode: "rows" | "batched" = "batched") {
  const r = await runSpec(spec, { mode, workers: 1 });
  return r.hessian!;
}

/** Central differences of the symbolic gradient over the Hessian's xs (all variables), column by column. */
function finiteDifferenceHessian(spec: LoadedSpec): Float64Array {
  const { ys, xs } = spec.hessian!;
  const grads = gradients(ys, xs, { unconnected: "zero" }) as Node[];
  const session = new Session(spec.graph);
  const base = xs.map((x) => Float64Array.from(session.variableValue(x).data));
  const sizes = base.map((b) => b.length);
  const n = sizes.reduce((a, b) => a + b, 0);
  const gradAt = (j: number, delta: number): Float64Array => {
    let k = j;
    xs.forEach((x, v) => {
      const data = Float64Array.from(base[v]);
      if (k >= 0 && k < sizes[v]) data[k] += delta;
      k -= sizes[v];
      session.assign(x, tensor(data, x.shape as number[]));
    });
    const out = new Float64Array(n);
    let off = 0;
    for (const g of session.run(grads, spec.feed)) {
      out.set(g.data, off);
      off += g.data.length;
    }
    return out;
  };
  const fd = new Float64Array(n * n);
  const flat = Float64Array.from(base.flatMap((b) => Array.from(b)));
  for (let j = 0; j < n; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(flat[j]));
    const gp = gradAt(j, h), gm = gradAt(j, -h);
    for (let i = 0; i < n; i++) fd[i * n + j] = (gp[i] - gm[i]) / (2 * h);
  }
  xs.forEach((x, v) => session.assign(x, tensor(base[v], x.shape as number[])));
  return fd;
}

const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Ascending eigenvalues of a symmetric n×n row-major matrix. */
function eigenvalues(a: ArrayLike<number>, n: number): number[] {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]);
  return [...new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues].sort((x, y) => x - y);
}

/** Block (a rows, b columns) of the exact Hessian, by variable name. */
function block(h: { exact: Float64Array; n: number; layout: { name: string; offset: number; size: number }[] }, a: string, b: string) {
  const ea = h.layout.find((e) => e.name === a)!, eb = h.layout.find((e) => e.name === b)!;
  const out = new Float64Array(ea.size * eb.size);
  for (let i = 0; i < ea.size; i++) for (let j = 0; j < eb.size; j++) out[i * eb.size + j] = h.exact[(ea.offset + i) * h.n + eb.offset + j];
  return out;
}

describe("the course specs", () => {
  it("has the eight new specs, each with $schema and a description", () => {
    for (const name of NEW_SPECS) {
      expect(COURSE).toContain(`${name}.json`);
      const doc = read(`${name}.json`) as SpecDoc & { $schema?: string };
      expect(doc.$schema).toBe("../schema/hessflow.graph-1.schema.json");
      expect(doc.description!.length).toBeGreaterThan(100);
    }
    expect(COURSE.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of COURSE) {
    describe(file, () => {
      const doc = read(file);

      it("validates", () => {
        expect(schemaProblems(doc)).toEqual([]);
        expect(checkSpec(doc, { baseDir: DIR }).problems).toEqual([]);
      });

      if (!DATA_SPECS.has(file)) it("runs: symmetric Hessian equal to finite differences of the gradient; rows and batched modes agree", async () => {
        const spec = loadSpec(doc, { baseDir: DIR });
        const h = await exactHessian(spec);
        const { n, exact } = h;
        expect(n).toBeLessThanOrEqual(60);
        const scale = Math.max(1, maxAbs(exact));
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(Math.abs(exact[i * n + j] - exact[j * n + i])).toBeLessThanOrEqual(1e-12 * scale);
        const fd = finiteDifferenceHessian(spec);
        expect(maxDiff(fd, exact) / scale).toBeLessThan(1e-6);
        const rows = await exactHessian(loadSpec(doc, { baseDir: DIR }), "rows");
        expect(maxDiff(rows.exact, exact)).toBeLessThanOrEqual(1e-12 * scale);
      });
    });
  }
});

describe("what each spec teaches holds for its numbers", () => {
  const load = (name: string) => loadSpec(read(`${name}.json`));

  it("expr-tutorial gives exactly the tutorial's numbers", async () => {
    const a = await runSpec(load("expr-tutorial"));
    const b = await runSpec(load("seed-two-layer-linear"));
    expect(Math.abs(a.fetch[0].value.data[0] - b.fetch[0].value.data[0])).toBeLessThanOrEqual(1e-14);
    a.gradients.forEach((g, i) => expect(maxDiff(g.value.data, b.gradients[i].value.data)).toBeLessThanOrEqual(1e-14));
    expect(a.hessian!.n).toBe(11);
    expect(maxDiff(a.hessian!.exact, b.hessian!.exact)).toBeLessThanOrEqual(1e-14);
  });

  it("deep-linear: every per-layer block is PSD and small, the full Hessian is indefinite", async () => {
    const h = await exactHessian(load("deep-linear"));
    for (const w of ["w1", "w2", "w3"]) {
      const size = h.layout.find((e) => e.name === w)!.size;
      expect(eigenvalues(block(h, w, w), size)[0]).toBeGreaterThan(-1e-12);
    }
    const ev = eigenvalues(h.exact, h.n);
    expect(ev.filter((v) => v < -1e-9)).toHaveLength(5);
    expect(ev[0]).toBeLessThan(-0.4);
    expect(maxAbs(block(h, "w1", "w3")) / maxAbs(block(h, "w1", "w1"))).toBeGreaterThan(10);
  });

  it("relu-net: every tf.hessians block is PSD (Gauss-Newton), the full Hessian is not", async () => {
    const h = await exactHessian(load("relu-net"));
    for (const e of h.layout) expect(eigenvalues(block(h, e.name, e.name), e.size)[0]).toBeGreaterThan(-1e-12);
    expect(eigenvalues(h.exact, h.n)[0]).toBeLessThan(-1);
  });

  it("relu-net: pre-activations stay at least 0.2 away from the kink", () => {
    const spec = load("relu-net");
    const [h1] = new Session(spec.graph).run([spec.nodes.get("h1")!], spec.feed);
    expect(Math.min(...Array.from(h1.data, Math.abs))).toBeGreaterThan(0.2);
  });

  it("softmax-classifier: PSD with exactly 4 zero-curvature directions", async () => {
    const h = await exactHessian(load("softmax-classifier"));
    const ev = eigenvalues(h.exact, h.n);
    const tol = 1e-10 * ev[ev.length - 1];
    expect(ev[0]).toBeGreaterThan(-tol);
    expect(ev.filter((v) => Math.abs(v) <= tol)).toHaveLength(4);
    expect(ev[4]).toBeGreaterThan(0.01);
    expect(maxAbs(block(h, "W", "b"))).toBeGreaterThan(0.05);
  });

  it("single-layer: the W-b cross block is half the input means; the blocks hide the small eigenvalue", async () => {
    const doc = read("single-layer.json");
    const X = doc.feed!.X as number[][];
    const h = await exactHessian(loadSpec(doc));
    const cross = block(h, "W", "b"); // rows W[i,j], columns b[k]
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) {
      const mean = X[j].reduce((s, v) => s + v, 0) / X[j].length;
      expect(cross[(i * 3 + j) * 2 + k]).toBeCloseTo(i === k ? mean / 2 : 0, 12);
    }
    const exactMin = eigenvalues(h.exact, h.n)[0];
    const blockMin = Math.min(eigenvalues(block(h, "W", "W"), 6)[0], eigenvalues(block(h, "b", "b"), 2)[0]);
    expect(exactMin).toBeGreaterThan(0);
    expect(exactMin).toBeLessThan(0.01);
    expect(blockMin).toBeGreaterThan(0.05);
  });

  it("shared-weight: the W block equals the sum of the four blocks of two untied copies", async () => {
    const doc = read("shared-weight.json");
    const tied = await exactHessian(loadSpec(doc));
    const untiedDoc = structuredClone(doc);
    const w = untiedDoc.nodes.find((n) => n.name === "W")!;
    untiedDoc.nodes.push({ name: "W_b", op: "variable", value: w.value });
    untiedDoc.nodes.find((n) => n.name === "z2")!.inputs = ["W_b", "a1"];
    untiedDoc.outputs.hessian = { ys: "L", xs: ["W", "W_b", "v", "c"] };
    delete untiedDoc.outputs.gradients;
    const untied = await exactHessian(loadSpec(untiedDoc));
    const sum = [["W", "W"], ["W", "W_b"], ["W_b", "W"], ["W_b", "W_b"]].map(([a, b]) => block(untied, a, b));
    const total = sum[0].map((_, i) => sum.reduce((s, m) => s + m[i], 0));
    expect(maxDiff(block(tied, "W", "W"), total)).toBeLessThan(1e-12);
    expect(maxAbs(block(untied, "W", "W_b"))).toBeGreaterThan(0.05);
  });

  it("l2-regularised: weight decay adds exactly 0.02 to the weights' diagonal and nothing else", async () => {
    const doc = read("l2-regularised.json");
    const reg = await exactHessian(loadSpec(doc));
    const plain = structuredClone(doc);
    plain.nodes.find((n) => n.name === "L")!.expr = "mse / 2";
    const base = await exactHessian(loadSpec(plain));
    const n = reg.n;
    const isWeight = new Array<boolean>(n).fill(false);
    for (const e of reg.layout) if (e.name.startsWith("w")) for (let k = 0; k < e.size; k++) isWeight[e.offset + k] = true;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      expect(reg.exact[i * n + j] - base.exact[i * n + j]).toBeCloseTo(i === j && isWeight[i] ? 0.02 : 0, 12);
    }
    expect(eigenvalues(reg.exact, n)[0]).toBeLessThan(-0.5);
  });

  it("tanh-mlp: indefinite, with a w1-w2 cross block almost as large as the biggest diagonal block", async () => {
    const h = await exactHessian(load("tanh-mlp"));
    expect(eigenvalues(h.exact, h.n)[0]).toBeLessThan(-0.5);
    expect(eigenvalues(block(h, "w1", "w1"), 8)[0]).toBeLessThan(0);
    const fro = (m: Float64Array) => Math.sqrt(m.reduce((s, v) => s + v * v, 0));
    const biggestDiagonal = Math.max(...h.layout.map((e) => fro(block(h, e.name, e.name))));
    expect(fro(block(h, "w1", "w2"))).toBeGreaterThan(0.7 * biggestDiagonal);
  });
});
