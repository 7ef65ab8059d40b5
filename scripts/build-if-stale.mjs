#!/usr/bin/env node
// Builds dist/ with tsc only when it is missing or older than src/ or tsconfig.json, so that
// `npm start` after `npm install` (whose prepare script has just built) does not compile again.
// Usage: node scripts/build-if-stale.mjs [project root, default: this repository]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, ".."));

/** Newest modification time of the files under a path. */
function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

const entry = join(root, "dist", "index.js");
const sources = Math.max(newest(join(root, "src")), newest(join(root, "tsconfig.json")));
if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
  const tsc = join(here, "..", "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { cwd: root, stdio: "inherit" });
  process.exitCode = r.status ?? 1;
}
