// The README's examples, taken from README.md itself: the TypeScript program compiles under `strict`
// against the package as installed (dist/*.d.ts through node_modules/hessflow) and runs; the spec
// example validates and runs with the CLI; every `$ npx hessflow ...` transcript is rerun and its lines
// must appear in the real output; the quick start's numbers, the op lists, the command list, the course
// table and the links are checked against the program and the repository.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_OPS } from "../src/ops/registry.js";
import { ensureDist } from "./dist.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const BIN = join(ROOT, "bin", "hessflow.mjs");

/** The first fenced block of the given language after the line starting with `marker`. */
function block(marker: string, lang: string): string {
  const at = README.indexOf(`\n${marker}`);
  if (at < 0) throw new Error(`README.md has no line starting with '${marker}'`);
  const m = new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "m").exec(README.slice(at));
  if (!m) throw new Error(`README.md has no \`\`\`${lang} block after '${marker}'`);
  return m[1];
}

/** Typings a consumer relies on: fetch results mirror fetches (null for null), gradients' overloads. */
const TYPE_CHECKS = `import { Graph, Session, add, gradients, type Node, type Tensor } from "hessflow";
const g = new Graph();
const x = g.placeholder([2], "x");
const y = add(x, 1);
const sess = new Session(g);
export const a: Tensor = sess.run(y, { x: [1, 2] });
export const b: (Tensor | null)[] = sess.run(gradients(y, [x]), { x: [1, 2] });
export const c: { p: Tensor; q: { r: (Tensor | null)[] }; n: null } = sess.run({ p: y, q: { r: gradients(y, [x]) }, n: null }, { x: [1, 2] });
export const d: [Tensor, Tensor] = sess.run([y, x] as const, { x: [1, 2] });
export const zeroFilled: Node[] = gradients(y, [x], { unconnected: "zero" });
// @ts-expect-error without unconnected: "zero" an entry may be null
export const maybeNull: Node[] = gradients(y, [x]);
// @ts-expect-error a fetched list of gradients may hold null
export const e: Tensor[] = sess.run(gradients(y, [x]), { x: [1, 2] });
// @ts-expect-error a string is no fetch
sess.run("y");
`;

/** The text of the README from the line starting with `start` up to the next line starting with `end`. */
function between(start: string, end: string): string {
  const at = README.indexOf(`\n${start}`);
  if (at < 0) throw new Error(`README.md has no line starting with '${start}'`);
  const stop = README.indexOf(`\n${end}`, at + 1);
  if (stop < 0) throw new Error(`README.md has no line starting with '${end}' after '${start}'`);
  return README.slice(at, stop);
}

/** The backticked identifiers of a prose list, leaving out everything in parentheses (arguments, remarks). */
function listedNames(text: string, pattern: RegExp): string[] {
  let s = text;
  for (let prev = ""; prev !== s;) { prev = s; s = s.replace(/\([^()]*\)/g, ""); }
  return [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((n) => pattern.test(n));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, "").replace(/ /g, "-");
}

/** Each transcript in the README: a ```text block's `$ npx hessflow ...` line and the output lines shown under it. */
function transcripts(): { argv: string[]; lines: string[] }[] {
  const out: { argv: string[]; lines: string[] }[] = [];
  for (const m of README.matchAll(/^```text\n\$ npx hessflow ([^\n]*)\n([\s\S]*?)^```/gm)) {
    const argv = m[1].replace(/#.*$/, "").trim().split(/\s+/);
    out.push({ argv, lines: m[2].split("\n").filter((l) => l.trim() !== "" && l.trim() !== "...") });
  }
  return out;
}

let dir = "";

beforeAll(() => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "hessflow-readme-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("README examples", () => {
  it("the TypeScript program compiles with tsc --strict against the installed package, and prints the b2 row", () => {
    // A consumer project: node_modules/hessflow is the repository (its package.json "types" and "main").
    const project = join(dir, "consumer");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(project, "node_modules", "hessflow"), "dir");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", outDir: "out", types: [] },
      files: ["main.ts", "types.ts"],
    }));
    const program = block("As a complete program", "ts");
    expect(program).toContain("from \"hessflow\"");
    writeFileSync(join(project, "main.ts"), program);
    writeFileSync(join(project, "types.ts"), TYPE_CHECKS);
    const tsc = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: project, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
    const run = spawnSync(process.execPath, [join(project, "out", "main.js")], { cwd: project, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^\[ 11, 11 \] \[\s*-0\.6637428/);
  }, 30_000);

  it("the spec example under 'Graph specs: the format' validates and runs", () => {
    const text = block("## Graph specs: the format", "json");
    const spec = JSON.parse(text);
    expect(spec.format).toBe("hessflow.graph/1");
    const file = join(dir, "readme-spec.json");
    writeFileSync(file, text);
    const validate = spawnSync(process.execPath, [BIN, "validate", file], { encoding: "utf8" });
    expect(validate.stderr).toBe("");
    expect(validate.stdout).toMatch(/^ok: .*\(10 nodes, 11 parameters\)\n$/);
    expect(validate.status).toBe(0);
    const run = spawnSync(process.execPath, [BIN, "run", file, "--json"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.fetch.L).toBeCloseTo(24.89406906, 7);
    expect(out.hessian.n).toBe(11);
  }, 30_000);
});

describe("README claims that could go stale", () => {
  it("every '$ npx hessflow ...' transcript's lines appear, in order, in what the command prints", () => {
    const work = join(dir, "transcripts");
    mkdirSync(work);
    symlinkSync(join(ROOT, "graph-specs"), join(work, "graph-specs"), "dir");
    // The diff transcript compares a run --json document with a copy whose gradients.w1[0,1] is changed by 1e-9.
    const run = spawnSync(process.execPath, [BIN, "run", "graph-specs/seed-two-layer-linear.json", "--json"], { cwd: work, encoding: "utf8" });
    expect(run.status).toBe(0);
    writeFileSync(join(work, "seed.json"), run.stdout);
    const other = JSON.parse(run.stdout);
    other.gradients.w1[0][1] += 1e-9;
    writeFileSync(join(work, "seed-other.json"), JSON.stringify(other));
    const all = transcripts();
    expect(all.map((t) => t.argv[0]).sort()).toEqual(["check", "compare", "diff", "spectrum", "train"]);
    for (const { argv, lines } of all) {
      const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: work, encoding: "utf8" });
      expect(r.status, argv.join(" ")).toBe(argv[0] === "diff" ? 1 : 0);
      const printed = (r.stdout + r.stderr).split("\n");
      let at = 0;
      for (const line of lines) {
        const found = printed.indexOf(line, at);
        expect(found, `'hessflow ${argv.join(" ")}' does not print, in this order, the README's line\n${line}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    }
  }, 60_000);

  it("the quick start's gradients and b2 row are what 'npm start' (hessflow run on the tutorial's spec) prints", () => {
    const r = spawnSync(process.execPath, [BIN, "run", "graph-specs/seed-two-layer-linear.json"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    const squash = (s: string) => s.replace(/\s+/g, " ").trim();
    const quick = between("## Quick start", "## The tutorial");
    const gradients = /gradients beginning `([^`]+)`/.exec(quick)?.[1];
    const b2 = /Hessian row for `b2`:\s*`([^`]+)`/.exec(quick)?.[1];
    expect(gradients && b2).toBeTruthy();
    expect(squash(r.stdout)).toContain(squash(gradients!));
    const row = r.stdout.split("\n").find((l) => l.startsWith("b2[0,0] |"));
    expect(squash(row!.replace("b2[0,0]", "").replace(/\|/g, ""))).toBe(squash(b2!));
  }, 30_000);

  it("the spec op list and the API op list are exactly the registry's public ops", () => {
    const ops = Object.keys(PUBLIC_OPS).sort();
    const spec = listedNames(between("* Ops are TF's names in snake_case", "  Attributes are TF's"), /^[a-z][a-z0-9_]*$/);
    expect([...new Set(spec)].sort()).toEqual(ops);
    const api = listedNames(between("* Ops: `matmul", "  Numbers and nested arrays"), /^[a-z][a-zA-Z0-9]*$/);
    const camel = ops.map((n) => n.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).sort();
    expect([...new Set(api)].sort()).toEqual(camel);
  });

  it("the command line section and the first screen name exactly the commands of 'hessflow help'", () => {
    const help = spawnSync(process.execPath, [BIN, "help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== "help" && c !== "version").sort();
    expect(commands.length).toBeGreaterThanOrEqual(9);
    const examples = block("## The command line", "sh");
    const shown = [...examples.matchAll(/^npx hessflow ([a-z]+) /gm)].map((m) => m[1]);
    expect([...new Set(shown)].sort()).toEqual(commands);
    const first = /`hessflow ([a-z |\n]+)`/.exec(between("Where to go next", "## The tutorial"))?.[1] ?? "";
    expect(first.split(/[\s|]+/).filter(Boolean).sort()).toEqual(commands);
  });

  it("the course table lists every spec in graph-specs/, and each once", () => {
    const table = between("### The course in `graph-specs/`", "## ");
    const listed = [...table.matchAll(/`([\w.-]+\.json)`/g)].map((m) => m[1]).sort();
    const files = readdirSync(join(ROOT, "graph-specs")).filter((f) => f.endsWith(".json")).sort();
    expect(listed).toEqual(files);
  });

  it("the playground's list is the course without the specs the README says it leaves out", () => {
    const left = /Left out of the list: ([^;]*);/.exec(between("## The playground", "## Spectra"))?.[1] ?? "";
    const out = [...left.matchAll(/`([\w-]+)`/g)].map((m) => `${m[1]}.json`);
    expect(out.length).toBeGreaterThan(0);
    const listed = [...readFileSync(join(ROOT, "web", "specs.js"), "utf8").matchAll(/"([\w-]+\.json)"/g)].map((m) => m[1]).sort();
    const course = readdirSync(join(ROOT, "graph-specs")).filter((f) => f.endsWith(".json") && !out.includes(f)).sort();
    expect(listed).toEqual(course);
  });

  it("every in-page link names a heading, and every relative link or image names a file", () => {
    const outside = README.replace(/^```[\s\S]*?^```/gm, "");
    const anchors = new Set([...outside.matchAll(/^#{1,6} (.*)$/gm)].map((m) => slug(m[1])));
    const links = [...outside.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) {
      if (link.startsWith("#")) expect(anchors.has(link.slice(1)), link).toBe(true);
      else if (!/^[a-z]+:/.test(link)) expect(existsSync(join(ROOT, link)), link).toBe(true);
    }
  });
});
