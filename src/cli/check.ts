// `hessflow check SPEC [--order 1|2] [--tol T] [--eps H] [--json]`: the spec's symbolic derivatives against
// central finite differences (checkGradients). The report (a table, or one JSON document) is printed on
// stdout either way; when an error is above --tol the command then fails: exit 1 with one stderr line
// naming the worst variable and order.
import { checkGradients, type CheckEntry, type CheckReport } from "../check/check.js";
import { HessflowError } from "../errors.js";
import type { Node } from "../graph/graph.js";
import { q } from "../messages.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { jsonText } from "./json-out.js";
import { EXIT, parseCommand, usage } from "./main.js";
import type { Io } from "./output.js";

/** The default largest accepted relative error. */
export const DEFAULT_TOL = 1e-6;

/** Checks the derivatives of the spec's outputs.hessian (else its single outputs.gradients y) and prints the largest error per variable and order. */
export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, { order: { type: "string" }, tol: { type: "string" }, eps: { type: "string" }, json: { type: "boolean" } });
  const order = values.order === undefined ? 2 : values.order === "1" ? 1 : values.order === "2" ? 2 : usage(`--order must be 1 or 2, got '${q(values.order)}'`);
  const tol = positive(values.tol, "--tol", DEFAULT_TOL);
  const eps = positive(values.eps, "--eps", 1e-4);
  const loaded = loadSpec(readSpecFile(spec));
  let y: Node, xs: Node[], names: string[];
  if (loaded.hessian) {
    ({ ys: y, xs } = loaded.hessian);
    names = loaded.doc.outputs.hessian!.xs;
  } else if (loaded.gradients && loaded.gradients.ys.length === 1) {
    y = loaded.gradients.ys[0];
    xs = loaded.gradients.xs;
    names = loaded.doc.outputs.gradients!.xs;
  } else {
    usage("check needs the spec to ask for outputs.hessian, or outputs.gradients with one y");
  }
  const r = await checkGradients(y, xs, loaded.feed, { order, eps });
  const named = (x: string) => names[xs.findIndex((n) => n.name === x)] ?? x;
  const entries = r.entries.map((e) => ({ ...e, x: named(e.x), ...(e.wrt ? { wrt: { ...e.wrt, x: named(e.wrt.x) } } : {}) }));
  const ok = r.maxError <= tol;
  if (values.json) io.out(checkJson(loaded.doc.name, r, entries, tol, ok) + "\n");
  else io.out(checkText(loaded.doc.name, r, entries, tol, ok));
  if (ok) return EXIT.ok;
  const w = entries[r.entries.indexOf(r.worst)];
  throw new HessflowError(`check failed: largest relative error ${fmt(w.maxError)} for '${q(w.x)}' at order ${w.order} (${where(w)}), above --tol ${fmt(tol)}`);
}

/** A positive number option, or its default. */
function positive(v: string | boolean | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !(x > 0) || !Number.isFinite(x)) usage(`${flag} must be a positive number, got '${q(v)}'`);
  return x;
}

/** An error or value in 3 significant digits. */
function fmt(v: number): string {
  return Number.isFinite(v) ? v.toExponential(2) : String(v);
}

/** Where an entry's largest error is: `w1[2,0]`, or `H[w1[2,0], b2[0,0]]` at order 2. */
function where(e: CheckEntry): string {
  const el = `${e.x}[${e.at.join(",")}]`;
  return e.wrt ? `H[${el}, ${e.wrt.x}[${e.wrt.at.join(",")}]]` : el;
}

/** The report as an aligned table and a verdict line. */
function checkText(name: string, r: CheckReport, entries: CheckEntry[], tol: number, ok: boolean): string {
  const head = ["variable", "order", "max rel error", "at", "symbolic", "numeric"];
  const rows = entries.map((e) => [e.x, String(e.order), fmt(e.maxError), where(e), String(e.symbolic), String(e.numeric)]);
  const width = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 1 || c === 2 ? s.padStart(width[c]) : s.padEnd(width[c]))).join("  ").trimEnd();
  return [
    `check ${name}: ${r.n} parameters, order ${r.order}, central differences (Richardson) with eps ${r.eps}, relative error |symbolic - numeric| / max(1, |numeric|)`,
    line(head),
    ...rows.map(line),
    `${ok ? "ok" : "FAILED"}: largest error ${fmt(r.maxError)} (${entries[r.entries.indexOf(r.worst)].x}, order ${r.worst.order}) ${ok ? "at or below" : "above"} tol ${fmt(tol)}`,
  ].join("\n") + "\n";
}

/** The report as one JSON document. */
function checkJson(name: string, r: CheckReport, entries: CheckEntry[], tol: number, ok: boolean): string {
  return jsonText({
    name, n: r.n, order: r.order, eps: r.eps, tol, ok, max_error: r.maxError,
    results: entries.map((e) => ({ x: e.x, order: e.order, max_error: e.maxError, at: e.at, ...(e.wrt ? { wrt: e.wrt } : {}), symbolic: e.symbolic, numeric: e.numeric })),
  });
}
