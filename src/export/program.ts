// The parts every exported program shares: the header comment, the values (inline or from the .npz
// sidecar), the graph function and the description of the outputs.
import { basename } from "node:path";
import type { ExportPlan } from "./plan.js";
import { pyNumber } from "./ops.js";
import { escapeControl } from "../messages.js";

/** Above this many values in total, the values go to a sidecar .npz file instead of the program text. */
export const INLINE_LIMIT = 10_000;

/** A Python string literal (JSON's escapes are valid Python). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/** The `load_values()` function: the values inline, or read from the sidecar next to the program. */
export function valuesFunction(plan: ExportPlan, sidecar: string | undefined): string {
  if (sidecar !== undefined) {
    return `def load_values():
    """The spec's variables (as hessflow initialised them), constants and feeds, from the sidecar ${escapeControl(basename(sidecar))}."""
    import numpy as np
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), ${pyString(basename(sidecar))})
    with np.load(path) as data:
        return {k: data[k] for k in data.files}
`;
  }
  const entries = plan.values.map((v) => `        ${pyString(v.ident)}: _values([${Array.from(v.tensor.data, pyNumber).join(", ")}], [${v.tensor.shape.join(", ")}]),`);
  return `def load_values():
    """The spec's variables (as hessflow initialised them), constants and feeds: flat row-major values and shapes."""
    return {
${entries.join("\n")}
    }
`;
}

/** The graph function: one line per node, the spec's node names in the comments; it returns the nodes the outputs use. */
export function graphFunction(plan: ExportPlan): string {
  return `def graph(V, D):
    """The spec's graph, one line per node (the comment names the spec node). V: the values; D: zero tensors added to the xs computed by ops ("taps")."""
${plan.lines.map((l) => `    ${l}`).join("\n")}
    return {${plan.returns.map((r) => `${pyString(r)}: ${r}`).join(", ")}}
`;
}

/** The outputs the spec asks for, as Python data: names in the JSON document and Python names of their nodes. */
export function outputsBlock(plan: ExportPlan): string {
  const pairs = (xs: { name: string; ident: string }[]) => `[${xs.map((x) => `(${pyString(x.name)}, ${pyString(x.ident)})`).join(", ")}]`;
  return `SPEC_NAME = ${pyString(plan.name)}
FETCH = ${pairs(plan.fetch)}                       # (name in the JSON document, node)
GRADIENT_YS = [${(plan.gradients?.ys ?? []).map(pyString).join(", ")}]
GRADIENT_XS = ${pairs(plan.gradients?.xs ?? [])}
HESSIAN_Y = ${plan.hessian ? pyString(plan.hessian.y) : "None"}
HESSIAN_XS = ${pairs(plan.hessian?.xs ?? [])}
SOURCE_XS = [${plan.sourceXs.map(pyString).join(", ")}]             # xs that are values: differentiated directly
TAPPED_XS = [${plan.tappedXs.map(pyString).join(", ")}]             # xs computed by ops: differentiated through a zero added to them
BATCH_AXES = {${plan.batchAxes.map((b) => `${pyString(b.ident)}: ${b.axis ?? "None"}`).join(", ")}}   # each placeholder's unknown (batch) axis
HESSIAN_SHAPES = [${(plan.hessian?.xs ?? []).map((x) => `(${pyString(x.name)}, [${x.shape.join(", ")}])`).join(", ")}]   # the Hessian's variables, flattened in this order
`;
}

/** The output helpers both programs use: the Hessian's layout, and JSON with NaN and ±Infinity as strings, as hessflow writes them. */
export const JSON_HELPERS = `def _layout():
    """The Hessian's variables as run --json lists them: name, shape, offset in the flattened vector, size."""
    layout, offset = [], 0
    for name, shape in HESSIAN_SHAPES:
        size = math.prod(shape)
        layout.append({"name": name, "shape": list(shape), "offset": offset, "size": size})
        offset += size
    return layout


def _json_safe(x):
    """NaN, Infinity and -Infinity as strings (JSON has no such numbers), everything else as it is."""
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        try:
            if all(map(math.isfinite, x)):   # a row of finite numbers, checked at C speed
                return x
        except (TypeError, OverflowError):   # nested lists or strings
            pass
        return [_json_safe(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    return x


def _write_value(x, out):
    """x as compact JSON, one write per innermost list (json.dump's many small writes are slow, one json.dumps of it all doubles the memory)."""
    if isinstance(x, dict):
        out.write("{")
        for i, (k, v) in enumerate(x.items()):
            out.write(("," if i else "") + json.dumps(k) + ":")
            _write_value(v, out)
        out.write("}")
    elif isinstance(x, list) and x and isinstance(x[0], (list, dict)):   # (a list of numbers: one json.dumps)
        out.write("[")
        for i, v in enumerate(x):
            if i:
                out.write(",")
            _write_value(v, out)
        out.write("]")
    else:
        out.write(json.dumps(x, allow_nan=False, separators=(",", ":")))


def write_json(doc, out):
    """The document as hessflow run --json writes it (one line)."""
    _write_value(_json_safe(doc), out)
    out.write("\\n")
`;
