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
import * as libm from "../src/kernels/libm.js";
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

/** The probe: each function of `lib` (Math, or hessflow's libm) on 20,000 fixed arguments, as hex bits (the same source runs in Node and in the page). */
const PROBE = `(lib) => {
  const out = {}, xs = Array.from({ length: 20000 }, (_, i) => ((i * 7919) % 20000) / 1000 - 10 + i * 1e-9);
  for (const f of ["exp", "log", "log1p", "expm1", "tanh", "pow", "sin", "cos"]) {
    const y = Float64Array.from(xs, (x) => (f === "pow" ? lib.pow(Math.abs(x), 1.7) : f.startsWith("log") ? lib[f](Math.abs(x)) : lib[f](x)));
    out[f] = Array.from(new Uint8Array(y.buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return out;
}`;
/**
 * For each function, on how many of the probe's arguments the page's engine rounds differently from Node's: for Math.* (ECMAScript
 * leaves their last bit to the engine) and for hessflow's libm (dist/browser/kernels/libm.js in the page, src/kernels/libm.ts here).
 */
async function libmDifferences(page: Page): Promise<{ math: Record<string, number>; libm: Record<string, number> }> {
  const probe = (0, eval)(PROBE) as (lib: object) => Record<string, string>;
  const here = { math: probe(Math), libm: probe(libm) };
  const there = (await page.evaluate(`(async () => {
    const probe = ${PROBE};
    const libm = await import(new URL("/dist/browser/kernels/libm.js", location.href).href);
    return { math: probe(Math), libm: probe(libm) };
  })()`)) as typeof here;
  const count = (a: Record<string, string>, b: Record<string, string>) => Object.fromEntries(Object.keys(a).map((f) => {
    const x = fromBits(a[f]), y = fromBits(b[f]);
    return [f, x.reduce((n, v, i) => n + (Object.is(v, y[i]) ? 0 : 1), 0)];
  }));
  return { math: count(here.math, there.math), libm: count(here.libm, there.libm) };
}

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

  it("every course spec: the page's loss, gradients and exact Hessian are Node's, bit for bit (hessflow's libm: the same bits in both engines, where Math's are not)", async () => {
    const { page, errors } = await openPage(plain);
    const diff = await libmDifferences(page);
    expect(diff.libm).toEqual({ exp: 0, log: 0, log1p: 0, expm1: 0, tanh: 0, pow: 0, sin: 0, cos: 0 });
    const lines: string[] = [`On 20,000 arguments, Chromium and Node round differently: Math ${JSON.stringify(diff.math)}; hessflow's libm ${JSON.stringify(diff.libm)}`];
    for (const name of SPECS) {
      const [here, there] = await Promise.all([nodeResult(name), call(page, "run", name)]);
      expectSameBits(there, here, name);
      if (name === "mnist-mlp") {
        // 25,450 parameters: the 5.2 GB Hessian is refused before allocating, in the page (its 2 GiB default budget) as in Node (given the
        // same budget); loss, gradients and Hessian-vector products stand in for it.
        expect(there.refused).toMatch(/^the 25450×25450 Hessian needs 5\.2 GB, more than the 2\.1 GB available/);
        expect(there.hvp?.k).toBe(2);
      } else expect(there.hessian, name).toBeDefined();
      lines.push(`${name}: n=${there.hessian?.n ?? there.hvp?.n}, ${there.hessian ? `${Math.round(there.hessian.ms)} ms in the page` : "refused"}: identical bits`);
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
      expectSameBits(inWorker, await nodeResult(name), `${name} in a worker, against Node`);
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
      expectSameBits(strictResult, await nodeResult(name), `${name} under CSP, against Node`);
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
