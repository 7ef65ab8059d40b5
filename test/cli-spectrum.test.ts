// `hessflow spectrum`: spawned as users run it, on b-1k against the JAX reference eigenvalues and exact trace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, runCli } from "./dist.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const B1K = join(ROOT, "graph-specs", "b-1k.json");
const REF = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "reference", "b-1k.json"), "utf8")) as { hessian_summary: { trace: number; eig_top5: number[]; eig_bottom5: number[] } };
let dir = "";

beforeAll(() => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "hessflow-spectrum-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = runCli;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

interface SpectrumJson {
  name: string; n: number; curvature: string; hvps: number; seconds: number;
  top?: { value: number; residual: number }[]; bottom?: { value: number; residual: number }[];
  trace?: { estimate: number; stderr: number; samples: number }; density?: { x: number[]; y: number[] };
}

describe("hessflow spectrum", { timeout: 60_000 }, () => {
  it("--top 5 --bottom 5 on b-1k agrees with the dense eigenvalues (JAX) to 1e-9 relative, with small residuals", async () => {
    const r = await cli(["spectrum", B1K, "--top", "5", "--bottom", "5", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as SpectrumJson;
    expect(Object.keys(j)).toEqual(["name", "n", "curvature", "top", "bottom", "hvps", "seconds"]);
    expect(j).toMatchObject({ name: "b-1k", n: 1217, curvature: "hessian" });
    j.top!.forEach((p, k) => expect(rel(p.value, REF.hessian_summary.eig_top5[k])).toBeLessThan(1e-9));
    j.bottom!.forEach((p, k) => expect(rel(p.value, REF.hessian_summary.eig_bottom5[k])).toBeLessThan(1e-9));
    for (const p of [...j.top!, ...j.bottom!]) expect(p.residual).toBeLessThan(1e-8);
    expect(j.top!.map((p) => p.value)).toEqual([...j.top!.map((p) => p.value)].sort((a, b) => b - a));
    expect(j.bottom!.map((p) => p.value)).toEqual([...j.bottom!.map((p) => p.value)].sort((a, b) => a - b));
    expect(j.hvps).toBeGreaterThan(10);
    expect(j.hvps).toBeLessThan(1217);
  });

  it("--trace agrees with the exact trace within 3 reported standard errors; --density integrates to about 1; the same seed gives the same numbers", async () => {
    const args = ["spectrum", B1K, "--trace", "--density", "--seed", "3", "--json"];
    const [a, b] = await Promise.all([cli(args), cli(args)]);
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout) as SpectrumJson, k = JSON.parse(b.stdout) as SpectrumJson;
    expect(j.top).toBeUndefined();
    expect(j.trace!.samples).toBe(100);
    expect(Math.abs(j.trace!.estimate - REF.hessian_summary.trace)).toBeLessThan(3 * j.trace!.stderr);
    const { x, y } = j.density!;
    let integral = 0;
    for (let i = 1; i < x.length; i++) integral += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
    expect(Math.abs(integral - 1)).toBeLessThan(1e-3);
    expect(x[0]).toBeLessThan(REF.hessian_summary.eig_bottom5[0]);
    expect(x[x.length - 1]).toBeGreaterThan(REF.hessian_summary.eig_top5[0]);
    expect({ ...k, seconds: 0 }).toEqual({ ...j, seconds: 0 });
  });

  it("prints a text report by default and writes the density as SVG with the eigenvalues marked", async () => {
    const svg = join(dir, "b1k.svg");
    const r = await cli(["spectrum", B1K, "--top", "2", "--bottom", "2", "--density", "--svg", svg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^b-1k: spectrum of the Hessian, n = 1217/);
    // The largest eigenvalue, printed in full, agrees with the JAX reference (3.0758921417697755).
    const top = Number(/^largest eigenvalues.*\n +1 +(\S+)/m.exec(r.stdout)?.[1]);
    expect(Math.abs(top - 3.0758921417697755) / 3.0758921417697755).toBeLessThan(1e-12);
    expect(r.stdout).toContain("-0.73931321354045");
    const text = readFileSync(svg, "utf8");
    expect(text).toMatch(/^<svg /);
    expect(text.match(/class="eigenvalue"/g)).toHaveLength(4);
    expect(text).toContain('class="density"');
  });

  it("--curvature tf-hessians-blocks gives the block-diagonal matrix's largest eigenvalue (the largest of the per-variable blocks)", async () => {
    const r = await cli(["spectrum", B1K, "--top", "1", "--json", "--curvature", "tf-hessians-blocks"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as SpectrumJson;
    expect(j.curvature).toBe("tf-hessians-blocks");
    // Every eigenvalue of a block of H lies within H's spectrum (Cauchy interlacing).
    expect(j.top![0].value).toBeLessThanOrEqual(REF.hessian_summary.eig_top5[0]);
    expect(j.top![0].value).toBeGreaterThan(0);
  });

  it.each([
    [["--top", "2000"], /--top 2000 is larger than the number of parameters n = 1217/],
    [["--bottom=-1"], /--bottom must be a non-negative integer, got .-1./],
    [["--top", "two"], /--top must be a non-negative integer, got 'two'/],
    [["--samples", "0", "--trace"], /--samples must be a positive integer/],
    [["--tol", "abc"], /--tol must be a positive number, got 'abc'/],
    [["--curvature", "fisher"], /--curvature must be one of hessian, gauss-newton, tf-hessians-blocks; got 'fisher'/],
    [["--curvature", "gauss-newton"], /gauss-newton needs --output NODE/],
    [["--curvature", "gauss-newton", "--output", "nope"], /no node named 'nope'/],
    [["--svg", "x.png"], /--svg must name a .svg file/],
  ])("bad input %j: one clear line, exit 1", async (args, message) => {
    const r = await cli(["spectrum", B1K, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("a non-scalar loss, and an output the loss does not depend on: one clear line each, exit 1", async () => {
    const nonScalar = join(dir, "nonscalar.json");
    writeFileSync(nonScalar, JSON.stringify({ format: "hessflow.graph/1", name: "ns", nodes: [{ name: "w", op: "variable", value: [1, 2] }, { name: "sq", expr: "square(w)" }], outputs: { hessian: { ys: "sq", xs: ["w"] } } }));
    const a = await cli(["spectrum", nonScalar]);
    expect(a.code).toBe(1);
    expect(a.stdout).toBe("");
    expect(a.stderr).toMatch(/^hessflow: spectrum needs a scalar loss: outputs\.hessian\.ys 'sq' has shape \[2\]/);
    const unrelated = join(dir, "unrelated.json");
    writeFileSync(unrelated, JSON.stringify({ format: "hessflow.graph/1", name: "u", nodes: [{ name: "w", op: "variable", value: [1, 2] }, { name: "z", op: "variable", value: [3] }, { name: "L", expr: "reduce_sum(square(w))" }], outputs: { hessian: { ys: "L", xs: ["w"] } } }));
    const b = await cli(["spectrum", unrelated, "--curvature", "gauss-newton", "--output", "z"]);
    expect(b.code).toBe(1);
    expect(b.stdout).toBe("");
    expect(b.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(b.stderr).toMatch(/'z'/);
  });

  it("--curvature gauss-newton takes the output from --output or the spec's curvature field (accepted by the schema); it is positive semi-definite for the squared loss", async () => {
    const doc = JSON.parse(readFileSync(B1K, "utf8")) as Record<string, unknown>;
    const spec = join(dir, "gn.json");
    writeFileSync(spec, JSON.stringify({ ...doc, curvature: { output: "h3" } }));
    expect((await cli(["validate", spec])).code).toBe(0);
    const [a, b] = await Promise.all([cli(["spectrum", spec, "--curvature", "gauss-newton", "--top", "2", "--bottom", "2", "--json"]), cli(["spectrum", B1K, "--curvature", "gauss-newton", "--output", "h3", "--top", "2", "--bottom", "2", "--json"])]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout) as SpectrumJson;
    expect(j.curvature).toBe("gauss-newton");
    expect(j.bottom![0].value).toBeGreaterThan(-1e-12 * j.top![0].value);
    expect({ ...JSON.parse(b.stdout), seconds: 0 }).toEqual({ ...j, seconds: 0 });
    writeFileSync(spec, JSON.stringify({ ...doc, curvature: { output: 3 } }));
    expect((await cli(["validate", spec])).code).toBe(1);
    writeFileSync(spec, JSON.stringify({ ...doc, curvature: { output: "h4" } }));
    const v = await cli(["validate", spec]);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toMatch(/\$\.curvature\.output.*unknown node 'h4'/);
  });

  it("is listed in help", async () => {
    const r = await cli(["spectrum", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--curvature C");
  });
});
