// `hessflow train SPEC`: runs first-order optimizers (tf.train's, as graph ops) and curvature steps (newtonStep)
// on the spec's loss over its Hessian variables, each from the same start, recording loss, gradient and step
// norms, and every K steps the Hessian's extreme eigenvalues and inertia.
import { formatShape } from "../graph/shape.js";
import type { Node } from "../graph/graph.js";
import { gradients } from "../autodiff/gradients.js";
import { symmetricEigen } from "../curvature/eigen.js";
import { lanczos } from "../curvature/lanczos.js";
import { escapeControl, q } from "../messages.js";
import { checkWritable, writeFileAtomic } from "../report/files.js";
import { trainSvg, type TrainCurve } from "../report/train-svg.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { Session } from "../session/session.js";
import { AdamOptimizer, GradientDescentOptimizer, MomentumOptimizer } from "../train/optimizers.js";
import { applyStep, newtonStep, type NewtonMethod } from "../train/newton.js";
import { Saver } from "../train/saver.js";
import { jsonText } from "./json-out.js";
import { EXIT, parseCommand, usage } from "./main.js";
import { progress, warn, type Io } from "./output.js";

/** The optimizers `train` knows: tf.train's three, then the curvature steps of newtonStep. */
export const TRAIN_OPTIMIZERS = ["gd", "momentum", "adam", "newton", "saddle-free", "block-newton", "gauss-newton"] as const;

/** The learning rate of each optimizer when --lr is not given. */
export const DEFAULT_LR: Record<string, number> = { gd: 0.01, momentum: 0.01, adam: 0.001, newton: 1, "saddle-free": 1, "block-newton": 1, "gauss-newton": 1 };

/** Momentum's momentum coefficient. */
const MOMENTUM = 0.9;

/** Above this many parameters the recorded eigenvalues come from Lanczos (no inertia) instead of the dense eigensolver. */
const DENSE_EIGEN_LIMIT = 1500;

/** The eigen data of one recorded step. */
interface EigenRecord { min: number; max: number; inertia: { negative: number; zero: number; positive: number } | null; method: "dense" | "lanczos" }

/** A number option: finite, and positive (or non-negative with `allowZero`). */
function number(v: string | boolean | undefined, flag: string, allowZero: boolean): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(x) || (allowZero ? x < 0 : x <= 0)) usage(`${flag} must be a ${allowZero ? "non-negative" : "positive"} number, got '${q(String(v))}'`);
  return x;
}

/** A positive integer option (or its default). */
function positiveInt(v: string | boolean | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !/^\d+$/.test(v.trim()) || !(Number(v) >= 1) || !Number.isSafeInteger(Number(v))) usage(`${flag} must be a positive integer, got '${q(String(v))}'`);
  return Number(v);
}

/** The Euclidean norm of a flat vector. */
function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** The variables' values, flattened in xs order. */
function flatValues(session: Session, xs: Node[]): Float64Array {
  const parts = xs.map((x) => session.variableValue(x).data);
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Runs `train`; returns the exit code. */
export async function trainCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, {
    optimizer: { type: "string" }, lr: { type: "string" }, damping: { type: "string" }, steps: { type: "string" },
    every: { type: "string" }, json: { type: "boolean" }, svg: { type: "string" }, save: { type: "string" }, output: { type: "string" },
  });
  const svg = values.svg as string | undefined, save = values.save as string | undefined;
  if (svg !== undefined && !/\.svg$/i.test(svg)) usage(`--svg must name a .svg file, got '${q(svg)}'`);
  const loaded = loadSpec(readSpecFile(spec));
  // The spec's "train" section (checked by the schema) gives the defaults; the options override it.
  const section = loaded.doc.train ?? {};
  const names = values.optimizer !== undefined ? (values.optimizer as string).split(",").map((s) => s.trim()) : section.optimizer ?? ["gd"];
  for (const o of names) if (!(TRAIN_OPTIMIZERS as readonly string[]).includes(o)) usage(`--optimizer: unknown optimizer '${q(o)}' (one or more of ${TRAIN_OPTIMIZERS.join(", ")}, comma-separated)`);
  const lr = number(values.lr, "--lr", false) ?? section.lr;
  const damping = number(values.damping, "--damping", true) ?? section.damping ?? 0;
  const steps = positiveInt(values.steps, "--steps", section.steps ?? 100);
  const every = values.every === undefined ? section.every : positiveInt(values.every, "--every", 1);
  if (!loaded.hessian) usage("train needs the spec to ask for outputs.hessian (its loss ys and the variables xs to train)");
  const { ys: loss, xs } = loaded.hessian;
  if (loss.shape.some((d) => d !== 1)) usage(`train needs a scalar loss: outputs.hessian.ys '${q(loaded.doc.outputs.hessian!.ys)}' has shape ${formatShape(loss.shape)}`);
  for (const x of xs) if (x.op !== "variable") usage(`train: outputs.hessian.xs '${q(x.name)}' is a ${q(x.op)}, not a variable: only variables can be trained`);
  const outputName = (values.output as string | undefined) ?? section.output ?? loaded.doc.curvature?.output;
  let output: Node | undefined;
  if (names.includes("gauss-newton")) {
    if (outputName === undefined) usage("--optimizer gauss-newton needs --output NODE (the network's output, e.g. the logits) or the spec's \"curvature\": {\"output\": ...}");
    output = loaded.nodes.get(outputName);
    if (!output) usage(`--output: no node named '${q(outputName)}' in the spec`);
  }
  if (svg !== undefined) checkWritable(svg);
  if (save !== undefined) checkWritable(save);

  const graph = loaded.graph, feed = loaded.feed;
  const grads = gradients(loss, xs, { unconnected: "zero" });
  const saver = new Saver(graph, xs);
  const start = saver.save(new Session(graph));
  const curves: TrainCurve[] = [];
  const summary: { name: string; lr: number; steps: number; first: number; last: number; gnorm: number; eigen?: EigenRecord; pseudo: number; negCurv: number }[] = [];
  let session: Session | undefined;

  const eigenAt = async (s: Session): Promise<EigenRecord> => {
    const n = xs.reduce((a, x) => a + s.variableValue(x).data.length, 0);
    if (n <= DENSE_EIGEN_LIMIT) {
      const h = await s.hessian(loss, xs, feed);
      const sym = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (h.matrix[i * n + j] + h.matrix[j * n + i]);
      const ev = symmetricEigen(sym, n, { vectors: false }).values;
      const big = Math.max(...Array.from(ev, Math.abs));
      const zero = (v: number) => Math.abs(v) <= 1e-9 * big;
      return { min: ev[0], max: ev[n - 1], inertia: { negative: ev.filter((v) => v < 0 && !zero(v)).length, zero: ev.filter(zero).length, positive: ev.filter((v) => v > 0 && !zero(v)).length }, method: "dense" };
    }
    const r = await lanczos(s.curvatureOperator(loss, xs, feed), { top: 1, bottom: 1 });
    return { min: r.bottom[0].value, max: r.top[0].value, inertia: null, method: "lanczos" };
  };

  for (const name of names) {
    const rate = lr ?? DEFAULT_LR[name];
    session?.dispose();
    session = new Session(graph);
    saver.restore(session, start);
    const trainOp = name === "gd" ? new GradientDescentOptimizer(rate).minimize(loss, xs)
      : name === "momentum" ? new MomentumOptimizer(rate, MOMENTUM).minimize(loss, xs)
      : name === "adam" ? new AdamOptimizer({ learningRate: rate }).minimize(loss, xs) : undefined;
    const curve: TrainCurve = { optimizer: name, losses: [], eigen: [] };
    let last: { loss: number; gnorm: number; eigen?: EigenRecord } = { loss: NaN, gnorm: NaN };
    let pseudo = 0, negCurv = 0, done = 0;
    const bar = progress(io, `train ${name} steps`);
    try {
      for (let k = 0; k <= steps; k++) {
        const before = flatValues(session, xs);
        // The eigen data describe θ_k, before its step.
        const eigen = every !== undefined && k % every === 0 ? await eigenAt(session).catch(() => undefined) : undefined;
        let lossValue: number, gnorm: number;
        if (trainOp) {
          const r = session.run([loss, grads, k < steps ? trainOp : null], feed) as [{ data: Float64Array }, { data: Float64Array }[], unknown];
          lossValue = r[0].data[0];
          gnorm = Math.sqrt(r[1].reduce((a, t) => a + norm(t.data) ** 2, 0));
        } else {
          lossValue = (session.run(loss, feed) as { data: Float64Array }).data[0];
          if (k < steps && Number.isFinite(lossValue)) {
            const st = await newtonStep(session, loss, xs, feed, { method: name as NewtonMethod, lr: rate, damping, output });
            gnorm = norm(st.gradient);
            if (st.pseudoInverse) pseudo++;
            if (st.cg?.negativeCurvature) negCurv++;
            applyStep(session, xs, st.step);
          } else {
            const r = session.run(grads, feed) as { data: Float64Array }[];
            gnorm = Math.sqrt(r.reduce((a, t) => a + norm(t.data) ** 2, 0));
          }
        }
        const stepNorm = k < steps && Number.isFinite(lossValue) ? norm(flatValues(session, xs).map((v, i) => v - before[i])) : null;
        if (eigen) { curve.eigen.push({ step: k, min: eigen.min, max: eigen.max }); last.eigen = eigen; }
        curve.losses.push(lossValue);
        last = { ...last, loss: lossValue, gnorm };
        done = k;
        if (values.json) io.out(jsonText({ optimizer: name, step: k, loss: lossValue, gradient_norm: gnorm, step_norm: stepNorm, ...(eigen ? { eigen } : {}) }) + "\n");
        bar.update(k, steps);
        if (!Number.isFinite(lossValue)) {
          warn(io, `${name}: the loss became ${lossValue} at step ${k}; stopped (lower --lr, or add --damping)`);
          break;
        }
      }
    } finally {
      bar.done();
    }
    curves.push(curve);
    summary.push({ name, lr: rate, steps: done, first: curve.losses[0], last: last.loss, gnorm: last.gnorm, eigen: last.eigen, pseudo, negCurv });
  }
  if (save !== undefined) await writeFileAtomic(save, JSON.stringify(saver.save(session!)) + "\n");
  session?.dispose();
  if (svg !== undefined) await writeFileAtomic(svg, trainSvg(loaded.doc.name, curves));
  if (values.json) return EXIT.ok;

  const n = start.variables.reduce((a, v) => a + v.shape.reduce((p, d) => p * d, 1), 0);
  const lines = [`${escapeControl(loaded.doc.name)}: training '${escapeControl(loss.name)}' over ${n} parameters (${xs.map((x) => escapeControl(x.name)).join(", ")}), each optimizer from the same start${damping ? `, damping ${damping}` : ""}`];
  const header = ["optimizer", "lr", "steps", "initial loss", "final loss", "final |g|", ...(every !== undefined ? ["last λmin", "last λmax", "inertia (-/0/+)"] : [])];
  const rows = summary.map((s) => [s.name, String(s.lr), String(s.steps), String(s.first), String(s.last), s.gnorm.toExponential(3),
    ...(every !== undefined ? [s.eigen ? s.eigen.min.toPrecision(6) : "-", s.eigen ? s.eigen.max.toPrecision(6) : "-", s.eigen?.inertia ? `${s.eigen.inertia.negative}/${s.eigen.inertia.zero}/${s.eigen.inertia.positive}` : "-"] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) lines.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd());
  for (const s of summary) {
    if (s.pseudo) lines.push(`${s.name}: ${s.pseudo} of ${s.steps} steps met a singular matrix and took the least-squares (pseudo-inverse) step`);
    if (s.negCurv) lines.push(`${s.name}: conjugate gradient met negative curvature in ${s.negCurv} steps and stopped there`);
  }
  io.out(lines.join("\n") + "\n");
  return EXIT.ok;
}
