#!/usr/bin/env node
// Builds dist/browser/: the compiled modules that src/browser.ts reaches (statically or by import()), copied
// from dist/ with every bare import ("mathjs") rewritten to a relative path of a vendored ESM copy, so that
// the files load as they are in a page's <script type="module"> and in a module Web Worker (where import
// maps do not apply). The vendored copy wraps the package's own UMD bundle as a module (no eval, no bundler:
// it runs under a strict Content-Security-Policy). The Hessian's Web Worker script (session/web-hessian-worker.js) is
// copied with what it imports. A `node:` import reachable from the entry is an error.
// Idempotent: a file is rewritten only when its content changes, stale files are removed. Run after tsc
// (`npm run build`, `prepare`); tests call buildBrowser() (test/dist.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Bare imports the browser build provides: the UMD file wrapped and the names it exports besides default. */
const VENDOR = {
  mathjs: { file: "lib/browser/math.js", license: "lib/browser/math.js.LICENSE.txt", names: ["parse"] },
};

/** Static `import ... from "x"`, `export ... from "x"`, side-effect `import "x"` and `import("x")` with a literal. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)(["'])([^"']+)\2/gm;

/** Writes text to path unless it already holds it (temp file + rename); returns whether it wrote. */
function put(path, text) {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return true;
}

/** A relative module specifier from the file `from` to the file `to` (both under the same root). */
function relativeSpecifier(from, to) {
  const r = relative(dirname(from), to).split(sep).join("/");
  return r.startsWith(".") ? r : `./${r}`;
}

/** The ESM text of a vendored package: its UMD bundle run with a local `module`, exported as default and by name. */
function vendorModule(root, name, { file, license, names }) {
  const pkg = dirname(createRequire(join(root, "package.json")).resolve(name)).split(`${sep}node_modules${sep}${name}${sep}`)[0] + `${sep}node_modules${sep}${name}`;
  const source = readFileSync(join(pkg, file), "utf8");
  const notice = existsSync(join(pkg, license)) ? readFileSync(join(pkg, license), "utf8").trim().split("\n").map((l) => `// ${l}`).join("\n") : "";
  const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
  return [
    `// ${name} ${version} (${file}), wrapped as an ES module by scripts/build-browser.mjs.`,
    notice,
    "var module = { exports: {} }, exports = module.exports;",
    source,
    ";",
    "export default module.exports;",
    ...names.map((n) => `export const ${n} = module.exports.${n};`),
    "",
  ].join("\n");
}

/**
 * Builds dist/browser/ from dist/ (which tsc must have built) and returns what it did: the files it holds,
 * how many it wrote, and how many stale ones it removed.
 */
export function buildBrowser({ root = ROOT } = {}) {
  const dist = join(root, "dist"), out = join(dist, "browser");
  const entry = join(dist, "browser.js");
  if (!existsSync(entry)) throw new Error(`${relative(root, entry)} is missing: run tsc first`);
  const files = new Map(); // output path -> text
  // The Web Worker pool's script is started by URL (src/web-threads.ts), not imported: a second entry.
  const pending = [entry, join(dist, "session", "web-hessian-worker.js")];
  const seen = new Set(pending);
  const vendored = new Set();
  while (pending.length) {
    const file = pending.pop();
    const target = join(out, relative(dist, file));
    const text = readFileSync(file, "utf8").replace(SPECIFIER, (all, lead, quote, spec) => {
      if (spec.startsWith("./") || spec.startsWith("../")) {
        const dep = join(dirname(file), spec);
        if (!seen.has(dep)) { seen.add(dep); pending.push(dep); }
        return all;
      }
      if (spec.startsWith("node:")) throw new Error(`${relative(root, file)} imports ${spec}: the browser build must not reach Node's modules`);
      if (!Object.hasOwn(VENDOR, spec)) throw new Error(`${relative(root, file)} imports "${spec}", which the browser build does not vendor`);
      vendored.add(spec);
      return `${lead}${quote}${relativeSpecifier(target, join(out, "vendor", `${spec}.js`))}${quote}`;
    });
    files.set(target, text);
  }
  for (const name of vendored) files.set(join(out, "vendor", `${name}.js`), vendorModule(root, name, VENDOR[name]));
  let written = 0, removed = 0;
  for (const [path, text] of files) if (put(path, text)) written++;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!files.has(p) && !p.endsWith(".tmp")) { rmSync(p, { force: true }); removed++; } // .tmp: a concurrent build's file in flight
    }
  };
  walk(out);
  return { files: [...files.keys()].map((p) => relative(root, p)).sort(), written, removed };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files, written, removed } = buildBrowser();
  console.log(`dist/browser/: ${files.length} files (${written} written, ${removed} removed)`);
}
