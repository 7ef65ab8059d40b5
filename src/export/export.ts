// `hessflow export`: a loaded spec as a standalone Python program (PyTorch or JAX) computing, in float64,
// what `hessflow run --json` computes; values inline, or above INLINE_LIMIT in a sidecar .npz.
import { HessflowError } from "../errors.js";
import type { LoadedSpec } from "../spec/build.js";
import { jaxProgram } from "./jax.js";
import { npzPieces } from "./npz.js";
import { planExport, valueCount } from "./plan.js";
import { INLINE_LIMIT } from "./program.js";
import { pytorchProgram } from "./pytorch.js";

/** The export targets. */
export const TARGETS = ["pytorch", "jax"] as const;

/** An export target. */
export type Target = (typeof TARGETS)[number];

/** What an export produces: the program text and, for big specs, the sidecar's name and pieces. */
export interface Exported {
  program: string;
  /** Number of nodes the program rebuilds. */
  nodes: number;
  /** Number of float64 values it loads. */
  values: number;
  sidecar?: { name: string; pieces: Uint8Array[] };
}

/** Options of exportSpec. */
export interface ExportOptions {
  to: Target;
  /** The sidecar's file name (beside the program) if the values go there; without it big specs are refused. */
  sidecar?: string;
  /** Put the values in the sidecar even when they are few. */
  forceSidecar?: boolean;
  /** The program computes the spectrum (Lanczos extremes, trace) by default, as \`hessflow spectrum --json\`. */
  spectrum?: boolean;
  /** The command line recorded in the program's header. */
  command?: string;
}

/** Exports a loaded spec; an unexportable op, or too many values without a sidecar name, is refused before anything is written. */
export function exportSpec(spec: LoadedSpec, options: ExportOptions): Exported {
  const plan = planExport(spec);
  const values = valueCount(plan);
  const big = values > INLINE_LIMIT || Boolean(options.forceSidecar);
  if (big && options.sidecar === undefined) {
    throw new HessflowError(`the spec has ${values} values (more than ${INLINE_LIMIT} are not written inline): give -o FILE.py, and they go to FILE.npz beside it`);
  }
  const sidecar = big ? options.sidecar : undefined;
  const command = options.command ?? `hessflow export SPEC --to ${options.to}`;
  const program = options.to === "pytorch" ? pytorchProgram(plan, sidecar, command) : jaxProgram(plan, sidecar, command);
  const withDefault = options.spectrum ? program.replace("    add_spectrum_arguments(p)\n", "    add_spectrum_arguments(p)\n    p.set_defaults(spectrum=True)\n") : program;
  return {
    program: withDefault,
    nodes: plan.lines.length,
    values,
    ...(sidecar !== undefined ? { sidecar: { name: sidecar, pieces: npzPieces(plan.values.map((v) => ({ name: v.ident, tensor: v.tensor }))) } } : {}),
  };
}

/** What writeExport wrote. */
export interface WriteReport { program: string; sidecar: string | null; target: Target; nodes: number; values: number }

/**
 * Exports a loaded spec to `out` (a .py path; the values of big specs go to the .npz beside it). Everything is
 * checked first (exportable ops, writable target); then the sidecar and the program are each written atomically.
 */
export async function writeExport(spec: LoadedSpec, out: string, options: Omit<ExportOptions, "sidecar">): Promise<WriteReport> {
  const { basename } = await import("node:path");
  const { checkWritable, writeFileAtomic } = await import("../report/files.js");
  const sidecar = out.replace(/\.py$/i, "") + ".npz";
  const result = exportSpec(spec, { ...options, sidecar: basename(sidecar) });
  checkWritable(out);
  if (result.sidecar) await writeFileAtomic(sidecar, result.sidecar.pieces);
  await writeFileAtomic(out, result.program);
  return { program: out, sidecar: result.sidecar ? sidecar : null, target: options.to, nodes: result.nodes, values: result.values };
}
