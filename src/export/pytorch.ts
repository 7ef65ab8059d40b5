// The PyTorch program: float64, --device cpu|cuda, gradients by torch.autograd.grad, the exact Hessian
// --chunk rows per batched backward pass over the gradient's graph (is_grads_batched; row by row with --chunk 1
// or where batching fails), tf.hessians' blocks each from its own variable, and with --spectrum the extreme
// eigenvalues (Lanczos on Hessian-vector products) and the trace (Hutchinson, its products batched).
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
#   python3 THIS.py --chunk 16 --verbose # Hessian rows per batched backward pass (memory grows with it); stderr says which path ran
#   python3 THIS.py --spectrum --top 5 --bottom 5 --trace   # Lanczos / Hutchinson on Hessian-vector products
#   hessflow run SPEC --json > a.json && python3 THIS.py > b.json && hessflow diff a.json b.json
${plan.values.length && sidecar ? `#\n# The values are in ${escapeControl(sidecar)}, next to this file.\n` : ""}
import argparse
import json
import math
import os
import sys
${TORCH_PRELUDE}

DEFAULT_CHUNK = 16   # Hessian rows per batched backward pass (--chunk): the fastest here on a CPU; on a GPU more may pay


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


def _flat_grad(y, xs):
    """The gradient of sum(y) over xs as one vector (each x row-major), with its graph kept for second derivatives."""
    return torch.cat([gi.reshape(-1) for gi in _grads(y, xs, create_graph=True)])


def _rows(g, xs, E):
    """E J for a k x n matrix E, J = d g / d xs: k Hessian-vector products in one batched backward pass (vmap)."""
    k = E.shape[0]
    if not g.requires_grad:
        return torch.zeros((k, g.numel()), dtype=DTYPE, device=DEVICE)
    rs = torch.autograd.grad(g, xs, grad_outputs=E, is_grads_batched=True, retain_graph=True, allow_unused=True)
    return torch.cat([torch.zeros((k, x.numel()), dtype=DTYPE, device=DEVICE) if r is None else r.reshape(k, -1) for r, x in zip(rs, xs)], 1)


def _row_by_row(g, xs, E):
    """E J as _rows computes it, one backward pass per row (the fallback where batching fails)."""
    out = torch.zeros((E.shape[0], g.numel()), dtype=DTYPE, device=DEVICE)
    if g.requires_grad:
        for i in range(E.shape[0]):
            out[i] = torch.cat([r.reshape(-1) for r in _grads(g @ E[i], xs)])
    return out


class Products:
    """Rows E J of the Jacobian J of the vector g (the gradient) over xs, chunk rows per batched backward pass.

    If a batched pass fails (an op without a batching rule), every later product is computed row by row;
    log (a function of one line, or None) is told which path ran and why."""

    def __init__(self, g, xs, chunk, log):
        self.g, self.xs, self.chunk, self.log = g, xs, max(1, chunk), log
        self.batched = chunk > 1
        self.said = False

    def __call__(self, E):
        if self.batched:
            try:
                out = torch.cat([_rows(self.g, self.xs, E[s:s + self.chunk]) for s in range(0, E.shape[0], self.chunk)])
                self._say(f"batched: {self.chunk} rows per backward pass (autograd.grad, is_grads_batched=True)")
                return out
            except RuntimeError as e:
                self.batched = False
                self._say(f"row by row: the batched backward pass failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}", force=True)
        self._say("row by row: one backward pass per row (--chunk 1)" if self.chunk == 1 else "row by row")
        return _row_by_row(self.g, self.xs, E)

    def _say(self, line, force=False):
        if self.log is not None and (force or not self.said):
            self.log(line)
        self.said = True


def _unit_rows(rows, n):
    """The unit vectors e_i (i in rows) as a len(rows) x n matrix."""
    E = torch.zeros((len(rows), n), dtype=DTYPE, device=DEVICE)
    E[torch.arange(len(rows), device=DEVICE), torch.as_tensor(rows, dtype=torch.long, device=DEVICE)] = 1
    return E


def hessian(y, xs, chunk=1, log=None):
    """The exact Hessian of sum(y) over xs, flattened in order (each x row-major): row i = d g_i / d xs, chunk rows at a time."""
    g = _flat_grad(y, xs)
    n = g.numel()
    products = Products(g, xs, chunk, log)
    H = torch.zeros((n, n), dtype=DTYPE, device=DEVICE)
    for s in range(0, n, products.chunk):
        H[s:s + products.chunk] = products(_unit_rows(range(s, min(s + products.chunk, n)), n))
    return H


def hvp_operator(y, xs, chunk=1, log=None):
    """(n, v -> H v, V -> V H for a k x n matrix V): by differentiating <grad, v> (the gradient graph is built once)."""
    products = Products(_flat_grad(y, xs), xs, chunk, log)
    return products.g.numel(), lambda v: products(v.reshape(1, -1))[0], products


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
    p.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help=f"Hessian rows (or HVPs) per batched backward pass; memory grows with it; 1: row by row (default {DEFAULT_CHUNK})")
    p.add_argument("--verbose", action="store_true", help="say on stderr how the Hessian was computed (batched or row by row, and why)")
    add_spectrum_arguments(p)
    args = p.parse_args(argv)
    if args.chunk < 1:
        p.error(f"--chunk must be a positive integer, got {args.chunk}")
    DEVICE = torch.device(args.device)
    log = (lambda line: print(f"hessian: {line}", file=sys.stderr)) if args.verbose else None
    V = _tensors(load_values())
    D = {}
    N = graph(V, D)
    x_of = lambda k: V[k] if k in V else D[k]
    if args.spectrum:
        if HESSIAN_Y is None:
            raise SystemExit("--spectrum needs the spec to ask for outputs.hessian")
        n, apply, apply_many = hvp_operator(N[HESSIAN_Y], [x_of(k) for _, k in HESSIAN_XS], args.chunk, log)
        return spectrum(args, n, apply, _layout(), apply_many)
    doc = {"name": SPEC_NAME, "fetch": {}, "gradients": {}}
    for name, k in FETCH:
        doc["fetch"][name] = nested(N[k])
    if GRADIENT_XS:
        y = sum(N[k].sum() for k in GRADIENT_YS)
        for (name, _), g in zip(GRADIENT_XS, _grads(y, [x_of(k) for _, k in GRADIENT_XS])):
            doc["gradients"][name] = nested(g)
    if HESSIAN_Y is not None and args.hessian_rows is not None:
        n, _, apply_many = hvp_operator(N[HESSIAN_Y], [x_of(k) for _, k in HESSIAN_XS], args.chunk, log)
        wanted = [int(r) for r in args.hessian_rows.split(",")]
        rows = {str(i): nested(r) for i, r in zip(wanted, apply_many(_unit_rows(wanted, n)))}
        doc["hessian"] = {"xs": _layout(), "n": n, "rows": rows}
    elif HESSIAN_Y is not None:
        y = N[HESSIAN_Y]
        xs = [x_of(k) for _, k in HESSIAN_XS]
        H = hessian(y, xs, args.chunk, log and (lambda line: log(f"exact: {line}")))
        blocks = {}
        for (name, k), x in zip(HESSIAN_XS, xs):
            blocks[name] = nested(hessian(y, [x], args.chunk, log and (lambda line: log(f"tf_hessians {name!r}: {line}"))).reshape(tuple(x.shape) * 2))
        doc["hessian"] = {"xs": _layout(), "n": H.shape[0], "exact": nested(H), "tf_hessians": blocks}
    return doc



${JSON_HELPERS}

if __name__ == "__main__":
    write_json(main(), sys.stdout)
`;
}
