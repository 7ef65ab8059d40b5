// The README's examples, taken from README.md itself: the TypeScript program compiles under `strict`
// against the package as installed (dist/*.d.ts through node_modules/hessflow) and runs; the spec
// example validates and runs with the CLI.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
