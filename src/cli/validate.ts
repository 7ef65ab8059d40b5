// `hessflow validate SPEC [--json]`: every problem of a spec at once, each with its JSON path and node.
import { SpecError } from "../errors.js";
import { cut, MAX_LINE, oneLine } from "../messages.js";
import { formatProblem, readSpecFile, specProblems, type SpecDoc } from "../spec/load.js";
import type { SchemaProblem } from "../spec/schema.js";
import { parseCommand } from "./main.js";
import type { Io } from "./output.js";

/** What validate found: the problems, or the size of a valid spec. */
export interface ValidateResult {
  valid: boolean;
  problems: SchemaProblem[];
  /** Number of spec nodes and of variable elements, when valid. */
  nodes?: number;
  parameters?: number;
  /** True when the file could not be read or parsed (the one problem's message names the file). */
  unreadable?: boolean;
}

/** Validates a spec file: unreadable file or broken JSON (one problem at `$`), else every schema problem, else every semantic problem. */
export function validateFile(path: string): ValidateResult {
  let doc: unknown;
  try {
    doc = readSpecFile(path);
  } catch (e) {
    if (e instanceof SpecError) return { valid: false, problems: [{ path: "$", message: e.message }], unreadable: true };
    throw e;
  }
  // Nothing is allocated: initialised variables are checked by their shapes.
  const { problems, loaded } = specProblems(doc, { values: false });
  if (problems.length || !loaded) return { valid: false, problems };
  let parameters = 0;
  for (const n of loaded.graph.nodes) if (n.op === "variable" || loaded.standIns?.has(n)) parameters += n.shape.reduce<number>((a, d) => a * (d ?? 0), 1);
  return { valid: true, problems: [], nodes: (doc as SpecDoc).nodes.length, parameters };
}

/** Prints `ok: SPEC (N nodes, n parameters)` or one `path (node 'x'): message` line per problem; `--json` prints `{"valid", "problems"}`. Exit 0 if valid, else 1. */
export async function validateCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, { json: { type: "boolean" } });
  const r = validateFile(spec);
  if (values.json) {
    // JSON escapes control characters; long text (a name of a million characters) is cut as in the text output.
    const problems = r.problems.map((p) => (p.node === undefined ? { path: p.path, message: cut(p.message, MAX_LINE) } : { path: p.path, node: cut(p.node), message: cut(p.message, MAX_LINE) }));
    io.out(JSON.stringify({ valid: r.valid, problems }) + "\n");
  } else if (r.valid) {
    io.out(`ok: ${oneLine(spec)} (${r.nodes} nodes, ${r.parameters} parameters)\n`);
  } else {
    io.out(r.problems.map((p) => oneLine(r.unreadable ? p.message : formatProblem(p))).join("\n") + "\n");
  }
  return r.valid ? 0 : 1;
}
