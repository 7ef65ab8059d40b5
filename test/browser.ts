// Headless Chromium for the browser tests: the binary shipped inside the @sparticuz/chromium devDependency,
// driven through puppeteer-core over a pipe. Nothing is downloaded and no network is used; HESSFLOW_CHROMIUM=/path
// overrides the binary (e.g. a system /usr/bin/chromium).
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser } from "puppeteer-core";

/** Flags for a test browser that may run as root in a container with the network closed. */
const ARGS = [
  "--no-sandbox", // Chromium refuses to start as root with its sandbox on
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-domain-reliability",
  "--disable-quic",
  "--no-pings",
  "--no-first-run",
  "--no-default-browser-check",
];

/** Unpacks the Chromium shipped in @sparticuz/chromium (once per version) and returns the binary's path. */
async function bundledChromium(): Promise<string> {
  const pkg = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..");
  const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string };
  const dir = join(tmpdir(), `hessflow-chromium-${version}`);
  const bin = join(dir, "chromium");
  if (existsSync(bin)) return bin;
  // executablePath() inflates the brotli files into os.tmpdir(): point that at a private staging directory, then move
  // it into place in one rename, so a concurrent or interrupted run never leaves a half-written binary behind.
  // The argument is the package's own bin/ folder (a local path, never a URL, so nothing is fetched).
  const stage = mkdtempSync(`${dir}-unpacking-`);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = stage;
  try {
    const unpacked = await chromium.executablePath(join(pkg, "bin"));
    if (unpacked !== join(stage, "chromium")) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not ${stage}`);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(stage, dir);
  } catch (err) {
    rmSync(stage, { recursive: true, force: true });
    if (!existsSync(bin)) throw err; // another run that finished first is fine; anything else is not
  }
  return bin;
}

/** Launches headless Chromium ($HESSFLOW_CHROMIUM if set, else the bundled one); close it with closeChromium. */
export async function launchChromium(): Promise<Browser> {
  const override = process.env.HESSFLOW_CHROMIUM;
  if (override && !existsSync(override)) throw new Error(`HESSFLOW_CHROMIUM=${override}: no such file`);
  const executablePath = override || (await bundledChromium());
  return puppeteer.launch({ executablePath, headless: true, pipe: true, args: ARGS, timeout: 60_000 });
}

/** Closes a browser from launchChromium, killing its process if a clean close fails. */
export async function closeChromium(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  try {
    await browser.close();
  } finally {
    browser.process()?.kill("SIGKILL");
  }
}

/** Loads url in a new page with a width×height viewport and returns a PNG screenshot of that viewport. */
export async function screenshotPng(browser: Browser, url: string, width: number, height: number): Promise<Uint8Array> {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    await page.goto(url, { waitUntil: "load" });
    return await page.screenshot({ type: "png" });
  } finally {
    await page.close();
  }
}
