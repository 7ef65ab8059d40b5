// `hessflow spectrum SPEC`: extreme eigenvalues (Lanczos), the trace (Hutchinson) and the spectral density
// (stochastic Lanczos quadrature) of the spec's Hessian, from Hessian-vector products only: no n×n matrix.
import { formatShape } from "../graph/shape.js";
import { blockDiagonalOperator, counting, type LinearOperator } from "../curvature/operator.js";
import { lanczos, type LanczosResult } from "../curvature/lanczos.js";
import { hutchinson, slqDensity, type SpectralDensity, type TraceEstimate } from "../curvature/stochastic.js";
import { escapeControl, q } from "../messages.js";
import { checkWritable, writeFileAtomic } from "../report/files.js";
import { spectrumSvg } from "../report/spectrum-svg.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { Session } from "../session/session.js";
import { jsonText } from "./json-out.js";
import { EXIT, parseCommand, usage } from "./main.js";
import { progress, warn, type Io } from "./output.js";

/** The curvature matrices `spectrum` knows. */
export const CURVATURES = ["hessian", "gauss-newton", "tf-hessians-blocks"] as const;

/** One of CURVATURES. */
export type Curvature = (typeof CURVATURES)[number];

/** A non-negative integer option (or its default); anything else is a usage error. */
function integer(v: string | boolean | undefined, flag: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !/^\d+$/.test(v.trim()) || Number(v) < min || !Number.isSafeInteger(Number(v))) usage(`${flag} must be ${min > 0 ? "a positive" : "a non-negative"} integer, got '${q(v)}'`);
  return Number(v);
}

/** A positive finite number option (or its default). */
function positive(v: string | boolean | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !(x > 0) || !Number.isFinite(x)) usage(`${flag} must be a positive number, got '${q(v)}'`);
  return x;
}

/** Runs `spectrum`; returns the exit code. */
export async function spectrumCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, {
    top: { type: "string" }, bottom: { type: "string" }, trace: { type: "boolean" }, density: { type: "boolean" },
    curvature: { type: "string" }, output: { type: "string" }, tol: { type: "string" }, seed: { type: "string" },
    samples: { type: "string" }, "max-steps": { type: "string" }, json: { type: "boolean" }, svg: { type: "string" },
  });
  const curvature = (values.curvature as string | undefined) ?? "hessian";
  if (!(CURVATURES as readonly string[]).includes(curvature)) usage(`--curvature must be one of ${CURVATURES.join(", ")}; got '${q(curvature)}'`);
  const asked = values.top !== undefined || values.bottom !== undefined || Boolean(values.trace) || Boolean(values.density);
  const top = integer(values.top, "--top", asked ? 0 : 5);
  const bottom = integer(values.bottom, "--bottom", asked ? 0 : 5);
  const tol = positive(values.tol, "--tol", 1e-10);
  const seed = integer(values.seed, "--seed", 0);
  const samples = values.samples === undefined ? undefined : integer(values.samples, "--samples", 1, 1);
  const maxSteps = values["max-steps"] === undefined ? undefined : integer(values["max-steps"], "--max-steps", 1, 1);
  const svg = values.svg as string | undefined;
  if (svg !== undefined && !/\.svg$/i.test(svg)) usage(`--svg must name a .svg file, got '${q(svg)}'`);
  const loaded = loadSpec(readSpecFile(spec));
  if (!loaded.hessian) usage("spectrum needs the spec to ask for outputs.hessian (its y and xs)");
  // A curvature spectrum is a loss's: run and compare take tf.hessians' sum of a non-scalar ys, spectrum asks for the loss itself.
  const ys = loaded.hessian.ys;
  if (ys.shape.some((d) => d !== 1)) usage(`spectrum needs a scalar loss: outputs.hessian.ys '${q(loaded.doc.outputs.hessian!.ys)}' has shape ${formatShape(ys.shape)} (reduce it in the spec, e.g. with reduce_mean; run and compare use the Hessian of its sum, as tf.hessians does)`);
  const outputName = (values.output as string | undefined) ?? loaded.doc.curvature?.output;
  if (curvature === "gauss-newton") {
    if (outputName === undefined) usage("--curvature gauss-newton needs --output NODE (the network's output, e.g. the logits) or the spec's \"curvature\": {\"output\": ...}");
    if (!loaded.nodes.has(outputName)) usage(`--output: no node named '${q(outputName)}' in the spec`);
  }
  if (svg !== undefined) checkWritable(svg);
  const start = performance.now();
  const session = new Session(loaded.graph);
  // Forward-over-reverse products through the compiled gradient graph (the forward pass runs once).
  const sym = session.curvatureOperator(loaded.hessian.ys, loaded.hessian.xs, loaded.feed,
    curvature === "gauss-newton" ? { kind: "gauss-newton", output: loaded.nodes.get(outputName!)! } : { kind: "hessian" });
  const n = sym.n;
  if (top > n) usage(`--top ${top} is larger than the number of parameters n = ${n}`);
  if (bottom > n) usage(`--bottom ${bottom} is larger than the number of parameters n = ${n}`);
  // hvps counts the products with the Hessian itself (the block-diagonal operator costs one per block).
  const counted = counting(sym);
  const op: LinearOperator = curvature === "tf-hessians-blocks" ? blockDiagonalOperator(counted, sym.layout) : counted;
  let eig: LanczosResult | undefined, trace: TraceEstimate | undefined, density: SpectralDensity | undefined;
  if (top || bottom) {
    const bar = progress(io, "Lanczos steps");
    eig = await lanczos(op, { top, bottom, tol, seed, maxSteps, onProgress: bar.update }).finally(bar.done);
    if (!eig.converged) warn(io, `Lanczos stopped after ${eig.steps} steps before every residual reached --tol ${tol} (see the residuals; raise --max-steps)`);
  }
  if (values.trace) {
    const bar = progress(io, "Hutchinson samples");
    trace = await hutchinson(op, { samples: samples ?? 100, seed, onProgress: bar.update }).finally(bar.done);
  }
  if (values.density) {
    const bar = progress(io, "SLQ runs");
    density = await slqDensity(op, { runs: samples ?? 8, steps: maxSteps, seed, onProgress: bar.update }).finally(bar.done);
  }
  session.dispose();
  const seconds = (performance.now() - start) / 1000;
  const name = loaded.doc.name;
  if (svg !== undefined) await writeFileAtomic(svg, spectrumSvg({ name, n, curvature, density, top: eig?.top.map((r) => r.value), bottom: eig?.bottom.map((r) => r.value) }));
  const pairs = (rs: LanczosResult["top"]) => rs.map((r) => ({ value: r.value, residual: r.residual }));
  if (values.json) {
    io.out(jsonText({
      name, n, curvature,
      ...(eig && top > 0 ? { top: pairs(eig.top) } : {}),
      ...(eig && bottom > 0 ? { bottom: pairs(eig.bottom) } : {}),
      ...(trace ? { trace: { estimate: trace.estimate, stderr: trace.stderr, samples: trace.samples } } : {}),
      ...(density ? { density: { x: density.x, y: density.y } } : {}),
      hvps: counted.hvps, seconds,
    }) + "\n");
    return EXIT.ok;
  }
  const what = curvature === "tf-hessians-blocks" ? "tf.hessians-style block-diagonal Hessian" : curvature === "gauss-newton" ? `Gauss-Newton matrix (output '${escapeControl(outputName!)}')` : "Hessian";
  const lines = [`${escapeControl(name)}: spectrum of the ${what}, n = ${n}, from ${counted.hvps} ${curvature === "gauss-newton" ? "Gauss-Newton" : "Hessian"}-vector products (no n×n matrix) in ${seconds.toFixed(2)} s`];
  const table = (title: string, rs: LanczosResult["top"]) => {
    lines.push("", title);
    rs.forEach((r, i) => lines.push(`${String(i + 1).padStart(4)}  ${String(r.value).padEnd(24)}  ${r.residual.toExponential(1)}`));
  };
  if (eig && eig.top.length) table(`largest eigenvalues (Lanczos, ${eig.steps} steps, seed ${seed}), with residual ‖Hv − λv‖`, eig.top);
  if (eig && eig.bottom.length) table(`smallest eigenvalues (Lanczos, ${eig.steps} steps, seed ${seed}), with residual ‖Hv − λv‖`, eig.bottom);
  if (trace) lines.push("", `trace ≈ ${trace.estimate.toPrecision(6)} ± ${trace.stderr.toPrecision(2)} (Hutchinson, ${trace.samples} Rademacher vectors; ± one standard error)`);
  if (density) {
    const peak = density.y.indexOf(Math.max(...density.y));
    lines.push("", `density (stochastic Lanczos quadrature, ${density.runs} runs × ${density.steps} steps, Gaussian σ = ${density.sigma.toPrecision(3)}): ${density.x.length} points on [${density.x[0].toPrecision(4)}, ${density.x[density.x.length - 1].toPrecision(4)}], peak at ${density.x[peak].toPrecision(4)}; --json or --svg FILE for the curve`);
  }
  io.out(lines.join("\n") + "\n");
  return EXIT.ok;
}
