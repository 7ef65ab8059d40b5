// Variable initializers (TF's zeros, ones, constant, random_normal, glorot_uniform), seeded and deterministic.
import { describe, expect, it } from "vitest";
import { Graph, GraphError, Session, loadSpec, runSpec } from "../src/index.js";

const values = (init: Parameters<Graph["variable"]>[0]) => Array.from(new Graph().variable(init, "v").value!.data);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => { const m = mean(xs); return mean(xs.map((x) => (x - m) ** 2)); };

describe("initializers", () => {
  it("zeros, ones and constant fill the given shape", () => {
    expect(values({ type: "zeros", shape: [2, 3] })).toEqual([0, 0, 0, 0, 0, 0]);
    expect(values({ type: "ones", shape: [3] })).toEqual([1, 1, 1]);
    expect(values({ type: "constant", shape: [2, 2], value: -0.5 })).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect(new Graph().variable({ type: "zeros", shape: [4, 1] }).shape).toEqual([4, 1]);
  });

  it("random_normal is deterministic per seed and has the asked mean and standard deviation", () => {
    const a = values({ type: "random_normal", shape: [100, 100], seed: 7, mean: 2, stddev: 0.5 });
    expect(values({ type: "random_normal", shape: [100, 100], seed: 7, mean: 2, stddev: 0.5 })).toEqual(a);
    expect(values({ type: "random_normal", shape: [100, 100], seed: 8, mean: 2, stddev: 0.5 })).not.toEqual(a);
    expect(Math.abs(mean(a) - 2)).toBeLessThan(0.02); // 4 standard errors for 10,000 draws
    expect(Math.abs(Math.sqrt(variance(a)) - 0.5)).toBeLessThan(0.02);
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it("glorot_uniform draws from ±sqrt(6 / (fan_in + fan_out)) with the uniform variance", () => {
    const shape = [80, 120];
    const limit = Math.sqrt(6 / (80 + 120));
    const w = values({ type: "glorot_uniform", shape, seed: 3 });
    expect(w).toHaveLength(9600);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(variance(w) / (limit * limit / 3) - 1)).toBeLessThan(0.05);
  });

  it("the API takes TF's camelCase names too", () => {
    expect(values({ type: "randomNormal", shape: [5], seed: 2 })).toEqual(values({ type: "random_normal", shape: [5], seed: 2 }));
    expect(values({ type: "glorotUniform", shape: [3, 4], seed: 2 })).toEqual(values({ type: "glorot_uniform", shape: [3, 4], seed: 2 }));
  });

  it("a bad initializer is a GraphError naming the variable", () => {
    expect(() => new Graph().variable({ type: "ones", shape: [2, -1] }, "w9")).toThrow(GraphError);
    expect(() => new Graph().variable({ type: "ones", shape: [2, -1] }, "w9")).toThrow(/w9/);
    expect(() => new Graph().variable({ type: "nope", shape: [2] } as never, "w9")).toThrow(/unknown initializer type 'nope'/);
  });

  it("a spec with init variables builds, runs and gets the same values every time", async () => {
    const doc = {
      format: "hessflow.graph/1", name: "init",
      nodes: [
        { name: "X", op: "placeholder", shape: [3, null] },
        { name: "w", op: "variable", init: { type: "glorot_uniform", shape: [2, 3], seed: 1 } },
        { name: "b", op: "variable", init: { type: "zeros", shape: [2, 1] } },
        { name: "h", expr: "tanh(matmul(w, X) + b)" },
        { name: "L", expr: "reduce_mean(h * h)" },
      ],
      feed: { X: [[1, 2], [0.5, -1], [0, 3]] },
      outputs: { fetch: ["L"], hessian: { ys: "L", xs: ["w", "b"] } },
    };
    const r1 = await runSpec(loadSpec(doc)), r2 = await runSpec(loadSpec(doc));
    expect(r1.hessian!.n).toBe(8);
    expect(Array.from(r1.hessian!.exact)).toEqual(Array.from(r2.hessian!.exact));
    const s = new Session(loadSpec(doc).graph);
    expect(s.graph.get("b").value!.data.every((v) => v === 0)).toBe(true);
  });
});
