// `npm start` after `npm install` compiles once (prepare), not twice: start builds only a stale dist/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCRIPT = join(ROOT, "scripts", "build-if-stale.mjs");
const dir = mkdtempSync(join(tmpdir(), "hessflow-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });

describe("npm start", () => {
  it("has no prestart build; prepare builds on install (dist/ and the browser build dist/browser/), start builds only through the staleness check", () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
    expect(scripts.prestart).toBeUndefined();
    expect(scripts.prepare).toBe("tsc -p tsconfig.json && node scripts/build-browser.mjs");
    expect(scripts.start).toMatch(/^node scripts\/build-if-stale\.mjs && node bin\/hessflow\.mjs run /);
  });

  it("builds a missing dist/, leaves an up-to-date one alone, and rebuilds after a source change", () => {
    const project = join(dir, "p");
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: "src", module: "NodeNext", target: "ES2022", types: [] }, include: ["src/**/*.ts"] }));
    writeFileSync(join(project, "src", "index.ts"), "export const a: number = 1;\n");
    const entry = join(project, "dist", "index.js");
    expect(check(project).status).toBe(0);
    expect(readFileSync(entry, "utf8")).toContain("a = 1");
    // Make the build look old but still newer than the sources: nothing to do, the file stays untouched.
    utimesSync(join(project, "src", "index.ts"), new Date(1_000_000), new Date(1_000_000));
    utimesSync(join(project, "tsconfig.json"), new Date(1_000_000), new Date(1_000_000));
    utimesSync(entry, new Date(2_000_000), new Date(2_000_000));
    expect(check(project).status).toBe(0);
    expect(statSync(entry).mtimeMs).toBe(2_000_000);
    // A source newer than the build: rebuilt.
    writeFileSync(join(project, "src", "index.ts"), "export const a: number = 2;\n");
    expect(check(project).status).toBe(0);
    expect(readFileSync(entry, "utf8")).toContain("a = 2");
  }, 30_000);

  it("a type error fails the check (and so npm start)", () => {
    const project = join(dir, "bad");
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: "src", noEmitOnError: true, types: [] }, include: ["src/**/*.ts"] }));
    writeFileSync(join(project, "src", "index.ts"), "export const a: number = \"x\";\n");
    expect(check(project).status).not.toBe(0);
    expect(existsSync(join(project, "dist", "index.js"))).toBe(false);
  }, 30_000);
});
