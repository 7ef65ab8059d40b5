// The public API as a TF 1.x user meets it: null fetches, gradYs, per-op seeds, checked tensors and
// options, compact inspection, and the same rules as specs for non-scalar ys and unknown dims.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { add, FeedError, Graph, GraphError, gradients, multiply, reduceSum, Session, square } from "../src/index.js";

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

void inspect; void FeedError;
