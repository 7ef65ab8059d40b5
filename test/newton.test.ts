// Curvature steps (issue 10 item 3): newtonStep against dense linear algebra built independently (session.hessian,
// the tf.hessians blocks run as graph nodes, a Gauss–Newton matrix from the symbolic double-backward products), and CG against the dense solve.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EigenvalueDecomposition, Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { applyStep, hessians, loadSpec, newtonStep, readSpecFile, Session, type Node } from "../src/index.js";
import { symbolicGaussNewtonOperator } from "../src/curvature/symbolic-operator.js";
import { conjugateGradient } from "../src/train/newton.js";
import { denseOperator } from "../src/curvature/operator.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const load = (name: string) => loadSpec(readSpecFile(join(ROOT, "graph-specs", `${name}.json`)));

/** −lr·M⁻¹g by LU (nonsingular M). */
function luStep(m: Float64Array, n: number, g: Float64Array, damping: number, lr = 1): Float64Array {
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, m[i * n + j] + (i === j ? damping : 0));
  const x = solve(a, Matrix.columnVector(Array.from(g)));
  return Float64Array.from(x.getColumn(0), (v) => -lr * v);
}

/** −M⁺g through ml-matrix's eigenvectors, with `abs` replacing eigenvalues by their absolute values; |μ| ≤ 1e-9·max dropped. */
function eigStep(m: Float64Array, n: number, g: Float64Array, damping: number, abs: boolean): Float64Array {
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, 0.5 * (m[i * n + j] + m[j * n + i]));
  const e = new EigenvalueDecomposition(a);
  const mu = e.realEigenvalues.map((v) => (abs ? Math.abs(v) : v) + damping);
  const big = Math.max(...mu.map(Math.abs));
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (Math.abs(mu[k]) <= 1e-9 * big) continue;
    const v = e.eigenvectorMatrix.getColumn(k);
    const c = v.reduce((s, vi, i) => s + vi * g[i], 0) / mu[k];
    for (let i = 0; i < n; i++) out[i] -= c * v[i];
  }
  return out;
}

function expectClose(a: Float64Array, b: Float64Array, tol = 1e-10): void {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]) / scale, `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
}

async function denseHessian(s: Session, loss: Node, xs: Node[], feed: Map<Node, never> | Map<Node, unknown>) {
  return s.hessian(loss, xs, feed as never);
}

describe("newtonStep against dense references", () => {
  for (const name of ["seed-two-layer-linear", "tanh-mlp", "softmax-classifier"]) {
    it(`${name}: newton (pseudo-inverse and damped) and saddle-free agree with ml-matrix`, async () => {
      const spec = load(name);
      const { ys: loss, xs } = spec.hessian!;
      const s = new Session(spec.graph);
      const h = await denseHessian(s, loss, xs, spec.feed);
      const n = h.n;
      const plain = await newtonStep(s, loss, xs, spec.feed, { method: "newton" });
      expectClose(plain.step, eigStep(h.matrix, n, h.gradient, 0, false));
      const damped = await newtonStep(s, loss, xs, spec.feed, { method: "newton", damping: 0.3, lr: 0.5 });
      expectClose(damped.step, luStep(h.matrix, n, h.gradient, 0.3, 0.5));
      expect(damped.pseudoInverse).toBe(false);
      const sfn = await newtonStep(s, loss, xs, spec.feed, { method: "saddle-free", damping: 0.1 });
      expectClose(sfn.step, eigStep(h.matrix, n, h.gradient, 0.1, true));
      expect(sfn.eigenvalues!.every((v) => v > 0)).toBe(true);
    });

    it(`${name}: block-newton solves each tf.hessians block on its own`, async () => {
      const spec = load(name);
      const { ys: loss, xs } = spec.hessian!;
      const s = new Session(spec.graph);
      const blocks = s.run(hessians(loss, xs), spec.feed) as { data: Float64Array }[];
      const g = (await denseHessian(s, loss, xs, spec.feed)).gradient;
      const step = await newtonStep(s, loss, xs, spec.feed, { method: "block-newton", damping: 0.2 });
      const expected = new Float64Array(g.length);
      let off = 0;
      for (const b of blocks) {
        const size = Math.round(Math.sqrt(b.data.length));
        expected.set(luStep(b.data, size, g.subarray(off, off + size), 0.2), off);
        off += size;
      }
      expectClose(step.step, expected);
    });
  }

  const outputs: Record<string, string> = { "seed-two-layer-linear": "h2", "tanh-mlp": "h2", "softmax-classifier": "logits" };
  for (const [name, out] of Object.entries(outputs)) {
    it(`${name}: gauss-newton (output '${out}') agrees with JᵀH_outJ from the symbolic double-backward products`, async () => {
      const spec = load(name);
      const { ys: loss, xs } = spec.hessian!;
      const output = spec.nodes.get(out)!;
      const s = new Session(spec.graph);
      const sym = symbolicGaussNewtonOperator(s, loss, xs, output, spec.feed);
      const n = sym.n;
      const gm = new Float64Array(n * n);
      for (let j = 0; j < n; j++) {
        const e = new Float64Array(n);
        e[j] = 1;
        const col = await sym.apply(e, 1);
        for (let i = 0; i < n; i++) gm[i * n + j] = col[i];
      }
      const g = (await denseHessian(s, loss, xs, spec.feed)).gradient;
      const step = await newtonStep(s, loss, xs, spec.feed, { method: "gauss-newton", output, damping: 0.05 });
      expectClose(step.step, luStep(gm, n, g, 0.05));
      const plain = await newtonStep(s, loss, xs, spec.feed, { method: "gauss-newton", output });
      expectClose(plain.step, eigStep(gm, n, g, 0, false));
    });
  }

  it("softmax regression is linear in its parameters: its Gauss–Newton step is its Newton step", async () => {
    const spec = load("softmax-classifier");
    const { ys: loss, xs } = spec.hessian!;
    const s = new Session(spec.graph);
    const gn = await newtonStep(s, loss, xs, spec.feed, { method: "gauss-newton", output: spec.nodes.get("logits")!, damping: 1e-3 });
    const nt = await newtonStep(s, loss, xs, spec.feed, { method: "newton", damping: 1e-3 });
    expectClose(gn.step, nt.step, 1e-9);
    const singular = await newtonStep(s, loss, xs, spec.feed, { method: "newton" });
    expect(singular.pseudoInverse).toBe(true); // 4 directions of zero curvature: least squares
  });

  it("CG agrees with the dense solve on a positive-definite case (damped Gauss–Newton, and saddle-free's |H| as a matrix)", async () => {
    const spec = load("tanh-mlp");
    const { ys: loss, xs } = spec.hessian!;
    const output = spec.nodes.get("h2")!;
    const s = new Session(spec.graph);
    const dense = await newtonStep(s, loss, xs, spec.feed, { method: "gauss-newton", output, damping: 0.1, solver: "dense" });
    const cg = await newtonStep(s, loss, xs, spec.feed, { method: "gauss-newton", output, damping: 0.1, solver: "cg" });
    expect(cg.solver).toBe("cg");
    expect(cg.cg!.converged).toBe(true);
    expectClose(cg.step, dense.step);
    const blockDense = await newtonStep(s, loss, xs, spec.feed, { method: "block-newton", damping: 5, solver: "dense" });
    const blockCg = await newtonStep(s, loss, xs, spec.feed, { method: "block-newton", damping: 5, solver: "cg" });
    expect(Math.min(...blockDense.eigenvalues!)).toBeGreaterThan(0);
    expectClose(blockCg.step, blockDense.step);
    // A plain SPD matrix through conjugateGradient.
    const a = Float64Array.from([4, 1, 0, 1, 3, 0.5, 0, 0.5, 2]);
    const r = await conjugateGradient(denseOperator(a, 3), Float64Array.from([1, 2, 3]));
    expectClose(Float64Array.from(r.x, (v) => -v), luStep(a, 3, Float64Array.from([1, 2, 3]), 0));
  });

  it("CG stops at negative curvature on the tutorial's saddle; applyStep moves the variables by the step", async () => {
    const spec = load("seed-two-layer-linear");
    const { ys: loss, xs } = spec.hessian!;
    const s = new Session(spec.graph);
    const before = s.run(loss, spec.feed) as { data: Float64Array };
    const sfn = await newtonStep(s, loss, xs, spec.feed, { method: "saddle-free", damping: 1 });
    const w0 = Float64Array.from(s.variableValue(xs[0]).data);
    applyStep(s, xs, sfn.step);
    expectClose(Float64Array.from(s.variableValue(xs[0]).data, (v, i) => v - w0[i]), sfn.step.subarray(0, w0.length), 1e-15);
    const after = s.run(loss, spec.feed) as { data: Float64Array };
    expect(after.data[0]).toBeLessThan(before.data[0]);
    await expect(newtonStep(s, loss, xs, spec.feed, { method: "saddle-free", solver: "cg" })).rejects.toThrow(/saddle-free needs/);
    await expect(newtonStep(s, loss, xs, spec.feed, { method: "gauss-newton" })).rejects.toThrow(/needs the network's output/);
    await expect(newtonStep(s, loss, xs, spec.feed, { damping: -1 })).rejects.toThrow(/damping/);
  });
});
