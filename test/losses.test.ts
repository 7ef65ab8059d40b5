// sigmoid / sparse softmax cross-entropy, one_hot and l2_loss against values computed by hand from TF's formulas,
// their error lines, their use from specs and expr; and jacobian() against finite differences and against hessian().
import { describe, expect, it } from "vitest";
import {
  FeedError, gradients, Graph, hessian, jacobian, l2Loss, loadSpec, matmul, oneHot, reduceSum, runSpec, Session, ShapeError,
  sigmoidCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, tanh, toNested, softmaxCrossEntropyWithLogits, type Node,
} from "../src/index.js";
import { randomNested } from "./gradcheck.js";

const close = (got: ArrayLike<number>, want: ArrayLike<number>, digits = 12) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i], `entry ${i}`).toBeCloseTo(want[i], digits);
};
const sig = (x: number) => 1 / (1 + Math.exp(-x));
/** Error thrown by f (fails the test when f returns). */
function thrown(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error("expected an error");
}

describe("sigmoid_cross_entropy_with_logits", () => {
  const X = [[-2, -0.5, 0], [0.7, 3, 40]], Z = [[0, 1, 0.5], [1, 0.25, 0]];
  it("gives −z·log σ(x) − (1 − z)·log(1 − σ(x)), stably for large logits, and TF's gradients σ(x) − z and −x", () => {
    const g = new Graph();
    const x = g.variable(X, "x"), z = g.variable(Z, "z");
    const l = sigmoidCrossEntropyWithLogits(z, x, "xent");
    const [dz, dx] = gradients(reduceSum(l), [z, x]);
    const s = new Session(g);
    const xs = X.flat(), zs = Z.flat();
    // The naive formula for all but x = 40 (where log(1 − σ(40)) is inaccurate); there the loss is 40·(1 − z) + log1p(e^−40).
    const want = xs.map((v, i) => (v === 40 ? 40 + Math.log1p(Math.exp(-40)) : -zs[i] * Math.log(sig(v)) - (1 - zs[i]) * Math.log(1 - sig(v))));
    close(s.run(l).data, want);
    close(s.run(dx!).data, xs.map((v, i) => sig(v) - zs[i]));
    close(s.run(dz!).data, xs.map((v) => -v));
    expect(s.run(l).data[2]).toBeCloseTo(Math.log(2), 15); // x = 0: log 2 whatever z
  });

  it("has the Hessian diag σ(x)(1 − σ(x)) w.r.t. the logits", () => {
    const g = new Graph();
    const x = g.variable([-1, 0.5, 2], "x"), z = g.constant([1, 0, 1]);
    const H = new Session(g).run(hessian(sigmoidCrossEntropyWithLogits(z, x), [x])).data;
    const d = [-1, 0.5, 2].map((v) => sig(v) * (1 - sig(v)));
    close(H, [d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]]);
  });

  it("refuses labels and logits of different shapes with one line naming the node", () => {
    const g = new Graph();
    const e = thrown(() => sigmoidCrossEntropyWithLogits(g.constant([[1, 0, 1]]), g.variable([[1, 2, 3], [4, 5, 6]]), "bce"));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("node 'bce': labels and logits must have the same shape, got [1, 3] and [2, 3]");
  });
});

describe("sparse_softmax_cross_entropy_with_logits", () => {
  const Zs = [[1, 2, 3, 4], [0, -1, 0.5, 2], [3, 3, 0, -2]], labels = [3, 0, 1];
  it("gives −log softmax(logits)[label] per example, equal to the dense op with one-hot labels; gradient softmax − one_hot; none to labels", () => {
    const g = new Graph();
    const z = g.variable(Zs, "z");
    const y = g.placeholder([null], "y");
    const l = sparseSoftmaxCrossEntropyWithLogits(y, z, -1, "xent");
    const dense = softmaxCrossEntropyWithLogits(oneHot(y, 4), z);
    const [dy, dz] = gradients(reduceSum(l), [y, z]);
    expect(dy).toBeNull();
    const s = new Session(g);
    const feed = { y: labels };
    const want = Zs.map((row, i) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[labels[i]]);
    close(s.run(l, feed).data, want);
    close(s.run(dense, feed).data, want);
    const soft = Zs.flatMap((row) => { const t = row.reduce((a, v) => a + Math.exp(v), 0); return row.map((v) => Math.exp(v) / t); });
    close(s.run(dz!, feed).data, soft.map((v, k) => v - (k % 4 === labels[Math.floor(k / 4)] ? 1 : 0)));
  });

  it("refuses a non-integer or out-of-range label with one line naming the node", () => {
    const g = new Graph();
    const z = g.variable(Zs, "z");
    const y = g.placeholder([3], "y");
    const l = sparseSoftmaxCrossEntropyWithLogits(y, z, -1, "xent");
    const s = new Session(g);
    for (const [bad, v] of [[[0, 1.5, 2], 1.5], [[0, 4, 2], 4], [[-1, 0, 0], -1]] as [number[], number][]) {
      const e = thrown(() => s.run(l, { y: bad }));
      expect(e).toBeInstanceOf(FeedError);
      expect(e.message).toBe(`node 'xent': sparse_softmax_cross_entropy_with_logits: label ${v} is not a class index in [0, 4)`);
    }
  });

  it("refuses labels not shaped like the logits without the class axis", () => {
    const g = new Graph();
    const e = thrown(() => sparseSoftmaxCrossEntropyWithLogits(g.constant([[0, 1, 2]]), g.variable(Zs), -1, "xent"));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("node 'xent': labels must have the logits' shape without the class axis 1, [3], got [1, 3]");
  });
});

describe("one_hot", () => {
  it("puts the new axis last by default (or at axis), 1 at the index, zeros for out-of-range indices, as TF", () => {
    const g = new Graph();
    const i = g.constant([[0, 2], [5, -1]]);
    const s = new Session(g);
    expect(toNested(s.run(oneHot(i, 3)))).toEqual([[[1, 0, 0], [0, 0, 1]], [[0, 0, 0], [0, 0, 0]]]);
    expect(toNested(s.run(oneHot(g.constant([1, 0]), 3, 0)))).toEqual([[0, 1], [1, 0], [0, 0]]);
    expect(oneHot(i, 3, 1).shape).toEqual([2, 3, 2]);
  });

  it("has no gradient to its indices", () => {
    const g = new Graph();
    const i = g.variable([1, 0], "i");
    expect(gradients(reduceSum(oneHot(i, 2)), [i])).toEqual([null]);
  });

  it("refuses a bad axis or depth, and non-integer indices, with one line naming the node", () => {
    const g = new Graph();
    const e = thrown(() => oneHot(g.constant([1, 2]), 3, 2, "oh"));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("node 'oh': one_hot axis 2 is out of range for indices of rank 1");
    expect(thrown(() => oneHot(g.constant([1, 2]), 2.5, -1, "oh2")).message).toBe("node 'oh2': one_hot depth must be a non-negative integer, got 2.5");
    // Constant indices are folded when the node is built; fed ones are checked when run: the same line either way.
    const line = "node 'oh3': one_hot: indices must be integers (class numbers), got 0.5";
    expect(thrown(() => oneHot(g.constant([0.5]), 2, -1, "oh3")).message).toBe(line);
    const fed = oneHot(g.placeholder([1], "i"), 2, -1, "oh3");
    const atRun = thrown(() => new Session(g).run(fed, { i: [0.5] }));
    expect(atRun).toBeInstanceOf(FeedError);
    expect(atRun.message).toBe(line);
  });
});

describe("l2_loss", () => {
  it("is sum(x²)/2, a scalar, with gradient x", () => {
    const g = new Graph();
    const x = g.variable([[1, -2], [0.5, 3]], "x");
    const l = l2Loss(x);
    expect(l.shape).toEqual([]);
    const s = new Session(g);
    expect(Array.from(s.run(l).data)).toEqual([(1 + 4 + 0.25 + 9) / 2]);
    expect(toNested(s.run(gradients(l, [x])[0]!))).toEqual([[1, -2], [0.5, 3]]);
    close(s.run(hessian(l, [x])).data, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it("takes exactly one input (a spec with two is refused)", () => {
    const e = thrown(() => loadSpec({ format: "hessflow.graph/1", name: "t", nodes: [{ name: "a", op: "constant", value: [1] }, { name: "l", op: "l2_loss", inputs: ["a", "a"] }], outputs: { fetch: ["l"] } }));
    expect(e.message).toMatch(/l2_loss|input/);
  });
});

describe("the new ops from specs and expr", () => {
  it("op nodes and expr give the API's values", async () => {
    const spec = {
      format: "hessflow.graph/1",
      name: "t",
      nodes: [
        { name: "z", op: "variable", value: [[1, 2, 3], [0, -1, 2]] },
        { name: "y", op: "placeholder", shape: [null] },
        { name: "t", op: "constant", value: [[1, 0, 1], [0, 0.5, 1]] },
        { name: "s", op: "sparse_softmax_cross_entropy_with_logits", inputs: ["y", "z"] },
        { name: "h", op: "one_hot", inputs: ["y"], attrs: { depth: 3, axis: 0 } },
        { name: "b", op: "sigmoid_cross_entropy_with_logits", inputs: ["t", "z"] },
        { name: "e", expr: "l2_loss(z) + reduce_sum(one_hot(y, 3) * z) + reduce_sum(sigmoid_cross_entropy_with_logits(t, z))" },
      ],
      feed: { y: [2, 0] },
      outputs: { fetch: ["s", "h", "b", "e"] },
    };
    const r = await runSpec(loadSpec(spec));
    const g = new Graph();
    const z = g.variable([[1, 2, 3], [0, -1, 2]]), y = g.constant([2, 0]), t = g.constant([[1, 0, 1], [0, 0.5, 1]]);
    const s = new Session(g);
    const [fs, fh, fb, fe] = r.fetch.map((f) => f.value);
    close(fs.data, s.run(sparseSoftmaxCrossEntropyWithLogits(y, z)).data);
    close(fh.data, s.run(oneHot(y, 3, 0)).data);
    close(fb.data, s.run(sigmoidCrossEntropyWithLogits(t, z)).data);
    const e = (1 + 4 + 9 + 0 + 1 + 4) / 2 + 3 + 0 + Array.from(s.run(reduceSum(sigmoidCrossEntropyWithLogits(t, z))).data)[0];
    close(fe.data, [e]);
  });
});

describe("jacobian", () => {
  /** Central differences of y w.r.t. x (x a variable of the session), as a [y.size, x.size] row-major matrix. */
  function numericJacobian(s: Session, y: Node, x: Node, x0: Float64Array, h = 1e-5): Float64Array {
    const m = s.run(y).data.length, n = x0.length, J = new Float64Array(m * n);
    for (let j = 0; j < n; j++) {
      const xp = Float64Array.from(x0), xm = Float64Array.from(x0);
      xp[j] += h; xm[j] -= h;
      s.assign(x, { shape: [...x.shape] as number[], data: xp });
      const fp = Float64Array.from(s.run(y).data);
      s.assign(x, { shape: [...x.shape] as number[], data: xm });
      const fm = s.run(y).data;
      for (let i = 0; i < m; i++) J[i * n + j] = (fp[i] - fm[i]) / (2 * h);
    }
    s.assign(x, { shape: [...x.shape] as number[], data: x0 });
    return J;
  }

  it("of a matrix y = tanh(W·X) w.r.t. W and X has shape y.shape ++ x.shape and matches finite differences", () => {
    const g = new Graph();
    const W0 = randomNested([2, 3], 7), X0 = randomNested([3, 4], 8);
    const W = g.variable(W0, "W"), X = g.variable(X0, "X");
    const y = tanh(matmul(W, X));
    const [jW, jX] = jacobian(y, [W, X]);
    expect(jW.shape).toEqual([2, 4, 2, 3]);
    expect(jX.shape).toEqual([2, 4, 3, 4]);
    const s = new Session(g);
    const got = s.run([jW, jX]);
    expect(got[0].shape).toEqual([2, 4, 2, 3]);
    for (const [k, x] of [[0, W], [1, X]] as const) {
      const numeric = numericJacobian(s, y, x, Float64Array.from(s.run(x).data));
      close(got[k].data, numeric, 8);
    }
  });

  it("of a vector y is [m, n]; of a scalar, x.shape; an element of y that does not depend on x gives a zero row", () => {
    const g = new Graph();
    const x = g.variable([0.3, -0.8], "x");
    const y = sigmoidCrossEntropyWithLogits(g.constant([1, 0]), x);
    const [J] = jacobian(y, [x]);
    const s = new Session(g);
    close(s.run(J).data, [sig(0.3) - 1, 0, 0, sig(-0.8)]);
    const [Js] = jacobian(l2Loss(x), [x]);
    expect(Js.shape).toEqual([2]);
    close(s.run(Js).data, [0.3, -0.8]);
  });

  it("of the gradient is the Hessian (sparse xent of a two-layer net; cross blocks included)", () => {
    const g = new Graph();
    const w = g.variable(randomNested([3, 4], 11), "w"), v = g.variable(randomNested([4, 3], 12), "v");
    const X = g.constant(randomNested([2, 3], 13));
    const loss = reduceSum(sparseSoftmaxCrossEntropyWithLogits(g.constant([1, 2]), matmul(tanh(matmul(X, w)), v)));
    const grads = gradients(loss, [w, v], { unconnected: "zero" });
    const s = new Session(g);
    const n = 24, H = s.run(hessian(loss, [w, v])).data;
    const J = grads.map((gr) => s.run(jacobian(gr, [w, v])).map((t) => t.data));
    const H2 = new Float64Array(n * n);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) H2[(12 * a + i) * n + 12 * b + j] = J[a][b][i * 12 + j];
    close(H2, H, 12);
    expect(Math.max(...Array.from(H).map(Math.abs))).toBeGreaterThan(0.01);
  });

  it("refuses a y of unknown shape with one line naming it", () => {
    const g = new Graph();
    const x = g.variable([1, 2], "x");
    const p = g.placeholder([null], "p");
    const e = thrown(() => jacobian(tanh(p, "t"), [x]));
    expect(e.message).toMatch(/^jacobian: 't' has unknown dims .*; its number of rows must be known when the graph is built$/);
  });
});
