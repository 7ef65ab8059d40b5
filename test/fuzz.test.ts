// Fuzz test (issue 7): seeded structural and byte-level mutations of the course specs, each run through the CLI as a
// child process; every run must end in one of the three outcomes (0 ok, 1 the user's mistake, 2 a refusal) with at
// most one sanitised line on stderr and nothing on stdout after a failure. Exit 70, signals, stack traces and timeouts fail.
// Scale it with HESSFLOW_FUZZ_COUNT, HESSFLOW_FUZZ_SEED and HESSFLOW_FUZZ_BUDGET_MS (HESSFLOW_FUZZ_CLI runs another build); `npm run fuzz` runs the same harness at large counts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "./dist.js";
import { checkRun, excerpt, pool, runCli, writeCase } from "./fuzz/harness.mjs";
import { caseSeed, loadCourse, makeCase, mulberry32, type FuzzCase } from "./fuzz/mutate.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = process.env.HESSFLOW_FUZZ_CLI ?? join(ROOT, "bin", "hessflow.mjs");
const COUNT = Number(process.env.HESSFLOW_FUZZ_COUNT ?? 120);
const SEED = Number(process.env.HESSFLOW_FUZZ_SEED ?? 20261127);
/** Per-run timeout: a correct CLI finishes each case in well under a second, the big ones included (they are refused). */
const TIMEOUT_MS = 10_000;
/** No case starts after this many ms (the suite stays well under a minute on a slow CI machine); the test logs what it skipped. */
const BUDGET_MS = Number(process.env.HESSFLOW_FUZZ_BUDGET_MS ?? 30_000);

let work = "";

beforeAll(() => {
  ensureDist();
  work = mkdtempSync(join(tmpdir(), "hessflow-fuzz-"));
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("fuzz harness", () => {
  it("mulberry32 and the case generator are deterministic", () => {
    const a = mulberry32(1), b = mulberry32(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(caseSeed(1, 2)).not.toBe(caseSeed(1, 3));
    const course = loadCourse(join(ROOT, "graph-specs"));
    const x = makeCase(course, SEED, 7), y = makeCase(course, SEED, 7);
    expect(x.bytes.equals(y.bytes)).toBe(true);
    expect(x.args).toEqual(y.args);
  });

  it("the contract checker accepts the three outcomes and rejects the rest", () => {
    const r = (code: number | null, stderr = "", stdout = "", extra = {}) => ({ code, signal: null, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr), stdoutBytes: stdout.length, stderrBytes: stderr.length, ms: 1, timedOut: false, ...extra });
    const ok = (args: string[], run: ReturnType<typeof r>) => checkRun(args, run).outcome;
    expect(ok(["run"], r(0, "", "L = 1\n"))).toBe("ok");
    expect(ok(["run"], r(0, "hessflow: warning: node 'L' produced NaN\n", "L = NaN\n"))).toBe("ok");
    expect(ok(["run"], r(1, "hessflow: node 'z1': shapes [2, 3] and [4, 4] cannot be multiplied\n"))).toBe("user");
    expect(ok(["run"], r(2, "hessflow: the Hessian needs 28.8 GB, over the 4 GB budget\n"))).toBe("refusal");
    expect(ok(["run"], r(70, "hessflow: internal error: x; please report it\n"))).toBe("internal");
    expect(ok(["validate"], r(1, "", "$.nodes[4].inputs[1] (node 'z1'): unknown input 'Xx'\n"))).toBe("user");
    expect(ok(["run"], r(1, "hessflow: bad\n", "partial"))).toBe("violation");
    expect(ok(["run"], r(1, "hessflow: a\nhessflow: b\n"))).toBe("violation");
    expect(ok(["run"], r(1, "Error: x\n    at f (file.js:1:1)\n"))).toBe("violation");
    expect(ok(["run"], r(1, "hessflow: node '\u001b[2J' is unknown\n"))).toBe("violation");
    expect(ok(["run"], r(1, `hessflow: node '${"n".repeat(2000)}' is unknown\n`))).toBe("violation");
    expect(ok(["run"], r(0, "some noise\n"))).toBe("violation");
    expect(ok(["run"], r(null, "", "", { signal: "SIGABRT" }))).toBe("violation");
    expect(ok(["run"], r(null, "", "", { timedOut: true }))).toBe("violation");
    expect(ok(["run"], r(134, "hessflow: x\n"))).toBe("violation");
  });

  it(`${COUNT} mutated course specs (seed ${SEED}) each end in one of the three outcomes, cleanly`, async () => {
    const course = loadCourse(join(ROOT, "graph-specs"));
    const cases = Array.from({ length: COUNT }, (_, i) => makeCase(course, SEED, i));
    const failures: string[] = [];
    const counts: Record<string, number> = {};
    const failDir = join(tmpdir(), `hessflow-fuzz-failures-${SEED}`);
    const t0 = Date.now();
    let skipped = 0;
    const times: { ms: number; index: number; args: string[] }[] = [];
    await pool(cases, 2, async (c: FuzzCase) => {
      if (Date.now() - t0 > BUDGET_MS) {
        skipped++;
        return;
      }
      const spec = join(work, `case-${c.seed}-${c.index}.json`);
      writeFileSync(spec, c.bytes);
      const r = await runCli(BIN, c.args, spec, { timeoutMs: TIMEOUT_MS, cwd: work });
      const v = checkRun(c.args, r);
      times.push({ ms: r.ms, index: c.index, args: c.args });
      counts[v.outcome] = (counts[v.outcome] ?? 0) + 1;
      if (v.outcome === "internal" || v.outcome === "violation") {
        mkdirSync(failDir, { recursive: true });
        const kept = writeCase(failDir, c);
        failures.push([
          `case ${c.index} (seed ${c.seed}, base ${c.base}, ${c.family}: ${c.mutations.join(" | ")})`,
          `  command: node ${BIN} ${c.args.join(" ")} ${kept}`,
          `  exit ${r.code ?? r.signal} after ${r.ms} ms: ${v.outcome === "internal" ? "internal error (exit 70)" : v.problems.join("; ")}`,
          `  stderr: ${excerpt(r.stderr)}`,
          ...(r.stdoutBytes ? [`  stdout: ${excerpt(r.stdout, 200)}`] : []),
        ].join("\n"));
      }
      rmSync(spec, { force: true });
    });
    const slowest = times.sort((a, b) => b.ms - a.ms).slice(0, 3).map((t) => `case ${t.index} ${t.args.join(" ")} ${t.ms} ms`).join(", ");
    const ran = COUNT - skipped;
    const summary = `outcomes: ${JSON.stringify(counts)} in ${((Date.now() - t0) / 1000).toFixed(1)} s${skipped ? ` (${skipped} cases skipped: over the ${BUDGET_MS / 1000} s budget)` : ""}; slowest: ${slowest}; ${failures.length} of ${ran} cases broke the contract (failing specs kept in ${failDir}; regenerate one with node scripts/fuzz.mjs --seed ${SEED} --only INDEX)`;
    console.log(`fuzz: ${summary}`);
    expect(failures.length, `${summary}\n\n${failures.slice(0, 25).join("\n\n")}${failures.length > 25 ? `\n\n... and ${failures.length - 25} more` : ""}`).toBe(0);
  }, 120_000);
});
