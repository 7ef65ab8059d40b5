// Random networks (test/random-networks.ts) as an independent check of hessflow: every generated spec
// loads, runs with finite results, and its gradients and Hessian agree with central finite differences
// (checkGradients). The generator is also checked to cover what it claims, seen in the specs themselves.
import { describe, expect, it } from "vitest";
import { checkGradients, loadSpec, runSpec, type SpecDoc } from "../src/index.js";
import { MAX_RANDOM_PARAMETERS, RANDOM_NETWORK_FEATURES, randomNetwork, randomNetworkSpec } from "./random-networks.js";

/** Seeds checked against finite differences (400: about 4 s on one core). */
const SEEDS = Array.from({ length: 400 }, (_, i) => i);
const networks = SEEDS.map(randomNetwork);

describe("random networks against finite differences", () => {
  it.each(SEEDS.map((s) => [s]))("seed %i: loads, runs finite, derivatives match central differences", async (seed) => {
    const { spec } = networks[seed];
    const loaded = loadSpec(spec);
    const r = await runSpec(loaded, { mode: "batched" });
    for (const f of [...r.fetch, ...r.gradients]) expect(f.value.data.every(Number.isFinite), f.name).toBe(true);
    expect(r.nonFinite).toBeUndefined();
    expect(r.gradients.map((g) => g.name)).toEqual(spec.outputs.gradients!.xs);
    expect(r.hessian!.exact.every(Number.isFinite)).toBe(true);
    const y = loaded.hessian!.ys;
    // The Hessian over the spec's xs (a subset in random order), and the gradient over every variable.
    const second = await checkGradients(y, loaded.hessian!.xs, loaded.feed, { order: 2 });
    expect(second.maxError, `${second.worst.x} order ${second.worst.order} at ${second.worst.at}`).toBeLessThan(1e-6);
    const first = await checkGradients(y, loaded.gradients!.xs, loaded.feed, { order: 1 });
    expect(first.maxError, `${first.worst.x} at ${first.worst.at}`).toBeLessThan(1e-6);
  });
});

describe("the generator", () => {
  it("is deterministic, stays within its limits, and leaves the batch dimension unknown", () => {
    expect(randomNetworkSpec(17)).toEqual(randomNetworkSpec(17));
    expect(JSON.stringify(randomNetworkSpec(17))).not.toBe(JSON.stringify(randomNetworkSpec(18)));
    for (const { spec, parameters } of networks) {
      expect(parameters).toBeLessThanOrEqual(MAX_RANDOM_PARAMETERS);
      expect(parameters).toBe(variableSizes(spec));
      const variables = spec.nodes.filter((n) => n.op === "variable").map((n) => n.name);
      expect(spec.outputs.gradients!.xs).toEqual(variables);
      const hx = spec.outputs.hessian!.xs;
      expect(hx.length).toBeGreaterThanOrEqual(1);
      expect(new Set(hx).size).toBe(hx.length);
      for (const x of hx) expect(variables).toContain(x);
      for (const p of spec.nodes.filter((n) => n.op === "placeholder")) expect(p.shape).toContain(null);
      for (const v of allNumbers(spec.nodes.filter((n) => n.op === "variable").map((n) => n.value))) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
  });

  it("covers every feature it lists, at least 15 times in 400 seeds, as seen in the specs themselves", () => {
    const all = Object.values(RANDOM_NETWORK_FEATURES).flat();
    for (const feature of all) {
      const having = networks.filter((n) => n.features.includes(feature));
      expect(having.length, feature).toBeGreaterThanOrEqual(15);
      const seen = SHOWS[feature];
      if (seen) for (const n of having) expect(seen(n.spec), `${feature} in ${n.spec.name}`).toBe(true);
    }
    for (const n of networks) for (const f of n.features) expect(all, n.spec.name).toContain(f);
  });
});

/** For the features visible in a spec's nodes, a test of the spec that they really are there. */
const SHOWS: Record<string, (spec: SpecDoc) => boolean> = {
  ...Object.fromEntries(
    ["tanh", "sigmoid", "relu", "softplus", "elu", "leaky_relu", "abs", "square", "maximum", "minimum", "concat", "slice", "reshape", "transpose", "one_hot", "reduce_sum"]
      .map((op) => [op, (spec: SpecDoc) => spec.nodes.some((n) => n.op === op)]),
  ),
  mse: (spec) => hasOp(spec, "squared_difference"),
  softmax_xent: (spec) => hasOp(spec, "softmax_cross_entropy_with_logits"),
  sparse_softmax_xent: (spec) => hasOp(spec, "sparse_softmax_cross_entropy_with_logits"),
  sigmoid_xent: (spec) => hasOp(spec, "sigmoid_cross_entropy_with_logits"),
  l2: (spec) => hasOp(spec, "l2_loss"),
  transpose_a: (spec) => spec.nodes.some((n) => n.op === "matmul" && n.attrs?.transpose_a === true),
  transpose_b: (spec) => spec.nodes.some((n) => n.op === "matmul" && n.attrs?.transpose_b === true),
  shared_weight: (spec) => spec.nodes.some((v) => v.op === "variable" && spec.nodes.filter((n) => n.op === "matmul" && n.inputs!.includes(v.name)).length >= 2),
  "reduce:keepdims": (spec) => spec.nodes.some((n) => n.attrs?.keepdims === true),
  "reduce:axis": (spec) => spec.nodes.some((n) => n.op!.startsWith("reduce_") && n.attrs?.axis !== undefined),
  "hessian:subset": (spec) => spec.outputs.hessian!.xs.length < spec.outputs.gradients!.xs.length,
  "batch:1": (spec) => batchSize(spec) === 1,
};

function hasOp(spec: SpecDoc, op: string): boolean {
  return spec.nodes.some((n) => n.op === op);
}

function allNumbers(v: unknown): number[] {
  return typeof v === "number" ? [v] : Array.isArray(v) ? v.flatMap(allNumbers) : [];
}

function variableSizes(spec: SpecDoc): number {
  return spec.nodes.filter((n) => n.op === "variable").reduce((s, n) => s + allNumbers(n.value).length, 0);
}

/** The batch size: X's extent along the dimension its placeholder leaves unknown. */
function batchSize(spec: SpecDoc): number {
  const x = spec.feed!.X as number[][];
  return spec.nodes.find((n) => n.name === "X")!.shape![0] === null ? x.length : x[0].length;
}
