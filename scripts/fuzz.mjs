#!/usr/bin/env node
// Fuzzes the hessflow CLI with mutated course specs at large counts and groups what breaks the three-outcomes contract.
// usage: node scripts/fuzz.mjs [--count 3000] [--seed 1] [--cli bin/hessflow.mjs] [--out DIR] [--concurrency 2]
//                              [--timeout MS] [--heavy-rate 0.02] [--only INDEX[,INDEX...]] [--start N]
//                              [--command "validate --json"] [--cross]
// --command runs every case with that command instead of the seeded choice; --cross also runs `run --summary --json`
// on every case `validate` judged, and notes each case where the two disagree (validate accepts what run rejects, or the reverse).
// Prints counts per outcome (ok, user error, refusal, internal, crash/violation); writes every failing case (internal or
// violation) to DIR/cases/ with DIR/summary.md and DIR/summary.json grouping the failures by masked message, and one JSON
// line per failure to DIR/failures.jsonl.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkRun, excerpt, maskMessage, OUTCOME_NAMES, OUTCOMES, pool, runCli, writeCase } from "../test/fuzz/harness.mjs";
import { loadCourse, makeCase } from "../test/fuzz/mutate.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    count: { type: "string", default: "3000" }, seed: { type: "string", default: "1" }, cli: { type: "string" },
    out: { type: "string" }, concurrency: { type: "string", default: "2" }, timeout: { type: "string", default: "20000" },
    "heavy-rate": { type: "string", default: "0.02" }, only: { type: "string" }, start: { type: "string", default: "0" },
    command: { type: "string" }, cross: { type: "boolean" }, help: { type: "boolean" },
  },
});
if (values.help) {
  process.stdout.write("usage: node scripts/fuzz.mjs [--count N] [--seed S] [--cli PATH] [--out DIR] [--concurrency K] [--timeout MS] [--heavy-rate P] [--only I,J] [--start N] [--command CMD] [--cross]\n");
  process.exit(0);
}
const count = Number(values.count), seed = Number(values.seed), start = Number(values.start);
const cli = resolve(values.cli ?? join(ROOT, "bin", "hessflow.mjs"));
const outDir = resolve(values.out ?? join(tmpdir(), `hessflow-fuzz-seed${seed}`));
const timeoutMs = Number(values.timeout), heavyRate = Number(values["heavy-rate"]), concurrency = Number(values.concurrency);
const course = loadCourse(join(ROOT, "graph-specs"));
const indices = values.only ? values.only.split(",").map(Number) : Array.from({ length: count }, (_, i) => start + i);

rmSync(join(outDir, "cases"), { recursive: true, force: true });
rmSync(join(outDir, "failures.jsonl"), { force: true });
mkdirSync(join(outDir, "cases"), { recursive: true });
const work = mkdtempSync(join(tmpdir(), "hessflow-fuzz-work-"));
const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
const byCommand = {};
const groups = new Map();
const noteGroups = new Map();
const userGroups = new Map();
let done = 0, slowest = [];
const t0 = Date.now();

function addTo(map, key, item, keep = 3) {
  let g = map.get(key);
  if (!g) map.set(key, (g = { key, count: 0, commands: {}, bases: {}, examples: [] }));
  g.count++;
  g.commands[item.command] = (g.commands[item.command] ?? 0) + 1;
  g.bases[item.base] = (g.bases[item.base] ?? 0) + 1;
  if (g.examples.length < keep) g.examples.push(item);
}

const cases = indices.map((index) => ({ index, heavy: makeCase(course, seed, index, { heavyRate }).heavy }));
await pool(cases, concurrency, async ({ index }) => {
  const c = makeCase(course, seed, index, { heavyRate });
  if (values.command) c.args = values.command.split(/\s+/).filter(Boolean);
  const spec = join(work, `case-${seed}-${index}.json`);
  writeFileSync(spec, c.bytes);
  const r = await runCli(cli, c.args, spec, { timeoutMs: c.heavy ? timeoutMs * 3 : timeoutMs, cwd: work });
  const v = checkRun(c.args, r);
  let cross = null;
  if (values.cross && c.args[0] === "validate" && (v.outcome === "ok" || v.outcome === "user")) {
    const args = ["run", "--summary", "--json"];
    const r2 = await runCli(cli, args, spec, { timeoutMs: c.heavy ? timeoutMs * 3 : timeoutMs, cwd: work });
    const v2 = checkRun(args, r2);
    if (v.outcome === "ok" && v2.outcome === "user") cross = { note: "validate accepts, run rejects", message: v2.message };
    else if (v.outcome === "user" && v2.outcome === "ok") cross = { note: "validate rejects, run accepts", message: v.message };
  }
  rmSync(spec, { force: true });
  if (cross) { v.notes.push(cross.note); v.message = cross.message; }
  counts[v.outcome]++;
  const command = c.args.join(" ");
  (byCommand[command] ??= Object.fromEntries(OUTCOMES.map((o) => [o, 0])))[v.outcome]++;
  slowest.push({ ms: r.ms, index, command, outcome: v.outcome, mutations: c.mutations });
  slowest = slowest.sort((a, b) => b.ms - a.ms).slice(0, 10);
  const item = {
    index, command, base: c.base, family: c.family, mutations: c.mutations, code: r.code, signal: r.signal, ms: r.ms,
    problems: v.problems, message: excerpt(v.message, 400), stdout: r.stdoutBytes ? excerpt(r.stdout, 200) : "",
  };
  if (v.outcome === "internal" || v.outcome === "violation") {
    const path = writeCase(join(outDir, "cases"), c);
    item.spec = path;
    item.repro = `node ${relative(process.cwd(), cli) || cli} ${c.args.join(" ")} ${path}`;
    const key = v.outcome === "internal" ? `internal (exit 70): ${maskMessage(v.message)}` : `violation [${v.problems.map((p) => p.replace(/\b\d[\d,]*\b/g, "N").replace(/0x[0-9a-f]{2}/g, "0xNN")).join("; ")}] exit ${r.code ?? r.signal}: ${maskMessage(v.message)}`;
    addTo(groups, key, item);
    appendFileSync(join(outDir, "failures.jsonl"), JSON.stringify({ key, ...item }) + "\n");
  } else if (v.outcome === "user") addTo(userGroups, maskMessage(v.message), item, 1);
  for (const n of v.notes) {
    const key = `${n}: ${maskMessage(v.message)}`;
    const note = { ...item };
    addTo(noteGroups, key, note, 2);
    if (noteGroups.get(key).examples.includes(note)) {
      note.spec = writeCase(join(outDir, "cases"), c);
      note.repro = `node ${relative(process.cwd(), cli) || cli} ${c.args.join(" ")} ${note.spec}`;
    }
  }
  if (++done % 100 === 0) process.stderr.write(`fuzz: ${done}/${indices.length} (${((Date.now() - t0) / 1000).toFixed(0)} s) ${OUTCOMES.map((o) => `${o} ${counts[o]}`).join(", ")}\n`);
});
rmSync(work, { recursive: true, force: true });

const sorted = (map) => [...map.values()].sort((a, b) => b.count - a.count);
const failures = sorted(groups), notes = sorted(noteGroups), users = sorted(userGroups);
const seconds = (Date.now() - t0) / 1000;
const summary = { cli, seed, count: indices.length, heavyRate, timeoutMs, seconds, counts, byCommand, failureGroups: failures, noteGroups: notes, userErrorGroups: users.slice(0, 100), slowest };
writeFileSync(join(outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");

const md = [];
md.push(`# hessflow fuzz: seed ${seed}, ${indices.length} cases, ${seconds.toFixed(0)} s`, "", `CLI: \`${cli}\``, "");
md.push("| outcome | count |", "| --- | ---: |", ...OUTCOMES.map((o) => `| ${OUTCOME_NAMES[o]} | ${counts[o]} |`), "");
md.push("## By command", "", `| command | ${OUTCOMES.join(" | ")} |`, `| --- |${OUTCOMES.map(() => " ---: |").join("")}`);
for (const [cmd, c] of Object.entries(byCommand).sort()) md.push(`| ${cmd} | ${OUTCOMES.map((o) => c[o]).join(" | ")} |`);
md.push("", `## Failures (internal errors and contract violations): ${failures.length} distinct, ${failures.reduce((s, g) => s + g.count, 0)} cases`, "");
for (const [i, g] of failures.entries()) {
  md.push(`### ${i + 1}. ${g.count}× ${g.key}`, "", `commands: ${Object.entries(g.commands).map(([k, n]) => `\`${k}\` ${n}`).join(", ")}; bases: ${Object.entries(g.bases).map(([k, n]) => `${k} ${n}`).join(", ")}`, "");
  for (const e of g.examples) md.push(`- case ${e.index} (${e.family}: ${e.mutations.join(" | ")}), exit ${e.code ?? e.signal}, ${e.ms} ms: stderr ${e.message}${e.stdout ? `; stdout ${e.stdout}` : ""}`, `  \`${e.repro}\``);
  md.push("");
}
md.push(`## Notes (not contract failures): ${notes.length} distinct`, "");
for (const g of notes) md.push(`- ${g.count}× ${g.key} — e.g. \`${g.examples[0].repro}\` (${g.examples[0].mutations.join(" | ")})`);
md.push("", "## Slowest runs", "", ...slowest.map((s) => `- ${s.ms} ms: case ${s.index} \`${s.command}\` → ${s.outcome} (${s.mutations.join(" | ")})`));
md.push("", `## Distinct user-error messages (masked), top 40 of ${users.length}`, "", ...users.slice(0, 40).map((g) => `- ${g.count}× ${g.key}`), "");
writeFileSync(join(outDir, "summary.md"), md.join("\n"));

process.stdout.write(`hessflow fuzz: seed ${seed}, ${indices.length} cases in ${seconds.toFixed(0)} s against ${cli}\n`);
for (const o of OUTCOMES) process.stdout.write(`  ${OUTCOME_NAMES[o].padEnd(28)} ${counts[o]}\n`);
process.stdout.write(`failures: ${failures.length} distinct messages; ${notes.reduce((s, g) => s + g.count, 0)} notes; summary in ${join(outDir, "summary.md")}\n`);
for (const g of failures.slice(0, 25)) process.stdout.write(`  ${String(g.count).padStart(5)}× ${g.key.slice(0, 200)}\n`);
process.exitCode = counts.internal + counts.violation > 0 ? 1 : 0;
