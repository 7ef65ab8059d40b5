// The public API as a TF 1.x user meets it: null fetches, gradYs, per-op seeds, checked tensors and
// options, compact inspection, and the same rules as specs for non-scalar ys and unknown dims.
import { readdirSync, readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  add, computeHessian, FeedError, Graph, GraphError, gradients, hessian, hessians, loadSpec, multiply, reduceSum, runSpec, Session, SpecError, square, tensor,
} from "../src/index.js";

describe("null fetches", () => {
  it("gradients() with an unconnected x can be fetched: null gives null, in place", () => {
    const g = new Graph();
    const x = g.placeholder([2], "x");
    const z = g.placeholder([2], "z");
    const L = reduceSum(square(x));
    const dL = gradients(L, [x, z]);
    expect(dL[1]).toBeNull();
    const out = new Session(g).run({ dL, n: null, L }, { x: [1, -2] });
    expect(Array.from(out.dL[0]!.data)).toEqual([2, -4]);
    expect(out.dL[1]).toBeNull();
    expect(out.n).toBeNull();
    expect(out.L.data[0]).toBe(5);
    expect(new Session(g).run([null, null])).toEqual([null, null]);
  });
});

describe("gradYs", () => {
  it("accepts numbers and nested arrays, lifted to constants", () => {
    const g = new Graph();
    const x = g.placeholder([2], "x");
    const y = square(x);
    const [dx] = gradients(y, [x], { gradYs: [[10, 100]] });
    const [dn] = gradients(reduceSum(y), [x], { gradYs: [3] });
    const out = new Session(g).run([dx, dn], { x: [1, 2] });
    expect(Array.from(out[0]!.data)).toEqual([20, 400]);
    expect(Array.from(out[1]!.data)).toEqual([6, 12]);
  });

  it("refuses a gradYs entry of the wrong shape with one line naming y", () => {
    const g = new Graph();
    const x = g.placeholder([2], "x");
    const y = multiply(x, 2, "y");
    expect(() => gradients(y, [x], { gradYs: [[1, 2, 3]] })).toThrow(GraphError);
    expect(() => gradients(y, [x], { gradYs: [[1, 2, 3]] })).toThrow(/^gradients: gradYs\[0\] has shape \[3\], but y 'y' has shape \[2\]$/);
    expect(() => gradients(y, [x], { gradYs: [[[1, 2]]] })).toThrow(/gradYs\[0\]/);
  });

  it("null entries still mean ones", () => {
    const g = new Graph();
    const x = g.placeholder([2], "x");
    const [dx] = gradients(add(x, x), [x], { gradYs: [null] });
    expect(Array.from(new Session(g).run(dx!, { x: [0, 0] }).data)).toEqual([2, 2]);
  });
});

describe("initializer seeds (TF 1.x: op seed from the graph seed and the op's id)", () => {
  const draw = (g: Graph) => Array.from(g.variable({ type: "randomNormal", shape: [3] }).value!.data);

  it("variables without a seed differ from each other, and the same graph build gives the same values", () => {
    const g = new Graph();
    const a = draw(g), b = draw(g);
    expect(a).not.toEqual(b);
    const h = new Graph();
    expect(draw(h)).toEqual(a);
    expect(draw(h)).toEqual(b);
    expect(new Graph().variable({ type: "glorotUniform", shape: [2, 2] }).value!.data)
      .not.toEqual(new Graph().variable({ type: "zeros", shape: [1] }).graph.variable({ type: "glorotUniform", shape: [2, 2] }).value!.data);
  });

  it("the graph-level seed changes unseeded draws, reproducibly", () => {
    expect(new Graph({ seed: 0 }).seed).toBe(0);
    expect(new Graph().seed).toBe(0);
    expect(draw(new Graph({ seed: 7 }))).toEqual(draw(new Graph({ seed: 7 })));
    expect(draw(new Graph({ seed: 7 }))).not.toEqual(draw(new Graph()));
    expect(() => new Graph({ seed: 1.5 })).toThrow(/^Graph: seed must be an integer, got 1.5$/);
  });

  it("an explicit seed alone decides the values (unchanged by position or graph seed)", () => {
    const seeded = (g: Graph) => Array.from(g.variable({ type: "randomNormal", shape: [3], seed: 0 }).value!.data);
    const expected = [0.7871846599200555, 0.43143961704601397, -1.0777012643800048];
    expect(seeded(new Graph())).toEqual(expected);
    const g = new Graph({ seed: 99 });
    g.placeholder([2], "x");
    expect(seeded(g)).toEqual(expected);
    expect(seeded(g)).toEqual(expected);
    expect(() => new Graph().variable({ type: "randomNormal", shape: [3], seed: 0.5 }, "w")).toThrow(/^variable 'w': initializer seed must be an integer, got 0.5$/);
  });
});

describe("user tensors are checked", () => {
  const setup = () => {
    const g = new Graph();
    const X = g.placeholder([4, null], "X");
    const W = g.variable([[1], [2]], "W");
    const L = reduceSum(square(X), undefined, undefined, "L");
    return { g, X, W, L, sess: new Session(g) };
  };

  it("assign refuses data of the wrong length, naming the variable", () => {
    const { W, sess } = setup();
    const bad = () => sess.assign(W, { shape: [2, 1], data: new Float64Array(3) });
    expect(bad).toThrow(FeedError);
    expect(bad).toThrow(/^value for variable 'W': tensor of shape \[2, 1\] needs 2 values, but its data has 3$/);
    expect(Array.from(sess.variableValue(W).data)).toEqual([1, 2]);
    sess.assign(W, { shape: [2, 1], data: new Float64Array([3, 4]) });
    expect(Array.from(sess.variableValue(W).data)).toEqual([3, 4]);
  });

  it("a feed of the wrong length, a bad shape entry or non-Float64Array data is a one-line FeedError naming the node", () => {
    const { L, sess } = setup();
    const run = (t: unknown) => () => sess.run(L, { X: t as never });
    expect(run({ shape: [4, 2], data: new Float64Array(3) })).toThrow(/^feed 'X': tensor of shape \[4, 2\] needs 8 values, but its data has 3$/);
    expect(run({ shape: [4, -2], data: new Float64Array(0) })).toThrow(/^feed 'X': tensor shape\[1\] must be a non-negative integer, got -2$/);
    expect(run({ shape: [4, 1.5], data: new Float64Array(6) })).toThrow(/^feed 'X': tensor shape\[1\] must be a non-negative integer, got 1.5$/);
    expect(run({ shape: [4, 1], data: [1, 2, 3, 4] })).toThrow(/^feed 'X': tensor data must be a Float64Array, got an array$/);
    expect(run({ shape: 4, data: new Float64Array(4) })).toThrow(/^feed 'X': tensor shape must be an array of non-negative integers, got 4$/);
    try { run({ shape: [4, 2], data: new Float64Array(3) })(); } catch (e) { expect((e as FeedError).where).toBe("X"); }
    expect(sess.run(L, { X: { shape: [4, 1], data: new Float64Array([1, 1, 1, 1]) } }).data[0]).toBe(4);
  });

  it("variables and constants built from tensors are checked too", () => {
    const g = new Graph();
    expect(() => g.variable({ shape: [3], data: new Float64Array(2) } as never, "v")).toThrow(/^variable 'v': tensor of shape \[3\] needs 3 values, but its data has 2$/);
    expect(() => g.constant({ shape: [2, 2], data: new Float64Array(5) }, "c")).toThrow(/^constant 'c': tensor of shape \[2, 2\] needs 4 values, but its data has 5$/);
    expect(g.variable({ shape: [2], data: new Float64Array([1, 2]) }, "ok").shape).toEqual([2]);
    expect(() => tensor([1, 2], [2, -1])).toThrow(/^tensor\(\): tensor shape\[1\] must be a non-negative integer, got -1$/);
    expect(() => tensor([1, 2], [3])).toThrow(/^tensor\(\): tensor of shape \[3\] needs 3 values, but its data has 2$/);
    expect(tensor([1, 2], [2, 1]).shape).toEqual([2, 1]);
  });
});

describe("computeHessian options are checked", () => {
  const setup = () => {
    const g = new Graph();
    const w = g.variable([1, 2], "w");
    const L = reduceSum(square(w));
    return { g, w, L, sess: new Session(g) };
  };

  it.each([
    [{ mode: "fast" }, /^computeHessian: options\.mode must be "rows" or "batched", got "fast"$/],
    [{ workers: 0 }, /^computeHessian: options\.workers must be a positive integer or "auto", got 0$/],
    [{ workers: 1.5 }, /^computeHessian: options\.workers must be a positive integer or "auto", got 1.5$/],
    [{ workers: "2" }, /^computeHessian: options\.workers must be a positive integer or "auto", got "2"$/],
    [{ batch: 0 }, /^computeHessian: options\.batch must be a positive integer, got 0$/],
    [{ batch: -3, mode: "rows" }, /^computeHessian: options\.batch must be a positive integer, got -3$/],
  ])("refuses %j", async (options, message) => {
    const { w, L, sess } = setup();
    await expect(computeHessian(sess, L, [w], {}, options as never)).rejects.toThrow(GraphError);
    await expect(computeHessian(sess, L, [w], {}, options as never)).rejects.toThrow(message);
  });

  it("accepts the valid ones", async () => {
    const { w, L, sess } = setup();
    for (const options of [{}, { mode: "rows" as const }, { mode: "batched" as const, workers: 1, batch: 1 }, { workers: "auto" as const }]) {
      expect(Array.from((await computeHessian(sess, L, [w], {}, options)).matrix)).toEqual([2, 0, 0, 2]);
    }
  });
});

describe("inspection", () => {
  it("a node prints as Node<name: op shape> and a graph as Graph<n nodes>", () => {
    const g = new Graph();
    const X = g.placeholder([2, null], "X");
    const h1 = add(X, 1, "h1");
    expect(inspect(h1)).toBe("Node<h1: add [2, None]>");
    expect(inspect(g)).toBe("Graph<3 nodes>");
    expect(inspect(new Graph())).toBe("Graph<0 nodes>");
    expect(inspect({ h1, xs: [X] })).toBe("{ h1: Node<h1: add [2, None]>, xs: [ Node<X: placeholder [2, None]> ] }");
    expect(String(h1)).toBe("h1: add [2, None]");
  });

  it("src/graph imports nothing from node: (it runs in browsers too)", () => {
    const dir = new URL("../src/graph/", import.meta.url);
    for (const f of readdirSync(dir)) expect(readFileSync(new URL(f, dir), "utf8")).not.toMatch(/from\s+["']node:|require\(["']node:/);
  });
});

describe("API and specs agree (TF 1.x): Hessian of sum(ys), gradients w.r.t. unknown dims, Hessian xs need known shapes", () => {
  const SEED = JSON.parse(readFileSync(new URL("../graph-specs/seed-two-layer-linear.json", import.meta.url), "utf8"));
  const XS = ["w1", "b1", "w2", "b2"];
  const withOutputs = (outputs: object) => ({ ...SEED, outputs });
  const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(b[i])));
  };

  it("API: hessian() and hessians() of a vector y are those of sum(y)", () => {
    const g = new Graph();
    const w = g.variable([0.5, -1, 2], "w");
    const y = multiply(square(w), w, "y");  // y_i = w_i^3, a vector
    const s = new Session(g);
    const [h, hs] = s.run([hessian(y, [w]), hessian(reduceSum(y), [w])]);
    const plain = (d: Float64Array) => Array.from(d, (v) => v + 0);  // -0 → 0
    expect(plain(h.data)).toEqual(plain(hs.data));
    expect(plain(h.data)).toEqual([3, 0, 0, 0, -6, 0, 0, 0, 12]);
    expect(plain(s.run(hessians(y, [w]))[0].data)).toEqual([3, 0, 0, 0, -6, 0, 0, 0, 12]);
  });

  it("spec: a non-scalar hessian.ys gives the Hessian of its sum, as the API does", async () => {
    const vector = loadSpec(withOutputs({ hessian: { ys: "h2", xs: XS } }));
    expect(vector.hessian!.ys.shape).toEqual([1, null]);
    const r = await runSpec(vector, { mode: "rows" });
    const g = vector.graph;
    const api = await computeHessian(new Session(g), reduceSum(vector.hessian!.ys), vector.hessian!.xs, vector.feed, { mode: "rows" });
    close(r.hessian!.exact, api.matrix);
    const batched = await runSpec(loadSpec(withOutputs({ hessian: { ys: "h2", xs: XS } })));
    close(batched.hessian!.exact, api.matrix);
  });

  it("spec: gradients w.r.t. a placeholder of unknown dims have the fed shape, as in the API", async () => {
    const spec = loadSpec(withOutputs({ gradients: { ys: ["L"], xs: ["X", "w1"] } }));
    const r = await runSpec(spec);
    expect(r.gradients.map((g) => g.name)).toEqual(["X", "w1"]);
    expect(r.gradients[0].value.shape).toEqual([3, 4]);
    const g = spec.graph;
    const [dX] = gradients(g.get("L"), [g.get("X")]);
    expect(dX!.shape).toEqual([3, null]);
    close(r.gradients[0].value.data, new Session(g).run(dX!, spec.feed).data);
  });

  it("Hessian xs of unknown dims: API and spec refuse them with the same one-line message", () => {
    const spec = loadSpec(withOutputs({ fetch: ["L"] }));
    const X = spec.graph.get("X");
    const message = "hessian: 'X' has unknown dims [3, None]; the Hessian's size must be known when the graph is built (use variables or fixed-shape nodes as xs)";
    expect(() => hessian(spec.graph.get("L"), [spec.graph.get("w1"), X])).toThrow(GraphError);
    expect(() => hessian(spec.graph.get("L"), [spec.graph.get("w1"), X])).toThrow(message);
    expect(() => hessians(spec.graph.get("L"), [X])).toThrow(message);
    expect(() => loadSpec(withOutputs({ hessian: { ys: "L", xs: ["w1", "X"] } }))).toThrow(SpecError);
    try {
      loadSpec(withOutputs({ hessian: { ys: "L", xs: ["w1", "X"] } }));
    } catch (e) {
      expect((e as SpecError).message).toBe(`$.outputs.hessian.xs[1] (node 'X'): ${message}`);
      expect((e as SpecError).where).toBe("X");
    }
  });
});
