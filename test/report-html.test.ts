import { describe, expect, it } from "vitest";
import { compareHessians } from "../src/report/compare.js";
import { reportHtml } from "../src/report/html.js";
import { referenceInput } from "./report-fixtures.js";

describe("reportHtml", () => {
  const seed = referenceInput("seed");
  const html = reportHtml(seed, compareHessians(seed), { name: "seed <2-layer>", description: "MLP 3-2-1 & mse" });

  it("is one self-contained page", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script|<link|@import|src=|href="(?!data:)/);
    const urls = html.match(/https?:\/\/[^\s"')]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"])); // only the SVG namespace
  });

  it("shows the blocks, figures, spectra and verdict", () => {
    expect(html).toContain("<h1>hessflow: seed &lt;2-layer&gt;</h1>");
    expect(html).toContain("MLP 3-2-1 &amp; mse");
    expect(html.match(/<td class="kept"/g)).toHaveLength(4);
    expect(html.match(/<td class="dropped"/g)).toHaveLength(12);
    expect(html).toContain('class="hessflow-heatmaps"');
    expect(html).toContain('class="hessflow-spectra"');
    expect(html).toContain("the saddle is invisible to it");
    expect(html).toContain("85.4%");
    expect(html.match(/<td class="neg">/g)).toHaveLength(2);
    expect(html).toContain("pseudo-inverse (3 dropped)");
    expect(html).toContain("<details><summary>terminal version</summary>");
  });
});
