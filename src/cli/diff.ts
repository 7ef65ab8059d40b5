// `hessflow diff A.json B.json [--tol T] [--json]`: two `run --json` documents compared field by field
// (src/report/diff.ts). The table (or one JSON document) is printed on stdout either way; when a field
// differs by more than --tol, or the documents do not match in structure, the command then fails: exit 1
// with one stderr line naming the worst field.
import { parseArgs } from "node:util";
import { HessflowError } from "../errors.js";
import { q } from "../messages.js";
import { diffDocuments, type DiffReport, type FieldDiff } from "../report/diff.js";
import { readSpecFile } from "../spec/load.js";
import { jsonText } from "./json-out.js";
import { EXIT, usage } from "./main.js";
import type { Io } from "./output.js";

/** The default largest accepted relative difference. */
export const DEFAULT_DIFF_TOL = 1e-10;

/** Compares two run --json documents and prints the relative difference of every field. */
export async function diffCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { tol: { type: "string" }, json: { type: "boolean" } }, allowPositionals: true, strict: true });
  if (positionals.length !== 2) usage(`diff expects exactly two JSON files, got ${positionals.length}`);
  const tol = values.tol === undefined ? DEFAULT_DIFF_TOL : Number(values.tol);
  if (values.tol !== undefined && (values.tol.trim() === "" || !(tol >= 0) || !Number.isFinite(tol))) usage(`--tol must be a non-negative number, got '${q(values.tol)}'`);
  const [fa, fb] = positionals;
  const docs = [fa, fb].map((f) => {
    const doc = readSpecFile(f);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new HessflowError(`'${q(f)}' is not a JSON object (expected what 'hessflow run --json' prints)`, f);
    return doc;
  });
  const r = diffDocuments(docs[0], docs[1], tol, ["A", "B"]);
  if (r.fields.length === 0) throw new HessflowError(`'${q(fa)}' and '${q(fb)}' have no fields to compare`);
  io.out(values.json ? diffJson(fa, fb, r) + "\n" : diffText(fa, fb, r));
  if (r.ok) return EXIT.ok;
  const w = r.worst!;
  const mismatches = r.fields.filter((f) => f.kind === "mismatch").length;
  throw new HessflowError(w.kind === "mismatch"
    ? `diff: ${mismatches} field${mismatches > 1 ? "s" : ""} do${mismatches > 1 ? "" : "es"} not match; first '${q(w.field)}': ${w.problem}`
    : `diff: largest relative difference ${fmt(w.rel)} in '${q(w.field)}' is above --tol ${fmt(r.tol)}`);
}

/** A relative difference in 3 significant digits. */
function fmt(v: number): string {
  return v === 0 ? "0" : Number.isFinite(v) ? v.toExponential(2) : String(v);
}

function verdict(f: FieldDiff, tol: number): string {
  return f.kind === "mismatch" ? `MISMATCH: ${f.problem}` : f.kind === "layout" ? "same layout" : f.rel <= tol ? "ok" : "ABOVE TOL";
}

/** The report as an aligned table (field, relative difference, max |A − B|, where, scale, verdict) and a verdict line. */
function diffText(fa: string, fb: string, r: DiffReport): string {
  const head = ["field", "rel diff", "max |A-B|", "at", "scale", ""];
  const rows = r.fields.map((f) => f.kind === "numbers"
    ? [f.field, fmt(f.rel), fmt(f.maxAbs!), f.maxAbs! > 0 && f.at!.length ? `[${f.at!.join(",")}]` : "", fmt(f.scale!), verdict(f, r.tol)]
    : [f.field, f.kind === "layout" ? "0" : "-", "", "", "", verdict(f, r.tol)]);
  const width = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c >= 1 && c <= 4 && c !== 3 ? s.padStart(width[c]) : s.padEnd(width[c]))).join("  ").trimEnd();
  const w = r.worst!;
  return [
    `diff A = ${q(fa)}, B = ${q(fb)}: relative difference per field max|A - B| / max(max|A|, max|B|) (0 when both are all zero; gradients.* share one scale, tf_hessians.* another)`,
    line(head),
    ...rows.map(line),
    w.kind === "mismatch"
      ? `FAILED: ${r.fields.filter((f) => f.kind === "mismatch").length} field(s) do not match, the first ${q(w.field)}`
      : `${r.ok ? "ok" : "FAILED"}: worst field ${q(w.field)}, relative difference ${fmt(w.rel)} ${r.ok ? "at or below" : "above"} tol ${fmt(r.tol)}`,
  ].join("\n") + "\n";
}

/** The report as one JSON document. */
function diffJson(fa: string, fb: string, r: DiffReport): string {
  return jsonText({
    a: fa, b: fb, tol: r.tol, ok: r.ok,
    worst: { field: r.worst!.field, rel: r.worst!.rel },
    fields: r.fields.map((f) => ({
      field: f.field, kind: f.kind, rel: f.rel,
      ...(f.kind === "numbers" ? { max_abs: f.maxAbs, at: f.at, scale: f.scale } : {}),
      ...(f.problem !== undefined ? { problem: f.problem } : {}),
    })),
  });
}
