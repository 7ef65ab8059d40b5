// Every fixture case against the JAX float64 reference, through loadSpec + runSpec: full matrices for the
// small cases (batched and rows modes), loss / gradient / Hessian summary and three rows for the big ones.
// Error measure: max |ours − ref| / max(1, max |ref|), which must be below 1e-10.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../src/spec/load.js";
import { runSpec, type SpecResult } from "../src/spec/run.js";

const CASES = new URL("./fixtures/cases/", import.meta.url);
const REFS = new URL("./fixtures/reference/", import.meta.url);
const TOL = 1e-10;

interface Ref {
  case: string;
  params: number;
  xs: { name: string; shape: number[] }[];
  loss: number;
  gradient_flat: number[];
  hessian?: number[][];
  tf_hessians_flat_blocks?: unknown[];
  hessian_summary?: { trace: number; fro: number; sum: number; rows: Record<string, number[]> };
  block_diagonal_summary?: { trace: number; fro: number };
}

const read = (dir: URL, file: string) => JSON.parse(readFileSync(new URL(file, dir), "utf8"));
const files = readdirSync(CASES).filter((f) => f.endsWith(".json")).sort();

function relErr(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (ours.length !== ref.length) return Infinity;
  let d = 0, s = 1;
  for (let i = 0; i < ref.length; i++) { d = Math.max(d, Math.abs(ours[i] - ref[i])); s = Math.max(s, Math.abs(ref[i])); }
  return Number.isNaN(d) ? Infinity : d / s;
}
const deepFlat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(deepFlat) : [v as number]);
const scalarErr = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

async function run(file: string, mode: "rows" | "batched"): Promise<SpecResult> {
  return runSpec(loadSpec(read(CASES, file)), { mode });
}

function checkCommon(r: SpecResult, ref: Ref): void {
  const h = r.hessian!;
  expect(h.n).toBe(ref.params);
  expect(h.layout.map((e) => ({ name: e.name, shape: e.shape }))).toEqual(ref.xs);
  expect(r.fetch[0].value.data.length).toBe(1);
  expect(scalarErr(r.fetch[0].value.data[0], ref.loss), "loss").toBeLessThan(TOL);
  const grad = r.gradients.flatMap((g) => Array.from(g.value.data));
  expect(r.gradients.map((g) => g.value.shape)).toEqual(ref.xs.map((x) => x.shape));
  expect(relErr(grad, ref.gradient_flat), "gradient_flat").toBeLessThan(TOL);
  expect(relErr(h.gradient, ref.gradient_flat), "hessian.gradient").toBeLessThan(TOL);
}

describe("reference cases (JAX float64)", () => {
  for (const file of files) {
    const ref: Ref = read(REFS, file);
    const small = ref.hessian !== undefined;
    const modes: ("rows" | "batched")[] = small ? ["batched", "rows"] : ["batched"];
    const slow = ref.params > 2000;
    for (const mode of modes) {
      it.skipIf(slow && !process.env.HESSFLOW_SLOW)(`${ref.case} (${ref.params} parameters), ${mode} mode${slow ? " [set HESSFLOW_SLOW=1 to run]" : ""}`, async () => {
        const r = await run(file, mode);
        checkCommon(r, ref);
        const h = r.hessian!;
        expect(h.mode).toBe(mode);
        const n = h.n;
        if (small) {
          expect(relErr(h.exact, ref.hessian!.flat()), "hessian").toBeLessThan(TOL);
          const blocks = ref.tf_hessians_flat_blocks!;
          expect(blocks.length).toBe(h.layout.length);
          h.layout.forEach((e, k) => {
            const ours = h.tfHessian(k);
            expect(ours.length).toBe(e.size * e.size);
            expect(relErr(ours, deepFlat(blocks[k])), `tf_hessians block ${e.name}`).toBeLessThan(TOL);
          });
        } else {
          const s = ref.hessian_summary!;
          let trace = 0, ss = 0, sum = 0;
          for (let i = 0; i < n; i++) trace += h.exact[i * n + i];
          for (const v of h.exact) { ss += v * v; sum += v; }
          expect(scalarErr(trace, s.trace), "trace").toBeLessThan(TOL);
          expect(scalarErr(Math.sqrt(ss), s.fro), "fro").toBeLessThan(TOL);
          expect(scalarErr(sum, s.sum), "sum").toBeLessThan(TOL);
          const rowKeys = [0, Math.floor(n / 2), n - 1].map(String);
          expect(Object.keys(s.rows).sort()).toEqual([...rowKeys].sort());
          for (const key of rowKeys) {
            const i = Number(key);
            expect(relErr(h.exact.subarray(i * n, (i + 1) * n), s.rows[key]), `row ${key}`).toBeLessThan(TOL);
          }
          // The tf.hessians blocks: their trace and Frobenius norm.
          let bt = 0, bss = 0;
          h.layout.forEach((e, k) => {
            const b = h.tfHessian(k);
            for (let i = 0; i < e.size; i++) bt += b[i * e.size + i];
            for (const v of b) bss += v * v;
          });
          expect(scalarErr(bt, ref.block_diagonal_summary!.trace), "block trace").toBeLessThan(TOL);
          expect(scalarErr(Math.sqrt(bss), ref.block_diagonal_summary!.fro), "block fro").toBeLessThan(TOL);
        }
      }, slow ? 300_000 : 30_000);
    }
  }

  it("the fixture set is the expected one", () => {
    expect(files).toEqual(["b-1k.json", "b-200.json", "b-5k.json", "seed.json", "sigmoid-softmax.json", "tanh-3layer.json"]);
  });
});
