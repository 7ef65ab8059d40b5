// Renders the seed report and the standalone SVG heatmaps in headless Chromium and checks the screenshots show coloured
// heatmaps. The browser is the one shipped in the @sparticuz/chromium devDependency (see browser.ts), so this runs on
// any fresh clone after npm install; HESSFLOW_CHROMIUM=/path overrides it, HESSFLOW_SKIP_BROWSER=1 skips these tests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareHessians } from "../src/report/compare.js";
import { reportHtml } from "../src/report/html.js";
import { decodePng, type DecodedPng } from "../src/report/png.js";
import { closeChromium, launchChromium, screenshotPng } from "./browser.js";
import { referenceInput } from "./report-fixtures.js";

const SKIP = process.env.HESSFLOW_SKIP_BROWSER === "1";
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// One browser for the whole file.
let browser: Browser | undefined;
beforeAll(async () => { if (!SKIP) browser = await launchChromium(); }, 120_000);
afterAll(() => closeChromium(browser), 60_000);

/** Renders a file in Chromium at width×height and returns the screenshot, decoded. */
async function screenshot(file: string, width: number, height: number): Promise<DecodedPng> {
  if (!browser) throw new Error("Chromium was not launched");
  return decodePng(await screenshotPng(browser, pathToFileURL(file).href, width, height));
}

const rgb = (p: DecodedPng, x: number, y: number) => {
  const o = (y * p.width + x) * p.channels;
  return [p.data[o], p.data[o + 1], p.data[o + 2]];
};
const isLine = ([r, g, b]: number[]) => Math.max(r, g, b) < 150 && Math.abs(r - g) < 20 && Math.abs(g - b) < 20;

/** Horizontal runs (x ranges) of dark grey pixels at least minLen long in row y. */
function darkRuns(p: DecodedPng, y: number, minLen: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let x = 0, start = -1; x <= p.width; x++) {
    const dark = x < p.width && isLine(rgb(p, x, y));
    if (dark && start < 0) start = x;
    if (!dark && start >= 0) { if (x - start >= minLen) runs.push([start, x]); start = -1; }
  }
  return runs;
}

describe.skipIf(SKIP)("report in headless Chromium", () => {
  it("renders the seed heatmaps with red and blue cells", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hessflow-browser-"));
    dirs.push(dir);
    const input = referenceInput("seed");
    const htmlPath = join(dir, "seed.html");
    writeFileSync(htmlPath, reportHtml(input, compareHessians(input), { name: "seed", description: "MLP 3-2-1, mse_half, 4 samples" }));
    const png = await screenshot(htmlPath, 1400, 1000);
    expect([png.width, png.height]).toEqual([1400, 1000]);

    // The three panels' frames and block lines: rows holding three long dark runs.
    const frameRows = Array.from({ length: png.height }, (_, y) => y).filter((y) => darkRuns(png, y, 250).length === 3);
    expect(frameRows.length).toBeGreaterThanOrEqual(2);
    const top = frameRows[0], bottom = frameRows[frameRows.length - 1];
    expect(bottom - top).toBeGreaterThan(250);
    const panels = darkRuns(png, top, 250);

    const counts = panels.map(([x0, x1]) => {
      let red = 0, blue = 0;
      for (let y = top + 2; y < bottom - 1; y++) for (let x = x0 + 2; x < x1 - 2; x++) {
        const [r, , b] = rgb(png, x, y);
        if (r > 150 && r > b + 40) red++;
        if (b > 150 && b > r + 40) blue++;
      }
      return { red, blue };
    });
    for (const c of counts) {
      expect(c.red).toBeGreaterThan(200);
      expect(c.blue).toBeGreaterThan(200);
    }
    const coloured = counts.map((c) => c.red + c.blue);
    expect(coloured[1]).toBeLessThan(coloured[0]); // B keeps only the diagonal blocks
    expect(coloured[2]).toBeLessThan(coloured[0]); // H - B keeps only the off-diagonal blocks
  }, 120_000);
});

describe.skipIf(SKIP)("standalone SVG heatmaps in headless Chromium", () => {
  /** Red and blue pixel counts in each third of the picture (the three panels side by side). */
  function colouredThirds(png: DecodedPng): { red: number; blue: number }[] {
    return [0, 1, 2].map((k) => {
      let red = 0, blue = 0;
      for (let y = 0; y < png.height; y++) for (let x = Math.floor((k * png.width) / 3); x < Math.floor(((k + 1) * png.width) / 3); x++) {
        const [r, , b] = rgb(png, x, y);
        if (r > 150 && r > b + 40) red++;
        if (b > 150 && b > r + 40) blue++;
      }
      return { red, blue };
    });
  }

  for (const [name, n] of [["seed", 11], ["b-200", 193]] as const) {
    it(`draws the ${name} heatmaps (${n > 64 ? "raster" : "vector"} cells) from the SVG file alone`, async () => {
      const { loadSpec } = await import("../src/spec/load.js");
      const { runSpec } = await import("../src/spec/run.js");
      const { heatmapsSvg } = await import("../src/report/svg.js");
      const spec = loadSpec(JSON.parse(readFileSync(new URL(`./fixtures/cases/${name}.json`, import.meta.url), "utf8")));
      const h = (await runSpec(spec)).hessian!;
      expect(h.n).toBe(n);
      const input = { n: h.n, xs: h.layout, hessian: h.exact, gradient: h.gradient };
      const dir = mkdtempSync(join(tmpdir(), "hessflow-svg-"));
      dirs.push(dir);
      const file = join(dir, `${name}.svg`);
      writeFileSync(file, heatmapsSvg(input, compareHessians(input)));
      const png = await screenshot(file, 1400, 700);
      const thirds = colouredThirds(png);
      for (const t of [thirds[0], thirds[2]]) {
        expect(t.red).toBeGreaterThan(100);
        expect(t.blue).toBeGreaterThan(100);
      }
      // The block-diagonal panel has less colour than the full Hessian.
      expect(thirds[1].red + thirds[1].blue).toBeLessThan(thirds[0].red + thirds[0].blue);
    }, 120_000);
  }
});

describe.skipIf(SKIP)("hessflow train --svg in headless Chromium", () => {
  it("draws one loss curve per optimizer, in its own colour", async () => {
    const { main } = await import("../src/cli/main.js");
    const dir = mkdtempSync(join(tmpdir(), "hessflow-train-svg-"));
    dirs.push(dir);
    const file = join(dir, "train.svg");
    const spec = new URL("../graph-specs/seed-two-layer-linear.json", import.meta.url).pathname;
    const code = await main(["train", spec, "--optimizer", "gd,newton,saddle-free", "--steps", "10", "--every", "5", "--svg", file], { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const size = /width="(\d+)" height="(\d+)"/.exec(readFileSync(file, "utf8"))!;
    const shot = await screenshot(file, Number(size[1]), Number(size[2]));
    // The first three series colours (#1b9e77, #d95f02, #7570b3): pixels close to each must be drawn.
    const near = ([r, g, b]: number[], [R, G, B]: number[]) => Math.abs(r - R) + Math.abs(g - G) + Math.abs(b - B) < 60;
    const colours = [[0x1b, 0x9e, 0x77], [0xd9, 0x5f, 0x02], [0x75, 0x70, 0xb3]];
    const counts = colours.map(() => 0);
    for (let y = 0; y < shot.height; y++) for (let x = 0; x < shot.width; x++) {
      const px = rgb(shot, x, y);
      colours.forEach((c, k) => { if (near(px, c)) counts[k]++; });
    }
    for (const c of counts) expect(c).toBeGreaterThan(30);
  }, 60_000);
});

describe.skipIf(SKIP)("compare --matrix-free --svg in headless Chromium", () => {
  it("parses as SVG and draws the block map, the hatching and the marked negative eigenvalues", async () => {
    const { main } = await import("../src/cli/main.js");
    const dir = mkdtempSync(join(tmpdir(), "hessflow-mf-svg-"));
    dirs.push(dir);
    const file = join(dir, "mf.svg");
    const spec = new URL("../graph-specs/tanh-mlp.json", import.meta.url).pathname;
    const code = await main(["compare", spec, "--matrix-free", "--svg", file], { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const text = readFileSync(file, "utf8");
    // Chromium's own XML parser: no parse error, and the elements the picture promises.
    const page = await browser!.newPage();
    try {
      const parsed = await page.evaluate((s: string) => {
        const doc = new DOMParser().parseFromString(s, "image/svg+xml");
        return { error: doc.getElementsByTagName("parsererror").length, root: doc.documentElement.tagName, blocks: doc.querySelectorAll("g.block").length, negative: doc.querySelectorAll("circle.negative").length };
      }, text);
      expect(parsed).toEqual({ error: 0, root: "svg", blocks: 16, negative: (text.match(/class="negative"/g) ?? []).length });
      expect(parsed.negative).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
    const size = /width="(\d+)" height="(\d+)"/.exec(text)!;
    const shot = await screenshot(file, Number(size[1]), Number(size[2]));
    let red = 0, marked = 0, grey = 0;
    for (let y = 0; y < shot.height; y++) for (let x = 0; x < shot.width; x++) {
      const [r, g, b] = rgb(shot, x, y);
      if (r > 150 && r > g + 40 && r > b + 40) red++; // block colours (share of ‖H‖F²) and the negative marks
      if (r > 200 && g < 60 && b < 60) marked++; // the negative eigenvalues' #d7191c
      if (isLine([r, g, b])) grey++; // lines, text, hatching
    }
    expect(red).toBeGreaterThan(2000);
    expect(marked).toBeGreaterThan(50);
    expect(grey).toBeGreaterThan(2000);
  }, 120_000);
});
