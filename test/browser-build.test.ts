// The browser build (dist/browser/, scripts/build-browser.mjs) in a real Chromium, served by scripts/static-server.mjs:
// every course spec gives bit-for-bit the Hessian (and loss and gradients) that Node gives, in a page, in a module
// Web Worker and under a strict Content-Security-Policy (no 'unsafe-eval'); mathjs is fetched only for expr specs;
// compareHessians and the SVG report work in the page. HESSFLOW_SKIP_BROWSER=1 skips these tests (as the report's).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as hf from "../src/index.js";
import { BROWSER_DEFAULT_BYTES } from "../src/memory.js";
import { decodePng } from "../src/report/png.js";
import { heatmapsSvg, spectraSvg } from "../src/report/svg.js";
import { closeChromium, launchChromium } from "./browser.js";
import { ensureBrowserBuild, ROOT } from "./dist.js";
import { compareCourseSpec, runCourseSpec } from "./fixtures/browser/harness.mjs";
// @ts-expect-error: a plain .mjs script without type declarations
import { serveStatic } from "../scripts/static-server.mjs";

const SKIP = process.env.HESSFLOW_SKIP_BROWSER === "1";
const SPECS = readdirSync(join(ROOT, "graph-specs")).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();
const STRICT_CSP = "default-src 'self'; script-src 'self'";
const PAGE = "test/fixtures/browser/page.html";

type Server = { url: string; close(): Promise<void> };
type Result = Awaited<ReturnType<typeof runCourseSpec>>;

/** A course spec loaded in Node the Node way (readSpecFile: its data files from disk), with the browser's default memory budget (so both refuse the same work). */
const nodeLoad = async (name: string) => hf.loadSpec(hf.readSpecFile(join(ROOT, "graph-specs", `${name}.json`)), { maxBytes: BROWSER_DEFAULT_BYTES });
/** The Node results, computed once per spec. */
const inNode = new Map<string, Promise<Result>>();
const nodeResult = (name: string) => {
  if (!inNode.has(name)) inNode.set(name, runCourseSpec(hf, nodeLoad, name));
  return inNode.get(name)!;
};

/** Float64 values from the harness's hex bits. */
const fromBits = (hex: string) => new Float64Array(Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16)).buffer);

/** A refusal without its closing "(where the limit comes from)": a page's default budget and Node's maxBytes are named differently. */
const limitless = (message: string | undefined) => message?.replace(/ \(.*\)$/, "");

/** Asserts two results are the same bits; a full Hessian entry by entry with Object.is (NaN and −0 included), naming the first difference. */
function expectSameBits(browser: Result, node: Result, where: string): void {
  if (browser.hessian?.bits !== undefined && node.hessian?.bits !== undefined && browser.hessian.bits !== node.hessian.bits) {
    const a = fromBits(browser.hessian.bits), b = fromBits(node.hessian.bits);
    const i = a.findIndex((v, k) => !Object.is(v, b[k]));
    expect.fail(`${where}: Hessian entry ${i} differs: ${a[i]} in the browser, ${b[i]} in Node`);
  }
  const strip = (r: Result) => ({ ...r, refused: limitless(r.refused), hessian: r.hessian && { ...r.hessian, ms: 0, workers: 0 } });
  expect(strip(browser), where).toEqual(strip(node));
}

/**
 * Ops whose kernels call Math.exp, Math.log, Math.tanh and their kin. ECMAScript leaves these functions' last bit to the
 * engine, and Node 20's V8 and the test Chromium's V8 round some arguments differently (measured by libmDifferences), so
 * across the two engines such specs can agree only to rounding; +, −, ×, ÷ and sqrt are exact IEEE operations everywhere.
 */
const ENGINE_ROUNDED = new Set(["tanh", "sigmoid", "softmax", "log_softmax", "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits", "softplus", "exp", "log", "elu", "pow"]);
/** Whether a course spec uses an op of ENGINE_ROUNDED (as an op node or called in an expr). */
function usesEngineRounding(name: string): boolean {
  const doc = JSON.parse(readFileSync(join(ROOT, "graph-specs", `${name}.json`), "utf8")) as { nodes: { op?: string; expr?: string }[] };
  return doc.nodes.some((n) => ENGINE_ROUNDED.has(n.op ?? "") || [...(n.expr ?? "").matchAll(/([a-z_0-9]+)\s*\(/g)].some((m) => ENGINE_ROUNDED.has(m[1])) || (n.expr ?? "").includes("^"));
}

/** The probe: Math's transcendental functions on 20,000 fixed arguments, as bits (the same source runs in Node and in the page). */
const LIBM_PROBE = `(() => {
  const out = {}, xs = Array.from({ length: 20000 }, (_, i) => ((i * 7919) % 20000) / 1000 - 10 + i * 1e-9);
  for (const f of ["exp", "log", "log1p", "expm1", "tanh", "pow"]) {
    const y = Float64Array.from(xs, (x) => (f === "pow" ? Math.pow(Math.abs(x), 1.7) : f.startsWith("log") ? Math[f](Math.abs(x)) : Math[f](x)));
    out[f] = Array.from(new Uint8Array(y.buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return out;
})()`;
/** For each of Math's transcendental functions, on how many of the probe's arguments the page's engine rounds differently from Node's. */
async function libmDifferences(page: Page): Promise<Record<string, number>> {
  const here = (0, eval)(LIBM_PROBE) as Record<string, string>, there = (await page.evaluate(LIBM_PROBE)) as Record<string, string>;
  return Object.fromEntries(Object.keys(here).map((f) => {
    const a = fromBits(here[f]), b = fromBits(there[f]);
    return [f, a.reduce((n, v, i) => n + (Object.is(v, b[i]) ? 0 : 1), 0)];
  }));
}

/** Largest |a − b| over max |b|: how far apart two vectors are, relative to their size. */
function relativeGap(a: Float64Array, b: Float64Array): number {
  let gap = 0, size = 0;
  for (let i = 0; i < b.length; i++) { gap = Math.max(gap, Math.abs(a[i] - b[i])); size = Math.max(size, Math.abs(b[i])); }
  return size === 0 ? gap : gap / size;
}

/**
 * For specs with ENGINE_ROUNDED ops, when the engines' Math functions differ: the same structure and names, and every number
 * compared (fetches, gradients, the Hessian's rows, all of it when small) within RELATIVE_GAP; returns the largest gap seen.
 */
function expectRoundingClose(browser: Result, node: Result, where: string): number {
  const pairs: [string, string, string][] = [
    ...browser.fetch.map((f, i) => [`fetch ${f.name}`, f.bits, node.fetch[i].bits] as [string, string, string]),
    ...browser.gradients.map((g, i) => [`gradient ${g.name}`, g.bits, node.gradients[i].bits] as [string, string, string]),
  ];
  expect(browser.fetch.map((f) => [f.name, f.shape]), where).toEqual(node.fetch.map((f) => [f.name, f.shape]));
  expect(browser.gradients.map((g) => [g.name, g.shape]), where).toEqual(node.gradients.map((g) => [g.name, g.shape]));
  expect(limitless(browser.refused), where).toBe(limitless(node.refused));
  expect(browser.hessian?.n, where).toBe(node.hessian?.n);
  expect(browser.hvp?.n, where).toBe(node.hvp?.n);
  if (browser.hessian && node.hessian) {
    pairs.push(["Hessian gradient", browser.hessian.gradient, node.hessian.gradient]);
    browser.hessian.rows.forEach((r, k) => pairs.push([`Hessian row ${r.i}`, r.bits, node.hessian!.rows[k].bits]));
    if (browser.hessian.bits !== undefined) pairs.push(["Hessian", browser.hessian.bits, node.hessian.bits!]);
  }
  if (browser.hvp && node.hvp) pairs.push(["Hessian-vector products", browser.hvp.bits, node.hvp.bits]);
  let worst = 0;
  for (const [what, a, b] of pairs) {
    const gap = relativeGap(fromBits(a), fromBits(b));
    expect(gap, `${where}: ${what}`).toBeLessThanOrEqual(RELATIVE_GAP);
    worst = Math.max(worst, gap);
  }
  return worst;
}
/** How far (relative to the largest entry) the page's numbers may lie from Node's when only the engines' last-bit rounding of Math functions separates them. */
const RELATIVE_GAP = 1e-14;

let browser: Browser | undefined;
let plain: Server, strict: Server;
beforeAll(async () => {
  if (SKIP) return;
  await ensureBrowserBuild();
  plain = await serveStatic({ root: ROOT });
  strict = await serveStatic({ root: ROOT, headers: { "Content-Security-Policy": STRICT_CSP } });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await closeChromium(browser);
  await plain?.close();
  await strict?.close();
}, 60_000);

/** Opens the test page from a server; `requests` collects every URL the page fetches, `errors` its uncaught errors and console errors. */
async function openPage(server: Server): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser!.newPage();
  const requests: string[] = [], errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(server.url + PAGE, { waitUntil: "load" });
  await page.waitForFunction(() => (window as unknown as { harness?: unknown }).harness !== undefined, { timeout: 60_000 });
  return { page, requests, errors };
}

type Harness = {
  run(name: string): Promise<Result>;
  compare(name: string): ReturnType<typeof compareCourseSpec>;
  inWorker(name: string): Promise<Result>;
  loadError(doc: unknown, options?: object): Promise<string>;
  evalAllowed: boolean;
  hasProcess: boolean;
};
/** Calls window.harness[method](...args) in the page (a property when it is not a function). */
const call = <K extends keyof Harness>(page: Page, method: K, ...args: unknown[]) =>
  page.evaluate((m, a) => {
    const h = (window as unknown as { harness: Record<string, unknown> }).harness;
    return typeof h[m] === "function" ? (h[m] as (...x: unknown[]) => unknown)(...a) : h[m];
  }, method, args) as Promise<Awaited<Harness[K] extends (...a: never[]) => infer R ? R : Harness[K]>>;

describe.skipIf(SKIP)("the browser build in Chromium", () => {
  it("scripts/build-browser.mjs: no bare or node: import in dist/browser/, mathjs vendored, and a second run writes nothing", async () => {
    const { buildBrowser } = (await import("../scripts/build-browser.mjs")) as { buildBrowser(): { files: string[]; written: number; removed: number } };
    const again = buildBrowser();
    expect([again.written, again.removed]).toEqual([0, 0]);
    expect(again.files).toContain("dist/browser/browser.js");
    expect(again.files).toContain("dist/browser/vendor/mathjs.js");
    for (const file of again.files.filter((f) => !f.includes("/vendor/"))) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)["']([^"']+)["']/gm)) expect(m[1], `${file} imports ${m[1]}`).toMatch(/^\.\.?\//);
    }
    const vendored = readFileSync(join(ROOT, "dist/browser/vendor/mathjs.js"), "utf8");
    expect(vendored).not.toMatch(/^\s*(import|export)\s.*\bfrom\b/m);
  });

  it("every course spec: the page's loss, gradients and exact Hessian are Node's, bit for bit (to the engines' rounding of Math.exp/log/tanh)", async () => {
    const { page, errors } = await openPage(plain);
    const libm = await libmDifferences(page);
    const enginesAgree = Object.values(libm).every((n) => n === 0);
    const lines: string[] = [`Math functions rounded differently by Chromium and Node on 20,000 arguments: ${JSON.stringify(libm)}`];
    for (const name of SPECS) {
      const [here, there] = await Promise.all([nodeResult(name), call(page, "run", name)]);
      const exact = enginesAgree || !usesEngineRounding(name);
      const gap = exact ? (expectSameBits(there, here, name), 0) : expectRoundingClose(there, here, name);
      if (name === "mnist-mlp") {
        // 25,450 parameters: the 5.2 GB Hessian is refused before allocating, in the page (its 2 GiB default budget) as in Node (given the
        // same budget); loss, gradients and Hessian-vector products stand in for it.
        expect(there.refused).toMatch(/^the 25450×25450 Hessian needs 5\.2 GB, more than the 2\.1 GB available/);
        expect(there.hvp?.k).toBe(2);
      } else expect(there.hessian, name).toBeDefined();
      const same = there.hessian?.sha256 === here.hessian?.sha256 && there.hvp?.bits === here.hvp?.bits ? "identical bits" : `largest relative gap ${gap.toExponential(1)}`;
      lines.push(`${name}: n=${there.hessian?.n ?? there.hvp?.n}, ${there.hessian ? `${Math.round(there.hessian.ms)} ms in the page` : "refused"}, ${exact ? "bits compared" : "rounding compared"}: ${same}`);
    }
    expect(errors).toEqual([]);
    console.log(lines.join("\n"));
    await page.close();
  }, 600_000);

  it("the tutorial's numbers appear: the b2 row of seed-two-layer-linear begins −0.66374288", async () => {
    const { page } = await openPage(plain);
    const r = await call(page, "run", "seed-two-layer-linear");
    const H = fromBits(r.hessian!.bits!);
    const b2 = Array.from(H.subarray(110, 121), (v) => v.toFixed(8));
    expect(b2).toEqual(["-0.66374288", "0.59637048", "-0.25202267", "0.64072608", "-0.57568997", "0.24328321", "-0.99810959", "0.96349786", "-0.64616702", "1.79251289", "1.00000000"]);
    await page.close();
  }, 120_000);

  it("a module Web Worker gives the page's bits (every course spec but b-5k and mnist-mlp, which the page covers)", async () => {
    const { page, errors } = await openPage(plain);
    for (const name of SPECS.filter((s) => s !== "b-5k" && s !== "mnist-mlp")) {
      const [inPage, inWorker] = await Promise.all([call(page, "run", name), call(page, "inWorker", name)]);
      expectSameBits(inWorker, inPage, `${name} in a worker`);
      if (!usesEngineRounding(name)) expectSameBits(inWorker, await nodeResult(name), `${name} in a worker, against Node`);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("under a strict CSP (no 'unsafe-eval') the page cannot eval, and its closure kernels give the compiled kernels' bits (expr and data specs included)", async () => {
    const { page, errors } = await openPage(strict);
    const compiled = await openPage(plain);
    expect(await call(page, "evalAllowed")).toBe(false);
    expect(await call(compiled.page, "evalAllowed")).toBe(true);
    for (const name of ["seed-two-layer-linear", "expr-tutorial", "iris-mlp", "tanh-mlp", "sigmoid-softmax", "b-200"]) {
      const [strictResult, plainResult] = await Promise.all([call(page, "run", name), call(compiled.page, "run", name)]);
      expectSameBits(strictResult, plainResult, `${name} under CSP`);
      if (!usesEngineRounding(name)) expectSameBits(strictResult, await nodeResult(name), `${name} under CSP, against Node`);
    }
    const worker = await call(page, "inWorker", "expr-tutorial");
    expectSameBits(worker, await nodeResult("expr-tutorial"), "expr-tutorial in a worker under CSP");
    // The only console errors are the CSP's reports of the page's own eval probe.
    expect(errors.filter((e) => !/unsafe-eval|Content Security Policy/i.test(e))).toEqual([]);
    await page.close();
    await compiled.page.close();
  }, 300_000);

  it("mathjs is fetched only for a spec with expr nodes", async () => {
    const { page, requests } = await openPage(plain);
    const mathjs = () => requests.filter((u) => u.endsWith("/dist/browser/vendor/mathjs.js"));
    expect(requests.some((u) => u.endsWith("/dist/browser/browser.js"))).toBe(true);
    for (const name of ["seed-two-layer-linear", "relu-net", "b-200"]) await call(page, "run", name);
    expect(mathjs()).toEqual([]);
    await call(page, "run", "expr-tutorial");
    expect(mathjs()).toHaveLength(1);
    await page.close();
  }, 120_000);

  it("compareHessians and the SVG heatmaps and spectra: the same in the page as in Node", async () => {
    const { page } = await openPage(plain);
    for (const name of ["seed-two-layer-linear", "b-200"]) {
      const [here, there] = await Promise.all([compareCourseSpec({ ...hf, heatmapsSvg, spectraSvg }, nodeLoad, name), call(page, "compare", name)]);
      expect(there.report, name).toBe(here.report);
      expect(there.spectra, name).toBe(here.spectra);
      expect(there.verdict.length).toBeGreaterThan(0);
      // Above 64 parameters the heatmaps are PNG images: compressed by zlib in Node, stored blocks in the page; the pixels are the same.
      const uris = (svg: string) => [...svg.matchAll(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g)].map((m) => m[1]);
      const strip = (svg: string) => svg.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, "PNG");
      expect(strip(there.heatmaps), name).toBe(strip(here.heatmaps));
      expect(uris(there.heatmaps).length, name).toBe(uris(here.heatmaps).length);
      expect(uris(there.heatmaps).length > 0, name).toBe(name === "b-200");
      uris(there.heatmaps).forEach((uri, i) => {
        const a = decodePng(Buffer.from(uri, "base64")), b = decodePng(Buffer.from(uris(here.heatmaps)[i], "base64"));
        expect([a.width, a.height]).toEqual([b.width, b.height]);
        expect(Buffer.from(a.data).equals(Buffer.from(b.data)), `${name} heatmap ${i} pixels`).toBe(true);
      });
    }
    expect(await call(page, "hasProcess")).toBe(false);
    await page.close();
  }, 300_000);

  it("the README's web-page example runs in a page and draws the heatmaps", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Using hessflow from a web page"));
    const example = /```js\n([\s\S]*?)```/.exec(section)![1];
    expect(example).toContain('from "./node_modules/hessflow/dist/browser/browser.js"');
    // Served from the repository itself, the package's files are at the root rather than under node_modules/hessflow/, and the
    // test page is not at the root: the example's two paths are made absolute.
    const page = await browser!.newPage();
    await page.goto(plain.url + PAGE, { waitUntil: "load" });
    await page.addScriptTag({ type: "module", content: `${example.replace("./node_modules/hessflow/dist/browser/browser.js", "/dist/browser/browser.js").replace('new URL("graph-specs/iris-mlp.json", location.href)', 'new URL("/graph-specs/iris-mlp.json", location.href)')}\nwindow.exampleDone = true;` });
    await page.waitForFunction(() => (window as unknown as { exampleDone?: boolean }).exampleDone === true, { timeout: 60_000 });
    const svg = await page.evaluate(() => document.body.innerHTML);
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(svg).toContain("data:image/png;base64,");
    await page.close();
  }, 120_000);

  it("bad input in the page: one line naming the feed or node at fault", async () => {
    const { page } = await openPage(plain);
    const doc = JSON.parse(readFileSync(join(ROOT, "graph-specs", "iris-mlp.json"), "utf8"));
    const key = Object.keys(doc.feed)[0];
    const one = { ...doc, feed: { ...doc.feed, [key]: { ...doc.feed[key], csv: "data/no-such.csv" } } };
    const message = await call(page, "loadError", one);
    expect(message).toBe(`SpecError: $.feed.${key}: cannot read data/no-such.csv: HTTP 404 (Not Found)`);
    const tiny = await call(page, "loadError", doc, { maxBytes: 1000 });
    // Refused from the file's Content-Length, before its body is read.
    expect(tiny).toBe("ResourceError: data file data/iris.csv needs 3.2 KB, more than the 1.0 KB available (the limit maxBytes sets)");
    await page.close();
  }, 120_000);
});
