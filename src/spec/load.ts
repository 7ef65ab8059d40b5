// Loading a spec: read the file, parse its JSON (with line and column on errors), check it against the
// JSON Schema and semantically (every problem `validate` reports), then build the graph. Node's fs and
// path (readSpecFile only) are reached through process.getBuiltinModule: a browser can import this file.
import { SpecError } from "../errors.js";
import { member, q } from "../messages.js";
import type { LoadedSpec } from "./build.js";
import { checkSpec, type CheckOptions } from "./check.js";
import { parseJsonText } from "./json-text.js";
import { formatProblem } from "./problem.js";
import { loadSchema, validateAgainstSchema, type SchemaProblem } from "./schema.js";

export type { LoadedSpec, SpecDoc, SpecNode } from "./build.js";
export { formatProblem } from "./problem.js";
export type { SpecProblem } from "./problem.js";

/** Deepest nesting of arrays and objects a spec may have (a tensor of rank 60 is still allowed). */
export const MAX_NESTING = 64;

/** A document read by readSpecFile carries the directory of its file under this (non-enumerable) key: its data-file feeds are relative to it. */
const SPEC_DIR = Symbol("hessflow.specDir");

/** The directory a document's data-file feeds are relative to: options.baseDir, else that of the file readSpecFile read it from (undefined: the working directory). */
export function specBaseDir(doc: unknown, options: { baseDir?: string } = {}): string | undefined {
  return options.baseDir ?? (typeof doc === "object" && doc !== null ? (doc as { [SPEC_DIR]?: string })[SPEC_DIR] : undefined);
}

/** Reads and parses a spec file; a missing file or broken JSON is a SpecError naming the file (and line and column). Data-file feeds of the document are relative to the file's directory. */
export function readSpecFile(path: string): unknown {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
  const { dirname, resolve } = (proc?.getBuiltinModule?.("node:path") ?? {}) as typeof import("node:path");
  if (!fs) throw new SpecError(`cannot read ${q(path)}: no file system here (pass the parsed document to loadSpec)`, path);
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : code ?? (e as Error).message;
    throw new SpecError(`cannot read ${q(path)}: ${why}`, path);
  }
  const doc = parseJsonText(text, path);
  if (typeof doc === "object" && doc !== null) Object.defineProperty(doc, SPEC_DIR, { value: dirname(resolve(path)) });
  return doc;
}

/** Every schema problem of a document (empty when it is well formed); a document nested too deeply is one problem at its deepest path. */
export function schemaProblems(doc: unknown): SchemaProblem[] {
  const deep = nestingProblem(doc);
  return deep ? [deep] : validateAgainstSchema(doc, loadSchema());
}


/** Every problem of a document, schema first (then semantics are not checked), else semantic; the built spec when there are none. */
export function specProblems(doc: unknown, options: CheckOptions = {}): { problems: SchemaProblem[]; loaded?: LoadedSpec } {
  const schema = schemaProblems(doc);
  return schema.length ? { problems: schema } : checkSpec(doc as import("./build.js").SpecDoc, { ...options, baseDir: specBaseDir(doc, options) });
}

/** Options of loadSpec. */
export interface LoadOptions extends Omit<CheckOptions, "values"> {
  /** The directory data-file feeds are relative to (default: the spec file's directory when the document came from readSpecFile, else the working directory). */
  baseDir?: string;
}

/** Checks the document (schema, then names, cycles, feeds, shapes: what `validate` checks) and builds the graph; throws the first problem. */
export function loadSpec(doc: unknown, options: LoadOptions = {}): LoadedSpec {
  const { problems, loaded } = specProblems(doc, options);
  if (problems.length || !loaded) {
    const p = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more; run 'hessflow validate')` : "";
    throw new SpecError(formatProblem(p) + more, p.node ?? p.path);
  }
  return loaded;
}

/** The first array or object nested deeper than MAX_NESTING, as a problem at its path (an iterative walk). */
function nestingProblem(doc: unknown): SchemaProblem | undefined {
  const stack: { v: unknown; depth: number; path: () => string }[] = [{ v: doc, depth: 0, path: () => "$" }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= MAX_NESTING) return { path: path(), message: `nested more than ${MAX_NESTING} levels deep (tensors may have at most ${MAX_NESTING - 4} dimensions)` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (typeof v[i] === "object" && v[i] !== null) stack.push({ v: v[i], depth: depth + 1, path: () => `${path()}[${i}]` });
    } else {
      for (const [k, c] of Object.entries(v)) if (typeof c === "object" && c !== null) stack.push({ v: c, depth: depth + 1, path: () => `${path()}${member(k)}` });
    }
  }
  return undefined;
}
