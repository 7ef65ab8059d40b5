// `hessflow export SPEC --to pytorch|jax [-o FILE.py] [--spectrum] [--json-out]`: parses and prints; the
// program is written by src/export. Without -o the program goes to stdout (big specs need -o: their values
// go to FILE.npz beside it). Everything is checked (ops, sizes, writability) before any file is written.
import { basename } from "node:path";
import { exportSpec, TARGETS, writeExport, type Target } from "../export/export.js";
import { q } from "../messages.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { jsonText } from "./json-out.js";
import { EXIT, parseCommand, usage } from "./main.js";
import type { Io } from "./output.js";

/** Runs `hessflow export`. */
export async function exportCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, {
    to: { type: "string" }, o: { type: "string", short: "o" }, spectrum: { type: "boolean" }, "json-out": { type: "boolean" },
  });
  const to = values.to as string | undefined;
  if (to === undefined) usage(`--to is required: ${TARGETS.join(" or ")}`);
  if (!(TARGETS as readonly string[]).includes(to)) usage(`--to must be ${TARGETS.join(" or ")}, got '${q(to)}'`);
  const out = values.o as string | undefined;
  if (out !== undefined && !/\.py$/i.test(out)) usage(`-o must name a .py file, got '${q(out)}'`);
  const loaded = loadSpec(readSpecFile(spec));
  const command = `hessflow export ${basename(spec)} --to ${to}${values.spectrum ? " --spectrum" : ""}${out !== undefined ? ` -o ${basename(out)}` : ""}`;
  const options = { to: to as Target, spectrum: Boolean(values.spectrum), command };
  if (out === undefined) {
    io.out(exportSpec(loaded, options).program);
    return EXIT.ok;
  }
  const r = await writeExport(loaded, out, options);
  io.out(values["json-out"] ? jsonText(r) + "\n" : `wrote ${q(out)} (${to}, ${r.nodes} nodes, ${r.values} values${r.sidecar ? ` in ${q(r.sidecar)}` : " inline"})\n`);
  return EXIT.ok;
}
