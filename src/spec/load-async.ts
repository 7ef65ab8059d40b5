// Loading a spec where there is no file system (a browser, a Web Worker): the data files its feeds name are
// fetched (relative to a base URL) and handed to loadSpec as bytes, and mathjs's parser is imported only when
// the spec has expr nodes. The same checks and messages as loadSpec; a file that cannot be fetched is a
// SpecError naming the feed's JSON path.
import { ResourceError } from "../errors.js";
import { checkMemory, graphBudget } from "../memory.js";
import { member, q } from "../messages.js";
import { dataFile, isDataFeed } from "./data.js";
import type { ExprParser } from "./expr.js";
import { loadSpec, schemaProblems, specProblems, type LoadedSpec, type LoadOptions } from "./load.js";
import { problemError, problemOf, type SpecProblem } from "./problem.js";

/** Options of loadSpecAsync. */
export interface AsyncLoadOptions extends Omit<LoadOptions, "files" | "baseDir"> {
  /** The URL data-file feeds are relative to (default: the page's or worker's location). */
  baseUrl?: string | URL;
  /** Reads a data file's bytes given its path as the spec writes it (default: fetch() relative to baseUrl). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** Checks and builds a spec like loadSpec, first fetching its data-file feeds and, for expr nodes, importing mathjs. */
export async function loadSpecAsync(doc: unknown, options: AsyncLoadOptions = {}): Promise<LoadedSpec> {
  return loadSpec(doc, await sourcesOf(doc, options));
}

/** Every problem of a document as specProblems gives them (what `hessflow validate` reports: path, node, message), after fetching its data files and, for expr nodes, importing mathjs; the built spec when there are none. */
export async function specProblemsAsync(doc: unknown, options: AsyncLoadOptions = {}): Promise<{ problems: SpecProblem[]; loaded?: LoadedSpec }> {
  let sources: LoadOptions;
  try {
    sources = await sourcesOf(doc, options);
  } catch (e) {
    const problem = problemOf(e);
    if (problem) return { problems: [problem] };
    throw e;
  }
  return specProblems(doc, sources);
}

/** loadSpec's options for a document: its data files' bytes (read or fetched) and mathjs's parser when it has expr nodes; nothing is read for a document the schema rejects. */
async function sourcesOf(doc: unknown, options: AsyncLoadOptions): Promise<LoadOptions> {
  const { baseUrl, readFile, ...rest } = options;
  if (schemaProblems(doc).length) return rest;
  const spec = doc as { nodes: { expr?: string }[]; feed?: Record<string, unknown> };
  const read = readFile ?? ((path: string) => fetchBytes(path, baseUrl, rest.maxBytes));
  const files = new Map<string, Uint8Array>();
  for (const [name, value] of Object.entries(spec.feed ?? {})) {
    if (!isDataFeed(value) || files.has(dataFile(value))) continue;
    const file = dataFile(value);
    try {
      files.set(file, await read(file));
    } catch (e) {
      if (e instanceof ResourceError) throw e;
      throw problemError(`$.feed${member(name)}`, undefined, `cannot read ${q(file)}: ${q((e as Error).message)}`);
    }
  }
  const parse = rest.parse ?? (spec.nodes.some((n) => n.expr !== undefined) ? await importMathjs() : undefined);
  return { ...rest, files, parse };
}

/** mathjs's parser, imported on demand (the browser build maps "mathjs" to its vendored copy). */
async function importMathjs(): Promise<ExprParser> {
  const mathjs = (await import("mathjs")) as { parse?: ExprParser; default?: { parse: ExprParser } };
  return mathjs.parse ?? mathjs.default!.parse;
}

/** A file's bytes by fetch(), relative to baseUrl (default the global location); refused before reading when its announced size exceeds maxBytes. */
async function fetchBytes(path: string, baseUrl: string | URL | undefined, maxBytes: number | undefined): Promise<Uint8Array> {
  const base = baseUrl ?? (globalThis as { location?: { href: string } }).location?.href;
  const url = base === undefined ? new URL(path) : new URL(path, base);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` (${response.statusText})` : ""}`);
  const size = Number(response.headers.get("content-length"));
  if (response.headers.has("content-length") && Number.isFinite(size)) checkMemory(size, `data file ${q(path)}`, graphBudget({ maxBytes }));
  return new Uint8Array(await response.arrayBuffer());
}
