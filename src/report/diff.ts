// Field-by-field comparison of two `hessflow run --json` documents (or documents of the same shape, such as
// an exported PyTorch or JAX program prints). Each numeric field (fetch.NAME, gradients.NAME, hessian.exact,
// hessian.tf_hessians.NAME, the summary's numbers, ...) gets its relative difference
// max|a − b| / max(max|a|, max|b|) (0 when both are all zero), the scale taken over the field's group for the
// gradients (one gradient vector) and the tf.hessians blocks (one block diagonal), so a gradient or block that
// is zero in theory and ±1e-17 of rounding in practice is judged on its group's scale; structural mismatches
// are reported per field.
import { q } from "../messages.js";
import { unravel } from "./labels.js";

/** Fields that say how a document was computed, not what: never compared. */
export const IGNORED_FIELDS: readonly string[] = ["name", "hessian.mode", "hessian.ms", "hessian.workers"];

/** Objects whose numeric fields share one scale: the parts of one gradient vector, the blocks of one block diagonal. */
export const GROUPED_FIELDS: readonly string[] = ["gradients", "hessian.tf_hessians"];

/** Fields compared as a whole by equality (the Hessian's flatten order), not as numbers. */
const LAYOUT_FIELDS: readonly string[] = ["hessian.xs"];

/** The comparison of one field. */
export interface FieldDiff {
  /** Dotted path: `fetch.L`, `gradients.w1`, `hessian.exact`, `hessian.tf_hessians.w1`, ... */
  field: string;
  /** "numbers": compared as numbers; "layout": compared by equality and equal; "mismatch": not comparable (see `problem`). */
  kind: "numbers" | "layout" | "mismatch";
  /** The relative difference (numbers), 0 (layout), Infinity (mismatch). */
  rel: number;
  /** Numbers: the largest |a − b| over finite pairs, where it is (multi-index), and the scale max(max|a|, max|b|). */
  maxAbs?: number;
  at?: number[];
  scale?: number;
  /** Mismatch: what is wrong, in one line. */
  problem?: string;
}

/** The comparison of two documents: one entry per field (A's order, then fields only B has), and the worst. */
export interface DiffReport {
  fields: FieldDiff[];
  /** The field with the largest rel (mismatches count as Infinity); undefined when there are no fields. */
  worst?: FieldDiff;
  /** True when every field is numbers or layout with rel ≤ tol. */
  ok: boolean;
  tol: number;
}

/** Rescales each grouped field's rel by the largest scale in its group (GROUPED_FIELDS). */
function shareGroupScales(fields: FieldDiff[]): void {
  for (const group of GROUPED_FIELDS) {
    const members = fields.filter((f) => f.kind === "numbers" && f.field.startsWith(`${group}.`) && !f.field.slice(group.length + 1).includes("."));
    const scale = Math.max(0, ...members.map((f) => f.scale!));
    for (const f of members) {
      f.scale = scale;
      f.rel = f.maxAbs === 0 ? 0 : f.maxAbs! / scale;
    }
  }
}

/** A numeric tensor read from JSON: its shape and values (NaN and ±Infinity from their strings). */
interface NumericTensor { shape: number[]; data: number[] }

/** Compares two parsed documents field by field; `names` label the two sides in messages (default "A" and "B"). */
export function diffDocuments(a: unknown, b: unknown, tol: number, names: [string, string] = ["A", "B"]): DiffReport {
  const fields: FieldDiff[] = [];
  walk(a, b, "", fields, names);
  shareGroupScales(fields);
  const worst = fields.reduce<FieldDiff | undefined>((w, f) => (w === undefined || f.rel > w.rel ? f : w), undefined);
  return { fields, worst, tol, ok: fields.every((f) => f.kind !== "mismatch" && f.rel <= tol) };
}

function walk(a: unknown, b: unknown, path: string, out: FieldDiff[], names: [string, string]): void {
  if (IGNORED_FIELDS.includes(path)) return;
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
    for (const k of keys) {
      const sub = path ? `${path}.${k}` : k;
      if (IGNORED_FIELDS.includes(sub)) continue;
      if (!Object.hasOwn(b, k)) out.push(mismatch(sub, `missing in ${names[1]}`));
      else if (!Object.hasOwn(a, k)) out.push(mismatch(sub, `missing in ${names[0]}`));
      else walk(a[k], b[k], sub, out, names);
    }
    return;
  }
  const field = path || "(document)";
  if (LAYOUT_FIELDS.includes(path)) {
    out.push(JSON.stringify(a) === JSON.stringify(b) ? { field, kind: "layout", rel: 0 } : mismatch(field, "the Hessian's variables or their order differ"));
    return;
  }
  if (isObject(a) || isObject(b)) {
    out.push(mismatch(field, `an object in ${names[isObject(a) ? 0 : 1]}, not in ${names[isObject(a) ? 1 : 0]}`));
    return;
  }
  const ta = numericTensor(a), tb = numericTensor(b);
  if (typeof ta === "string" || typeof tb === "string") {
    out.push(mismatch(field, typeof ta === "string" ? `${names[0]}: ${ta}` : `${names[1]}: ${tb}`));
    return;
  }
  out.push(compareTensors(field, ta, tb, names));
}

/** The numeric comparison of two tensors of one field (or a mismatch: shapes, or a non-finite value on one side only). */
function compareTensors(field: string, a: NumericTensor, b: NumericTensor, names: [string, string]): FieldDiff {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    return mismatch(field, `shape [${a.shape.join(",")}] in ${names[0]} but [${b.shape.join(",")}] in ${names[1]}`);
  }
  let maxAbs = 0, at = 0, scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = b.data[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (Object.is(x, y)) continue; // NaN and NaN, Infinity and Infinity: equal
      const where = a.shape.length ? ` at [${unravel(i, a.shape).join(",")}]` : "";
      return mismatch(field, `${label(x)} in ${names[0]} but ${label(y)} in ${names[1]}${where}`);
    }
    const d = Math.abs(x - y);
    if (d > maxAbs) { maxAbs = d; at = i; }
    scale = Math.max(scale, Math.abs(x), Math.abs(y));
  }
  const rel = maxAbs === 0 ? 0 : maxAbs / scale;
  return { field, kind: "numbers", rel, maxAbs, at: unravel(at, a.shape), scale };
}

/** A number, a "NaN"/"Infinity"/"-Infinity" string, or a rectangular nested array of them, as a tensor; else what is wrong with it. */
function numericTensor(v: unknown): NumericTensor | string {
  const shape: number[] = [];
  for (let x = v; Array.isArray(x); x = x[0]) shape.push(x.length);
  const data: number[] = [];
  const visit = (x: unknown, depth: number, at: number[]): string | undefined => {
    if (depth === shape.length) {
      const n = numberOf(x);
      if (n === undefined) return `${describe(x)} is not a number${at.length ? ` at [${at.join(",")}]` : ""}`;
      data.push(n);
      return undefined;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) return `ragged array at [${at.join(",")}]`;
    for (let i = 0; i < x.length; i++) {
      const e = visit(x[i], depth + 1, [...at, i]);
      if (e) return e;
    }
    return undefined;
  };
  return visit(v, 0, []) ?? { shape, data };
}

function numberOf(x: unknown): number | undefined {
  if (typeof x === "number") return x;
  if (x === "NaN") return NaN;
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  return undefined;
}

function describe(x: unknown): string {
  if (typeof x === "string") return `the string '${q(x)}'`;
  if (Array.isArray(x)) return "an array";
  return x === null ? "null" : typeof x === "object" ? "an object" : `the ${typeof x} ${q(String(x))}`;
}

function label(v: number): string {
  return Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? String(v) : v > 0 ? "Infinity" : "-Infinity";
}

function mismatch(field: string, problem: string): FieldDiff {
  return { field, kind: "mismatch", rel: Infinity, problem };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
