// `hessflow graph SPEC --dot | --mermaid [--gradients]`: the graph as Graphviz DOT or a Mermaid flowchart.
import { graphView, MERMAID_MAX_EDGES, toDot, toMermaid } from "../report/graph-text.js";
import { loadSpec, readSpecFile } from "../spec/load.js";
import { parseCommand, usage } from "./main.js";
import type { Io } from "./output.js";

/** Prints the spec's graph (with --gradients, also the gradient and row-by-row Hessian nodes) on stdout. */
export async function graphCommand(args: string[], io: Io): Promise<number> {
  const { spec, values } = parseCommand(args, { dot: { type: "boolean" }, mermaid: { type: "boolean" }, gradients: { type: "boolean" } });
  if (Boolean(values.dot) === Boolean(values.mermaid)) usage("graph needs exactly one of --dot or --mermaid");
  const loaded = loadSpec(readSpecFile(spec));
  if (values.gradients && !loaded.gradients && !loaded.hessian) usage("--gradients needs the spec to ask for outputs.gradients or outputs.hessian");
  const view = graphView(loaded, {
    gradients: Boolean(values.gradients),
    source: spec,
    ...(values.mermaid ? { maxEdges: MERMAID_MAX_EDGES, edgeLimitName: "Mermaid's default maxEdges" } : {}),
  });
  io.out(values.dot ? toDot(view) : toMermaid(view));
  return 0;
}
