// A problem in a spec document, as data: where (JSON path, node) and what. `validate` lists them;
// `run` and the other commands throw the first as a SpecError that carries it.
import { SpecError } from "../errors.js";
import { q } from "../messages.js";

/** One problem of a spec: JSON path of the offending value, the node it belongs to (if any), and what is wrong. */
export interface SpecProblem {
  /** JSON path of the offending value, e.g. `$.nodes[3].attrs.axis`. */
  path: string;
  /** Name of the node, when the problem belongs to one. */
  node?: string;
  /** What is wrong, without the path and node. */
  message: string;
}

/** One line for a problem: its JSON path, node and message. */
export function formatProblem(p: SpecProblem): string {
  return `${p.path}${p.node !== undefined ? ` (node '${q(p.node)}')` : ""}: ${p.message}`;
}

/** A SpecError whose message is the formatted problem and which carries the problem as data. */
export function problemError(path: string, node: string | undefined, message: string): SpecError & { problem: SpecProblem } {
  const problem: SpecProblem = node === undefined ? { path, message } : { path, node, message };
  const e = new SpecError(formatProblem(problem), node ?? path) as SpecError & { problem: SpecProblem };
  Object.defineProperty(e, "problem", { value: problem, enumerable: true });
  return e;
}

/** The problem a SpecError carries, if it was made by problemError. */
export function problemOf(e: unknown): SpecProblem | undefined {
  return e instanceof SpecError ? (e as { problem?: SpecProblem }).problem : undefined;
}
