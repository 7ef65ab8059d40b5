// The PyTorch program: float64, --device cpu|cuda, gradients by torch.autograd.grad, the exact Hessian row
// by row (create_graph=True), tf.hessians' blocks each from its own variable, and with --spectrum the
// extreme eigenvalues (Lanczos on Hessian-vector products) and the trace (Hutchinson).
import { escapeControl } from "../messages.js";
import type { ExportPlan } from "./plan.js";
import { JSON_HELPERS, graphFunction, outputsBlock, valuesFunction } from "./program.js";
import { TORCH_PRELUDE } from "./prelude-torch.js";
import { SPECTRUM_PY } from "./spectrum-py.js";

/** The PyTorch program for a plan; `sidecar` is the .npz file name when the values are not inline. */
export function pytorchProgram(plan: ExportPlan, sidecar: string | undefined, command: string): string {
  return `#!/usr/bin/env python3
# ${escapeControl(plan.name)}: a hessflow graph spec exported to PyTorch (float64) by \`${escapeControl(command)}\`.
#
# It rebuilds the spec's graph (graph() below: one line per node, the spec's node name in the comment),
# and prints on stdout the JSON document that \`hessflow run SPEC --json\` prints: the fetches, the gradients,
# the exact Hessian over the listed xs (flattened in their order, each row-major) and the tf.hessians blocks
# (each computed from its own variable), with NaN and +-Infinity as strings. hessflow's timing fields are left out.
#
#   python3 THIS.py                      # on the CPU (needs torch >= 1.13 and numpy)
#   python3 THIS.py --device cuda        # on a GPU
#   python3 THIS.py --spectrum --top 5 --bottom 5 --trace   # Lanczos / Hutchinson on Hessian-vector products
#   hessflow run SPEC --json > a.json && python3 THIS.py > b.json && hessflow diff a.json b.json
${plan.values.length && sidecar ? `#\n# The values are in ${escapeControl(sidecar)}, next to this file.\n` : ""}
import argparse
import json
import math
import os
import sys
${TORCH_PRELUDE}

def _values(flat, shape):
    return (flat, shape)


def tap(t, D, key):
    """t plus a zero that requires grad: the derivative w.r.t. that zero is tf.gradients' w.r.t. t."""
    if key not in D:
        D[key] = torch.zeros(t.shape, dtype=DTYPE, device=DEVICE, requires_grad=True)
    return t + D[key]


${valuesFunction(plan, sidecar)}

${graphFunction(plan)}

${outputsBlock(plan)}

def _tensors(raw):
    V = {}
    for k, v in raw.items():
        if isinstance(v, tuple):
            V[k] = _t(v[0]).reshape(v[1])
        else:
            V[k] = _t(v)
    for k in SOURCE_XS:
        V[k].requires_grad_(True)
    return V


def _grads(y, xs, create_graph=False):
    """d sum(y) / d x for each x (zeros where y does not depend on x), as tf.gradients."""
    if not y.requires_grad:
        return [torch.zeros_like(x) for x in xs]
    gs = torch.autograd.grad(y.sum(), xs, create_graph=create_graph, retain_graph=True, allow_unused=True)
    return [torch.zeros_like(x) if g is None else g for g, x in zip(gs, xs)]


def hessian(y, xs):
    """The exact Hessian of sum(y) over xs, flattened in order (each x row-major): row i = d g_i / d xs."""
    g = torch.cat([gi.reshape(-1) for gi in _grads(y, xs, create_graph=True)])
    n = g.numel()
    H = torch.zeros((n, n), dtype=DTYPE, device=DEVICE)
    for i in range(n):
        if g[i].requires_grad:
            H[i] = torch.cat([r.reshape(-1) for r in _grads(g[i], xs)])
    return H


def hvp_operator(y, xs):
    """v -> H v by differentiating <grad, v> (the gradient graph is built once)."""
    g = torch.cat([gi.reshape(-1) for gi in _grads(y, xs, create_graph=True)])

    def apply(v):
        if not g.requires_grad:
            return torch.zeros_like(v)
        return torch.cat([r.reshape(-1) for r in _grads(g @ v, xs)])
    return g.numel(), apply


def nested(t):
    return t.detach().cpu().tolist()


def _to_numpy(t):
    return t.detach().cpu().numpy()


def _from_numpy(a):
    return torch.as_tensor(a, dtype=DTYPE, device=DEVICE)


${SPECTRUM_PY}

def main(argv=None):
    """Computes what \`hessflow run SPEC --json\` computes (or, with --spectrum, \`hessflow spectrum --json\`) and returns the document."""
    global DEVICE
    p = argparse.ArgumentParser(description=${JSON.stringify(`The hessflow spec '${escapeControl(plan.name)}' in PyTorch (float64).`)})
    p.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    p.add_argument("--hessian-rows", default=None, help="only these rows of the Hessian (comma-separated indices, by HVPs), for specs whose n x n matrix is too big")
    add_spectrum_arguments(p)
    args = p.parse_args(argv)
    DEVICE = torch.device(args.device)
    V = _tensors(load_values())
    D = {}
    N = graph(V, D)
    x_of = lambda k: V[k] if k in V else D[k]
    if args.spectrum:
        if HESSIAN_Y is None:
            raise SystemExit("--spectrum needs the spec to ask for outputs.hessian")
        n, apply = hvp_operator(N[HESSIAN_Y], [x_of(k) for _, k in HESSIAN_XS])
        return spectrum(args, n, apply, _layout())
    doc = {"name": SPEC_NAME, "fetch": {}, "gradients": {}}
    for name, k in FETCH:
        doc["fetch"][name] = nested(N[k])
    if GRADIENT_XS:
        y = sum(N[k].sum() for k in GRADIENT_YS)
        for (name, _), g in zip(GRADIENT_XS, _grads(y, [x_of(k) for _, k in GRADIENT_XS])):
            doc["gradients"][name] = nested(g)
    if HESSIAN_Y is not None and args.hessian_rows is not None:
        n, apply = hvp_operator(N[HESSIAN_Y], [x_of(k) for _, k in HESSIAN_XS])
        rows = {}
        for i in [int(r) for r in args.hessian_rows.split(",")]:
            e = torch.zeros(n, dtype=DTYPE, device=DEVICE)
            e[i] = 1
            rows[str(i)] = nested(apply(e))
        doc["hessian"] = {"xs": _layout(), "n": n, "rows": rows}
    elif HESSIAN_Y is not None:
        y = N[HESSIAN_Y]
        xs = [x_of(k) for _, k in HESSIAN_XS]
        H = hessian(y, xs)
        blocks = {}
        for (name, k), x in zip(HESSIAN_XS, xs):
            blocks[name] = nested(hessian(y, [x]).reshape(tuple(x.shape) * 2))
        doc["hessian"] = {"xs": _layout(), "n": H.shape[0], "exact": nested(H), "tf_hessians": blocks}
    return doc



${JSON_HELPERS}

if __name__ == "__main__":
    write_json(main(), sys.stdout)
`;
}
