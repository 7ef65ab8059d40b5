// The fuzz harness shared by test/fuzz.test.ts and scripts/fuzz.mjs: runs the CLI as a child process and
// checks the three-outcomes contract (0 success, 1 the user's mistake, 2 a refusal; 70 is a bug).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Outcome classes, in report order. */
export const OUTCOMES = ["ok", "user", "refusal", "internal", "violation"];

/** Human names of the outcome classes. */
export const OUTCOME_NAMES = { ok: "ok (exit 0)", user: "user error (exit 1)", refusal: "refusal (exit 2)", internal: "internal error (exit 70)", violation: "crash / contract violation" };

const MAX_CAPTURE = 64 << 20;

/** Runs `node CLI ...args SPEC` with a timeout; resolves {code, signal, stdout, stderr (Buffers, capped), stdoutBytes, stderrBytes, ms, timedOut}. */
export function runCli(cli, args, spec, { timeoutMs = 20_000, cwd } = {}) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.HESSFLOW_DEBUG;
    delete env.NODE_OPTIONS;
    const t0 = Date.now();
    const p = spawn(process.execPath, [cli, ...args, spec], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out = [], err = [];
    let outBytes = 0, errBytes = 0, timedOut = false;
    p.stdout.on("data", (d) => { if (outBytes < MAX_CAPTURE) out.push(d); outBytes += d.length; });
    p.stderr.on("data", (d) => { if (errBytes < MAX_CAPTURE) err.push(d); errBytes += d.length; });
    const timer = setTimeout(() => { timedOut = true; p.kill("SIGKILL"); }, timeoutMs);
    p.on("error", (e) => { clearTimeout(timer); resolve({ code: null, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.from(String(e)), stdoutBytes: 0, stderrBytes: 0, ms: Date.now() - t0, timedOut: false, spawnError: true }); });
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), stdoutBytes: outBytes, stderrBytes: errBytes, ms: Date.now() - t0, timedOut });
    });
  });
}

/** Problems with one stderr/stdout line: raw control bytes (other than the final newline), DEL, or more than 1,000 characters. */
function lineProblems(line, what) {
  const p = [];
  // eslint-disable-next-line no-control-regex
  const ctl = line.match(/[\u0000-\u001f\u007f]/);
  if (ctl) p.push(`${what} has a raw control character 0x${ctl[0].charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (line.length > 1000) p.push(`${what} is ${line.length} characters long (> 1,000)`);
  return p;
}

/** Whether an error line names something: a quoted name, a JSON path, a node/field, or a line and column. */
export function namesSomething(line) {
  return /'[^']*'|"[^"]*"|`[^`]*`|\$[.[]|\$:|\bnodes\[|\b(feed|outputs|fetch|format)\b|\bline \d+|\bcolumn \d+|\bposition \d+|:\d+:\d+:/.test(line);
}

// outcome is one of OUTCOMES; problems are contract violations (non-empty iff outcome is "violation"); notes are softer
// findings (an exit-1 line that names nothing, a memory refusal with the wrong code); message is the first stderr line.
// `validate` is the one command whose findings go to stdout: its exit 1 may list the problems on stdout (one line each, or
// --json's {"valid": false, "problems": [...]}) with nothing on stderr, or fail like any other command.
/** Checks one run against the three-outcomes contract; returns {outcome, problems, notes, message}. */
export function checkRun(args, r) {
  const problems = [], notes = [];
  const stderr = r.stderr.toString("utf8");
  const stdout = r.stdout.toString("utf8");
  const lines = stderr.length ? stderr.replace(/\n$/, "").split("\n") : [];
  const message = lines[0] ?? "";
  const command = args[0];
  const isValidate = command === "validate";
  if (r.spawnError) return { outcome: "violation", problems: [`could not start: ${stderr}`], notes, message };
  if (r.timedOut) return { outcome: "violation", problems: [`timeout after ${r.ms} ms (killed)`], notes, message: "<timeout>" };
  if (r.signal) return { outcome: "violation", problems: [`killed by signal ${r.signal}`], notes, message: message || `<signal ${r.signal}>` };
  if (lines.some((l) => /^\s+at /.test(l))) problems.push("stack trace on stderr");
  if (/Fatal process|FATAL ERROR|Native stack|<--- Last few GCs --->/.test(stderr)) problems.push("V8 fatal error banner on stderr");
  if (stderr.length && !stderr.endsWith("\n")) problems.push("stderr does not end with a newline");
  if (r.stderrBytes > MAX_CAPTURE) problems.push(`stderr is ${r.stderrBytes} bytes`);
  lines.forEach((l, i) => problems.push(...lineProblems(l, `stderr line ${i + 1}`)));
  let outcome;
  switch (r.code) {
    case 0: {
      outcome = "ok";
      const bad = lines.filter((l) => !l.startsWith("hessflow: warning:"));
      if (bad.length) problems.push(`exit 0 with ${bad.length} stderr line(s) that are not 'hessflow: warning:' lines`);
      // eslint-disable-next-line no-control-regex
      if (!args.includes("--json") && /[\u0000-\u0008\u000b-\u001f\u007f]/.test(stdout)) notes.push("raw control characters on stdout (exit 0)");
      // (Only when all of stdout was captured: an 8,000-parameter Hessian is a gigabyte of JSON.)
      if (args.includes("--json") && r.stdoutBytes <= r.stdout.length) {
        try { JSON.parse(stdout); } catch { problems.push("--json stdout is not one JSON document"); }
      }
      break;
    }
    case 1: case 2: case 70: {
      outcome = r.code === 1 ? "user" : r.code === 2 ? "refusal" : "internal";
      const validateReport = isValidate && r.code === 1 && lines.length === 0 && stdout.length > 0;
      if (validateReport) {
        if (args.includes("--json")) {
          let doc;
          try { doc = JSON.parse(stdout); } catch { problems.push("validate --json stdout is not JSON"); }
          if (doc && (doc.valid !== false || !Array.isArray(doc.problems) || !doc.problems.length)) problems.push("validate --json exit 1 without {valid: false, problems: [...]}");
          if (doc && Array.isArray(doc.problems)) doc.problems.forEach((p, i) => problems.push(...lineProblems(String(p?.message), `problem ${i + 1}'s message`).filter((x) => !x.includes("control"))));
        } else {
          stdout.replace(/\n$/, "").split("\n").forEach((l, i) => problems.push(...lineProblems(l, `validate stdout line ${i + 1}`)));
        }
        const first = args.includes("--json") ? safeFirstProblem(stdout) : stdout.split("\n")[0];
        return { outcome: problems.length ? "violation" : "user", problems, notes, message: first };
      }
      if (lines.length !== 1) problems.push(`exit ${r.code} with ${lines.length} stderr lines (want exactly 1)`);
      else if (!message.startsWith("hessflow: ")) problems.push(`stderr line does not start with 'hessflow: '`);
      if (r.stdoutBytes > 0) problems.push(`exit ${r.code} with ${r.stdoutBytes} bytes on stdout`);
      if (r.code === 1 && lines.length === 1 && !namesSomething(message)) notes.push("exit-1 line names no node, field or JSON path");
      if (r.code !== 2 && /\b(needs?|would need) [\d.,]+ ?[KMGT]i?B\b|out of memory|HESSFLOW_MAX_BYTES|budget/i.test(message)) notes.push(`a refusal (memory) reported with exit ${r.code}, not 2`);
      break;
    }
    default:
      outcome = "violation";
      problems.push(`unexpected exit code ${r.code}`);
  }
  if (problems.length) outcome = "violation";
  return { outcome, problems, notes, message };
}

function safeFirstProblem(stdout) {
  try {
    const p = JSON.parse(stdout).problems?.[0];
    return `${p?.path ?? ""}: ${p?.message ?? ""}`;
  } catch {
    return stdout.split("\n")[0];
  }
}

/** A message with names, numbers, paths and JSON-syntax details masked, for grouping failures by kind. */
export function maskMessage(msg) {
  return String(msg)
    .slice(0, 400)
    .replace(/(.)\1{15,}/gsu, "<RUN>")
    .replace(/\/(tmp|work|home)\/\S+/g, "<path>")
    .replace(/(not valid JSON: [A-Za-z ]*[A-Za-z]).*/s, "$1 ...")
    .replace(/\\u[0-9a-fA-F]{4}/g, "<U>")
    .replace(/'[^']*'/g, "\u0001")
    .replace(/"[^"]*"/g, "\u0002")
    .replace(/`[^`]*`/g, "\u0003")
    .replace(/(["'`]).*$/s, "$1<S>$1")
    .replace(/\u0001/g, "'<S>'")
    .replace(/\u0002/g, "\"<S>\"")
    .replace(/\u0003/g, "`<S>`")
    .replace(/\[(\d+|<S>|\*)\]/g, "[N]")
    .replace(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g, "N")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "<CTL>")
    .replace(/[^\u0020-\u007e]+/g, "<X>")
    .replace(/('?<(S|X|CTL|U|RUN)>'?[\s,]*){2,}/g, "<S>")
    .slice(0, 200);
}

/** Runs `fn` over `items` with at most `concurrency` at a time; items with `.heavy` run one at a time. */
export async function pool(items, concurrency, fn) {
  let next = 0, heavyBusy = false;
  const waiting = [];
  async function worker() {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item?.heavy) {
        while (heavyBusy) await new Promise((res) => waiting.push(res));
        heavyBusy = true;
        try { await fn(item, i); } finally { heavyBusy = false; waiting.splice(0).forEach((res) => res()); }
      } else await fn(item, i);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Writes a case's spec under `dir` as case-SEED-INDEX.json and returns its path. */
export function writeCase(dir, c) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `case-${c.seed}-${c.index}.json`);
  writeFileSync(path, c.bytes);
  return path;
}

/** A short, escaped excerpt of a Buffer for messages. */
export function excerpt(buf, max = 300) {
  const s = Buffer.isBuffer(buf) ? buf.toString("utf8") : String(buf);
  const j = JSON.stringify(s.length > max ? s.slice(0, max) : s);
  return s.length > max ? `${j}... (${s.length} chars)` : j;
}
