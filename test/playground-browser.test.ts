// The playground page (web/) in headless Chromium, served by scripts/static-server.mjs: the tutorial's numbers,
// coloured heatmaps, switching specs, a broken editor, a strict CSP, responsiveness while b-200 and b-1k compute,
// and a weight slider. The browser is the one in the @sparticuz/chromium devDependency (test/browser.ts).
// HESSFLOW_PLAYGROUND_SCREENSHOT=docs/playground.png also saves a screenshot of the seed page (for the README).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateFile } from "../src/cli/validate.js";
import { parseJsonText } from "../src/spec/json-text.js";
import { loadSpec, readSpecFile } from "../src/spec/load.js";
import { runSpec } from "../src/spec/run.js";
import { hashBits } from "../src/playground/view.js";
import { closeChromium, launchChromium } from "./browser.js";
import { ensureBrowserBuild, ROOT } from "./dist.js";

const SKIP = process.env.HESSFLOW_SKIP_BROWSER === "1";
const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'";
/** The tutorial's printout: the Hessian row of b2 (README, seed-tutorial.md). */
const B2_ROW = "-0.66374288 0.59637048 -0.25202267 0.64072608 -0.57568997 0.24328321 -0.99810959 0.96349786 -0.64616702 1.79251289 1.00000000";

let browser: Browser | undefined;
let plain: { url: string; close(): Promise<void> } | undefined;
let strict: { url: string; close(): Promise<void> } | undefined;
let isolated: { url: string; close(): Promise<void> } | undefined;
const dirs: string[] = [];
const requested: string[] = []; // every URL the pages and their workers fetched

beforeAll(async () => {
  if (SKIP) return;
  await ensureBrowserBuild(); // dist/ and dist/browser/vendor/mathjs.js, which the worker imports for expr specs
  const { serveStatic } = await import("../scripts/static-server.mjs");
  plain = await serveStatic({ root: ROOT });
  strict = await serveStatic({ root: ROOT, headers: { "Content-Security-Policy": CSP } });
  // What `npm run playground` sends (scripts/playground.mjs): the page and its workers may share memory.
  isolated = await serveStatic({ root: ROOT, headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Content-Security-Policy": CSP } });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await closeChromium(browser);
  await plain?.close();
  await strict?.close();
  await isolated?.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
}, 60_000);

/** What the page noted while it ran: long main-thread tasks, CSP violations, uncaught errors. */
interface Watch { longtasks: number[]; violations: string[]; errors: string[]; shown: number[] }

/** Opens the playground (optionally on one spec) with observers registered before any of its scripts run. */
async function open(server: { url: string } | undefined, spec?: string): Promise<Page> {
  const page = await browser!.newPage();
  await page.setViewport({ width: 1500, height: 1000, deviceScaleFactor: 1 });
  await page.evaluateOnNewDocument(() => {
    const w = { longtasks: [] as number[], violations: [] as string[], errors: [] as string[], shown: [] as number[] };
    new MutationObserver((ms) => { for (const m of ms) w.shown.push(Number((m.target as HTMLElement).dataset.shown)); }).observe(document, { subtree: true, attributeFilter: ["data-shown"] });
    (globalThis as unknown as { __watch: Watch }).__watch = w;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longtasks.push(e.duration); }).observe({ type: "longtask", buffered: true });
    document.addEventListener("securitypolicyviolation", (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    addEventListener("error", (e) => w.errors.push(String(e.message)));
  });
  page.on("pageerror", (e) => { throw e; });
  page.on("request", (r) => requested.push(r.url()));
  await page.goto(new URL(`web/${spec ? `?spec=${spec}` : ""}`, server!.url).href, { waitUntil: "load" });
  return page;
}

/** Waits until the page has drawn the outcome of its newest request (a result or problems) and returns its state. */
async function settled(page: Page, after = 0, timeout = 60_000): Promise<string> {
  await page.waitForFunction((n) => {
    const b = document.body.dataset;
    return (b.state === "ready" || b.state === "invalid" || b.state === "error") && Number(b.shown ?? 0) > n;
  }, { timeout, polling: 20 }, after);
  return page.evaluate(() => `${document.body.dataset.state}: ${document.getElementById("status")!.textContent}`);
}

/** Picks a course spec from the list and waits for its outcome; returns the state. */
async function choose(page: Page, spec: string, timeout?: number): Promise<string> {
  const id = await shownId(page);
  await page.select("#spec", spec);
  return settled(page, id, timeout);
}

const shownId = (page: Page) => page.evaluate(() => Number(document.body.dataset.shown ?? 0));
const watch = (page: Page) => page.evaluate(() => (globalThis as unknown as { __watch: Watch }).__watch);

/** The Hessian table's row for an element label, as space-separated cell texts. */
const matrixRow = (page: Page, label: string) => page.evaluate((l) => {
  const row = [...document.querySelectorAll("#matrix tr")].find((tr) => tr.querySelector("th")?.textContent === l);
  return row ? [...row.querySelectorAll("td")].map((td) => td.textContent).join(" ") : null;
}, label);

/** The fetched loss on the page. */
const loss = (page: Page) => page.$eval("#fetch-L .big", (e) => e.textContent);

/** The numbers Node computes for a spec document: the loss and the hash of the exact Hessian's bits. */
async function inNode(doc: unknown): Promise<{ loss: number; hash: string }> {
  const r = await runSpec(loadSpec(doc));
  return { loss: r.fetch.find((f) => f.name === "L")!.value.data[0], hash: hashBits(r.hessian!.exact) };
}
const specDoc = (name: string) => JSON.parse(readFileSync(join(ROOT, "graph-specs", name), "utf8"));

/** Replaces the editor's text as typing would (an input event). */
const typeText = (page: Page, text: string) => page.evaluate((t) => {
  const e = document.getElementById("editor") as HTMLTextAreaElement;
  e.value = t;
  e.dispatchEvent(new Event("input", { bubbles: true }));
}, text);

describe.skipIf(SKIP)("the playground page in headless Chromium", () => {
  it("shows the tutorial's numbers, the verdict and coloured heatmaps for the seed spec", async () => {
    const page = await open(plain);
    expect(await settled(page)).toMatch(/^ready/);
    expect(await matrixRow(page, "b2[0,0]")).toBe(B2_ROW);
    const node = await inNode(specDoc("seed-two-layer-linear.json"));
    expect(Number(await loss(page))).toBeCloseTo(node.loss, 8);
    expect(await page.$eval("#timing", (e) => (e as HTMLElement).dataset.hash)).toBe(node.hash); // the same bits as Node
    const text = await page.$eval("#result", (e) => e.textContent!);
    expect(text).toContain("indefinite");
    expect(text).toContain("positive semi-definite");
    expect(text).toContain("2 negative, 3 zero, 6 positive"); // the exact H (README, JAX reference)
    expect(text).toContain("0 negative, 4 zero, 7 positive"); // the tf.hessians blocks
    expect(text).toContain("85.4%");
    expect(text).toContain("the saddle is invisible to it");
    // The exact panel's cells: both signs present, as a saddle's Hessian must have; hatched blocks in the tf panel.
    const fills = await page.$$eval(".panel-exact rect[fill^='#']", (rs) => rs.map((r) => r.getAttribute("fill")!));
    expect(fills.length).toBe(121);
    const rgb = (h: string) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
    const red = fills.filter((f) => { const [r, , b] = rgb(f); return r > b; }).length;
    const blue = fills.filter((f) => { const [r, , b] = rgb(f); return b > r; }).length;
    expect(red).toBeGreaterThan(20);
    expect(blue).toBeGreaterThan(20);
    expect(await page.$$eval(".panel-tf rect[fill='url(#hf-hatch)']", (rs) => rs.length)).toBe(4 * 3);
    // In the table too: all but the 6² + 2² + 2² + 1² entries of the diagonal blocks are never computed by tf.hessians.
    expect(await page.$$eval("#matrix td.dropped", (tds) => tds.length)).toBe(121 - 36 - 4 - 4 - 1);
    expect(await page.$$eval("#spectra circle.negative", (cs) => cs.length)).toBe(2);
    if (process.env.HESSFLOW_PLAYGROUND_SCREENSHOT) {
      await page.setViewport({ width: 1500, height: 1180, deviceScaleFactor: 1 });
      writeFileSync(process.env.HESSFLOW_PLAYGROUND_SCREENSHOT, await page.screenshot({ type: "png" }));
    }
    expect((await watch(page)).errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("switching to another course spec updates the numbers (the same bits as Node)", async () => {
    const page = await open(plain);
    await settled(page);
    const before = await loss(page);
    expect(await choose(page, "tanh-mlp.json")).toMatch(/^ready/);
    const node = await inNode(specDoc("tanh-mlp.json"));
    const after = await loss(page);
    expect(after).not.toBe(before);
    expect(Number(after)).toBeCloseTo(node.loss, 8);
    expect(await page.$eval("#timing", (e) => (e as HTMLElement).dataset.hash)).toBe(node.hash);
    expect(await page.$eval("#title", (e) => e.textContent)).toBe("tanh-mlp: 17 parameters");
    expect(await matrixRow(page, "b2[0,0]")).not.toBe(B2_ROW);
    expect(requested.filter((u) => u.includes("mathjs"))).toEqual([]); // no expr node so far: mathjs not loaded

    // The tutorial's network written with expr nodes: mathjs is imported now, and the numbers are the tutorial's.
    expect(await choose(page, "expr-tutorial.json")).toMatch(/^ready/);
    expect(requested.filter((u) => u.includes("mathjs")).length).toBe(1);
    expect(await matrixRow(page, "b2[0,0]")).toBe(B2_ROW);

    // Real data from a CSV file, fetched relative to the spec.
    expect(await choose(page, "iris-mlp.json")).toMatch(/^ready/);
    expect(requested.some((u) => u.endsWith("/graph-specs/data/iris.csv"))).toBe(true);
    const iris = await inNode(readSpecFile(join(ROOT, "graph-specs", "iris-mlp.json"))); // its data file relative to the spec
    // The same bits too, though softmax needs exp and log: hessflow's own fdlibm-derived libm, not the engine's Math.
    expect(Number(await loss(page))).toBeCloseTo(iris.loss, 8);
    expect(await page.$eval("#timing", (e) => (e as HTMLElement).dataset.hash)).toBe(iris.hash);
    await page.close();
  }, 120_000);

  it("a malformed JSON shows one error with its path and keeps the last good result; a bad spec lists validate's problems", async () => {
    const page = await open(plain);
    await settled(page);
    const good = await page.$eval("#editor", (e) => (e as HTMLTextAreaElement).value);
    const broken = good.replace('"name": "seed",', '"name": "seed",,');
    let id = await shownId(page);
    await typeText(page, broken);
    expect(await settled(page, id)).toMatch(/^invalid/);
    const problems = await page.$$eval("#problems li", (lis) => lis.map((li) => ({ path: (li as HTMLElement).dataset.path, text: (li as HTMLElement).dataset.line })));
    let expected = "";
    try { parseJsonText(broken, "seed-two-layer-linear.json"); } catch (e) { expected = (e as Error).message; }
    expect(expected).toMatch(/^seed-two-layer-linear\.json:4:18: invalid JSON: /);
    expect(problems).toEqual([{ path: "$", text: expected }]);
    expect(await page.$eval("#problems li", (li) => li.textContent)).toBe(`$ ${expected}`);
    expect(await matrixRow(page, "b2[0,0]")).toBe(B2_ROW); // the last good result stays
    expect(await page.$eval("#stale-note", (e) => (e as HTMLElement).hidden)).toBe(false);

    // A document that parses but is wrong: the same problems, paths and lines as `hessflow validate` on a file.
    const wrong = good.replace('"op":"matmul","inputs":["w1","X"]', '"op":"matmul","inputs":["w1","XX"]').replace('"ys":"L"', '"ys":"LL"');
    const dir = mkdtempSync(join(tmpdir(), "hessflow-playground-"));
    dirs.push(dir);
    writeFileSync(join(dir, "wrong.json"), wrong);
    const v = validateFile(join(dir, "wrong.json"));
    expect(v.problems.length).toBeGreaterThanOrEqual(2);
    id = await shownId(page);
    await typeText(page, wrong);
    expect(await settled(page, id)).toMatch(/^invalid/);
    const listed = await page.$$eval("#problems li", (lis) => lis.map((li) => [(li as HTMLElement).dataset.path, li.textContent]));
    const { formatProblem } = await import("../src/spec/load.js");
    expect(listed).toEqual(v.problems.map((p) => [p.path, formatProblem(p)]));
    expect(await matrixRow(page, "b2[0,0]")).toBe(B2_ROW);

    id = await shownId(page);
    await typeText(page, good);
    expect(await settled(page, id)).toMatch(/^ready/);
    expect(await page.$eval("#problems", (e) => (e as HTMLElement).hidden)).toBe(true);
    await page.close();
  }, 120_000);

  it("computes under a strict Content-Security-Policy (no unsafe-eval, no inline code or styles), raster heatmaps included", async () => {
    expect((await fetch(new URL("web/", strict!.url))).headers.get("content-security-policy")).toBe(CSP);
    const page = await open(strict, "b-200.json");
    expect(await settled(page)).toMatch(/^ready/);
    expect(await page.$eval("#title", (e) => e.textContent)).toBe("b-200: 193 parameters");
    // n = 193 draws pixels into canvases: red and blue pixels in the exact panel's canvas.
    const counts = await page.evaluate(() => {
      const c = document.querySelector(".panel-exact canvas") as HTMLCanvasElement;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let red = 0, blue = 0;
      for (let i = 0; i < d.length; i += 4) { if (d[i] > d[i + 2] + 40) red++; if (d[i + 2] > d[i] + 40) blue++; }
      return { red, blue, size: c.width };
    });
    expect(counts.size).toBe(193);
    expect(counts.red).toBeGreaterThan(1000);
    expect(counts.blue).toBeGreaterThan(1000);
    expect(await choose(page, "seed-two-layer-linear.json")).toMatch(/^ready/);
    expect(await matrixRow(page, "b2[0,0]")).toBe(B2_ROW);
    expect(await choose(page, "expr-tutorial.json")).toMatch(/^ready/); // mathjs's vendored module runs under the CSP too
    expect(await matrixRow(page, "b2[0,0]")).toBe(B2_ROW);
    const w = await watch(page);
    expect(w.violations).toEqual([]);
    expect(w.errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("cross-origin isolated, the worker spreads the Hessian over nested Web Workers (threads: 2, Node's bits); otherwise it says why it used 1 thread", async () => {
    const page = await open(isolated, "b-200.json");
    expect(await settled(page)).toMatch(/^ready/);
    // Small Hessians run on the worker's own thread ("auto"); b-1k's first one starts a pool worker in the background, which the next uses.
    expect(await page.$eval("#timing", (e) => (e as HTMLElement).dataset.threads)).toBe("threads: 1");
    expect(await choose(page, "b-1k.json", 90_000)).toMatch(/^ready/);
    expect(await choose(page, "b-200.json")).toMatch(/^ready/);
    expect(await choose(page, "b-1k.json", 90_000)).toMatch(/^ready/);
    expect(await page.$eval("#timing", (e) => (e as HTMLElement).dataset.threads)).toBe("threads: 2");
    expect(await page.$eval("#timing", (e) => e.textContent)).toMatch(/^Hessian \d+ ms, threads: 2; everything/);
    expect(await page.$eval("#timing", (e) => (e as HTMLElement).dataset.hash)).toBe((await inNode(specDoc("b-1k.json"))).hash);
    const w = await watch(page);
    expect([w.violations, w.errors]).toEqual([[], []]);
    await page.close();
    const alone = await open(plain, "b-200.json");
    expect(await settled(alone)).toMatch(/^ready/);
    expect(await alone.$eval("#timing", (e) => (e as HTMLElement).dataset.threads)).toBe("1 thread (not cross-origin isolated)");
    await alone.close();
  }, 180_000);

  it("stays responsive while b-200 and b-1k compute: no main-thread task over 200 ms", async () => {
    const page = await open(plain, "b-200.json");
    expect(await settled(page)).toMatch(/^ready/);
    const id = await shownId(page);
    await page.select("#spec", "b-1k.json");
    // While b-1k computes, the page answers at once.
    const ping = await page.evaluate(() => { const t = performance.now(); return new Promise<number>((r) => setTimeout(() => r(performance.now() - t), 0)); });
    expect(await page.evaluate(() => document.body.dataset.state)).toMatch(/^(loading|computing)$/);
    expect(ping).toBeLessThan(100);
    expect(await settled(page, id, 90_000)).toMatch(/^ready/);
    expect(await page.$eval("#title", (e) => e.textContent)).toBe("b-1k: 1217 parameters");
    const { longtasks } = await watch(page);
    const longest = Math.max(0, ...longtasks);
    console.log(`playground: main-thread tasks over 50 ms while b-200 and b-1k computed: ${longtasks.length}, the longest ${longest.toFixed(0)} ms`);
    expect(longest).toBeLessThan(200);
    // The observer was listening: a deliberate 120 ms task on the main thread (a timer's) is seen.
    await page.evaluate(() => new Promise<void>((done) => setTimeout(() => { const t = performance.now(); while (performance.now() - t < 120); done(); }, 0)));
    await page.waitForFunction(() => (globalThis as unknown as { __watch: Watch }).__watch.longtasks.some((d) => d >= 100), { timeout: 5000 });
    await page.close();
  }, 180_000);

  it("moving a weight slider edits the spec, recomputes and changes the loss (as Node computes it)", async () => {
    const page = await open(plain);
    await settled(page);
    const before = await loss(page);
    const id = await shownId(page);
    // The range snaps to its steps: the value written into the spec is the one its number field shows.
    const moved = await page.evaluate(() => {
      const row = document.querySelector('[data-entry="variable:w1[0,0]"]')!;
      const range = row.querySelector("input[type=range]") as HTMLInputElement;
      range.value = "0.5";
      range.dispatchEvent(new Event("input", { bubbles: true }));
      return Number((row.querySelector("input[type=number]") as HTMLInputElement).value);
    });
    expect(Math.abs(moved - 0.5)).toBeLessThan(0.01);
    expect(await settled(page, id)).toMatch(/^ready/);
    const text = await page.$eval("#editor", (e) => (e as HTMLTextAreaElement).value);
    const doc = JSON.parse(text);
    expect(doc.nodes.find((n: { name: string }) => n.name === "w1").value[0]).toEqual([moved, -0.62680877, 0.19602057]);
    const after = await loss(page);
    expect(after).not.toBe(before);
    const seed = specDoc("seed-two-layer-linear.json");
    seed.nodes.find((n: { name: string }) => n.name === "w1").value[0][0] = moved;
    expect(doc).toEqual(seed); // nothing else in the spec changed
    expect(Number(after)).toBeCloseTo((await inNode(seed)).loss, 8);
    await page.close();
  }, 120_000);

  it("the newest edit wins: rapid edits skip the stale ones and draw only newer results", async () => {
    const page = await open(plain, "b-200.json");
    await settled(page);
    const id = await shownId(page);
    const postedBefore = await page.evaluate(() => Number(document.body.dataset.posted));
    // Twenty edits in one go (a slider dragged fast): each value is typed into the number field.
    const last = await page.evaluate(() => {
      const field = document.querySelector('[data-entry="variable:w1[0,0]"] input[type=number]') as HTMLInputElement;
      let v = 0;
      for (let k = 1; k <= 20; k++) {
        v = k / 10;
        field.value = String(v);
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
      return v;
    });
    expect(await settled(page, id)).toMatch(/^ready/);
    const posted = (await page.evaluate(() => Number(document.body.dataset.posted))) - postedBefore;
    expect(posted).toBeGreaterThanOrEqual(1);
    expect(posted).toBeLessThanOrEqual(2); // the first edit, then only the newest waiting one
    expect(await shownId(page)).toBe(id + 20);
    const { shown } = await watch(page);
    expect(shown).toEqual([...shown].sort((a, b) => a - b)); // never an older result over a newer one
    const doc = JSON.parse(await page.$eval("#editor", (e) => (e as HTMLTextAreaElement).value));
    expect(doc.nodes.find((n: { name: string }) => n.name === "w1").value[0][0]).toBe(last);
    expect(Number(await loss(page))).toBeCloseTo((await inNode(doc)).loss, 8);
    await page.close();
    // Offline: nothing the pages and their workers fetched in this file came from anywhere but the local servers.
    expect(requested.length).toBeGreaterThan(20);
    expect(requested.filter((u) => ![plain!.url, strict!.url, isolated!.url].some((local) => u.startsWith(local)))).toEqual([]);
  }, 120_000);
});
