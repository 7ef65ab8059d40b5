// Shared loaders for the report tests (not a test file itself).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { HessianInput, VariableBlock } from "../src/report/types.js";

/** Loads test/fixtures/reference/<name>.json. */
export function loadReference(name: string): any {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/reference/${name}.json`, import.meta.url)), "utf8"));
}

/** Builds the variable layout from [{name, shape}] in flatten order. */
export function layout(xs: { name: string; shape: number[] }[]): VariableBlock[] {
  let offset = 0;
  return xs.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const b = { name, shape, offset, size };
    offset += size;
    return b;
  });
}

/** HessianInput for a reference case that stores its full Hessian. */
export function referenceInput(name: string): HessianInput {
  const ref = loadReference(name);
  const xs = layout(ref.xs);
  const n = ref.hessian.length;
  return { n, xs, hessian: Float64Array.from(ref.hessian.flat()), gradient: Float64Array.from(ref.gradient_flat) };
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

/** Random orthogonal n×n matrix (row-major) via Gram–Schmidt on random vectors. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const q = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const v = Array.from({ length: n }, () => r());
    for (let k = 0; k < c; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += v[i] * q[i * n + k];
      for (let i = 0; i < n; i++) v[i] -= d * q[i * n + k];
    }
    const nv = Math.hypot(...v);
    for (let i = 0; i < n; i++) q[i * n + c] = v[i] / nv;
  }
  return q;
}

/** Q diag(d) Qᵀ, row-major. */
export function withEigenvalues(d: number[], seed: number): Float64Array {
  const n = d.length, q = randomOrthogonal(n, seed), h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += q[i * n + k] * d[k] * q[j * n + k];
    h[i * n + j] = s;
  }
  return h;
}

/** Dense row-major matrix-vector product. */
export function matvec(h: Float64Array, v: Float64Array): Float64Array {
  const n = v.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += h[i * n + j] * v[j]; out[i] = s; }
  return out;
}
