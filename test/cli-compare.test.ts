// `hessflow compare`, `run --out`, and refusing Hessians that cannot fit in memory: spawned as users run them.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Graph, ResourceError, Session, reduceSum, square } from "../src/index.js";
import { computeHessian } from "../src/session/hessian-runner.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "hessflow.mjs");
const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const SEED = join(ROOT, "graph-specs", "seed-two-layer-linear.json");
let dir = "";

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm test` (it builds first)");
  dir = mkdtempSync(join(tmpdir(), "hessflow-compare-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, HESSFLOW_DEBUG: "", ...env } });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A failure as the project promises it: non-zero exit, one line on stderr mentioning `mention`, nothing on stdout, no stack. */
function expectOneLineError(r: Run, mention: string | RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(mention);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const relErr = (got: number[], want: number[]) => {
  expect(got).toHaveLength(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  return Math.max(...got.map((g, i) => Math.abs(g - want[i]))) / scale;
};

describe("compare", () => {
  it("prints the saddle verdict and the 0.854 off-diagonal share for the tutorial's network", async () => {
    const r = await cli(["compare", SEED]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/exact: indefinite \(a saddle\); tf\.hessians-style: positive semi-definite: the saddle is invisible to it/);
    expect(r.stdout).toMatch(/\|\|H - B\|\|_F \/ \|\|H\|\|_F = 0\.854/);
    expect(r.stdout).toMatch(/DROPPED/);
  });

  for (const name of ["seed", "tanh-3layer", "sigmoid-softmax"]) {
    it(`--json spectra, inertia and off-diagonal share match JAX for ${name}`, async () => {
      const ref = JSON.parse(readFileSync(fixture(`reference/${name}.json`), "utf8"));
      const r = await cli(["compare", fixture(`cases/${name}.json`), "--json"]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(Math.abs(out.offdiagonal_frobenius_fraction - ref.offdiagonal_frobenius_fraction)).toBeLessThan(1e-10);
      expect(relErr(out.eigenvalues.exact, ref.eigenvalues_exact)).toBeLessThan(1e-10);
      expect(relErr(out.eigenvalues.tf_hessians, ref.eigenvalues_block_diagonal)).toBeLessThan(1e-10);
      // Inertia recomputed from the reference spectrum with the documented rule |λ| ≤ 1e-9·max|λ|.
      for (const [key, values] of [["exact", ref.eigenvalues_exact], ["tf_hessians", ref.eigenvalues_block_diagonal]] as const) {
        const cut = 1e-9 * Math.max(...values.map(Math.abs));
        const want = {
          negative: values.filter((v: number) => v < -cut).length,
          zero: values.filter((v: number) => Math.abs(v) <= cut).length,
          positive: values.filter((v: number) => v > cut).length,
        };
        expect(out.inertia[key]).toEqual(want);
      }
      const xs = ref.xs.map((x: { name: string }) => x.name);
      expect(out.blocks).toHaveLength(xs.length ** 2);
      for (const b of out.blocks) expect(b.in_tf_hessians).toBe(b.row === b.col);
    });
  }

  it("--json for b-200 (193 parameters): extreme eigenvalues and the block-diagonal norm match JAX", async () => {
    const ref = JSON.parse(readFileSync(fixture("reference/b-200.json"), "utf8"));
    const r = await cli(["compare", fixture("cases/b-200.json"), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const exact: number[] = out.eigenvalues.exact;
    expect(relErr(exact.slice(0, 5), ref.hessian_summary.eig_bottom5)).toBeLessThan(1e-10);
    expect(relErr(exact.slice(-5).reverse(), ref.hessian_summary.eig_top5)).toBeLessThan(1e-10);
    const frobB = out.frobenius.tf_hessians;
    expect(Math.abs(frobB - ref.block_diagonal_summary.fro) / ref.block_diagonal_summary.fro).toBeLessThan(1e-10);
    const share = Math.sqrt(1 - (ref.block_diagonal_summary.fro / ref.hessian_summary.fro) ** 2);
    expect(Math.abs(out.offdiagonal_frobenius_fraction - share)).toBeLessThan(1e-10);
  });

  it("the exact Hessian of the tutorial is a saddle in --json: two negative eigenvalues near -5.61 and -2.32", async () => {
    const out = JSON.parse((await cli(["compare", SEED, "--json"])).stdout);
    expect(out.inertia.exact.negative).toBe(2);
    expect(out.inertia.tf_hessians.negative).toBe(0);
    expect(out.eigenvalues.exact[0]).toBeCloseTo(-5.61062588, 7);
    expect(out.eigenvalues.exact[1]).toBeCloseTo(-2.32219605, 7);
  });

  it("--svg and --html write complete files (and no temporary files are left)", async () => {
    const svg = join(dir, "seed.svg"), html = join(dir, "seed.html");
    const r = await cli(["compare", SEED, "--svg", svg, "--html", html]);
    expect(r.code).toBe(0);
    const s = readFileSync(svg, "utf8");
    expect(s.startsWith("<svg") || s.startsWith("<?xml")).toBe(true);
    expect(s.trimEnd().endsWith("</svg>")).toBe(true);
    const h = readFileSync(html, "utf8");
    expect(h).toMatch(/<html/i);
    expect(h).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/i);
    expect(readdirSync(dir).filter((f) => !["seed.svg", "seed.html"].includes(f))).toEqual([]);
  });

  it("bad input: a spec without outputs.hessian, a wrong file extension, a broken spec", async () => {
    const spec = JSON.parse(readFileSync(SEED, "utf8"));
    delete spec.outputs.hessian;
    const noHessian = join(dir, "no-hessian.json");
    writeFileSync(noHessian, JSON.stringify(spec));
    expectOneLineError(await cli(["compare", noHessian]), /outputs\.hessian/);
    expectOneLineError(await cli(["compare", SEED, "--svg", join(dir, "x.png")]), /--svg/);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    expectOneLineError(await cli(["compare", broken]), /broken\.json/);
    expect(existsSync(join(dir, "x.png"))).toBe(false);
  });
});

describe("compare on a big Hessian", () => {
  // Issue 9 replaced the refusal above 1,500 parameters with Lanczos for the extreme eigenvalues.
  it("above 1,500 parameters without --spectra uses Lanczos for the extreme eigenvalues and says so", async () => {
    const ref = JSON.parse(readFileSync(fixture("reference/b-5k.json"), "utf8")) as { hessian_summary: { fro: number }; block_diagonal_summary: { fro: number } };
    const r = await cli(["compare", fixture("cases/b-5k.json"), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { n: number; spectra_method: string; frobenius: { exact: number; tf_hessians: number }; extreme_eigenvalues: Record<"exact" | "tf_hessians", { top: { value: number; residual: number }[]; bottom: { value: number; residual: number }[]; converged: boolean }> };
    expect(j.n).toBe(4810);
    expect(j.spectra_method).toBe("lanczos");
    expect(Math.abs(j.frobenius.exact - ref.hessian_summary.fro) / ref.hessian_summary.fro).toBeLessThan(1e-10);
    expect(Math.abs(j.frobenius.tf_hessians - ref.block_diagonal_summary.fro) / ref.block_diagonal_summary.fro).toBeLessThan(1e-10);
    const { exact, tf_hessians: tf } = j.extreme_eigenvalues;
    for (const x of [exact, tf]) {
      expect(x.converged).toBe(true);
      expect(x.top).toHaveLength(5);
      expect(x.bottom).toHaveLength(5);
      for (const p of [...x.top, ...x.bottom]) expect(p.residual).toBeLessThan(1e-8);
    }
    // The block diagonal's eigenvalues are its blocks', and each block's lie within H's (Cauchy interlacing).
    expect(tf.top[0].value).toBeLessThanOrEqual(exact.top[0].value);
    expect(tf.bottom[0].value).toBeGreaterThanOrEqual(exact.bottom[0].value);
    expect((await cli(["compare", fixture("cases/b-5k.json"), "--html", join(dir, "b5k.html")])).stderr).toMatch(/--html needs the full spectra.*--spectra/);
  }, 180_000);
});

describe("compare without the matrix (issue 9)", () => {
  const B1K = join(ROOT, "graph-specs", "b-1k.json");
  interface Pair2<T> { exact: T; tf_hessians: T }
  interface Ext { top: { value: number; residual: number }[]; bottom: { value: number; residual: number }[]; converged: boolean }
  it("--matrix-free on b-1k: Lanczos extremes match the dense compare to 1e-9, block norms and the share within 3 standard errors", async () => {
    const [mf, dense] = await Promise.all([cli(["compare", B1K, "--matrix-free", "--json"]), cli(["compare", B1K, "--json", "--spectra"])]);
    expect(mf.stderr).toBe("");
    expect(mf.code).toBe(0);
    expect(dense.code).toBe(0);
    const j = JSON.parse(mf.stdout) as {
      n: number; method: string; spectra_method: string; samples: number; extreme_eigenvalues: Pair2<Ext>;
      blocks: { row: string; col: string; frobenius: number; frobenius_stderr: number; max_abs: null; in_tf_hessians: boolean }[];
      frobenius: Pair2<number>; frobenius_stderr: Pair2<number>;
      offdiagonal_frobenius_fraction: number; offdiagonal_frobenius_fraction_stderr: number;
      inertia: null; condition_number: null; newton: null; note: string;
    };
    const d = JSON.parse(dense.stdout) as { eigenvalues: Pair2<number[]>; blocks: { row: string; col: string; frobenius: number }[]; frobenius: Pair2<number>; offdiagonal_frobenius_fraction: number };
    expect(j.n).toBe(1217);
    expect(j.method).toBe("matrix-free (Lanczos, Hutchinson, 30 samples)");
    expect(j.spectra_method).toBe("lanczos");
    expect(j.inertia).toBeNull();
    expect(j.condition_number).toBeNull();
    expect(j.newton).toBeNull();
    expect(j.note).toMatch(/not computed/);
    for (const key of ["exact", "tf_hessians"] as const) {
      const all = d.eigenvalues[key], e = j.extreme_eigenvalues[key];
      const scale = Math.max(...all.map(Math.abs));
      expect(e.converged).toBe(true);
      expect(e.top.map((p) => p.value)).toHaveLength(5);
      e.top.forEach((p, i) => expect(Math.abs(p.value - all[all.length - 1 - i]) / scale).toBeLessThan(1e-9));
      e.bottom.forEach((p, i) => expect(Math.abs(p.value - all[i]) / scale).toBeLessThan(1e-9));
    }
    expect(j.blocks).toHaveLength(d.blocks.length);
    for (const b of j.blocks) {
      const want = d.blocks.find((x) => x.row === b.row && x.col === b.col)!.frobenius;
      expect(b.max_abs).toBeNull();
      expect(b.frobenius_stderr).toBeGreaterThanOrEqual(0);
      expect(Math.abs(b.frobenius - want)).toBeLessThanOrEqual(3 * b.frobenius_stderr + 1e-12);
    }
    // A constant block (the loss is linear-quadratic in b3) is estimated exactly.
    expect(j.blocks.find((b) => b.row === "b3" && b.col === "b3")!.frobenius).toBeCloseTo(1, 12);
    expect(j.offdiagonal_frobenius_fraction_stderr).toBeGreaterThan(0);
    expect(Math.abs(j.offdiagonal_frobenius_fraction - d.offdiagonal_frobenius_fraction)).toBeLessThan(3 * j.offdiagonal_frobenius_fraction_stderr);
    for (const key of ["exact", "tf_hessians"] as const) expect(Math.abs(j.frobenius[key] - d.frobenius[key])).toBeLessThan(3 * j.frobenius_stderr[key]);
  }, 60_000);

  it("the text says the method and what is not computed; an unwritable --svg or --html fails in one line before any work; --spectra excludes it", async () => {
    const r = await cli(["compare", B1K, "--matrix-free", "--samples", "4"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^method: matrix-free \(Lanczos, Hutchinson, 4 samples\), \d+ Hessian-vector products, no n×n matrix \(n = 1217\)$/m);
    expect(r.stdout).toMatch(/not computed: inertia, definiteness, condition numbers, Newton steps and max \|entry\|/);
    expect(r.stdout).toMatch(/\|\|H - B\|\|_F \/ \|\|H\|\|_F ≈ 0\.\d+ ± \d/);
    expect(r.stdout).toMatch(/DROPPED/);
    for (const k of ["svg", "html"]) {
      const f = join(dir, "missing", `mf.${k}`);
      const bad = await cli(["compare", B1K, "--matrix-free", `--${k}`, f]);
      expectOneLineError(bad, /cannot write .*no such directory/);
      expect(bad.code).toBe(1);
      expect(existsSync(f)).toBe(false);
    }
    expectOneLineError(await cli(["compare", B1K, "--matrix-free", "--spectra"]), /exclude each other/);
    expectOneLineError(await cli(["compare", B1K, "--matrix-free", "--samples", "1"]), /--samples must be an integer of at least 2/);
  }, 60_000);
});

describe("run --out", () => {
  it("writes the Hessian as NPY v1 float64 with the same numbers as --json", async () => {
    const npy = join(dir, "seed.npy");
    const [r, j] = await Promise.all([cli(["run", SEED, "--out", npy]), cli(["run", SEED, "--json"])]);
    expect(r.code).toBe(0);
    const exact: number[][] = JSON.parse(j.stdout).hessian.exact;
    const bytes = readFileSync(npy);
    expect(bytes.subarray(0, 6).toString("latin1")).toBe("\x93NUMPY");
    expect([bytes[6], bytes[7]]).toEqual([1, 0]);
    const headerLen = bytes.readUInt16LE(8);
    const header = bytes.subarray(10, 10 + headerLen).toString("latin1");
    expect(header).toMatch(/'descr': '<f8'/);
    expect(header).toMatch(/'fortran_order': False/);
    expect(header).toMatch(/'shape': \(11, 11\)/);
    expect((10 + headerLen) % 64).toBe(0);
    const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLen, bytes.byteOffset + bytes.length));
    expect(Array.from(data)).toEqual(exact.flat());
  });

  it("writes the Hessian as CSV with labelled rows and columns, full precision", async () => {
    const csv = join(dir, "seed.csv");
    const r = await cli(["run", SEED, "--out", csv]);
    expect(r.code).toBe(0);
    const lines = readFileSync(csv, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/w1\[0,0\]/);
    const fields = (line: string) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/); // commas outside quotes
    expect(fields(lines[0])).toHaveLength(12);
    const last = fields(lines[11]);
    expect(last[0]).toBe('"b2[0,0]"');
    expect(Number(last[1])).toBeCloseTo(-0.66374288, 8);
    expect(Number(last[11])).toBe(1);
  });

  it("bad input leaves no file behind: a broken spec, an unwritable place, a wrong extension", async () => {
    const broken = join(dir, "broken2.json");
    writeFileSync(broken, JSON.stringify({ format: "hessflow.graph/1" }));
    const target = join(dir, "never.npy");
    expectOneLineError(await cli(["run", broken, "--out", target]), /\$/);
    expect(existsSync(target)).toBe(false);
    expectOneLineError(await cli(["run", SEED, "--out", join(dir, "no-such-dir", "h.npy")]), /no-such-dir|ENOENT/);
    expectOneLineError(await cli(["run", SEED, "--out", join(dir, "h.txt")]), /--out/);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp") || f.startsWith("never"))).toEqual([]);
  });
});

describe("work that cannot fit in memory is refused before allocating", () => {
  it("the CLI names the size it would need", async () => {
    const r = await cli(["run", SEED], { HESSFLOW_MAX_BYTES: "500" });
    expectOneLineError(r, /needs .*B, more than the 500 B available/);
  });

  it("building the row-by-row graph (hessian) or tf.hessians for 10⁶ parameters is refused before any node is made", async () => {
    const { hessian, hessians } = await import("../src/index.js");
    const g = new Graph();
    const x = g.variable({ type: "zeros", shape: [1_000_000] }, "x");
    const y = reduceSum(square(x));
    const before = g.nodes.length;
    expect(() => hessian(y, [x])).toThrow(ResourceError);
    expect(() => hessians(y, [x])).toThrow(/block for 'x' needs 8\.0 TB/);
    expect(g.nodes.length).toBe(before);
  });

  it("a 10⁶-parameter Hessian (8 TB) is refused at once with a ResourceError", async () => {
    const g = new Graph();
    const x = g.variable({ type: "zeros", shape: [1_000_000] }, "x");
    const y = reduceSum(square(x));
    const t0 = performance.now();
    await expect(computeHessian(new Session(g), y, [x], {})).rejects.toThrow(ResourceError);
    await expect(computeHessian(new Session(g), y, [x], {})).rejects.toThrow(/1000000×1000000 Hessian needs 8\.0 TB/);
    expect(performance.now() - t0).toBeLessThan(5_000); // refused, not attempted (a generous bound, not a timing claim)
  });
});
