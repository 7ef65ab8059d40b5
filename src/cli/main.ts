// The hessflow command line: argument parsing and printing only; the work is in src/spec and src/report.
// Every run ends in one of four ways: success (exit 0), the user's mistake (exit 1, one line naming
// the node, field, option or file), a refusal of work that cannot fit (exit 2), or a real internal
// error (exit 70, one line asking for a report). A closed stdout (`| head`) ends the command quietly.
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HessflowError, ResourceError } from "../errors.js";
import { memoryBudget } from "../memory.js";
import { nodeThreads } from "../node.js";
import { q } from "../messages.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { runSpec, type SpecResult } from "../spec/run.js";
import { ClosedPipe, printErr, processIo, progress, warn, type Io } from "./output.js";
import { printRunJson, printRunText } from "./run.js";

/** Exit codes: success, the user's mistake, a refusal (memory, limits), an internal error (EX_SOFTWARE). */
export const EXIT = { ok: 0, user: 1, refused: 2, internal: 70 } as const;

const HESSIAN_OPTIONS = `      --mode M         batched (default, fast) | rows (the tutorial's row-by-row graph)
      --workers N      threads for batched mode: auto (default) or 1 up to the number of cores
      --strict-finite  fail (exit 1) when a NaN or ±Infinity is produced, instead of warning`;

/** Each command's usage text (printed by `hessflow CMD --help`). */
const COMMANDS: Record<string, string> = {
  run: `  run SPEC       fetches, gradients and the exact Hessian (with tf.hessians blocks)
      --json           one JSON document on stdout, nothing else (NaN, Infinity, -Infinity as strings)
      --summary        Hessian summary only (trace, norms, three rows) instead of n×n entries
${HESSIAN_OPTIONS}
      --out FILE       also write the Hessian to FILE.npy (NumPy float64) or FILE.csv`,
  compare: `  compare SPEC   exact Hessian vs tf.hessians-style block diagonal: blocks, spectra, verdict
      --json, --svg FILE, --html FILE
${HESSIAN_OPTIONS}
      --spectra        dense eigen-decompositions even above 1,500 parameters (O(n³)); without it, above 1,500
                       compare finds the 5 largest and 5 smallest eigenvalues of each matrix by Lanczos
      --matrix-free    never build the n×n Hessian (automatic above 8,000 parameters): Lanczos extremes and block
                       Frobenius norms estimated from Hessian-vector products (Hutchinson), with standard errors
      --samples N      Rademacher samples per variable block for those norms (default 30)`,
  validate: "  validate SPEC  every problem in a spec, each with its JSON path   [--json]",
  graph: "  graph SPEC     the graph for Graphviz (--dot) or Markdown (--mermaid)   [--gradients]",
  check: `  check SPEC     gradients and Hessian against central finite differences: largest relative error per variable and order
      --order N        1 (gradients) or 2 (default: also the Hessian, against differences of the gradient)
      --tol T          largest accepted relative error (default 1e-6); above it the table is printed, then exit 1
      --eps H          finite-difference step, scaled by max(1, |x|) (default 1e-4)
      --json           the report as one JSON document`,
  spectrum: `  spectrum SPEC  extreme eigenvalues, trace and spectral density from Hessian-vector products (no n×n matrix)
      --top K          the K largest eigenvalues (Lanczos; with --bottom, default both 5 when nothing is asked)
      --bottom K       the K smallest eigenvalues
      --trace          the trace (Hutchinson, Rademacher vectors, with its standard error)
      --density        the spectral density (stochastic Lanczos quadrature)
      --curvature C    hessian (default) | tf-hessians-blocks (the block diagonal tf.hessians keeps) | gauss-newton (JᵀH_zJ; needs --output NODE)
      --output NODE    the network output for gauss-newton (or the spec's "curvature": {"output": NODE})
      --tol T          relative residual at which Lanczos stops (default 1e-10)
      --max-steps M    at most M Lanczos steps (default min(n, 500); per density run min(n, 80))
      --seed S         seed of the random vectors (default 0): the same seed, the same numbers
      --samples N      random vectors for --trace (default 100) and runs for --density (default 8)
      --json           one JSON document; --svg FILE the density with the extreme eigenvalues marked`,
  train: `  train SPEC     trains the spec's loss over its Hessian variables with each optimizer from the same start
      --optimizer O    comma-separated: gd (default), momentum, adam, newton, saddle-free, block-newton, gauss-newton
      --lr R           learning rate (default: gd and momentum 0.01, adam 0.001, the Newton steps 1); momentum is 0.9
      --damping D      λ of the Newton steps' (M + λI)⁻¹g (default 0; a singular M takes the pseudo-inverse step)
      --steps N        steps per optimizer (default 100)
      --every K        record the Hessian's extreme eigenvalues and inertia every K steps (Lanczos above 1,500 parameters, no inertia)
      --output NODE    the network output for gauss-newton (or the spec's "curvature": {"output": NODE})
      --json           one JSON object per line and step: optimizer, step, loss, gradient_norm, step_norm (and eigen)
      --svg FILE       loss curves on a log scale (and the eigenvalues when recorded)
      --save FILE      a checkpoint (hessflow.checkpoint/1) of the trained variables after the last optimizer`,
  export: `  export SPEC    a standalone Python program computing in float64 what run --json computes (same JSON document)
      --to T           pytorch (--device cpu|cuda) | jax (jit; --devices N shards the feeds' batch axis)
      -o FILE.py       write the program there (default stdout); above 10,000 values they go to FILE.npz beside it
      --spectrum       the program computes the Lanczos extremes and the trace from HVPs by default (as spectrum --json)
      --json-out       report what was written as one JSON document`,
  diff: `  diff A B       compares two 'run --json' documents (or an exported program's, of the same shape) field by field:
                       fetch.NAME, gradients.NAME, hessian.exact, hessian.tf_hessians.NAME (timing and mode ignored);
                       per field the relative difference max|A - B| / max(max|A|, max|B|), 0 when both are all zero
                       (the gradients share one scale, the tf.hessians blocks another)
      --tol T          largest accepted relative difference (default 1e-10); above it, or on a missing field, a shape
                       change, a non-number or a NaN/Infinity on one side only, the table is printed, then exit 1
      --json           the report as one JSON document`,
};

/** The files a command takes, for its usage line. */
const OPERANDS: Record<string, string> = { diff: "A.json B.json" };

const USAGE = `usage: hessflow <command> SPEC.json [options]

commands:
${Object.values(COMMANDS).join("\n")}
  help           this text (also: hessflow COMMAND --help)
  version        the version (also: --version)

exit codes: 0 done, 1 a mistake in the input or options, 2 refused (too big for memory), 70 internal error`;

/** Thrown for bad command-line usage (the user's mistake: exit 1). */
class UsageError extends HessflowError {}

/** Entry point: returns the process exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command !== undefined && Object.hasOwn(COMMANDS, command) && rest.some((a) => a === "--help" || a === "-h")) {
      io.out(`usage: hessflow ${command} ${OPERANDS[command] ?? "SPEC.json"} [options]\n\n${COMMANDS[command]}\n`);
      return EXIT.ok;
    }
    // A malformed HESSFLOW_MAX_BYTES is reported before any work, as the mistake it is.
    if (command !== undefined && Object.hasOwn(COMMANDS, command)) memoryBudget();
    switch (command) {
      case "run": return await runCommand(rest, io);
      case "compare": return await (await import("./compare.js")).compareCommand(rest, io);
      case "validate": return await (await import("./validate.js")).validateCommand(rest, io);
      case "graph": return await (await import("./graph.js")).graphCommand(rest, io);
      case "check": return await (await import("./check.js")).checkCommand(rest, io);
      case "spectrum": return await (await import("./spectrum.js")).spectrumCommand(rest, io);
      case "train": return await (await import("./train.js")).trainCommand(rest, io);
      case "export": return await (await import("./export.js")).exportCommand(rest, io);
      case "diff": return await (await import("./diff.js")).diffCommand(rest, io);
      case undefined:
        io.out(USAGE + "\n");
        return EXIT.user;
      case "help": case "--help": case "-h":
        io.out(USAGE + "\n");
        return EXIT.ok;
      case "version": case "--version": case "-v":
        io.out(`hessflow ${version()}\n`);
        return EXIT.ok;
      default: throw new UsageError(`unknown command '${q(command)}' (try 'hessflow help')`);
    }
  } catch (e) {
    return reportError(e, io, command);
  }
}

/** The package's version, from package.json. */
function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** Prints an error as one sanitised line on stderr and returns its exit code (the stack trace only with HESSFLOW_DEBUG set). */
export function reportError(e: unknown, io: Io, command?: string): number {
  if (e instanceof ClosedPipe) return EXIT.ok;
  if (process.env.HESSFLOW_DEBUG) console.error(e);
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    printErr(io, parseArgsMessage(e as Error, command));
    return EXIT.user;
  }
  if (e instanceof ResourceError) {
    printErr(io, e.message);
    return EXIT.refused;
  }
  if (e instanceof HessflowError) {
    printErr(io, e.message);
    return EXIT.user;
  }
  if (e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length|Invalid array buffer length/.test(e.message)) {
    printErr(io, `out of memory: ${e.message} (the estimate before allocating was too low; set HESSFLOW_MAX_BYTES lower)`);
    return EXIT.refused;
  }
  printErr(io, `internal error: ${(e as Error)?.message ?? String(e)} (a bug in hessflow: please report it with the command and the spec; HESSFLOW_DEBUG=1 shows the stack trace)`);
  return EXIT.internal;
}

/** node:util parseArgs' messages, in hessflow's words. */
function parseArgsMessage(e: Error, command?: string): string {
  const option = /'(--?[^'\s]+)/.exec(e.message)?.[1];
  const help = command ? ` (see 'hessflow ${q(command)} --help')` : "";
  switch ((e as { code?: string }).code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": return `unknown option '${q(option ?? "?")}'${command ? ` for '${q(command)}'` : ""}${help}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": return /argument missing/.test(e.message) ? `option '${q(option ?? "?")}' needs a value${help}` : `option '${q(option ?? "?")}' takes no value${help}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": return `unexpected argument${help}`;
    default: return `bad arguments${help}`;
  }
}

/** Parses `SPEC [options]` with the given option table; exactly one positional SPEC. */
export function parseCommand(args: string[], options: NonNullable<ParseArgsConfig["options"]>) {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (parsed.positionals.length !== 1) throw new UsageError(`expected exactly one SPEC file, got ${parsed.positionals.length}${parsed.positionals.length ? ` (${parsed.positionals.map((p) => `'${q(p)}'`).join(", ")})` : ""}`);
  return { spec: parsed.positionals[0], values: parsed.values as Record<string, string | boolean | undefined> };
}

/** Options shared by the commands that compute a Hessian. */
export const HESSIAN_FLAGS = { mode: { type: "string" }, workers: { type: "string" }, "strict-finite": { type: "boolean" } } as const;

/** Reads the --mode and --workers options; the CLI's Hessians get Node's worker threads. */
export function hessianOptions(values: Record<string, string | boolean | undefined>) {
  const mode = (values.mode as string | undefined) ?? "batched";
  if (mode !== "rows" && mode !== "batched") throw new UsageError(`--mode must be 'rows' or 'batched', got '${q(mode)}'`);
  let workers: number | "auto" = "auto";
  if (values.workers !== undefined && values.workers !== "auto") {
    workers = Number(values.workers);
    if (!/^\d+$/.test(values.workers as string) || workers < 1) throw new UsageError(`--workers must be 'auto' or a positive integer, got '${q(values.workers)}'`);
  }
  return { mode: mode as "rows" | "batched", workers, threads: nodeThreads() };
}

/** Warns about the first NaN or ±Infinity of a result on stderr, or fails with it under --strict-finite. */
export function reportNonFinite(result: SpecResult, strict: boolean, io: Io): void {
  const nf = result.nonFinite;
  if (!nf) return;
  if (strict) throw new HessflowError(`${nf.message} (--strict-finite)`, nf.node);
  warn(io, `${nf.message}; the results contain NaN or ±Infinity (they print as nan/inf, and in JSON as "NaN", "Infinity", "-Infinity")`);
}

/** Usage error, for the command modules. */
export function usage(message: string): never {
  throw new UsageError(message);
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, {
    json: { type: "boolean" }, summary: { type: "boolean" }, out: { type: "string" }, ...HESSIAN_FLAGS,
  });
  const opts = hessianOptions(values);
  const out = values.out as string | undefined;
  if (out !== undefined && !/\.(npy|csv)$/i.test(out)) usage(`--out must end in .npy or .csv, got '${q(out)}'`);
  const loaded = loadSpec(readSpecFile(spec));
  if (out !== undefined && !loaded.hessian) usage(`--out needs the spec to ask for outputs.hessian`);
  const files = out !== undefined ? await import("../report/files.js") : undefined;
  if (out !== undefined) files!.checkWritable(out);
  const bar = progress(io, "Hessian rows");
  const result = await runSpec(loaded, { ...opts, onProgress: bar.update }).finally(bar.done);
  reportNonFinite(result, Boolean(values["strict-finite"]), io);
  if (out !== undefined && result.hessian) {
    const h = result.hessian;
    await files!.writeFileAtomic(out, /\.npy$/i.test(out) ? files!.npyPieces(h.exact, [h.n, h.n]) : files!.csvPieces(h.exact, h.n, h.layout));
  }
  if (values.json) printRunJson(result, Boolean(values.summary), io);
  else printRunText(result, loaded.doc.description, Boolean(values.summary), io);
  return EXIT.ok;
}
