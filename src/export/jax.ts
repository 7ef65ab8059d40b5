// The JAX program: x64, everything under jit; gradients by jax.grad, the exact Hessian by jax.hessian
// (forward-over-reverse), tf.hessians' blocks each from its own variable, HVPs for --spectrum; --devices N
// shards the placeholders' batch axis over N devices (jax.sharding), so XLA's collectives sum over the batch.
import { escapeControl } from "../messages.js";
import type { ExportPlan } from "./plan.js";
import { JSON_HELPERS, graphFunction, outputsBlock, valuesFunction } from "./program.js";
import { JAX_PRELUDE } from "./prelude-jax.js";
import { SPECTRUM_PY } from "./spectrum-py.js";

/** The JAX program for a plan; `sidecar` is the .npz file name when the values are not inline. */
export function jaxProgram(plan: ExportPlan, sidecar: string | undefined, command: string): string {
  return `#!/usr/bin/env python3
# ${escapeControl(plan.name)}: a hessflow graph spec exported to JAX (float64, jit) by \`${escapeControl(command)}\`.
#
# It rebuilds the spec's graph (graph() below: one line per node, the spec's node name in the comment),
# and prints on stdout the JSON document that \`hessflow run SPEC --json\` prints: the fetches, the gradients,
# the exact Hessian over the listed xs (flattened in their order, each row-major; jax.hessian, forward-over-reverse)
# and the tf.hessians blocks (each from its own variable), NaN and +-Infinity as strings, without hessflow's timings.
#
#   python3 THIS.py                          # every visible device (CPU here; needs jax and numpy)
#   python3 THIS.py --devices 4              # the batch axis of the feeds sharded over 4 devices
#   pip install -U "jax[cuda12]" && python3 THIS.py --devices 8     # on 8 GPUs (JAX_PLATFORMS=cuda to insist)
#   python3 THIS.py --spectrum --top 5 --trace                       # Lanczos / Hutchinson on jitted HVPs
#   hessflow run SPEC --json > a.json && python3 THIS.py > b.json && hessflow diff a.json b.json
#
# Sharding: each placeholder's unknown (None) dimension in the spec is its batch axis; with --devices N the
# feeds are split along it over a 1-D mesh (jax.sharding.Mesh + NamedSharding), everything else is
# replicated, and jit lets XLA insert the collectives that sum over the batch.
${plan.values.length && sidecar ? `#\n# The values are in ${escapeControl(sidecar)}, next to this file.\n` : ""}
import argparse
import json
import math
import os
import sys
from functools import partial

import numpy as np
${JAX_PRELUDE}

def _values(flat, shape):
    return np.asarray(flat, dtype=np.float64).reshape(shape)


def tap(t, D, key):
    """t plus a zero: the derivative w.r.t. that zero is tf.gradients' w.r.t. t (D is None while shapes are found)."""
    return t if D is None else t + D[key]


${valuesFunction(plan, sidecar)}

${graphFunction(plan)}

${outputsBlock(plan)}


def shard(V, devices):
    """Puts the values on a 1-D mesh of devices: feeds split along their batch axis, the rest replicated."""
    from jax.sharding import Mesh, NamedSharding, PartitionSpec
    mesh = Mesh(np.array(devices), ("batch",))
    out = {}
    for k, v in V.items():
        axis = BATCH_AXES.get(k)
        if axis is not None and v.shape[axis] % len(devices) == 0:
            spec = PartitionSpec(*([None] * axis + ["batch"]))
        else:
            if axis is not None:
                print(f"note: feed {k} has {v.shape[axis]} examples, not a multiple of {len(devices)} devices: replicated", file=sys.stderr)
            spec = PartitionSpec()
        out[k] = jax.device_put(v, NamedSharding(mesh, spec))
    return out


def make_functions(V):
    """The jitted functions of the xs: fetched nodes, the summed ys, flat-parameter losses."""
    shapes = jax.eval_shape(lambda V: graph(V, None), V)

    def nodes(X, V):
        V2 = dict(V)
        V2.update({k: X[k] for k in SOURCE_XS})
        return graph(V2, {k: X[k] for k in TAPPED_XS})

    X0 = {k: V[k] for k in SOURCE_XS}
    X0.update({k: jnp.zeros(shapes[k].shape, DTYPE) for k in TAPPED_XS})
    return jax.jit(nodes), X0


def flat_loss(nodes, X0, V, keys):
    """sum(y) as a function of the xs \`keys\` flattened into one vector (the other xs held at X0)."""
    sizes = [int(np.prod(X0[k].shape)) for k in keys]

    def f(theta):
        X = dict(X0)
        offset = 0
        for k, s in zip(keys, sizes):
            X[k] = theta[offset:offset + s].reshape(X0[k].shape)
            offset += s
        return jnp.sum(nodes(X, V)[HESSIAN_Y])
    theta0 = jnp.concatenate([jnp.ravel(X0[k]) for k in keys]) if keys else jnp.zeros((0,), DTYPE)
    return f, theta0


def _to_numpy(a):
    return np.asarray(a)


def _from_numpy(a):
    return jnp.asarray(a, dtype=DTYPE)


${SPECTRUM_PY}

def nested(a):
    return np.asarray(a, dtype=np.float64).tolist()


def main(argv=None):
    """Computes what \`hessflow run SPEC --json\` computes (or, with --spectrum, \`hessflow spectrum --json\`) and returns the document."""
    p = argparse.ArgumentParser(description=${JSON.stringify(`The hessflow spec '${escapeControl(plan.name)}' in JAX (float64).`)})
    p.add_argument("--devices", type=int, default=None, help="shard the feeds' batch axis over N devices (default: all visible)")
    p.add_argument("--hessian-rows", default=None, help="only these rows of the Hessian (comma-separated indices, by HVPs), for specs whose n x n matrix is too big")
    add_spectrum_arguments(p)
    args = p.parse_args(argv)
    devices = jax.devices()[: args.devices] if args.devices else jax.devices()
    V = shard({k: _t(v) for k, v in load_values().items()}, devices)
    nodes, X0 = make_functions(V)
    hessian_keys = [k for _, k in HESSIAN_XS]
    if args.spectrum:
        if HESSIAN_Y is None:
            raise SystemExit("--spectrum needs the spec to ask for outputs.hessian")
        f, theta = flat_loss(nodes, X0, V, hessian_keys)
        hvp = jax.jit(lambda v: jax.jvp(jax.grad(f), (theta,), (v,))[1])    # forward-over-reverse
        return spectrum(args, int(theta.shape[0]), hvp, _layout())
    N = nodes(X0, V)
    doc = {"name": SPEC_NAME, "fetch": {name: nested(N[k]) for name, k in FETCH}, "gradients": {}}
    if GRADIENT_XS:
        y = jax.jit(jax.grad(lambda X: sum(jnp.sum(nodes(X, V)[k]) for k in GRADIENT_YS)))(X0)
        doc["gradients"] = {name: nested(y[k]) for name, k in GRADIENT_XS}
    if HESSIAN_Y is not None and args.hessian_rows is not None:
        f, theta = flat_loss(nodes, X0, V, hessian_keys)
        hvp = jax.jit(lambda v: jax.jvp(jax.grad(f), (theta,), (v,))[1])
        rows = {str(i): nested(hvp(jnp.zeros_like(theta).at[i].set(1.0))) for i in [int(r) for r in args.hessian_rows.split(",")]}
        doc["hessian"] = {"xs": _layout(), "n": int(theta.shape[0]), "rows": rows}
    elif HESSIAN_Y is not None:
        f, theta = flat_loss(nodes, X0, V, hessian_keys)
        H = jax.jit(jax.hessian(f))(theta)
        blocks = {}
        for name, k in HESSIAN_XS:
            fk, tk = flat_loss(nodes, X0, V, [k])
            blocks[name] = nested(jax.jit(jax.hessian(fk))(tk).reshape(tuple(X0[k].shape) * 2))
        doc["hessian"] = {"xs": _layout(), "n": int(theta.shape[0]), "exact": nested(H), "tf_hessians": blocks}
    return doc


${JSON_HELPERS}

if __name__ == "__main__":
    write_json(main(), sys.stdout)
`;
}
