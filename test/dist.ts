// Tests that spawn the CLI or compile against the package need dist/: `npm test` builds it first;
// a test file run alone rebuilds it when it is missing or older than src/.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Newest modification time of the files under a directory. */
function newest(path: string): number {
  let t = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ with tsc unless it is there and newer than src/; throws with tsc's output when the build fails. */
export function ensureDist(): void {
  const entries = [join(ROOT, "dist", "cli", "main.js"), join(ROOT, "dist", "index.d.ts")];
  const src = newest(join(ROOT, "src"));
  if (entries.every((e) => existsSync(e) && statSync(e).mtimeMs >= src)) return;
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0 || !entries.every(existsSync)) throw new Error(`could not build dist/: ${r.stdout}${r.stderr}`);
}

/** What a spawned CLI process printed, and its exit code. */
export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/hessflow.mjs ARGS` from the repository root (HESSFLOW_DEBUG unset) and collects its output. */
export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, "bin", "hessflow.mjs"), ...args], { cwd: ROOT, env: { ...process.env, HESSFLOW_DEBUG: "" } });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Builds dist/ (ensureDist) and then dist/browser/ (scripts/build-browser.mjs: fast, and a no-op when it is current). */
export async function ensureBrowserBuild(): Promise<void> {
  ensureDist();
  const { buildBrowser } = (await import(join(ROOT, "scripts", "build-browser.mjs"))) as { buildBrowser(): { files: string[] } };
  buildBrowser();
}
