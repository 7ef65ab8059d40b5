// jax-js peer engine for the hessflow benchmark.
//
// Interprets a hessflow graph spec (format "hessflow.graph/1") as a jax-js
// function of one flat float64 parameter vector and takes its exact Hessian
// eagerly on the Wasm (CPU) backend, with jax-js's own hessian algorithm
// (jacfwd(grad(f)): vmap of jvp(grad f) over identity rows), re-composed from
// the public grad/jvp/vmap only to plug a per-run memory leak in jax-js's
// jacfwd (see hessianRows; `builtinHessian: true` calls `hessian` itself).
// jit is deliberately not used: jit(hessian(...)) was reported to give wrong values.
//
// jax-js memory model: every Array is reference counted and every jax-js
// function *consumes* its Array arguments. `a.ref` adds a reference before a
// use that must not consume `a`; `a.dispose()` drops one; `a.data()` reads the
// buffer and drops the reference it was called on.
//
// CLI self-check:  node bench/jaxjs-peer.mjs CASE.json REFERENCE.json [--runs N] [--chunk K] [--builtin]
//   --runs N   run N times (the first run includes one-off Wasm kernel compilation)
//   --chunk K  vmap over K basis vectors at a time (needed for b-5k: wasm32 heap is 4 GiB)
//   --builtin  use jax-js `hessian` itself (leaks memory on every run)

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { defaultDevice, grad, hessian, init, jvp, nn, numpy as np, vmap } from "@jax-js/jax";

const F64 = np.float64;

let initPromise = null;

/** Initialise jax-js once: Node 20 shim for Float16Array, start and select the Wasm (CPU) backend. */
export function initJaxjs() {
  initPromise ??= (async () => {
    // jax-js 0.1.25 tests `data instanceof Float16Array` inside np.array(), which throws a
    // ReferenceError on Node 20 (Float16Array is global only from Node 24). A stub class makes
    // that test false; it is never constructed because we never use float16.
    if (typeof globalThis.Float16Array === "undefined") {
      globalThis.Float16Array = class Float16Array {
        constructor() {
          throw new Error("Float16Array stub (installed by bench/jaxjs-peer.mjs): float16 is unsupported on this Node");
        }
      };
    }
    const available = await init("wasm");
    if (!available.includes("wasm")) throw new Error(`jax-js: wasm backend unavailable (got ${available.join(", ")})`);
    defaultDevice("wasm");
    // float64 has no global switch in jax-js: every array below is created with dtype float64,
    // and JS number literals are weakly typed, so all arithmetic stays in float64.
  })().catch((err) => {
    initPromise = null;
    throw err;
  });
  return initPromise;
}

/** Flatten a number or rectangular nested array into { data: Float64Array, shape }. */
function flattenNested(value, what) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let k = 0;
  const walk = (v, depth) => {
    if (depth === shape.length) {
      if (typeof v !== "number") throw new Error(`${what}: expected a number at depth ${depth}, got ${JSON.stringify(v)}`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new Error(`${what}: ragged nested array (dimension ${depth})`);
    for (const e of v) walk(e, depth + 1);
  };
  walk(value, 0);
  return { data, shape };
}

/** Create a float64 jax-js array from flat data and a shape. */
function f64Array(data, shape) {
  return np.array(data, { dtype: F64 }).reshape(shape);
}

/** Value of a leaf node (placeholder from the feed, variable or constant from `value`). */
function leafValue(node, spec) {
  if (node.op === "placeholder") {
    if (!spec.feed || !(node.name in spec.feed)) throw new Error(`placeholder "${node.name}" is not fed`);
    const v = flattenNested(spec.feed[node.name], `feed ${node.name}`);
    if (Array.isArray(node.shape)) {
      const ok = node.shape.length === v.shape.length && node.shape.every((d, i) => d == null || d === v.shape[i]);
      if (!ok) throw new Error(`feed "${node.name}" has shape [${v.shape}], declared [${node.shape}]`);
    }
    return v;
  }
  if (node.op === "variable" || node.op === "constant") {
    if (node.value === undefined) throw new Error(`${node.op} "${node.name}" has no value`);
    return flattenNested(node.value, `${node.op} ${node.name}`);
  }
  throw new Error(`node "${node.name}" (${node.op}) is not a leaf`);
}

const LEAF_OPS = new Set(["placeholder", "variable", "constant"]);

/** Reduction axis attribute: undefined/null means all axes. */
const axisAttr = (attrs) => (attrs?.axis === undefined ? null : attrs.axis);

/** Apply one interior op. Consumes every array in `args` (jax-js ownership rules). */
function applyOp(node, args) {
  const attrs = node.attrs ?? {};
  const arity = (k) => {
    if (args.length !== k) {
      for (const a of args) a.dispose();
      throw new Error(`op ${node.op} ("${node.name}") expects ${k} inputs, got ${args.length}`);
    }
  };
  switch (node.op) {
    case "matmul": {
      arity(2);
      let [a, b] = args;
      if (attrs.transpose_a) a = np.matrixTranspose(a);
      if (attrs.transpose_b) b = np.matrixTranspose(b);
      return np.matmul(a, b);
    }
    case "add": arity(2); return np.add(args[0], args[1]);
    case "subtract": arity(2); return np.subtract(args[0], args[1]);
    case "multiply": arity(2); return np.multiply(args[0], args[1]);
    case "divide": arity(2); return np.divide(args[0], args[1]);
    case "squared_difference": arity(2); return np.square(np.subtract(args[0], args[1]));
    case "negative": arity(1); return np.negative(args[0]);
    case "square": arity(1); return np.square(args[0]);
    case "exp": arity(1); return np.exp(args[0]);
    case "log": arity(1); return np.log(args[0]);
    case "tanh": arity(1); return np.tanh(args[0]);
    case "sigmoid": arity(1); return nn.sigmoid(args[0]); // 1 / (1 + exp(-x))
    case "relu": arity(1); return nn.relu(args[0]);
    case "softplus": arity(1); return nn.softplus(args[0]); // log(exp(x) + 1): overflows for x > ~709
    case "reduce_sum": arity(1); return np.sum(args[0], axisAttr(attrs), { keepdims: !!attrs.keepdims });
    case "reduce_mean": arity(1); return np.mean(args[0], axisAttr(attrs), { keepdims: !!attrs.keepdims });
    case "softmax_cross_entropy_with_logits": {
      // inputs [labels, logits]; per-example loss = -sum(labels * log_softmax(logits, axis), axis)
      arity(2);
      const axis = attrs.axis ?? -1;
      const [labels, logits] = args;
      return np.negative(np.sum(np.multiply(labels, nn.logSoftmax(logits, axis)), axis));
    }
    default:
      for (const a of args) a.dispose();
      throw new Error(`jax-js peer: unsupported op "${node.op}" (node "${node.name}")`);
  }
}

/**
 * Rows [c0, c0 + k) of the Hessian of scalar `f` at `theta`, as a [k, n] array, from the
 * float64 basis rows `basis` ([k, n], consumed); `theta` is not consumed. This is exactly
 * jax-js's own hessian(f) = jacfwd(grad(f)) body (vmap over jvp(grad f) of identity rows),
 * except that jax-js 0.1.25 jacfwd discards the jvp primal output (the gradient) without
 * disposing it, which leaks Wasm buffers on every call (~190 MB per b-1k Hessian). Here the
 * primal is disposed. Results are bit-identical to `hessian(f)(theta)`.
 */
function hessianRows(g, theta, basis) {
  const column = (v) => {
    const [gx, tangent] = jvp(g, [theta.ref], [v]);
    gx.dispose();
    return tangent;
  };
  return vmap(column, [0])(basis);
}

/** Float64 rows [c0, c1) of the n×n identity, as a jax-js array. */
function identityRows(c0, c1, n) {
  const buf = new Float64Array((c1 - c0) * n);
  for (let i = c0; i < c1; i++) buf[(i - c0) * n + i] = 1;
  return f64Array(buf, [c1 - c0, n]);
}

/**
 * Build the jax-js Hessian of the spec's outputs.hessian loss: { n, xs, run, dispose }.
 * opts.builtinHessian: call jax-js `hessian` itself (leaks per run, see hessianRows).
 * opts.chunk: vmap over at most this many basis vectors at a time (same values, less memory;
 * default: all n at once, i.e. exactly what jax-js `hessian` does).
 */
export function buildJaxjsHessian(spec, opts = {}) {
  if (!initPromise) throw new Error("call `await initJaxjs()` before buildJaxjsHessian()");
  const hs = spec.outputs?.hessian;
  if (!hs) throw new Error("spec has no outputs.hessian");
  const ys = Array.isArray(hs.ys) ? hs.ys : [hs.ys];
  if (ys.length !== 1) throw new Error(`outputs.hessian.ys must name one scalar loss, got ${JSON.stringify(hs.ys)}`);
  const yName = ys[0];
  const xNames = hs.xs;

  const byName = new Map();
  for (const node of spec.nodes) {
    if (byName.has(node.name)) throw new Error(`duplicate node name "${node.name}"`);
    byName.set(node.name, node);
  }
  const getNode = (name) => {
    const node = byName.get(name);
    if (!node) throw new Error(`unknown node "${name}"`);
    return node;
  };

  // Only nodes the loss depends on are evaluated (spec order is kept; it must be topological).
  const needed = new Set();
  const stack = [yName];
  while (stack.length) {
    const name = stack.pop();
    if (needed.has(name)) continue;
    needed.add(name);
    for (const inp of getNode(name).inputs ?? []) stack.push(inp);
  }
  const order = spec.nodes.filter((node) => needed.has(node.name));

  // Parameter layout: row-major flatten of each x, concatenated in outputs.hessian.xs order.
  const xs = [];
  const xSet = new Set(xNames);
  let n = 0;
  const chunks = [];
  for (const name of xNames) {
    const { data, shape } = leafValue(getNode(name), spec);
    xs.push({ name, shape, offset: n, size: data.length });
    chunks.push(data);
    n += data.length;
  }
  const theta0 = new Float64Array(n);
  for (let i = 0; i < xs.length; i++) theta0.set(chunks[i], xs[i].offset);

  // Every other leaf the loss needs is a float64 constant, owned here until dispose().
  const constants = new Map();
  for (const node of order) {
    if (LEAF_OPS.has(node.op) && !xSet.has(node.name)) {
      const { data, shape } = leafValue(node, spec);
      constants.set(node.name, f64Array(data, shape));
    }
  }

  /** The loss as a function of the flat parameter vector; consumes `theta`. */
  const loss = (theta) => {
    const env = new Map(); // every entry holds one reference, dropped at the end
    try {
      for (const x of xs) {
        env.set(x.name, theta.ref.slice([x.offset, x.offset + x.size]).reshape(x.shape));
      }
      for (const node of order) {
        if (env.has(node.name)) continue;
        if (constants.has(node.name)) {
          env.set(node.name, constants.get(node.name).ref);
          continue;
        }
        const args = (node.inputs ?? []).map((inp) => {
          const v = env.get(inp);
          if (!v) throw new Error(`node "${node.name}": input "${inp}" is not computed before it (nodes must be topologically ordered)`);
          return v.ref;
        });
        env.set(node.name, applyOp(node, args));
      }
      let out = env.get(yName).ref;
      if (out.ndim !== 0) {
        if (out.size !== 1) {
          out.dispose();
          throw new Error(`loss "${yName}" is not a scalar`);
        }
        out = out.reshape([]);
      }
      return out;
    } finally {
      for (const v of env.values()) v.dispose();
      theta.dispose();
    }
  };

  const g = grad(loss);
  const builtin = opts.builtinHessian ? hessian(loss) : null;
  const chunk = opts.chunk > 0 ? Math.min(Math.floor(opts.chunk), n) : n;
  if (builtin && chunk < n) throw new Error("opts.chunk cannot be combined with opts.builtinHessian");
  let disposed = false;

  /** Await a [rows, n] float64 block into out[offset...]; drops the block. */
  const readBlock = async (block, rows, out, offset) => {
    if (block.dtype !== F64 || block.ndim !== 2 || block.shape[0] !== rows || block.shape[1] !== n) {
      const msg = `jax-js hessian block is ${block.dtype} [${block.shape}], expected float64 [${rows},${n}]`;
      block.dispose();
      throw new Error(msg);
    }
    const data = await block.data(); // copies out of Wasm memory and drops the block
    out.set(data, offset);
  };

  return {
    n,
    xs,
    /** Compute the n×n Hessian (row-major Float64Array); all temporaries are released. */
    run: async () => {
      if (disposed) throw new Error("jax-js Hessian already disposed");
      const out = new Float64Array(n * n);
      if (builtin) {
        await readBlock(builtin(f64Array(theta0, [n])), n, out, 0); // hessian consumes theta
        return out;
      }
      const theta = f64Array(theta0, [n]);
      try {
        for (let c0 = 0; c0 < n; c0 += chunk) {
          const c1 = Math.min(n, c0 + chunk);
          const basis = c0 === 0 && c1 === n ? np.eye(n, undefined, { dtype: F64 }) : identityRows(c0, c1, n);
          await readBlock(hessianRows(g, theta, basis), c1 - c0, out, c0 * n);
        }
      } finally {
        theta.dispose();
      }
      return out;
    },
    /** Release the constant arrays held for the feeds and non-differentiated variables. */
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const c of constants.values()) c.dispose();
      constants.clear();
    },
  };
}

/** Per-part relative errors of H (n×n row-major) against a reference JSON (full `hessian` or `hessian_summary`). */
export function referenceErrors(H, n, ref) {
  if (H.length !== n * n) throw new Error(`H has ${H.length} entries, expected ${n * n}`);
  if (ref.params !== undefined && ref.params !== n) throw new Error(`reference has ${ref.params} params, engine has ${n}`);
  const errors = {};
  if (ref.hessian) {
    const flat = ref.hessian.flat(Infinity);
    if (flat.length !== n * n) throw new Error(`reference hessian has ${flat.length} entries, expected ${n * n}`);
    let diff = 0;
    let scale = 1;
    for (let k = 0; k < flat.length; k++) {
      diff = Math.max(diff, Math.abs(H[k] - flat[k])); // Math.max propagates NaN
      scale = Math.max(scale, Math.abs(flat[k]));
    }
    errors.hessian = diff / scale;
  } else if (ref.hessian_summary) {
    const s = ref.hessian_summary;
    if (s.rows) {
      let diff = 0;
      let scale = 1;
      for (const [key, row] of Object.entries(s.rows)) {
        const i = Number(key);
        if (!Number.isInteger(i) || i < 0 || i >= n || row.length !== n) throw new Error(`reference row "${key}" does not fit n=${n}`);
        for (let j = 0; j < n; j++) {
          diff = Math.max(diff, Math.abs(H[i * n + j] - row[j]));
          scale = Math.max(scale, Math.abs(row[j]));
        }
      }
      errors.rows = diff / scale;
    }
    let trace = 0;
    let sumSq = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) trace += H[i * n + i];
    for (let k = 0; k < H.length; k++) {
      sumSq += H[k] * H[k];
      sum += H[k];
    }
    const computed = { trace, fro: Math.sqrt(sumSq), sum };
    for (const key of ["trace", "fro", "sum"]) {
      if (typeof s[key] === "number") errors[key] = Math.abs(computed[key] - s[key]) / Math.max(1, Math.abs(s[key]));
    }
  } else {
    throw new Error("reference has neither `hessian` nor `hessian_summary`");
  }
  return errors;
}

/** Max relative error of H (n×n row-major) vs a reference: max abs diff / max(1, max |ref|), per part. */
export function checkAgainstReference(H, n, ref) {
  return Math.max(...Object.values(referenceErrors(H, n, ref)));
}

/** CLI: build once, run (default once), print n, time per run, error vs the reference and peak RSS. */
async function main(argv) {
  const args = [];
  const opts = {};
  let runs = 1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Math.max(1, Number(argv[++i]) || 1);
    else if (argv[i] === "--chunk") opts.chunk = Number(argv[++i]);
    else if (argv[i] === "--builtin") opts.builtinHessian = true;
    else args.push(argv[i]);
  }
  if (args.length !== 2) {
    console.error("usage: node bench/jaxjs-peer.mjs CASE.json REFERENCE.json [--runs N] [--chunk K] [--builtin]");
    process.exit(2);
  }
  const spec = JSON.parse(readFileSync(args[0], "utf8"));
  const ref = JSON.parse(readFileSync(args[1], "utf8"));
  await initJaxjs();
  const t0 = performance.now();
  const engine = buildJaxjsHessian(spec, opts);
  const buildMs = performance.now() - t0;
  console.log(`case ${spec.name ?? args[0]}: n=${engine.n} (${engine.xs.map((x) => `${x.name}[${x.shape}]`).join(" ")}), build ${buildMs.toFixed(1)} ms`);
  let H;
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    H = await engine.run();
    const ms = performance.now() - t;
    const rss = (process.resourceUsage().maxRSS / 1024).toFixed(0);
    console.log(`run ${k + 1}/${runs}: ${ms.toFixed(1)} ms (peak RSS so far ${rss} MiB)`);
  }
  const parts = referenceErrors(H, engine.n, ref);
  const fmt = (v) => v.toExponential(2);
  console.log(`max relative error: ${fmt(checkAgainstReference(H, engine.n, ref))}  [${Object.entries(parts).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}]`);
  engine.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
