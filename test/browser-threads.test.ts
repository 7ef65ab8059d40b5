// The Web Worker pool of the browser build (webWorkerThreads, src/web-threads.ts) in a real Chromium: in a cross-origin isolated
// page the Hessian is spread over module Web Workers and is Node's single-thread Hessian bit for bit; without isolation the page
// computes on its own thread and says why; under a strict CSP (worker-src 'self', no 'unsafe-eval') the workers still run.
// HESSFLOW_SKIP_BROWSER=1 skips these tests (as the other browser tests).
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as hf from "../src/index.js";
import { BROWSER_DEFAULT_BYTES } from "../src/memory.js";
import { closeChromium, launchChromium } from "./browser.js";
import { ensureBrowserBuild, ROOT } from "./dist.js";
import { runCourseSpec } from "./fixtures/browser/harness.mjs";
// @ts-expect-error: a plain .mjs script without type declarations
import { serveStatic } from "../scripts/static-server.mjs";

const SKIP = process.env.HESSFLOW_SKIP_BROWSER === "1";
const PAGE = "test/fixtures/browser/page.html";
const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const STRICT_CSP = "default-src 'self'; script-src 'self'; worker-src 'self'";
/** Enough entries for b-1k's whole Hessian to come back as bits. */
const FULL = 2_000_000;

type Server = { url: string; close(): Promise<void> };
type Result = Awaited<ReturnType<typeof runCourseSpec>>;
type Pooled = { result: Result; reason: string | null; running: number; isolated: boolean };

/** Node's Hessian of a course spec on the calling thread (no pool): the reference. */
const nodeResult = async (name: string) => {
  const load = async (n: string) => hf.loadSpec(hf.readSpecFile(join(ROOT, "graph-specs", `${n}.json`)), { maxBytes: BROWSER_DEFAULT_BYTES });
  return runCourseSpec(hf, load, name, { fullEntries: FULL });
};

/** Asserts the page's result is Node's, bit for bit (the Hessian's every entry, loss, gradients), whatever the thread counts. */
function expectSameBits(page: Result, node: Result, where: string): void {
  expect(page.hessian?.bits, `${where}: the whole Hessian came back`).toBeDefined();
  if (page.hessian!.bits !== node.hessian!.bits) {
    const bytes = (hex: string) => new Float64Array(Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16)).buffer);
    const a = bytes(page.hessian!.bits!), b = bytes(node.hessian!.bits!);
    const i = a.findIndex((v, k) => !Object.is(v, b[k]));
    expect.fail(`${where}: Hessian entry ${i} differs: ${a[i]} in the page, ${b[i]} in Node`);
  }
  const strip = (r: Result) => ({ ...r, hessian: r.hessian && { ...r.hessian, ms: 0, workers: 0 } });
  expect(strip(page), where).toEqual(strip(node));
}

let browser: Browser | undefined;
let isolated: Server, plain: Server, strict: Server;
beforeAll(async () => {
  if (SKIP) return;
  await ensureBrowserBuild();
  isolated = await serveStatic({ root: ROOT, headers: ISOLATION });
  plain = await serveStatic({ root: ROOT });
  strict = await serveStatic({ root: ROOT, headers: { ...ISOLATION, "Content-Security-Policy": STRICT_CSP } });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await closeChromium(browser);
  await Promise.all([isolated?.close(), plain?.close(), strict?.close()]);
}, 60_000);

/** Opens the test page from a server; `workers` collects the URLs of the Web Workers it starts, `errors` its uncaught and console errors. */
async function openPage(server: Server): Promise<{ page: Page; workers: string[]; errors: string[] }> {
  const page = await browser!.newPage();
  const workers: string[] = [], errors: string[] = [];
  page.on("workercreated", (w) => workers.push(w.url()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(server.url + PAGE, { waitUntil: "load" });
  await page.waitForFunction(() => (window as unknown as { harness?: unknown }).harness !== undefined, { timeout: 60_000 });
  return { page, workers, errors };
}

/** window.harness.pooled(name, options) in the page. */
const pooled = (page: Page, name: string, options: object) =>
  page.evaluate((n, o) => (window as unknown as { harness: { pooled(n: string, o: object): Promise<Pooled> } }).harness.pooled(n, o), name, options);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe.skipIf(SKIP)("webWorkerThreads in Chromium", () => {
  it("cross-origin isolated: b-200, b-1k and tanh-mlp on 3 threads (2 Web Workers) are Node's single-thread Hessians, bit for bit", async () => {
    const { page, workers, errors } = await openPage(isolated);
    for (const name of ["b-200", "b-1k", "tanh-mlp"]) {
      const before = workers.length;
      const [there, here] = await Promise.all([pooled(page, name, { threads: { cores: 3 }, workers: 3, fullEntries: FULL }), nodeResult(name)]);
      expect(there.isolated, name).toBe(true);
      expect(there.reason, name).toBeNull();
      expect(here.hessian!.workers, `${name} in Node`).toBe(0);
      expect(there.result.hessian!.workers, name).toBe(3);
      expect(there.running, name).toBe(2);
      // Chromium's own count: the Web Workers this page started for this Hessian, all running the Hessian worker script.
      expect(workers.slice(before).filter((u) => u.endsWith("/dist/browser/session/web-hessian-worker.js")), name).toHaveLength(2);
      expectSameBits(there.result, here, `${name} with the pool`);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("not cross-origin isolated: no pool, the reason said, the Hessian computed on the page's thread (Node's bits)", async () => {
    const { page, workers, errors } = await openPage(plain);
    const there = await pooled(page, "b-200", { workers: 2, fullEntries: FULL });
    expect(there.isolated).toBe(false);
    expect(there.reason).toBe("not cross-origin isolated");
    expect(there.running).toBe(0);
    expect(there.result.hessian!.workers).toBe(0);
    expect(workers).toEqual([]);
    expectSameBits(there.result, await nodeResult("b-200"), "b-200 without isolation");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("under a strict CSP (script-src 'self', worker-src 'self', no 'unsafe-eval') the Web Workers run and give Node's bits", async () => {
    const { page, workers, errors } = await openPage(strict);
    expect(await page.evaluate(() => (window as unknown as { harness: { evalAllowed: boolean } }).harness.evalAllowed)).toBe(false);
    const there = await pooled(page, "tanh-mlp", { threads: { cores: 2 }, workers: 2, fullEntries: FULL });
    expect(there.result.hessian!.workers).toBe(2);
    expect(workers.filter((u) => u.endsWith("/dist/browser/session/web-hessian-worker.js"))).toHaveLength(1);
    expectSameBits(there.result, await nodeResult("tanh-mlp"), "tanh-mlp under CSP");
    // The only console errors are the CSP's reports of the page's own eval probe.
    expect(errors.filter((e) => !/unsafe-eval|Content Security Policy/i.test(e))).toEqual([]);
    await page.close();
  }, 60_000);

  it("a worker script that does not load: the Hessian fails with one line, it does not hang", async () => {
    const { page } = await openPage(isolated);
    // (A string: the test runner would rewrite a dynamic import() in a function.)
    const message = await page.evaluate(`(async () => {
      const hf = await import(new URL("/dist/browser/browser.js", location.href).href);
      const { pool } = hf.webWorkerThreads({ workerUrl: "/dist/browser/no-such-worker.js", cores: 2 });
      const g = new hf.Graph();
      const w = g.variable([[0.5, -1], [2, 0.25]], "w");
      try {
        await new hf.Session(g, { threads: pool }).hessian(hf.reduceSum(hf.square(hf.tanh(w))), [w], {}, { workers: 2 });
        return "computed";
      } catch (e) {
        return e.message;
      } finally {
        pool.release();
      }
    })()`);
    expect(message).toBe("Hessian worker failed to run: its script did not load");
    await page.close();
  }, 60_000);

  it("b-1k in the page: median of 5 Hessians on 1 thread and with the pool (printed; the pool's runs used ≥2 threads)", async () => {
    const { page } = await openPage(isolated);
    type Run = { ms: number; workers: number };
    const time = (withPool: boolean) => page.evaluate((p) => (window as unknown as { harness: { timings(n: string, k: number, p: boolean): Promise<Run[]> } }).harness.timings("b-1k", 5, p), withPool);
    const one = await time(false), pool = await time(true);
    expect(one.map((r) => r.workers)).toEqual([0, 0, 0, 0, 0]);
    for (const r of pool) expect(r.workers).toBeGreaterThanOrEqual(2);
    console.log(`b-1k in Chromium (hardwareConcurrency ${await page.evaluate(() => navigator.hardwareConcurrency)}): 1 thread ${median(one.map((r) => r.ms)).toFixed(0)} ms, pool ${median(pool.map((r) => r.ms)).toFixed(0)} ms (${pool[0].workers} threads), median of 5`);
    await page.close();
  }, 120_000);
});
