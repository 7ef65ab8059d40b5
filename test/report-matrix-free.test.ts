// `hessflow compare --matrix-free --svg/--html`: the picture shows the matrix-free report's own numbers, and on a small
// spec its estimated block norms agree with the dense compare's exact ones within their standard errors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

const TANH = fileURLToPath(new URL("../graph-specs/tanh-mlp.json", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "hessflow-mfsvg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process; returns the exit code, stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** Checks XML well-formedness the strict way a parser does for this subset: every tag closed in order, attributes quoted, only known entities. */
function expectWellFormed(xml: string): void {
  const stack: string[] = [];
  const text = xml.replace(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, (_m, close: string, name: string, _attrs: string, self: string) => {
    if (close) expect(stack.pop(), `</${name}>`).toBe(name);
    else if (!self) stack.push(name);
    return "";
  });
  expect(stack).toEqual([]);
  expect(text).not.toMatch(/[<>]/); // every tag was matched by the pattern above: nothing malformed is left
  for (const ent of text.match(/&[^;\s]*;?/g) ?? []) expect(ent).toMatch(/^&(amp|lt|gt|quot|#39|#\d+);$/);
}

interface Ext { top: { value: number }[]; bottom: { value: number }[] }
interface Report {
  n: number; samples: number; verdict: string[];
  blocks: { row: string; col: string; frobenius: number; frobenius_stderr: number; in_tf_hessians: boolean }[];
  offdiagonal_frobenius_fraction: number; offdiagonal_frobenius_fraction_stderr: number;
  extreme_eigenvalues: { exact: Ext; tf_hessians: Ext };
}

describe("compare --matrix-free --svg/--html on tanh-mlp", () => {
  const svgFile = join(dir, "tanh.svg"), htmlFile = join(dir, "tanh.html");
  let j: Report, dense: { blocks: { row: string; col: string; frobenius: number }[]; offdiagonal_frobenius_fraction: number }, svg = "", html = "";
  beforeAll(async () => {
    const mf = await run(["compare", TANH, "--matrix-free", "--samples", "400", "--json", "--svg", svgFile, "--html", htmlFile]);
    expect(mf.err).toBe("");
    expect(mf.code).toBe(0);
    j = JSON.parse(mf.out) as Report;
    const d = await run(["compare", TANH, "--json"]);
    expect(d.code).toBe(0);
    dense = JSON.parse(d.out);
    svg = readFileSync(svgFile, "utf8");
    html = readFileSync(htmlFile, "utf8");
  }, 60_000);
  const names = ["w1", "b1", "w2", "b2"];
  const attrs = (tag: string, cls: RegExp) => [...svg.matchAll(new RegExp(`<${tag} ([^>]*)>`, "g"))].map((m) => m[1]).filter((a) => cls.test(a));
  const attr = (a: string, k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(a)?.[1];

  it("is well-formed XML naming every variable", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expectWellFormed(svg);
    for (const name of names) expect(svg).toContain(`>${name}</text>`);
  });

  it("has one cell per block, the off-diagonal ones hatched as never built, the diagonal ones kept", () => {
    const cells = attrs("g", /class="block /);
    expect(cells).toHaveLength(16);
    expect(new Set(cells.map((a) => `${attr(a, "data-row")},${attr(a, "data-col")}`)).size).toBe(16);
    const kept = cells.filter((a) => /class="block kept"/.test(a)), dropped = cells.filter((a) => /class="block dropped"/.test(a));
    expect(kept.map((a) => attr(a, "data-row"))).toEqual(kept.map((a) => attr(a, "data-col")));
    expect(kept).toHaveLength(4);
    expect(dropped).toHaveLength(12);
    expect(svg.match(/class="hatch"/g)).toHaveLength(12);
    expect(svg.match(/>never built<\/text>/g)).toHaveLength(12);
    expect(svg.match(/>kept by tf\.hessians<\/text>/g)).toHaveLength(4);
  });

  it("shows the numbers of the --json report", () => {
    const cells = attrs("g", /class="block /);
    for (const b of j.blocks) {
      const a = cells.find((c) => attr(c, "data-row") === b.row && attr(c, "data-col") === b.col)!;
      expect(Number(attr(a, "data-frobenius"))).toBe(b.frobenius);
      expect(Number(attr(a, "data-stderr"))).toBe(b.frobenius_stderr);
      expect(a).toContain(`class="block ${b.in_tf_hessians ? "kept" : "dropped"}"`);
    }
    const summary = attrs("g", /class="summary"/)[0];
    expect(Number(attr(summary, "data-share"))).toBe(j.offdiagonal_frobenius_fraction);
    expect(Number(attr(summary, "data-share-stderr"))).toBe(j.offdiagonal_frobenius_fraction_stderr);
    expect(svg).toContain(`${(100 * j.offdiagonal_frobenius_fraction).toFixed(1)}% ± ${(100 * j.offdiagonal_frobenius_fraction_stderr).toFixed(1)}%`);
    // Every Ritz value is drawn once, and the negative ones are marked as many times as the report has them.
    const ritz = (["exact", "tf_hessians"] as const).flatMap((k) => [...j.extreme_eigenvalues[k].top, ...j.extreme_eigenvalues[k].bottom].map((p) => p.value));
    const drawn = attrs("circle", /data-value=/).map((a) => Number(attr(a, "data-value")));
    expect(drawn.sort((a, b) => a - b)).toEqual([...ritz].sort((a, b) => a - b));
    const negatives = ritz.filter((v) => v < 0).length;
    expect(negatives).toBeGreaterThan(0);
    expect(attrs("circle", /class="negative"/)).toHaveLength(negatives);
    for (const a of attrs("circle", /class="negative"/)) expect(Number(attr(a, "data-value"))).toBeLessThan(0);
    expect(svg).toContain("Both have negative curvature");
  });

  it("shows block norms that agree with the dense compare's exact ones within 3 standard errors (400 samples)", () => {
    expect(j.samples).toBe(400);
    for (const b of j.blocks) {
      const exact = dense.blocks.find((x) => x.row === b.row && x.col === b.col)!.frobenius;
      expect(b.frobenius_stderr).toBeGreaterThanOrEqual(0);
      expect(Math.abs(b.frobenius - exact)).toBeLessThanOrEqual(3 * b.frobenius_stderr + 1e-12);
    }
    expect(Math.abs(j.offdiagonal_frobenius_fraction - dense.offdiagonal_frobenius_fraction)).toBeLessThan(3 * j.offdiagonal_frobenius_fraction_stderr);
  });

  it("the HTML page embeds the same picture and the verdict", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain(svg);
    expect(html).not.toMatch(/<script|<link|src=/);
    for (const s of j.verdict) expect(html).toContain(s.replace(/&/g, "&amp;").replace(/'/g, "&#39;"));
  });

  it("an unwritable --svg target fails in one line before any work and writes nothing", async () => {
    const f = join(dir, "missing", "x.svg");
    const r = await run(["compare", TANH, "--matrix-free", "--svg", f]).catch((e: Error) => ({ code: -1, out: "", err: e.message }));
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/cannot write .*no such directory/);
    expect(existsSync(f)).toBe(false);
  });
});
