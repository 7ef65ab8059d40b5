#!/usr/bin/python3
"""PyTorch's side of bench.mjs's HVP case: torch.autograd.functional.hvp on the MNIST MLP.

/usr/bin/python3 bench/torch_hvp.py --dir DIR --data graph-specs/data [--runs 21] [--threads 2]

Rebuilds graph-specs/mnist-mlp.json in float64: X = Xraw/255 (Xraw [784, 1000] uint8),
h = tanh(W1 X + b1), logits = W2 h + b2, L = mean over images of the softmax cross-entropy
(classes down axis 0). The parameter values (W1.npy, b1.npy, W2.npy, b2.npy) and the vectors
(v1.npy [n], v16.npy [16, n], each row laid out W1, b1, W2, b2 row-major: hessflow's flatten order)
come from DIR, written there by bench.mjs, so both engines see identical numbers. Times one HVP and a
block of 16 (a loop of torch.autograd.functional.hvp; with functorch, also a vmap of jvp-of-grad, or
of vjp-of-grad where forward AD cannot run),
median of --runs runs after warm-up, on --threads intra-op threads (torch.set_num_threads).
Writes the products as out1.npy [n] and out16.npy [16, n] (loop) to DIR and prints one JSON object.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--data", required=True)
p.add_argument("--runs", type=int, default=21)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()

torch.set_default_dtype(torch.float64)
torch.set_num_threads(a.threads)

X = torch.from_numpy(np.load(os.path.join(a.data, "mnist-1000-x.npy")).astype(np.float64)) / 255
Y = torch.from_numpy(np.load(os.path.join(a.data, "mnist-1000-y.npy")).astype(np.float64))
names = ["W1", "b1", "W2", "b2"]
params = tuple(torch.from_numpy(np.load(os.path.join(a.dir, f"{k}.npy"))) for k in names)
shapes = [t.shape for t in params]
sizes = [t.numel() for t in params]
n = sum(sizes)


def loss_fn(W1, b1, W2, b2):
    """The spec's L: mean softmax cross-entropy of the 784-32-10 tanh MLP over the 1000 digits."""
    h = torch.tanh(W1 @ X + b1)
    logits = W2 @ h + b2
    return -(Y * torch.log_softmax(logits, dim=0)).sum(dim=0).mean()


def split(flat):
    """A flat vector (hessflow's layout) as a tuple shaped like params."""
    return tuple(c.reshape(s) for c, s in zip(torch.split(flat, sizes), shapes))


def flat(parts):
    """A tuple shaped like params as one flat vector."""
    return torch.cat([t.reshape(-1) for t in parts])


v1 = torch.from_numpy(np.load(os.path.join(a.dir, "v1.npy")))
v16 = torch.from_numpy(np.load(os.path.join(a.dir, "v16.npy")))
assert v1.numel() == n and tuple(v16.shape) == (16, n)
v1s = split(v1)
v16s = [split(v16[i]) for i in range(16)]


def hvp1():
    """One Hessian-vector product (forward and backward passes included, as every call of hvp does)."""
    return flat(torch.autograd.functional.hvp(loss_fn, params, v1s)[1])


def hvp16_loop():
    """16 products, one torch.autograd.functional.hvp call per vector."""
    return torch.stack([flat(torch.autograd.functional.hvp(loss_fn, params, v)[1]) for v in v16s])


def timed(f, runs):
    """Median ms of `runs` calls after warm-up (3 calls, or 300 ms), and the last result."""
    t0 = time.perf_counter()
    for w in range(20):
        out = f()
        if w >= 2 and time.perf_counter() - t0 > 0.3:
            break
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), len(ts), out


res = {"torch": torch.__version__, "threads": torch.get_num_threads(), "n": n}
res["hvp1_ms"], res["hvp1_runs"], out1 = timed(hvp1, a.runs)
res["hvp16_loop_ms"], res["hvp16_loop_runs"], out16 = timed(hvp16_loop, a.runs)
np.save(os.path.join(a.dir, "out1.npy"), out1.detach().numpy())
np.save(os.path.join(a.dir, "out16.npy"), out16.detach().numpy())

# A batched block: functorch.vmap over forward-over-reverse (jvp of grad); if forward AD cannot run
# through this network (torch 1.13 has no forward AD for log_softmax's backward), over
# reverse-over-reverse (vjp of grad) instead. Without functorch, the loop stands alone.
try:
    import functorch

    res["functorch"] = getattr(functorch, "__version__", "?")
    grad_fn = functorch.grad(loss_fn, argnums=(0, 1, 2, 3))
    v16_batched = tuple(v16[:, o:o + s].reshape(16, *sh) for o, s, sh in zip(np.cumsum([0] + sizes[:-1]), sizes, shapes))

    def fwd_rev(v):
        """H·v as the jvp of the gradient (forward-over-reverse)."""
        return functorch.jvp(grad_fn, params, v)[1]

    def rev_rev(v):
        """H·v as the vjp of the gradient (reverse-over-reverse; H is symmetric)."""
        return functorch.vjp(grad_fn, *params)[1](v)

    attempts = []
    for label, f in (("vmap(jvp(grad))", fwd_rev), ("vmap(vjp(grad))", rev_rev)):
        vm = functorch.vmap(f)

        def hvp16_vmap():
            """16 products in one vmapped call."""
            return torch.cat([t.reshape(16, -1) for t in vm(v16_batched)], dim=1)

        try:
            res["hvp16_vmap_ms"], res["hvp16_vmap_runs"], outv = timed(hvp16_vmap, a.runs)
        except Exception as e:  # noqa: BLE001 -- this composition cannot run here: note why, try the next
            first = str(e).splitlines()[0].rstrip(".") if str(e) else ""
            attempts.append(f"{label}: {type(e).__name__}: {first}")
            continue
        res["vmap_mode"] = label
        res["vmap_vs_loop_max_abs_diff"] = float((outv - out16).abs().max())
        break
    else:
        res["hvp16_vmap_ms"] = None
    if attempts:
        res["vmap_failure"] = "; ".join(attempts)
except ImportError as e:
    res["hvp16_vmap_ms"] = None
    res["vmap_failure"] = f"no functorch ({e})"

print(json.dumps(res))
