// The exported programs' --spectrum (shared by the PyTorch and JAX programs, in NumPy on top of an HVP
// function): extreme eigenvalues by Lanczos with full reorthogonalisation, the trace by Hutchinson
// (Rademacher vectors), printed in the JSON shape of `hessflow spectrum --json` (without its timing).

/** Python source of add_spectrum_arguments(parser) and spectrum(args, n, apply, layout, apply_many=None). */
export const SPECTRUM_PY = String.raw`def add_spectrum_arguments(p):
    p.add_argument("--spectrum", action="store_true", help="eigenvalues and trace from Hessian-vector products instead")
    p.add_argument("--top", type=int, default=None, help="the K largest eigenvalues (default 5 when nothing is asked)")
    p.add_argument("--bottom", type=int, default=None, help="the K smallest eigenvalues (default 5 when nothing is asked)")
    p.add_argument("--trace", action="store_true", help="the trace by Hutchinson's estimator")
    p.add_argument("--samples", type=int, default=100, help="Rademacher vectors for --trace (default 100)")
    p.add_argument("--max-steps", type=int, default=None, help="at most this many Lanczos steps (default min(n, 500))")
    p.add_argument("--tol", type=float, default=1e-10, help="relative residual at which Lanczos stops (default 1e-10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random vectors (default 0)")


def spectrum(args, n, apply, layout, apply_many=None):
    """Lanczos extremes and the Hutchinson trace of the operator apply (v -> H v, as torch or jax arrays); apply_many (V -> V H, k x n), if given, does the trace's products together."""
    import numpy as np
    asked = args.top is not None or args.bottom is not None or args.trace
    top = args.top if args.top is not None else (0 if asked else 5)
    bottom = args.bottom if args.bottom is not None else (0 if asked else 5)
    hv = lambda v: np.array(_to_numpy(apply(_from_numpy(v))), dtype=np.float64)   # a writable copy
    rng = np.random.default_rng(args.seed)
    doc = {"name": SPEC_NAME, "n": n, "curvature": "hessian"}
    hvps = 0
    if top or bottom:
        steps = min(n, args.max_steps or min(n, 500))
        Q = np.zeros((steps + 1, n))
        q = rng.standard_normal(n)
        Q[0] = q / np.linalg.norm(q)
        alpha, beta = [], []
        for j in range(steps):
            w = hv(Q[j])
            hvps += 1
            alpha.append(Q[j] @ w)
            w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
            w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
            b = np.linalg.norm(w)
            T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
            theta, S = np.linalg.eigh(T)
            residuals = np.abs(b * S[-1, :])
            scale = max(np.max(np.abs(theta)), 1e-300)
            wanted = list(range(len(theta) - top, len(theta))) + list(range(bottom))
            if b <= 1e-14 * scale or (len(theta) >= top + bottom and all(residuals[i] <= args.tol * scale for i in wanted)) or j == steps - 1:
                break
            beta.append(b)
            Q[j + 1] = w / b
        pairs = lambda idx: [{"value": float(theta[i]), "residual": float(residuals[i])} for i in idx]
        if top:
            doc["top"] = pairs(list(range(len(theta) - 1, max(len(theta) - top, 0) - 1, -1)))
        if bottom:
            doc["bottom"] = pairs(list(range(min(bottom, len(theta)))))
    if args.trace:
        Z = np.array([rng.integers(0, 2, n) * 2.0 - 1.0 for _ in range(args.samples)]).reshape(args.samples, n)
        if apply_many is not None and args.samples:
            HZ = np.array(_to_numpy(apply_many(_from_numpy(Z))), dtype=np.float64)
        else:
            HZ = np.array([hv(z) for z in Z]).reshape(args.samples, n)
        vals = np.einsum("ij,ij->i", Z, HZ)
        hvps += args.samples
        doc["trace"] = {"estimate": float(vals.mean()), "stderr": float(vals.std(ddof=1) / math.sqrt(len(vals))) if len(vals) > 1 else float("inf"), "samples": len(vals)}
    doc["hvps"] = hvps
    return doc
`;
