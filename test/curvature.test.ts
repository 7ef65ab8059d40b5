// Curvature products without the n×n matrix: Hessian-vector products (numeric, forward-over-reverse with dense
// tangents; symbolic, TF's _hessian_vector_product) against the full Hessian, and Gauss–Newton products
// Jᵀ·H_out·J against J and H_out built independently (J's rows by reverse mode, H_out by the row-by-row Hessian).
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import {
  Graph, GraphError, Session, add, flatten, gaussNewtonMatrix, gradients, hessianVectorProduct, matmul, multiply, reduceSum, slice, square, tanh,
  loadSpec, readSpecFile, type Node,
} from "../src/index.js";
import { mulberry32 } from "../src/internal.js";
import { ensureDist } from "./dist.js";

const DIR = fileURLToPath(new URL("../graph-specs/", import.meta.url));
// The course specs with a dense Hessian to compare with (mnist-mlp's 25,450² would be 5.2 GB).
const SPECS = readdirSync(DIR).filter((f) => f.endsWith(".json") && (!f.startsWith("b-") || f === "b-1k.json") && f !== "mnist-mlp.json").sort();

const load = (file: string) => loadSpec(readSpecFile(DIR + file));

/** k random vectors of length n, batch-major, from a fixed seed. */
function randomVectors(k: number, n: number, seed = 7): Float64Array {
  const rand = mulberry32(seed);
  return Float64Array.from({ length: k * n }, () => 2 * rand() - 1);
}

/** Rows M·v_i for a dense row-major n×n M. */
function denseTimes(m: Float64Array, n: number, vectors: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * n);
  for (let b = 0; b < k; b++) for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j] * vectors[b * n + j];
    out[b * n + i] = s;
  }
  return out;
}

/** max |a − b| / max(1, max |b|). */
function relErr(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let d = 0, scale = 1;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return d / scale;
}

describe("session.hvp: H·v without the n×n Hessian", () => {
  for (const file of SPECS) {
    const spec = load(file);
    if (!spec.hessian) continue;
    it(`${file}: agrees with the full Hessian times v, k = 1 and k = 16`, async () => {
      const { ys, xs } = spec.hessian!;
      const s = new Session(spec.graph);
      const h = await s.hessian(ys, xs, spec.feed, { workers: 1 });
      for (const k of [1, 16]) {
        const v = randomVectors(k, h.n, k);
        const hv = await s.hvp(ys, xs, spec.feed, v, { count: k });
        expect(relErr(hv, denseTimes(h.matrix, h.n, v, k))).toBeLessThan(1e-12);
      }
      const op = s.curvatureOperator(ys, xs, spec.feed);
      expect(op.n).toBe(h.n);
      expect(relErr(op.gradient, h.gradient)).toBeLessThan(1e-14);
      op.apply(randomVectors(3, h.n), 3);
      op.apply(randomVectors(1, h.n));
      expect(op.hvps).toBe(4);
    }, 60_000);
  }

  it("the symbolic hessianVectorProduct (v a placeholder) agrees with the numeric one", async () => {
    for (const file of ["tanh-mlp.json", "softmax-classifier.json", "relu-net.json", "shared-weight.json"]) {
      const spec = load(file);
      const { ys, xs } = spec.hessian!;
      const vs = xs.map((x, i) => spec.graph.placeholder(x.shape, `v_${i}_${file}`));
      const hvNodes = hessianVectorProduct(ys, xs, vs);
      const s = new Session(spec.graph);
      const n = xs.reduce((a, x) => a + (x.shape as number[]).reduce((p, d) => p * d, 1), 0);
      const v = randomVectors(1, n, 3);
      const feed = new Map(spec.feed);
      let off = 0;
      xs.forEach((x, i) => {
        const size = (x.shape as number[]).reduce((p, d) => p * d, 1);
        feed.set(vs[i], { shape: x.shape as number[], data: v.slice(off, off + size) });
        off += size;
      });
      const symbolic = Float64Array.from(s.run(hvNodes, feed).flatMap((t) => Array.from(t.data)));
      const numeric = await s.hvp(ys, xs, spec.feed, v);
      expect(relErr(symbolic, numeric), file).toBeLessThan(1e-12);
    }
  });

  it("the symbolic HVP differentiates again: d(vᵀHv)/dv = 2Hv, and the third derivative of a cubic", async () => {
    const g = new Graph();
    const x = g.variable([[0.3, -0.7, 1.1]], "x");
    const v = g.placeholder([1, 3], "v");
    const y = reduceSum(multiply(multiply(x, x), x));
    const [hv] = hessianVectorProduct(y, [x], [v]);
    const [dq] = gradients(reduceSum(multiply(hv, v)), [v]);
    const s = new Session(g);
    const vv = [[0.5, 2, -1]];
    const out = s.run({ hv, dq }, { v: vv });
    // y = Σ x³: H = diag(6x), H·v = 6 x ⊙ v.
    const xs = [0.3, -0.7, 1.1];
    xs.forEach((xi, i) => {
      expect(out.hv.data[i]).toBeCloseTo(6 * xi * vv[0][i], 13);
      expect(out.dq!.data[i]).toBeCloseTo(12 * xi * vv[0][i], 13);
    });
    // d(H·v)/dx = 6 v (diagonal): the third derivative through the HVP node.
    const [d3] = gradients(hv, [x]);
    const third = s.run(d3, { v: vv })!;
    vv[0].forEach((vi, i) => expect(third.data[i]).toBeCloseTo(6 * vi, 13));
  });

  it("xs where one is computed from another: numeric hvp is session.hessian's H·v, the symbolic one TF's Hᵀ·v", async () => {
    const g = new Graph();
    const X = g.constant([[0.5, -1, 2], [1, 0.3, -0.7]]);
    const w = g.variable([[0.2, -0.4], [0.7, 0.1]], "w");
    const h = tanh(matmul(w, X));
    const L = reduceSum(square(add(h, matmul(w, h))));
    const s = new Session(g);
    const H = await s.hessian(L, [w, h], {});
    const n = H.n;
    const v = randomVectors(4, n, 11);
    expect(relErr(await s.hvp(L, [w, h], {}, v, { count: 4 }), denseTimes(H.matrix, n, v, 4))).toBeLessThan(1e-12);
    const vw = g.placeholder([2, 2], "vw"), vh = g.placeholder([2, 3], "vh");
    const sym = s.run(hessianVectorProduct(L, [w, h], [vw, vh]), { vw: { shape: [2, 2], data: v.slice(0, 4) }, vh: { shape: [2, 3], data: v.slice(4, 10) } });
    const Ht = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Ht[i * n + j] = H.matrix[j * n + i];
    expect(relErr(Float64Array.from([...sym[0].data, ...sym[1].data]), denseTimes(Ht, n, v, 1))).toBeLessThan(1e-12);
  });

  it("bad blocks are one-line GraphErrors", () => {
    const spec = load("tanh-mlp.json");
    const { ys, xs } = spec.hessian!;
    const op = new Session(spec.graph).curvatureOperator(ys, xs, spec.feed);
    expect(() => op.apply(new Float64Array(op.n + 1))).toThrow(GraphError);
    expect(() => op.apply(new Float64Array(op.n), 2)).toThrow(/2 vector\(s\) of n = \d+ need/);
    expect(() => op.apply(new Float64Array(op.n), 0)).toThrow(/count must be a positive integer/);
    expect(() => new Session(spec.graph).curvatureOperator(ys, xs, spec.feed, { kind: "fisher" as "hessian" })).toThrow(/options.kind/);
  });
});


/** A one-hot nested array of the given 2-D shape, 1 at flat index i. */
function oneHot(shape: readonly number[], i: number): number[][] {
  const [r, c] = shape;
  return Array.from({ length: r }, (_, a) => Array.from({ length: c }, (_, b) => (a * c + b === i ? 1 : 0)));
}

/** J (m×n, z's flat entries by xs' flat entries) and H_out (m×m), each row by reverse mode: ∂<z, e_i>/∂xs and ∂<∂L/∂z, e_i>/∂z. */
function denseJacobianAndOutputHessian(s: Session, loss: Node, z: Node, xs: Node[], feed: Map<Node, unknown>) {
  const feedIn = feed as Parameters<Session["run"]>[1];
  const zShape = s.run(z, feedIn).shape;
  const m = zShape.reduce((a, b) => a * b, 1);
  const [gz] = gradients(loss, [z], { unconnected: "zero" });
  const Jrows: number[][] = [], Hrows: number[][] = [];
  for (let i = 0; i < m; i++) {
    const e = oneHot(zShape, i);
    Jrows.push(s.run(gradients(z, xs, { gradYs: [e], unconnected: "zero" }), feedIn).flatMap((t) => Array.from(t.data)));
    Hrows.push(Array.from(s.run(gradients(gz, [z], { gradYs: [e], unconnected: "zero" })[0], feedIn).data));
  }
  return { J: new Matrix(Jrows), Hout: new Matrix(Hrows), zShape, m };
}

describe("Gauss–Newton products Jᵀ·H_out·J", () => {
  for (const [file, output] of [["softmax-classifier.json", "logits"], ["tanh-mlp.json", "h2"], ["tanh-3layer.json", null], ["seed-two-layer-linear.json", "h2"]] as const) {
    it(`${file}: products and gaussNewtonMatrix agree with Jᵀ·H_out·J built densely by reverse mode; symmetric PSD`, async () => {
      const spec = load(file);
      const { ys, xs } = spec.hessian!;
      // tanh-3layer: its last layer's output is the node the squared difference reads.
      const z = output ? spec.nodes.get(output)! : spec.graph.nodes.find((n) => n.op === "squared_difference" && ys.graph === n.graph)!.inputs[0];
      const s = new Session(spec.graph);
      const { J, Hout } = denseJacobianAndOutputHessian(s, ys, z, xs, spec.feed);
      const dense = J.transpose().mmul(Hout).mmul(J);
      const n = dense.rows;
      const reference = Float64Array.from(dense.to1DArray());
      const gn = await gaussNewtonMatrix(s, ys, z, xs, spec.feed);
      expect(gn.n).toBe(n);
      expect(relErr(gn.matrix, reference)).toBeLessThan(1e-12);
      const op = s.curvatureOperator(ys, xs, spec.feed, { kind: "gauss-newton", output: z });
      const v = randomVectors(16, n, 5);
      expect(relErr(op.apply(v, 16), denseTimes(reference, n, v, 16))).toBeLessThan(1e-12);
      let asym = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) asym = Math.max(asym, Math.abs(gn.matrix[i * n + j] - gn.matrix[j * n + i]));
      expect(asym).toBeLessThan(1e-13);
      // Convex losses (cross-entropy of logits, squared error): H_out ⪰ 0, hence Jᵀ·H_out·J ⪰ 0.
      const eig = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(gn.matrix.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true });
      const scale = Math.max(1, ...eig.realEigenvalues.map(Math.abs));
      expect(Math.min(...eig.realEigenvalues) / scale).toBeGreaterThan(-1e-12);
      // The gradient comes with it.
      const h = await s.hessian(ys, xs, spec.feed, { workers: 1 });
      expect(relErr(gn.gradient, h.gradient)).toBeLessThan(1e-14);
    });
  }

  it("a linear network with MSE: H = GN + Σ_i (∂L/∂z_i)·∇²z_i, and the second-order term is not zero", async () => {
    const spec = load("seed-two-layer-linear.json");
    const { ys, xs } = spec.hessian!;
    const z = spec.nodes.get("h2")!;
    const s = new Session(spec.graph);
    const H = await s.hessian(ys, xs, spec.feed, { workers: 1 });
    const gn = await gaussNewtonMatrix(s, ys, z, xs, spec.feed);
    const n = H.n;
    const r = s.run(gradients(ys, [z])[0]!, spec.feed);
    const second = new Float64Array(n * n);
    for (let i = 0; i < r.data.length; i++) {
      // ∇²z_i: the Hessian of <z, e_i> (z is bilinear in w1·w2: this is not zero).
      const zi = reduceSum(multiply(z, spec.graph.constant(oneHot(r.shape, i))));
      const Hi = await s.hessian(zi, xs, spec.feed, { workers: 1 });
      for (let k = 0; k < n * n; k++) second[k] += r.data[i] * Hi.matrix[k];
    }
    let gap = 0;
    for (let k = 0; k < n * n; k++) gap = Math.max(gap, Math.abs(H.matrix[k] - gn.matrix[k]));
    expect(gap).toBeGreaterThan(0.1);
    expect(relErr(Float64Array.from(gn.matrix, (g, k) => g + second[k]), H.matrix)).toBeLessThan(1e-12);
  });

  it("an x the output does not depend on has zero rows and columns; bad requests are one-line GraphErrors naming the node", () => {
    const spec = load("softmax-classifier.json");
    const { ys, xs } = spec.hessian!;
    const z = spec.nodes.get("logits")!;
    const s = new Session(spec.graph);
    const extra = spec.graph.variable([[1, 2]], "unused_extra");
    const op = s.curvatureOperator(ys, [...xs, extra], spec.feed, { kind: "gauss-newton", output: z });
    const v = randomVectors(2, op.n, 9);
    const out = op.apply(v, 2);
    for (let b = 0; b < 2; b++) expect(Array.from(out.subarray(b * op.n + op.n - 2, (b + 1) * op.n))).toEqual([0, 0]);
    const elsewhere = tanh(spec.nodes.get("W")!);
    expect(() => s.curvatureOperator(ys, xs, spec.feed, { kind: "gauss-newton", output: elsewhere })).toThrow(/does not depend on the output/);
    try {
      s.curvatureOperator(ys, xs, spec.feed, { kind: "gauss-newton", output: elsewhere });
    } catch (e) {
      expect(e).toBeInstanceOf(GraphError);
      expect((e as GraphError).message).not.toContain("\n");
    }
    expect(() => s.curvatureOperator(ys, xs, spec.feed, { kind: "gauss-newton" })).toThrow(/needs options.output/);
    const W = spec.nodes.get("W")!;
    const W2 = square(W);
    expect(() => s.curvatureOperator(ys, [W, W2], spec.feed, { kind: "gauss-newton", output: z })).toThrow(GraphError);
  });
});

describe("curvature operators: the point and the special cases", () => {
  it("softmax regression is linear in its parameters: there GN = H exactly; on tanh-mlp they differ", async () => {
    for (const [file, output, same] of [["softmax-classifier.json", "logits", true], ["tanh-mlp.json", "h2", false]] as const) {
      const spec = load(file);
      const { ys, xs } = spec.hessian!;
      const s = new Session(spec.graph);
      const H = await s.hessian(ys, xs, spec.feed, { workers: 1 });
      const gn = await gaussNewtonMatrix(s, ys, spec.nodes.get(output)!, xs, spec.feed);
      if (same) expect(relErr(gn.matrix, H.matrix)).toBeLessThan(1e-12);
      else expect(relErr(gn.matrix, H.matrix)).toBeGreaterThan(1e-3);
    }
  });

  it("an operator keeps the point it was made at, though the session moves on", async () => {
    const spec = load("tanh-mlp.json");
    const { ys, xs } = spec.hessian!;
    const s = new Session(spec.graph);
    const op = s.curvatureOperator(ys, xs, spec.feed);
    const v = randomVectors(2, op.n, 1);
    const before = op.apply(v, 2);
    const w1 = xs[0];
    const old = s.variableValue(w1);
    s.assign(w1, { shape: old.shape, data: old.data.map((x) => x + 0.5) });
    const moved = await s.hvp(ys, xs, spec.feed, v, { count: 2 });
    expect(relErr(moved, before)).toBeGreaterThan(1e-3);
    expect(Array.from(op.apply(v, 2))).toEqual(Array.from(before));
    s.dispose();
    expect(Array.from(op.apply(v, 2))).toEqual(Array.from(before));
  });
});

describe("session.hvp on worker threads (from dist/, where the worker script is)", () => {
  it("b-1k, k = 16 split over 2 threads and k = 40 over 3: the full Hessian times v, to 1e-12", async () => {
    ensureDist();
    const root = fileURLToPath(new URL("../dist/", import.meta.url));
    const api = await import(pathToFileURL(root + "index.js").href) as typeof import("../src/index.js");
    const spec = api.loadSpec(JSON.parse(readFileSync(DIR + "b-1k.json", "utf8")));
    const { ys, xs } = spec.hessian!;
    const threads = api.nodeThreads();
    expect(threads).toBeDefined();
    const s = new api.Session(spec.graph, { threads });
    try {
      const h = await s.hessian(ys, xs, spec.feed, { workers: 1 });
      for (const [k, workers] of [[16, 2], [40, 3]]) {
        const v = randomVectors(k, h.n, k);
        const hv = await s.hvp(ys, xs, spec.feed, v, { count: k, workers });
        expect(relErr(hv, denseTimes(h.matrix, h.n, v, k))).toBeLessThan(1e-12);
      }
      await expect(s.hvp(ys, xs, spec.feed, new Float64Array(h.n), { workers: 0 })).rejects.toThrow(/options.workers/);
    } finally {
      s.dispose();
    }
  }, 60_000);
});
