// The hessflow command line: argument parsing and printing only; the work is in src/spec and src/report.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HessflowError } from "../errors.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { runSpec } from "../spec/run.js";
import { printRunJson, printRunText } from "./run.js";

const USAGE = `usage: hessflow <command> SPEC.json [options]

commands:
  run SPEC       fetches, gradients and the exact Hessian (with tf.hessians blocks)
      --json           one JSON document on stdout, nothing else
      --summary        Hessian summary only (trace, norms, three rows) instead of n×n entries
      --mode M         batched (default, fast) | rows (the tutorial's row-by-row graph)
      --workers N      threads for batched mode (default: auto)
      --out FILE       also write the Hessian to FILE.npy (NumPy float64) or FILE.csv
  compare SPEC   exact Hessian vs tf.hessians-style block diagonal: blocks, spectra, verdict
      --json, --svg FILE, --html FILE, --mode M, --workers N
      --spectra        decompose even above 1,500 parameters (ml-matrix, O(n³): minutes)
  validate SPEC  every problem in a spec, each with its JSON path   [--json]
  graph SPEC     the graph for Graphviz (--dot) or Markdown (--mermaid)   [--gradients]
  help           this text`;

/** Thrown for bad command-line usage (exit code 2). */
class UsageError extends HessflowError {}

/** Entry point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run": return await runCommand(rest);
      case "compare": return await (await import("./compare.js")).compareCommand(rest);
      case "validate": return await (await import("./validate.js")).validateCommand(rest);
      case "graph": return await (await import("./graph.js")).graphCommand(rest);
      case undefined:
        process.stderr.write(USAGE + "\n");
        return 2;
      case "help": case "--help": case "-h":
        process.stdout.write(USAGE + "\n");
        return 0;
      default: throw new UsageError(`unknown command '${command}' (try 'hessflow help')`);
    }
  } catch (e) {
    return reportError(e);
  }
}

/** Prints an error as one line on stderr and returns its exit code (no stack trace unless HESSFLOW_DEBUG is set). */
export function reportError(e: unknown): number {
  if (process.env.HESSFLOW_DEBUG) console.error(e);
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`hessflow: ${(e as Error).message.split("\n")[0]}\n`);
    return 2;
  }
  if (e instanceof HessflowError) {
    process.stderr.write(`hessflow: ${e.message.split("\n")[0]}\n`);
    return 1;
  }
  const msg = e instanceof RangeError && /Array buffer allocation|Invalid typed array length/.test(e.message) ? `out of memory: ${e.message}` : `internal error: ${(e as Error)?.message ?? String(e)}`;
  process.stderr.write(`hessflow: ${msg.split("\n")[0]}\n`);
  return 70;
}

/** Parses `SPEC [options]` with the given option table; exactly one positional SPEC. */
export function parseCommand(args: string[], options: NonNullable<ParseArgsConfig["options"]>) {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (parsed.positionals.length !== 1) throw new UsageError(`expected exactly one SPEC file, got ${parsed.positionals.length}`);
  return { spec: parsed.positionals[0], values: parsed.values as Record<string, string | boolean | undefined> };
}

/** Reads the --mode and --workers options. */
export function hessianOptions(values: Record<string, string | boolean | undefined>) {
  const mode = (values.mode as string | undefined) ?? "batched";
  if (mode !== "rows" && mode !== "batched") throw new UsageError(`--mode must be 'rows' or 'batched', got '${mode}'`);
  let workers: number | "auto" = "auto";
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got '${values.workers}'`);
  }
  return { mode: mode as "rows" | "batched", workers };
}

/** Usage error, for the command modules. */
export function usage(message: string): never {
  throw new UsageError(message);
}

async function runCommand(args: string[]): Promise<number> {
  const { spec, values } = parseCommand(args, {
    json: { type: "boolean" }, summary: { type: "boolean" }, mode: { type: "string" }, workers: { type: "string" }, out: { type: "string" },
  });
  const opts = hessianOptions(values);
  const out = values.out as string | undefined;
  if (out !== undefined && !/\.(npy|csv)$/i.test(out)) usage(`--out must end in .npy or .csv, got '${out}'`);
  const loaded = loadSpec(readSpecFile(spec));
  if (out !== undefined && !loaded.hessian) usage(`--out needs the spec to ask for outputs.hessian`);
  const result = await runSpec(loaded, opts);
  if (out !== undefined && result.hessian) {
    const { writeFileAtomic, toNpy, toCsv } = await import("../report/files.js");
    const h = result.hessian;
    await writeFileAtomic(out, /\.npy$/i.test(out) ? toNpy(h.exact, [h.n, h.n]) : toCsv(h.exact, h.n, h.layout));
  }
  if (values.json) printRunJson(result, Boolean(values.summary));
  else printRunText(result, loaded.doc.description, Boolean(values.summary));
  return 0;
}
