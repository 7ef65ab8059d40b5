// Stateful variables, optimizers and the Saver (issue 10): TF 1.x semantics, checked against hand-written float64 references.
import { describe, expect, it } from "vitest";
import {
  AdamOptimizer, add, assign, assignAdd, assignSub, FeedError, GradientDescentOptimizer, gradients, Graph, GraphError,
  group, loadSpec, matmul, MomentumOptimizer, multiply, readSpecFile, reduceSum, Saver, Session, square, subtract, tanh,
  trainableVariables, type Feed, type Node,
} from "../src/index.js";

describe("assign, assignAdd, assignSub, group", () => {
  it("updates after the run: every op reads the values from before it", () => {
    const g = new Graph();
    const v = g.variable([1, 2], "v");
    const w = g.variable([10], "w");
    const s = new Session(g);
    const a = assignAdd(v, [1, 1]);
    const r = s.run([a, v, multiply(v, 2)]);
    expect(Array.from(r[0].data)).toEqual([2, 3]);
    expect(Array.from(r[1].data)).toEqual([1, 2]);
    expect(Array.from(r[2].data)).toEqual([2, 4]);
    expect(Array.from(s.variableValue(v).data)).toEqual([2, 3]);
    const both = group(assignSub(v, [0.5, 0.5]), assign(w, reduceSum(v, 0, true)));
    expect(s.run(both).shape).toEqual([]);
    expect(Array.from(s.variableValue(v).data)).toEqual([1.5, 2.5]);
    expect(Array.from(s.variableValue(w).data)).toEqual([5]);
    // The same update built twice is two updates (TF: two ops), each reading the old value; the later one wins.
    s.run(group(assignAdd(w, [1]), assignAdd(w, [2])));
    expect(s.variableValue(w).data[0]).toBe(7);
    // Fetching a node that does not need the update leaves the variable alone.
    s.run(v);
    expect(Array.from(s.variableValue(v).data)).toEqual([1.5, 2.5]);
  });

  it("refuses non-variables, wrong shapes and gradients through updates", () => {
    const g = new Graph();
    const v = g.variable([1, 2], "v");
    const x = g.placeholder([2], "x");
    expect(() => assign(x, [1, 2])).toThrow(GraphError);
    expect(() => assign(v, [1, 2, 3])).toThrow(/assign to a variable of shape \[2\]/);
    expect(() => gradients(reduceSum(assignAdd(v, x)), [x])).toThrow(/no gradient through assignAdd/);
    expect(() => group()).toThrow(GraphError);
  });

  it("trainable: false keeps a variable out of trainableVariables", () => {
    const g = new Graph();
    const a = g.variable([1], "a");
    const b = g.variable([2], "b", { trainable: false });
    const c = g.variable([3], { trainable: false });
    const d = g.variable([4]);
    expect(trainableVariables(g)).toEqual([a, d]);
    expect(g.isTrainable(b) || g.isTrainable(c)).toBe(false);
  });
});

describe("Saver", () => {
  const make = () => {
    const g = new Graph();
    const w = g.variable([[0.1, 1 / 3], [-0, 5e-324]], "w");
    const b = g.variable([1e308, -Number.MIN_VALUE, Math.PI], "b", { trainable: false });
    return { g, w, b, s: new Session(g) };
  };
  const bits = (d: Float64Array): string => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex");

  it("round-trips every value bit for bit, through JSON text", () => {
    const one = make();
    const text = JSON.stringify(new Saver(one.g).save(one.s));
    const two = make();
    two.s.assign(two.w, [[0, 0], [0, 0]]);
    two.s.assign(two.b, [0, 0, 0]);
    new Saver(two.g).restore(two.s, text);
    for (const k of ["w", "b"] as const) expect(bits(two.s.variableValue(two[k]).data)).toBe(bits(one.s.variableValue(one[k]).data));
    expect(Object.is(two.s.variableValue(two.w).data[2], -0)).toBe(true);
    expect(two.s.variableValue(two.w).data[3]).toBe(5e-324);
  });

  it("refuses a corrupt or mismatched checkpoint with one FeedError naming the variable, changing nothing", () => {
    const { g, w, b, s } = make();
    const saver = new Saver(g);
    const good = saver.save(s);
    s.assign(w, [[1, 2], [3, 4]]);
    const before = [Array.from(s.variableValue(w).data), Array.from(s.variableValue(b).data)];
    const bad = (f: (c: typeof good) => void): typeof good => { const c = structuredClone(good); f(c); return c; };
    const cases: [typeof good | string, RegExp][] = [
      [bad((c) => { c.variables[1].name = "zz"; }), /unknown variable 'zz'/],
      [bad((c) => { c.variables[1].shape = [4]; }), /variable 'b' has shape \[4\], expected \[3\]/],
      [bad((c) => { c.variables[1].data = c.variables[1].data.slice(0, -1) + "g"; }), /variable 'b' has bad data/],
      [bad((c) => { c.variables[1].data += "00"; }), /variable 'b' has bad data/],
      [bad((c) => { c.variables.pop(); }), /no value for variable 'b'/],
      [bad((c) => { c.variables.push(c.variables[0]); }), /variable 'w' appears twice/],
      ["{not json", /not JSON/],
    ];
    for (const [c, re] of cases) {
      let err: unknown;
      try { saver.restore(s, c); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(FeedError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
      expect([Array.from(s.variableValue(w).data), Array.from(s.variableValue(b).data)]).toEqual(before);
    }
  });
});

// ---- optimizers against plain float64 loops of the same update rules ----

type Rule = { name: string; make: () => GradientDescentOptimizer | MomentumOptimizer | AdamOptimizer; step: (theta: Float64Array[], grads: Float64Array[], state: Map<string, Float64Array[] | number>) => void };

const RULES: Rule[] = [
  {
    name: "gradient descent", make: () => new GradientDescentOptimizer(0.05),
    step: (th, gr) => th.forEach((t, k) => t.forEach((_, i) => { t[i] -= 0.05 * gr[k][i]; })),
  },
  ...[false, true].map((nesterov): Rule => ({
    name: nesterov ? "momentum (Nesterov)" : "momentum", make: () => new MomentumOptimizer(0.01, 0.9, { useNesterov: nesterov }),
    step: (th, gr, st) => {
      if (!st.has("a")) st.set("a", th.map((t) => new Float64Array(t.length)));
      const acc = st.get("a") as Float64Array[];
      th.forEach((t, k) => t.forEach((_, i) => {
        const g = gr[k][i];
        acc[k][i] = 0.9 * acc[k][i] + g;
        t[i] -= nesterov ? g * 0.01 + acc[k][i] * 0.9 * 0.01 : acc[k][i] * 0.01; // lr·(g + m·a), in TF's kernel's order
      }));
    },
  })),
  {
    name: "adam", make: () => new AdamOptimizer({ learningRate: 0.01 }),
    step: (th, gr, st) => {
      const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.01];
      if (!st.has("m")) { st.set("m", th.map((t) => new Float64Array(t.length))); st.set("v", th.map((t) => new Float64Array(t.length))); st.set("t", 0); }
      const t = (st.get("t") as number) + 1;
      st.set("t", t);
      const m = st.get("m") as Float64Array[], v = st.get("v") as Float64Array[];
      const lrT = lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
      th.forEach((x, k) => x.forEach((_, i) => {
        const g = gr[k][i];
        m[k][i] = b1 * m[k][i] + (1 - b1) * g;
        v[k][i] = b2 * v[k][i] + (1 - b2) * g * g;
        x[i] -= lrT * m[k][i] / (Math.sqrt(v[k][i]) + eps);
      }));
    },
  },
];

interface Problem { graph: Graph; loss: Node; vars: Node[]; frozen: Node[]; feed: Feed }

const PROBLEMS: [string, () => Problem][] = [
  ...["seed-two-layer-linear", "tanh-mlp"].map((name): [string, () => Problem] => [name, () => {
    const loaded = loadSpec(readSpecFile(`graph-specs/${name}.json`));
    return { graph: loaded.graph, loss: loaded.hessian!.ys, vars: trainableVariables(loaded.graph), frozen: [], feed: loaded.feed };
  }]),
  ["tanh layer with a frozen bias", () => {
    const g = new Graph({ seed: 3 });
    const x = g.placeholder([null, 3], "x");
    const w = g.variable({ type: "randomNormal", shape: [3, 2] }, "w");
    const frozen = g.variable([[0.3, -0.2]], "frozen", { trainable: false });
    const u = g.variable([[0.5], [-1.5]], "u");
    const y = matmul(tanh(add(matmul(x, w), frozen)), u);
    const loss = reduceSum(square(subtract(y, [[1], [-0.5], [0.25], [2]])));
    const feed = new Map([[x, [[1, 2, 0.5], [-1, 0.3, 2], [0.2, -0.7, 1], [1.5, 1, -1]]]]);
    return { graph: g, loss, vars: [w, u], frozen: [frozen], feed };
  }],
];

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) || a === b;

describe("optimizers: 50 steps agree with float64 references of TF's update rules", () => {
  for (const [pname, build] of PROBLEMS) {
    for (const rule of RULES) {
      it(`${rule.name} on ${pname}`, () => {
        const p = build();
        expect(trainableVariables(p.graph)).toEqual(p.vars);
        const grads = gradients(p.loss, p.vars) as Node[];
        const train = rule.make().minimize(p.loss);
        expect(train.op).toBe("group");
        const sess = new Session(p.graph), ref = new Session(p.graph);
        const theta = p.vars.map((v) => Float64Array.from(sess.variableValue(v).data));
        const frozenBefore = p.frozen.map((v) => Float64Array.from(sess.variableValue(v).data));
        const state = new Map<string, Float64Array[] | number>();
        let worst = 0;
        const first = sess.run(p.loss, p.feed).data[0];
        for (let step = 0; step < 50; step++) {
          p.vars.forEach((v, k) => ref.assign(v, { shape: [...v.shape] as number[], data: Float64Array.from(theta[k]) }));
          const r = ref.run({ loss: p.loss, grads }, p.feed);
          const [lossBefore] = sess.run([p.loss, train], p.feed);
          expect(close(lossBefore.data[0], r.loss.data[0]), `loss at step ${step}: ${lossBefore.data[0]} vs ${r.loss.data[0]}`).toBe(true);
          worst = Math.max(worst, Math.abs(lossBefore.data[0] - r.loss.data[0]) / Math.abs(r.loss.data[0]));
          rule.step(theta, r.grads.map((t) => t.data), state);
        }
        const lossAfter = sess.run(p.loss, p.feed).data[0];
        if (process.env.TRAIN_VERBOSE) console.log(rule.name, pname, first, lossAfter, worst);
        expect(lossAfter).toBeLessThan(first);
        p.vars.forEach((v, k) => {
          const got = sess.variableValue(v).data;
          got.forEach((x, i) => expect(close(x, theta[k][i]), `${v.name}[${i}]: ${x} vs ${theta[k][i]}`).toBe(true));
        });
        p.frozen.forEach((v, k) => expect(Array.from(sess.variableValue(v).data)).toEqual(Array.from(frozenBefore[k])));
        expect(worst).toBeLessThan(1e-12);
      });
    }
  }

  it("slots are non-trainable variables named as TF's, and a second minimize reuses them", () => {
    const g = new Graph();
    const w = g.variable([1, 2], "w");
    const loss = reduceSum(square(w));
    const adam = new AdamOptimizer();
    adam.minimize(loss);
    for (const n of ["w/Adam", "w/Adam_1", "beta1_power", "beta2_power"]) expect(g.isTrainable(g.get(n))).toBe(false);
    const before = g.nodes.filter((n) => n.op === "variable").length;
    adam.minimize(loss);
    expect(g.nodes.filter((n) => n.op === "variable").length).toBe(before);
    new MomentumOptimizer(0.1, 0.9).minimize(loss);
    expect(g.has("w/Momentum")).toBe(true);
    expect(trainableVariables(g)).toEqual([w]);
    expect(() => new GradientDescentOptimizer(0.1).minimize(reduceSum(square(g.placeholder([2], "p"))))).toThrow(/no gradients/);
    // The loss fetched with the step is the loss before it.
    const s = new Session(g);
    const sgd = new GradientDescentOptimizer(0.25).minimize(loss);
    expect(s.run([loss, sgd])[0].data[0]).toBe(5);
    expect(Array.from(s.variableValue(w).data)).toEqual([0.5, 1]);
  });
});
