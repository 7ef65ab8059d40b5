// `hessflow export SPEC --to pytorch|jax [-o FILE.py] [--spectrum] [--json-out]`: parses and prints; the
// program is written by src/export. Without -o the program goes to stdout (big specs need -o: their values
// go to FILE.npz beside it). Everything is checked (ops, sizes, writability) before any file is written.
import { basename } from "node:path";
import { exportSpec, TARGETS, type Target } from "../export/export.js";
import { q } from "../messages.js";
import { checkWritable, writeFileAtomic } from "../report/files.js";
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
  const sidecar = out?.replace(/\.py$/i, ".npz");
  const loaded = loadSpec(readSpecFile(spec));
  const command = `hessflow export ${basename(spec)} --to ${to}${values.spectrum ? " --spectrum" : ""}${out !== undefined ? ` -o ${basename(out)}` : ""}`;
  const result = exportSpec(loaded, { to: to as Target, sidecar: sidecar && basename(sidecar), spectrum: Boolean(values.spectrum), command });
  if (out === undefined) {
    io.out(result.program);
    return EXIT.ok;
  }
  checkWritable(out);
  if (result.sidecar) await writeFileAtomic(sidecar!, result.sidecar.pieces);
  await writeFileAtomic(out, result.program);
  const report = { program: out, sidecar: result.sidecar ? sidecar : null, target: to, nodes: result.nodes, values: result.values };
  io.out(values["json-out"] ? jsonText(report) + "\n" : `wrote ${q(out)} (${to}, ${result.nodes} nodes, ${result.values} values${result.sidecar ? ` in ${q(sidecar)}` : " inline"})\n`);
  return EXIT.ok;
}
