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

void inspect; void FeedError;
