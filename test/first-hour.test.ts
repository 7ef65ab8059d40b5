// Issue 7's reproducers, one group per numbered item: what a new user hit in the first hour, and what
// 3,000 hostile specs found. Each runs the CLI (in-process through main() where a process is not
// needed, spawned where the process itself matters: pipes, signals, limits, the environment).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "./dist.js";
import { main } from "../src/cli/main.js";
import { closest, escapeControl, oneLine, q } from "../src/messages.js";
import { parseBytes } from "../src/memory.js";
import { firstSyntaxError } from "../src/spec/json-text.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "hessflow.mjs");
const SEED = join(ROOT, "graph-specs", "seed-two-layer-linear.json");
const B1K = join(ROOT, "graph-specs", "b-1k.json");
let dir = "";

beforeAll(() => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "hessflow-first-hour-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

/** main() in-process, with its output captured. */
async function run(...args: string[]): Promise<Run> {
  let stdout = "", stderr = "";
  const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** The CLI as a process; `shell` wraps the command (for ulimit and pipes). */
function spawnCli(args: string[], env: Record<string, string> = {}, shell?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const p = shell ? spawn("bash", ["-c", shell.replace("CMD", cmd)], { env: { ...process.env, ...env } }) : spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A spec document with the given nodes, feed and outputs. */
function spec(nodes: unknown[], outputs: unknown = { fetch: ["L"] }, feed?: unknown): Record<string, unknown> {
  return { format: "hessflow.graph/1", name: "t", nodes, ...(feed === undefined ? {} : { feed }), outputs };
}

/** Writes a spec (an object, or raw text) to a temp file and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** The failure contract: the given exit code, one sanitised stderr line, nothing on stdout. */
function expectFailure(r: Run, code: number, names: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^hessflow: /);
  // eslint-disable-next-line no-control-regex
  expect(r.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f]/);
  expect(r.stderr.length).toBeLessThan(1000);
  expect(r.stderr).toMatch(names);
}

describe("4. --workers", () => {
  it("accepts 'auto' (the documented default)", async () => {
    const r = await run("run", SEED, "--workers", "auto", "--json", "--summary");
    expect(r.code, r.stderr).toBe(0);
  });

  it("caps a request above the core count instead of starting one thread per request", async () => {
    const r = await spawnCli(["run", B1K, "--workers", "64", "--summary"]);
    expect(r.code, r.stderr).toBe(0);
    const threads = Number(/(\d+) threads/.exec(r.stdout)?.[1] ?? 1);
    expect(threads).toBeLessThanOrEqual(availableParallelism());
  });

  it("rejects 0 and non-numbers as the user's mistake", async () => {
    expectFailure(await run("run", SEED, "--workers", "0"), 1, /--workers must be 'auto' or a positive integer, got '0'/);
    expectFailure(await run("run", SEED, "--workers", "two"), 1, /got 'two'/);
  });
});

describe("5. help and version", () => {
  it("`run --help` prints the run command's usage and exits 0", async () => {
    const r = await run("run", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: hessflow run SPEC\.json \[options\]/);
    expect(r.stdout).toMatch(/--strict-finite/);
    expect(r.stderr).toBe("");
  });

  it("`--version` prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const flag of ["--version", "version"]) expect((await run(flag)).stdout).toBe(`hessflow ${version}\n`);
  });

  it("an unknown option is named with the command's help", async () => {
    expectFailure(await run("run", SEED, "--fast"), 1, /^hessflow: unknown option '--fast' for 'run' \(see 'hessflow run --help'\)$/m);
    expectFailure(await run("compare", SEED, "--mode"), 1, /option '--mode' needs a value/);
  });
});

describe("6. a closed pipe ends the CLI quietly", () => {
  it("graph --dot --gradients | head -1", async () => {
    const r = await spawnCli(["graph", SEED, "--dot", "--gradients"], {}, "CMD | head -1; echo \"exit=${PIPESTATUS[0]}\"");
    expect(r.stdout).toMatch(/^digraph .*\nexit=0\n$/);
    expect(r.stderr).toBe("");
  });

  it("run b-1k --json | head -c 50", async () => {
    const r = await spawnCli(["run", B1K, "--json"], {}, "CMD | head -c 50; echo; echo \"exit=${PIPESTATUS[0]}\"");
    expect(r.stdout).toMatch(/^\{"name":"b-1k".*\nexit=0\n$/s);
    expect(r.stderr).toBe("");
  });
});

describe("7. text output", () => {
  it("prints rank-1 tensors as 8-decimal values, like the tables", async () => {
    const path = file("vector.json", spec([{ name: "w", op: "variable", value: [0.5, -1.25, 2] }, { name: "L", expr: "w * 2" }]));
    const r = await run("run", path);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^L \[3\]:\n +1\.00000000 +-2\.50000000 +4\.00000000$/m);
  });

  it("states a big matrix's size once, with ×", async () => {
    const r = await run("run", B1K, "--workers", "1");
    expect(r.stdout.match(/1217.1217/g)).toEqual(["1217×1217"]);
  });

  it("never prints -0.00000000", async () => {
    const path = file("tiny.json", spec([{ name: "w", op: "variable", value: [-1e-12, 1e-12] }, { name: "L", expr: "w * 1" }]));
    const r = await run("run", path);
    expect(r.stdout).toMatch(/ 0\.00000000 +0\.00000000/);
    expect(r.stdout).not.toMatch(/-0\.00000000/);
    expect((await run("compare", SEED)).stdout).not.toMatch(/-0\.00000000/);
  });
});

describe("8. files and the environment", () => {
  it("a missing file is named without a '$:' prefix, by run and by validate", async () => {
    const missing = join(dir, "my-spec.json");
    expectFailure(await run("run", missing), 1, /^hessflow: cannot read .*my-spec\.json: no such file$/m);
    const v = await run("validate", missing);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^cannot read .*my-spec\.json: no such file\n$/);
  });

  it("a malformed HESSFLOW_MAX_BYTES is an error, not ignored", async () => {
    const r = await spawnCli(["run", SEED], { HESSFLOW_MAX_BYTES: "abc" });
    expectFailure(r, 1, /HESSFLOW_MAX_BYTES must be a positive number of bytes .*got 'abc'/);
    expect(parseBytes("4G")).toBe(4e9);
    expect(parseBytes("512MiB")).toBe(512 * 2 ** 20);
    expect(() => parseBytes("-5")).toThrow(/HESSFLOW_MAX_BYTES/);
  });
});

describe("12. rejections name what is at fault (no internal errors)", () => {
  it("feeds nested 2,000 deep", async () => {
    const text = JSON.stringify(spec([{ name: "X", op: "placeholder" }, { name: "L", op: "reduce_sum", inputs: ["X"] }], { fetch: ["L"] }, { X: "@" }));
    const path = file("deep.json", text.replace('"@"', "[".repeat(2000) + "1" + "]".repeat(2000)));
    expectFailure(await run("run", path), 1, /^hessflow: \$\.feed\.X(\[0\])+: nested more than 64 levels deep/);
    const v = await run("validate", path);
    expect(v.code).toBe(1);
  });

  it("a chain of 3,000 nodes listed consumer-first runs (iterative build)", async () => {
    const nodes: unknown[] = [{ name: "L", op: "reduce_sum", inputs: ["n2999"] }];
    for (let i = 2999; i > 0; i--) nodes.push({ name: `n${i}`, op: "tanh", inputs: [`n${i - 1}`] });
    nodes.push({ name: "n0", op: "variable", value: [0.5, 1] });
    const path = file("chain.json", spec(nodes, { fetch: ["L"], hessian: { ys: "L", xs: ["n0"] } }));
    const r = await run("run", path, "--json");
    expect(r.code, r.stderr).toBe(0);
    // tanh applied 2,999 times to 0.5 and 1 (computed directly).
    let a = 0.5, b = 1;
    for (let i = 0; i < 2999; i++) { a = Math.tanh(a); b = Math.tanh(b); }
    expect(JSON.parse(r.stdout).fetch.L).toBeCloseTo(a + b, 12);
  });

  it("a cycle through 3,000 nodes is reported, not a stack overflow", async () => {
    const nodes: unknown[] = [{ name: "L", op: "reduce_sum", inputs: ["n2999"] }];
    for (let i = 2999; i > 0; i--) nodes.push({ name: `n${i}`, op: "tanh", inputs: [`n${i - 1}`] });
    nodes.push({ name: "n0", op: "tanh", inputs: ["n2999"] });
    expectFailure(await run("run", file("cycle.json", spec(nodes))), 1, /cycle n\d+ → /);
  });

  it("an expr of 20,000 terms, and 5,000 nested parentheses", async () => {
    const terms = file("terms.json", spec([{ name: "w", op: "variable", value: [1] }, { name: "L", expr: Array(20000).fill("w").join("+") }]));
    expectFailure(await run("run", terms), 1, /node 'L'\): expr nests 20000 levels deep, more than 200; split it into several nodes/);
    const parens = file("parens.json", spec([{ name: "w", op: "variable", value: [1] }, { name: "L", expr: "(".repeat(5000) + "w" + ")".repeat(5000) }]));
    expectFailure(await run("validate", parens, "--json").then((r) => ({ ...r, stdout: "", stderr: `hessflow: ${JSON.parse(r.stdout).problems[0].message}\n` })), 1, /5000 levels of brackets/);
  });

  it("reshape(w) and slice(w) in an expr", async () => {
    for (const op of ["reshape", "slice"]) {
      const path = file(`${op}.json`, spec([{ name: "w", op: "variable", value: [1, 2] }, { name: "L", expr: `reduce_sum(${op}(w))` }]));
      expectFailure(await run("run", path), 1, new RegExp(`node 'L'\\): ${op} cannot be used in expr \\(it needs attributes\\); use an op node`));
    }
  });

  it("an expr op with one trailing attribute given two numbers (softmax(x, 0, 1)) is refused; reduce_sum's axes may be a list", async () => {
    const two = file("softmax-two.json", spec([{ name: "w", op: "variable", value: [[1, 2], [3, 4]] }, { name: "L", expr: "reduce_sum(softmax(w, 0, 1))" }]));
    expectFailure(await run("run", two), 1, /node 'L'\): softmax\(\) takes one trailing number \(its axis\), got 2: 0, 1/);
    const axes = file("sum-axes.json", spec([{ name: "w", op: "variable", value: [[1, 2], [3, 4]] }, { name: "L", expr: "reduce_sum(w, 0, 1)" }]));
    expect((await run("run", axes)).code).toBe(0);
  });

  it("compare on a Hessian with infinite entries names the node that made them", async () => {
    const path = file("inf-compare.json", spec(
      [{ name: "X", op: "placeholder", shape: [2] }, { name: "w", op: "variable", value: [1, 2] }, { name: "sq", expr: "square(X * w)" }, { name: "L", expr: "reduce_sum(sq)" }],
      { fetch: ["L"], hessian: { ys: "L", xs: ["w"] } }, { X: [1e200, 1] }));
    expectFailure(await run("compare", path), 1, /node 'sq' \(square\) produced \+Infinity: the Hessian has NaN or ±Infinity entries, so it cannot be compared/);
  });

  it("gradients with empty ys: validate and run agree", async () => {
    const path = file("noys.json", spec([{ name: "w", op: "variable", value: [1] }, { name: "L", op: "reduce_sum", inputs: ["w"] }], { fetch: ["L"], gradients: { ys: [], xs: ["w"] } }));
    expectFailure(await run("run", path), 1, /\$\.outputs\.gradients\.ys: expected at least 1 item, got 0/);
    const v = await run("validate", path);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/\$\.outputs\.gradients\.ys: expected at least 1 item, got 0/);
  });
});

describe("13. bounded work for hints and messages", () => {
  it("no 'did you mean' for huge names, and at most one edit per three characters otherwise", () => {
    const long = "a".repeat(30000);
    expect(closest(long, [long.slice(1), "w1"])).toBeUndefined();
    expect(closest("w_1", ["w1", "b1"])).toBe("w1");
    expect(closest("hidden", ["b1", "w1"])).toBeUndefined();
  });

  it("a 10-million-character name is cut in the message", async () => {
    const path = file("longname.json", spec([{ name: "w", op: "variable", value: [1] }, { name: "L", op: "reduce_sum", inputs: ["x".repeat(1e7)] }]));
    expectFailure(await run("run", path), 1, /unknown input 'x{64}…\(10000000 chars\)'/);
  });

  it("200,000 constant nodes are checked by the schema's op discriminator, one branch each", async () => {
    const nodes: unknown[] = [{ name: "X", op: "placeholder", shape: [1] }];
    for (let i = 0; i < 200000; i++) nodes.push({ name: `c${i}`, op: "constant", value: 1 });
    nodes.push({ name: "L", op: "reduce_sum", inputs: ["X"] });
    const r = await run("validate", file("many.json", spec(nodes, { fetch: ["L"] }, { X: [1] })));
    expect(r.stdout).toMatch(/^ok: .*\(200002 nodes, 0 parameters\)$/m);
  }, 60_000);
});

describe("14. control characters and JSON positions", () => {
  it("a node named with terminal escapes is shown escaped, never obeyed", async () => {
    const evil = "\u001b[2J\u001b[31mpwned";
    const path = file("ansi.json", spec([{ name: evil, op: "variable", value: [1] }, { name: "L", op: "reduce_sum", inputs: [evil] }]));
    expectFailure(await run("run", path), 1, /\\x1b\[2J\\x1b\[31mpwned/);
    const v = await run("validate", path);
    // eslint-disable-next-line no-control-regex
    expect(v.stdout).not.toMatch(/\u001b/);
  });

  it("the sanitiser escapes C0, DEL, C1 and lone surrogates, and cuts long text", () => {
    expect(escapeControl("a\nb\u0007\u007f\u009b\ud800c")).toBe("a\\nb\\x07\\x7f\\x9b\\ud800c");
    expect(q("x".repeat(100))).toBe(`${"x".repeat(64)}…(100 chars)`);
    expect(oneLine("a\nb".repeat(1000)).length).toBeLessThan(700);
  });

  it("invalid JSON is reported with line and column", async () => {
    const path = file("broken.json", '{\n  "format": "hessflow.graph/1",\n  "nodes": [1, 2,, 3]\n}');
    expectFailure(await run("run", path), 1, /broken\.json:3:18: invalid JSON: expected a value, got ','/);
    expect(firstSyntaxError('{"a": "b\u0001"}')).toEqual({ offset: 8, message: "control character \\x01 in a string (escape it)" });
    expect(firstSyntaxError("[1] x").message).toBe("unexpected 'x' after the document");
    expect(firstSyntaxError('{"a" 1}').message).toBe("expected ':' after a property name, got '1'");
  });
});

describe("15. only op names are called in expr", () => {
  it("`anything.matmul(a, b)` is not `matmul(a, b)`", async () => {
    const path = file("accessor.json", spec([{ name: "w", op: "variable", value: [[1]] }, { name: "L", expr: "reduce_sum(anything.matmul(w, w))" }]));
    expectFailure(await run("run", path), 1, /only op names can be called in expr \(as in matmul\(a, b\)\), not properties like 'x\.matmul\(\.\.\.\)'/);
  });
});

describe("16. memory: refused before allocating, within the process's own limits", () => {
  const zeros = () => file("zeros.json", spec([{ name: "w", op: "variable", init: { type: "zeros", shape: [1e9] } }, { name: "L", op: "reduce_sum", inputs: ["w"] }]));

  it("a variable of 1e9 zeros is refused before it is allocated (exit 2)", async () => {
    const r = await spawnCli(["run", zeros()], { HESSFLOW_MAX_BYTES: "1G" });
    expectFailure(r, 2, /^hessflow: variable 'w' \(shape \[1000000000\], with the variables before it\) needs 8\.0 GB, more than the 1\.0 GB available \(the limit HESSFLOW_MAX_BYTES sets\)$/m);
  });

  it("the API's initializers are refused before allocating too", async () => {
    const { Graph, ResourceError } = await import("../src/index.js");
    const saved = process.env.HESSFLOW_MAX_BYTES;
    process.env.HESSFLOW_MAX_BYTES = "1G";
    try {
      expect(() => new Graph().variable({ type: "zeros", shape: [1e9] }, "w")).toThrow(ResourceError);
    } finally {
      if (saved === undefined) delete process.env.HESSFLOW_MAX_BYTES;
      else process.env.HESSFLOW_MAX_BYTES = saved;
    }
  });

  it("a 7.2 GB Hessian under `ulimit -v` 4 GB is a refusal, not an allocation failure", async () => {
    const path = file("h30k.json", spec([{ name: "w", op: "variable", init: { type: "random_normal", shape: [30000], seed: 1 } }, { name: "L", expr: "reduce_sum(tanh(w) * w)" }], { fetch: ["L"], hessian: { ys: "L", xs: ["w"] } }));
    const r = await spawnCli(["run", path, "--summary"], { HESSFLOW_MAX_BYTES: "" }, "ulimit -v 4000000; CMD");
    expectFailure(r, 2, /the 30000×30000 Hessian needs 7\.2 GB, more than the .* available \(75% of the address space left under 'ulimit -v'/);
  });

  it("rows mode counts its row-by-row graph, not only the matrix", async () => {
    const path = file("h2k.json", spec([{ name: "w", op: "variable", init: { type: "random_normal", shape: [2000], seed: 1 } }, { name: "L", expr: "reduce_sum(tanh(w) * w)" }], { fetch: ["L"], hessian: { ys: "L", xs: ["w"] } }));
    // The matrix needs 2 × 32 MB; the graph of 2,000 rows does not fit beside it in 70 MB.
    const r = await spawnCli(["run", path, "--summary", "--mode", "rows"], { HESSFLOW_MAX_BYTES: "70M" });
    expectFailure(r, 2, /the row-by-row Hessian graph \(about \d+ nodes for 2000 rows\) needs/);
  });

  it("--out to a directory or an unwritable place is the user's mistake, named, found before computing", async () => {
    mkdirSync(join(dir, "adir.csv"), { recursive: true });
    expectFailure(await run("run", SEED, "--out", join(dir, "adir.csv")), 1, /cannot write .*adir\.csv: it is a directory$/m);
    expectFailure(await run("run", SEED, "--out", join(dir, "no", "such", "h.npy")), 1, /cannot write .*h\.npy: no such directory /);
  });

  it("--out CSV is streamed and complete; a temp file left by a killed writer is removed", async () => {
    const stale = join(dir, ".h.csv.hessflow-999999999.abcd.tmp");
    writeFileSync(stale, "half");
    const out = join(dir, "h.csv");
    const r = await run("run", SEED, "--out", out, "--json", "--summary");
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(12);
    // Row 10 (b2) is the tutorial's printed row: the label, then 11 values.
    const row = lines[11].slice(lines[11].indexOf('",') + 2).split(",").map(Number);
    expect(lines[11]).toMatch(/^"b2\[0,0\]",/);
    expect(row).toHaveLength(11);
    expect(row[0]).toBeCloseTo(-0.66374288, 8);
    expect(row[10]).toBeCloseTo(1, 12);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
    expect(statSync(out).size).toBeGreaterThan(0);
  });
});

describe("17. NaN and ±Infinity are never silent", () => {
  const inf = () => file("inf.json", spec(
    [{ name: "X", op: "placeholder", shape: [2] }, { name: "w", op: "variable", value: [1, 2] }, { name: "sq", expr: "square(X * w)" }, { name: "L", expr: "reduce_sum(sq)" }],
    { fetch: ["L"], gradients: { ys: "L", xs: ["w"] }, hessian: { ys: "L", xs: ["w"] } }, { X: [1e200, 1] }));

  it("a feed of 1e200: a warning names the first node, and JSON keeps Infinity distinct", async () => {
    const r = await run("run", inf(), "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("hessflow: warning: node 'sq' (square) produced +Infinity; the results contain NaN or ±Infinity (they print as nan/inf, and in JSON as \"NaN\", \"Infinity\", \"-Infinity\")\n");
    const doc = JSON.parse(r.stdout);
    expect(doc.fetch.L).toBe("Infinity");
    expect(doc.gradients.w).toEqual(["Infinity", 4]);
  });

  it("--strict-finite makes it an error, with nothing on stdout", async () => {
    expectFailure(await run("run", inf(), "--strict-finite"), 1, /^hessflow: node 'sq' \(square\) produced \+Infinity \(--strict-finite\)$/m);
  });

  it("log(-1) inside an expr, x/0 and the mean of an empty feed", async () => {
    const log = file("log.json", spec([{ name: "w", op: "variable", value: [-1, 2] }, { name: "L", expr: "reduce_sum(log(w))" }]));
    expect((await run("run", log)).stderr).toMatch(/^hessflow: warning: the log\(\.\.\.\) inside the expr of node 'L' produced NaN;/);
    const div = file("div.json", spec([{ name: "w", op: "variable", value: [-1, 2] }, { name: "z", op: "constant", value: [0, 1] }, { name: "L", op: "divide", inputs: ["w", "z"] }]));
    const d = await run("run", div, "--json");
    expect(d.stderr).toMatch(/node 'L' \(divide\) produced -Infinity/);
    expect(JSON.parse(d.stdout).fetch.L).toEqual(["-Infinity", 2]);
    const empty = file("empty.json", spec([{ name: "X", op: "placeholder", shape: [null] }, { name: "L", op: "reduce_mean", inputs: ["X"] }], { fetch: ["L"] }, { X: [] }));
    const e = await run("run", empty, "--json");
    expect(e.stderr).toMatch(/node 'L' \(reduce_mean\) produced NaN/);
    expect(JSON.parse(e.stdout).fetch.L).toBe("NaN");
  });
});
