// Seeded mutators for hessflow graph specs: structural mutations of the parsed JSON and byte-level mutations of its text.
// Plain ESM JavaScript so that both the vitest suite (test/fuzz.test.ts) and `node scripts/fuzz.mjs` can import it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of case `index` of a run seeded with `seed` (each case can be regenerated on its own). */
export function caseSeed(seed, index) {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/** A random-number helper over mulberry32. */
export function makeRng(seed) {
  const next = mulberry32(seed);
  const rng = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    weighted: (table) => {
      let total = 0;
      for (const [w] of table) total += w;
      let r = next() * total;
      for (const [w, v] of table) if ((r -= w) < 0) return v;
      return table[table.length - 1][1];
    },
  };
  return rng;
}

/** Specs of the course used as bases (the small teaching specs and b-200; b-1k and b-5k are too slow for a fuzz case). */
export const COURSE_SPECS = [
  "seed-two-layer-linear.json", "expr-tutorial.json", "deep-linear.json", "single-layer.json", "tanh-mlp.json", "tanh-3layer.json",
  "relu-net.json", "softmax-classifier.json", "sigmoid-softmax.json", "shared-weight.json", "l2-regularised.json", "b-200.json",
];

/** Loads the course specs from `dir` (graph-specs/): [{file, text, doc}]; falls back to every small spec in the directory. */
export function loadCourse(dir) {
  const present = new Set(readdirSync(dir));
  const files = COURSE_SPECS.filter((f) => present.has(f));
  return files.map((file) => {
    const text = readFileSync(join(dir, file), "utf8");
    return { file, text, doc: JSON.parse(text) };
  });
}

/** The CLI invocations a case can be run with (graph has no --json; it takes --dot or --mermaid). */
export const COMMANDS = [
  ["run"], ["run", "--json"], ["run", "--summary"], ["run", "--json", "--mode", "rows"],
  ["compare"], ["compare", "--json"],
  ["validate"], ["validate", "--json"],
  ["graph", "--dot"], ["graph", "--mermaid", "--gradients"],
  ["export", "--to", "pytorch"], ["export", "--to", "jax"],
];

const OPS = [
  "matmul", "add", "subtract", "multiply", "divide", "negative", "square", "squared_difference", "exp", "log", "tanh", "sigmoid",
  "relu", "softplus", "reduce_sum", "reduce_mean", "reshape", "transpose", "concat", "slice", "identity", "stop_gradient", "softmax",
  "log_softmax", "softmax_cross_entropy_with_logits", "placeholder", "variable", "constant",
];
const BAD_OPS = ["matmull", "", "MatMul", "Add", "__proto__", "constructor", "toString", "hasOwnProperty", "tanh_grad", "sum_to_like", "pad", "expand_dims", "ones_like", "step", "\u001b[2Jop", "x".repeat(5000)];
const CONTROL = ["\u001b[2J\u001b[31mpwned\u001b[0m", "a\u0000b", "line1\nline2", "cr\rret", "tab\tname", "del\u007f", "csi\u009b2J", "bell\u0007", "ls\u2028ps\u2029", "bidi\u202egnp.exe", "lone\ud800surrogate", "zero\u200bwidth", "\ufeffbom", "é\u0301", "名前", "🙂"];

/** Marker strings replaced by raw JSON number tokens after serialising (JSON.stringify cannot write them). */
const RAW = ["1e400", "-1e400", "1e-400", "-0", "123456789012345678901234567890", "0.1e-5", "9007199254740993"];
const rawToken = (tok) => `__RAW__${tok}__`;

/** A marker for an array nested `depth` levels deep around `leaf`; serialise() expands it (JSON.stringify would overflow the stack). */
export function deepArray(depth, leaf = 1) {
  return `__DEEP__${depth}__${JSON.stringify(leaf)}__`;
}

function longName(rng, huge = false) {
  const n = rng.pick(huge ? [1000, 30_000, 100_000, 1_000_000] : [1000, 30_000, 100_000]);
  return rng.pick(["n", "W", "é", "\u001b"]).repeat(n);
}

function wrongValue(rng) {
  return rng.weighted([
    [3, null], [2, true], [1, false], [2, 0], [2, -1], [2, 1.5], [2, 1e200], [1, -1e200], [1, 1e308], [1, 5e-324], [1, 2 ** 53 + 2],
    [2, ""], [2, "x"], [1, "L"], [1, "X"], [2, rng.pick(CONTROL)], [2, []], [1, [[]]], [1, [1, [2]]], [2, {}], [1, { a: 1 }], [1, [null]],
    [1, ["X"]], [1, [1e9]], [1, [-1]], [1, [0.5]], [1, deepArray(rng.pick([50, 2000]))], [2, rawToken(rng.pick(RAW))],
    [1, { name: "q", op: "tanh", inputs: ["L"] }], [1, "hessflow.graph/1"], [1, [1, 2, 3]], [1, [[1, 2], [3]]],
  ]);
}

function clone(v) {
  return JSON.parse(JSON.stringify(v));
}

/** Every (container, key) pair in the document, in a bounded, non-recursive walk. */
function slots(doc, limit = 5000) {
  const out = [];
  const stack = [doc];
  while (stack.length && out.length < limit) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    for (const k of Object.keys(v)) {
      out.push([v, k]);
      if (v[k] !== null && typeof v[k] === "object") stack.push(v[k]);
    }
  }
  return out;
}

function nodes(doc) {
  return Array.isArray(doc?.nodes) ? doc.nodes.filter((n) => n && typeof n === "object") : [];
}
function names(doc) {
  return nodes(doc).map((n) => n.name).filter((n) => typeof n === "string");
}
function namesOfOp(doc, op) {
  return nodes(doc).filter((n) => n.op === op).map((n) => n.name).filter((n) => typeof n === "string");
}
function lossName(doc) {
  const o = doc?.outputs;
  if (o && typeof o.hessian?.ys === "string") return o.hessian.ys;
  if (o && Array.isArray(o.fetch) && typeof o.fetch[0] === "string") return o.fetch[0];
  const ns = names(doc);
  return ns[ns.length - 1] ?? "L";
}
function ensureOutputs(doc) {
  if (!doc.outputs || typeof doc.outputs !== "object" || Array.isArray(doc.outputs)) doc.outputs = {};
  return doc.outputs;
}
/** Makes `name` the spec's loss: fetched, differentiated and the Hessian's y. */
function setLoss(doc, name) {
  const o = ensureOutputs(doc);
  o.fetch = [name];
  if (o.gradients && typeof o.gradients === "object") o.gradients.ys = [name];
  if (o.hessian && typeof o.hessian === "object") o.hessian.ys = name;
}
function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
/** Renames a node and every reference to it (inputs, expr, feed, outputs). */
function renameEverywhere(doc, from, to) {
  const re = new RegExp(`(?<![A-Za-z0-9_])${escapeRe(from)}(?![A-Za-z0-9_])`, "g");
  for (const n of nodes(doc)) {
    if (n.name === from) n.name = to;
    if (Array.isArray(n.inputs)) n.inputs = n.inputs.map((i) => (i === from ? to : i));
    if (typeof n.expr === "string") n.expr = n.expr.replace(re, () => to);
  }
  if (doc.feed && typeof doc.feed === "object" && from in doc.feed) {
    doc.feed[to] = doc.feed[from];
    delete doc.feed[from];
  }
  const o = doc.outputs;
  if (o && typeof o === "object") {
    if (Array.isArray(o.fetch)) o.fetch = o.fetch.map((f) => (f === from ? to : f));
    for (const k of ["gradients", "hessian"]) {
      const s = o[k];
      if (!s || typeof s !== "object") continue;
      if (s.ys === from) s.ys = to;
      if (Array.isArray(s.ys)) s.ys = s.ys.map((y) => (y === from ? to : y));
      if (Array.isArray(s.xs)) s.xs = s.xs.map((x) => (x === from ? to : x));
    }
  }
}

function randomExpr(rng, doc) {
  const ns = names(doc);
  const a = ns.length ? rng.pick(ns) : "L";
  const b = ns.length ? rng.pick(ns) : "L";
  const v = namesOfOp(doc, "variable");
  const w = v.length ? rng.pick(v) : a;
  const L = lossName(doc);
  const big = rng.pick([1e200, 1e308, 1e-320]);
  const chainLen = rng.pick([200, 2000, 20_000]);
  return rng.weighted([
    [2, "((("], [2, `${a} +`], [2, "matmul("], [1, ")"], [1, `${a} ${b}`], [1, "@#$%"], [1, ""], [1, " "], [1, `${a} ++ ${b}`],
    [2, `${big} * ${a}`], [2, `log(-1) + ${L}`], [2, `${L} / 0`], [2, `log(${L} - ${L})`], [2, `exp(1000 * ${L})`], [1, `${L} * 1e200 * 1e200`],
    [2, `${L}^3`], [1, `${L}^0.5`], [1, `${L}^-1`], [1, `${L}^${L}`],
    [3, `anything.matmul(${a}, ${b})`], [2, `${a}.tanh()`], [3, `reshape(${w})`], [3, `slice(${w})`], [2, `transpose(${w}, 5)`], [2, `concat(${a})`],
    [2, `reduce_sum(${a}, 5)`], [1, `reduce_sum(${a}, -1)`], [1, `reduce_sum(${a}, 0.5)`], [1, `reduce_sum(${a}, 1e300)`], [1, `reduce_sum(${a}, ${b})`],
    [2, `f(${a})`], [1, `${a}[1]`], [1, `${a}[1:2]`], [1, `${a} == ${b}`], [1, `${a} ? ${b} : ${L}`], [1, "[1, 2]"], [1, "{a: 1}"], [1, "\"str\""],
    [1, `${a}'`], [1, `2 ${a}`], [1, `${a}!`], [1, `${a} mod 2`], [1, `${a} to cm`], [1, "5 cm"], [1, "i"], [1, "pi + e"], [1, "Infinity"], [1, "NaN"],
    [1, `${a}.${b}`], [1, "f(x) = x^2"], [1, `${a} = 1`], [1, `${a}; ${b}`], [1, "1e999"], [1, `${a} | ${b}`], [1, `${a} & ${b}`], [1, "import('fs')"],
    [1, "constructor"], [1, "__proto__"], [1, `matmul(${a}, ${b}, ${L}, ${L})`], [1, "matmul()"], [1, `softmax_cross_entropy_with_logits(${a})`],
    [1, `unknown_fn(${L})`], [1, `${L} + \u001b[2J`], [1, `${L} + ${rng.pick(CONTROL)}`],
    [2, Array.from({ length: chainLen }, () => L).join(" + ")],
    [1, "-".repeat(rng.pick([100, 5000])) + L],
    [2, "(".repeat(rng.pick([100, 5000, 20_000])) + L + ")".repeat(rng.pick([100, 5000, 20_000]))],
    [1, `tanh(`.repeat(2000) + L + ")".repeat(2000)],
  ]);
}

/** A consumer-first chain of `len` single-input nodes ending at the loss; the chain's end becomes the loss. */
function chain(doc, rng, len) {
  const L = lossName(doc);
  const op = rng.pick(["identity", "identity", "negative", "tanh", "expr"]);
  const prefix = `c${rng.int(1000)}_`;
  const extra = [];
  for (let i = 1; i <= len; i++) {
    const prev = i === 1 ? L : `${prefix}${i - 1}`;
    extra.push(op === "expr" ? { name: `${prefix}${i}`, expr: `${prev} * 1` } : { name: `${prefix}${i}`, op, inputs: [prev] });
  }
  extra.reverse();
  doc.nodes = [...extra, ...(Array.isArray(doc.nodes) ? doc.nodes : [])];
  setLoss(doc, `${prefix}${len}`);
  return `chain(${op}, ${len}, consumer-first)`;
}

/** Structural mutators: each changes `doc` in place and returns a short description. */
const STRUCTURAL = [
  [4, "delete-node", (d, r) => { const ns = d.nodes; if (!Array.isArray(ns) || !ns.length) return "no-op"; const i = r.int(ns.length); const [n] = ns.splice(i, 1); return `delete ${n?.name}`; }],
  [3, "duplicate-node", (d, r) => { const ns = d.nodes; if (!Array.isArray(ns) || !ns.length) return "no-op"; const n = r.pick(ns); ns.splice(r.int(ns.length + 1), 0, clone(n)); return `duplicate ${n?.name}`; }],
  [3, "swap-nodes", (d, r) => { const ns = d.nodes; if (!Array.isArray(ns) || ns.length < 2) return "no-op"; const i = r.int(ns.length), j = r.int(ns.length); [ns[i], ns[j]] = [ns[j], ns[i]]; return `swap ${i} ${j}`; }],
  [2, "reverse-nodes", (d) => { if (Array.isArray(d.nodes)) d.nodes.reverse(); return "reverse node order"; }],
  [3, "rename-unknown", (d, r) => { const ns = nodes(d); if (!ns.length) return "no-op"; const n = r.pick(ns); const to = r.pick(["Xx", "zz", "w1 ", "l", "nodes", ""]); const old = n.name; n.name = to; return `rename ${old} -> ${JSON.stringify(to)} (references dangle)`; }],
  [3, "input-unknown", (d, r) => { const ns = nodes(d).filter((n) => Array.isArray(n.inputs)); if (!ns.length) return "no-op"; const n = r.pick(ns); n.inputs[r.int(n.inputs.length)] = r.pick(["bogus", "X ", "", n.name, longName(r), r.pick(CONTROL)]); return `input of ${n.name} -> unknown/self`; }],
  [3, "rename-duplicate", (d, r) => { const ns = nodes(d); if (ns.length < 2) return "no-op"; const a = r.pick(ns), b = r.pick(ns); a.name = b.name; return `rename to duplicate ${b.name}`; }],
  [4, "swap-op", (d, r) => { const ns = nodes(d); if (!ns.length) return "no-op"; const n = r.pick(ns); const op = r.chance(0.7) ? r.pick(OPS) : r.pick(BAD_OPS); n.op = op; if (r.chance(0.3)) delete n.expr; return `op of ${n.name} -> ${JSON.stringify(op.slice(0, 20))}`; }],
  [6, "wrong-type", (d, r) => { const s = slots(d); if (!s.length) return "no-op"; const [c, k] = r.pick(s); c[k] = wrongValue(r); return `wrong type at .${String(k).slice(0, 20)}`; }],
  [2, "delete-field", (d, r) => { const s = slots(d); if (!s.length) return "no-op"; const [c, k] = r.pick(s); if (Array.isArray(c)) c.splice(Number(k), 1); else delete c[k]; return `delete field ${String(k).slice(0, 20)}`; }],
  [2, "extra-field", (d, r) => { const s = slots(d).filter(([c, k]) => c[k] && typeof c[k] === "object" && !Array.isArray(c[k])); const p = s.length ? r.pick(s) : null; const t = p ? p[0][p[1]] : d; const key = r.pick(["extra", "__proto__", "constructor", "toString", r.pick(CONTROL)]); Object.defineProperty(t, key, { value: wrongValue(r), enumerable: true, writable: true, configurable: true }); return `extra field ${JSON.stringify(key)}`; }],
  [5, "dims", (d, r) => {
    const holders = nodes(d).filter((n) => n.op === "placeholder" || n.op === "variable" || n.op === "reshape" || n.op === "slice");
    if (!holders.length) return "no-op";
    const n = r.pick(holders);
    const dim = r.pick([1e9, 2 ** 31, 2 ** 53, 1e300, -1, -3, 0, 1.5, 0.5, 3e-7, 1e6, null, "3"]);
    const shape = r.pick([[dim], [dim, 1], [3, dim], [dim, dim], [], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, null, null]]);
    if (n.op === "placeholder") n.shape = shape;
    else if (n.op === "variable") { delete n.value; n.init = { type: r.pick(["zeros", "ones", "random_normal", "glorot_uniform", "constant", "uniform", "randomNormal"]), shape, ...(r.chance(0.3) ? { seed: r.pick([-1, 1.5, 1e300, "s"]) } : {}), ...(r.chance(0.2) ? { value: r.pick([1e200, "x", null]) } : {}) }; }
    else { n.attrs = { ...(n.attrs ?? {}), shape, begin: shape, size: shape }; }
    return `dims of ${n.name} -> ${JSON.stringify(shape)}`;
  }],
  [3, "empty-arrays", (d, r) => {
    const which = r.pick(["nodes", "inputs", "value", "shape", "feed", "fetch", "ys", "xs", "hys", "hxs"]);
    const o = ensureOutputs(d);
    switch (which) {
      case "nodes": d.nodes = []; break;
      case "inputs": { const ns = nodes(d).filter((n) => Array.isArray(n.inputs)); if (ns.length) r.pick(ns).inputs = []; break; }
      case "value": { const ns = nodes(d).filter((n) => "value" in n); if (ns.length) r.pick(ns).value = r.pick([[], [[]], [[], []]]); break; }
      case "shape": { const ns = nodes(d).filter((n) => n.op === "placeholder"); if (ns.length) r.pick(ns).shape = []; break; }
      case "feed": { const ks = Object.keys(d.feed ?? {}); if (ks.length) d.feed[r.pick(ks)] = r.pick([[], [[]], [[], [], []]]); break; }
      case "fetch": o.fetch = []; break;
      case "ys": o.gradients = { ...(o.gradients ?? {}), ys: [] }; break;
      case "xs": o.gradients = { ...(o.gradients ?? {}), xs: [] }; break;
      case "hys": o.hessian = { ...(o.hessian ?? {}), ys: r.pick([[], "", ["L", "L"]]) }; break;
      case "hxs": o.hessian = { ...(o.hessian ?? {}), xs: [] }; break;
    }
    return `empty ${which}`;
  }],
  [3, "deep-nesting", (d, r) => {
    const depth = r.pick([100, 2000, 2000, 10_000, 100_000]);
    const where = r.pick(["feed", "value", "shape", "inputs", "attrs", "outputs", "top"]);
    const deep = deepArray(depth, r.pick([1, "X", null]));
    if (where === "feed") { const ks = Object.keys(d.feed ?? {}); if (ks.length) d.feed[r.pick(ks)] = deep; else d.feed = { X: deep }; }
    else if (where === "value") { const ns = nodes(d).filter((n) => n.op === "variable" || n.op === "constant"); if (ns.length) { const n = r.pick(ns); delete n.init; n.value = deep; } }
    else if (where === "shape") { const ns = nodes(d).filter((n) => n.op === "placeholder"); if (ns.length) r.pick(ns).shape = deep; }
    else if (where === "inputs") { const ns = nodes(d).filter((n) => Array.isArray(n.inputs)); if (ns.length) r.pick(ns).inputs = deep; }
    else if (where === "attrs") { const ns = nodes(d); if (ns.length) r.pick(ns).attrs = { axis: deep, perm: deep }; }
    else if (where === "outputs") ensureOutputs(d).fetch = deep;
    else d.description = deep;
    return `nest ${depth} deep in ${where}`;
  }],
  [3, "long-name", (d, r) => {
    const ns = nodes(d); if (!ns.length) return "no-op";
    const n = r.pick(ns); const old = n.name; const everywhere = r.chance(0.5) && typeof old === "string"; const to = longName(r, !everywhere);
    if (everywhere) renameEverywhere(d, old, to); else if (r.chance(0.5)) n.name = to; else { d.outputs = ensureOutputs(d); d.outputs.fetch = [to]; }
    return `long name (${to.length} chars) for ${old}`;
  }],
  [4, "control-name", (d, r) => {
    const ns = nodes(d); const bad = r.pick(CONTROL);
    const where = r.pick(["rename-everywhere", "name", "op", "input", "feed-key", "fetch", "spec-name", "attr-key", "xs"]);
    const n = ns.length ? r.pick(ns) : null;
    if (where === "rename-everywhere" && n && typeof n.name === "string") renameEverywhere(d, n.name, bad + n.name);
    else if (where === "name" && n) n.name = bad;
    else if (where === "op" && n) n.op = bad;
    else if (where === "input" && n) n.inputs = [bad];
    else if (where === "feed-key") d.feed = { ...(d.feed ?? {}), [bad]: [[1]] };
    else if (where === "fetch") ensureOutputs(d).fetch = [bad];
    else if (where === "spec-name") d.name = bad;
    else if (where === "attr-key" && n) n.attrs = { [bad]: 1 };
    else if (where === "xs") ensureOutputs(d).hessian = { ys: lossName(d), xs: [bad] };
    return `control chars ${JSON.stringify(bad)} in ${where}`;
  }],
  [7, "expr", (d, r) => {
    const e = randomExpr(r, d);
    const ns = nodes(d);
    if (r.chance(0.5) && ns.length) { const n = r.pick(ns.filter((x) => x.op !== "placeholder" && x.op !== "variable")) ?? r.pick(ns); for (const k of ["op", "inputs", "attrs", "value", "init"]) delete n[k]; n.expr = e; return `expr of ${n.name} := ${JSON.stringify(e.slice(0, 60))}${e.length > 60 ? `... (${e.length} chars)` : ""}`; }
    const name = `E${r.int(100)}`; ensureOutputs(d); if (!Array.isArray(d.nodes)) d.nodes = [];
    d.nodes.push({ name, expr: e });
    if (r.chance(0.7)) setLoss(d, name); else d.outputs.fetch = [name];
    return `new loss ${name} := ${JSON.stringify(e.slice(0, 60))}${e.length > 60 ? `... (${e.length} chars)` : ""}`;
  }],
  [3, "chain", (d, r) => chain(d, r, r.pick([50, 500, 3000, 3000]))],
  [4, "outputs", (d, r) => {
    const o = ensureOutputs(d); const L = lossName(d); const ns = names(d);
    const v = r.pick([
      () => { o.gradients = { ys: [], xs: o.gradients?.xs ?? [] }; },
      () => { o.hessian = { ys: [], xs: o.hessian?.xs ?? [] }; },
      () => { o.hessian = { ys: r.pick(ns) ?? L, xs: o.hessian?.xs ?? [] }; },
      () => { o.hessian = { ys: L, xs: [...(o.hessian?.xs ?? []), ...(o.hessian?.xs ?? [])] }; },
      () => { o.hessian = { ys: L, xs: [r.pick(ns) ?? L] }; },
      () => { o.gradients = { ys: [r.pick(ns) ?? L, L], xs: [r.pick(ns) ?? L] }; },
      () => { o.hessian = { ys: [L], xs: o.hessian?.xs }; },
      () => { o.fetch = ns; },
      () => { d.outputs = {}; },
      () => { delete d.outputs; },
      () => { o.hessian = { ys: L, xs: namesOfOp(d, "placeholder") }; },
      () => { o.hessian = { ys: L, xs: namesOfOp(d, "constant").length ? namesOfOp(d, "constant") : [L] }; },
    ]);
    v();
    return "outputs";
  }],
  [5, "feed", (d, r) => {
    const ph = namesOfOp(d, "placeholder"); if (!d.feed || typeof d.feed !== "object") d.feed = {};
    const k = ph.length ? r.pick(ph) : "X"; const cur = d.feed[k];
    const rows = Array.isArray(cur) ? cur : [[1]];
    const v = r.pick([
      () => rows.map((row) => (Array.isArray(row) ? row.slice(1) : row)),
      () => rows.slice(1),
      () => (Array.isArray(rows[0]) ? rows[0].map((_, j) => rows.map((row) => (Array.isArray(row) ? row[j] : row))) : rows),
      () => rows.map((row, i) => (i === 0 && Array.isArray(row) ? [...row, 1] : row)),
      () => [rows],
      () => 3,
      () => "data",
      () => rows.map((row) => (Array.isArray(row) ? row.map(() => r.pick([1e200, -1e200, 1e308, "1", null, true, rawToken(r.pick(RAW))])) : row)),
      () => rows.map((row) => (Array.isArray(row) ? row.map(() => 1e200) : row)),
      () => (Array.isArray(rows[0]) ? rows.map(() => []) : []),
      () => Array.from({ length: rows.length }, () => Array.from({ length: r.pick([1000, 100_000]) }, (_, j) => j % 7)),
    ])();
    if (r.chance(0.15)) d.feed[r.pick(["W", "w1", "L", "nope", namesOfOp(d, "variable")[0] ?? "w"])] = v; else if (r.chance(0.1)) delete d.feed[k]; else d.feed[k] = v;
    return `feed ${k}`;
  }],
  [4, "nan-data", (d, r) => {
    const ns = nodes(d); const L = lossName(d);
    const what = r.pick(["big-values", "zero-const", "log-neg", "div-zero", "feed-big", "exp-big"]);
    if (what === "big-values") { for (const n of ns) if (n.op === "variable" && n.value !== undefined) n.value = JSON.parse(JSON.stringify(n.value), (_k, x) => (typeof x === "number" ? x * 1e200 : x)); }
    else if (what === "zero-const") { for (const n of ns) if (n.op === "constant") n.value = 0; }
    else if (what === "feed-big") { for (const k of Object.keys(d.feed ?? {})) d.feed[k] = JSON.parse(JSON.stringify(d.feed[k]), (_k, x) => (typeof x === "number" ? r.pick([1e200, -1e308, 1e-320]) : x)); }
    else { const e = what === "log-neg" ? `log(-1 - ${L} * ${L})` : what === "div-zero" ? `${L} / (${L} - ${L})` : `exp(1e3 + ${L})`; ensureOutputs(d); if (!Array.isArray(d.nodes)) d.nodes = []; d.nodes.push({ name: "bad", expr: e }); setLoss(d, "bad"); }
    return `nan data: ${what}`;
  }],
  [4, "attrs", (d, r) => {
    const ns = nodes(d); if (!ns.length) return "no-op";
    const n = r.pick(ns); const L = lossName(d);
    const a = r.pick([
      { axis: r.pick([5, -5, 0.5, "0", 1e300, null, [0], -1]) }, { keepdims: r.pick(["yes", 1, null]) }, { transpose_a: r.pick(["true", 1, null]) },
      { perm: r.pick([[0, 0], [2, 0, 1], [1], [-1, 0], [0.5, 1]]) }, { begin: [0, 0], size: [100, 100] }, { begin: [-1, 0], size: [1, 1] },
      { shape: r.pick([[-1, -1], [0], [1e9, 1e9], [7], [-2]]) }, { axis: 0, extra: 1 }, "attrs", [1, 2], null,
    ]);
    if (r.chance(0.5)) { const op = r.pick(["reduce_sum", "reduce_mean", "transpose", "reshape", "slice", "concat", "softmax", "log_softmax", "matmul", "softmax_cross_entropy_with_logits"]); const id = `A${r.int(100)}`; if (!Array.isArray(d.nodes)) d.nodes = []; const ins = op === "concat" || op === "matmul" || op === "softmax_cross_entropy_with_logits" ? [r.pick(names(d)) ?? L, r.pick(names(d)) ?? L] : [r.pick(names(d)) ?? L]; d.nodes.push({ name: id, op, inputs: ins, attrs: a }); if (r.chance(0.5)) { d.nodes.push({ name: `${id}s`, op: "reduce_sum", inputs: [id] }); setLoss(d, `${id}s`); } else ensureOutputs(d).fetch = [id]; return `new ${op} with attrs ${JSON.stringify(a)}`; }
    n.attrs = a; return `attrs of ${n.name}`;
  }],
  [2, "random-op", (d, r) => {
    const ns = names(d); if (!ns.length) return "no-op";
    const op = r.pick(OPS.slice(0, 25)); const id = `R${r.int(100)}`;
    const k = r.pick([0, 1, 1, 2, 2, 3]); const inputs = Array.from({ length: k }, () => r.pick(ns));
    d.nodes.push({ name: id, op, inputs });
    d.nodes.push({ name: `${id}s`, op: "reduce_sum", inputs: [id] });
    if (r.chance(0.6)) setLoss(d, `${id}s`); else ensureOutputs(d).fetch = [id];
    return `random ${op}(${inputs.join(", ")})`;
  }],
  [2, "top-level", (d, r) => {
    const v = r.pick(["format", "format2", "noformat", "schema", "name", "desc"]);
    if (v === "format") d.format = r.pick(["hessflow.graph/2", "hessflow.graph/1 ", "", null, 1]);
    else if (v === "format2") d.format = "HESSFLOW.GRAPH/1";
    else if (v === "noformat") delete d.format;
    else if (v === "schema") d.$schema = r.pick([null, 1, "http://example.invalid/x.json", "\u001b[2J"]);
    else if (v === "name") d.name = r.pick([null, "", 1, longName(r)]);
    else d.description = r.pick([null, 1, "x".repeat(100_000)]);
    return `top-level ${v}`;
  }],
  [1, "not-object", (d, r) => { const v = r.pick([[], null, 1, "spec", true, [d]]); return { replace: v, desc: `document is ${JSON.stringify(v).slice(0, 20)}` }; }],
];

/** Deliberately big specs: a correct implementation refuses them (exit 2) or runs them quickly; never builds them blindly. */
const HEAVY = [
  [2, "zeros-1e9", (d) => { d.nodes.push({ name: "Z", op: "variable", init: { type: "zeros", shape: [1e9] } }, { name: "Zs", op: "reduce_sum", inputs: ["Z"] }); d.outputs.fetch = ["Zs"]; return "variable zeros [1e9]"; }],
  [1, "ones-1e5x1e5", (d) => { d.nodes.push({ name: "Z", op: "variable", init: { type: "ones", shape: [100_000, 100_000] } }); d.outputs.fetch = ["Z"]; return "variable ones [1e5, 1e5]"; }],
  [2, "hessian-60k", (d) => {
    const L = lossName(d);
    d.nodes.push({ name: "V", op: "variable", init: { type: "random_normal", shape: [60_000, 1], seed: 1 } }, { name: "VV", op: "square", inputs: ["V"] }, { name: "Vs", op: "reduce_sum", inputs: ["VV"] }, { name: "LV", op: "add", inputs: [L, "Vs"] });
    setLoss(d, "LV"); d.outputs.gradients = { ys: ["LV"], xs: ["V"] }; d.outputs.hessian = { ys: "LV", xs: ["V"] };
    return "60,000-parameter Hessian";
  }],
  [1, "hessian-8k-rows", (d) => {
    d.nodes.push({ name: "V", op: "variable", init: { type: "random_normal", shape: [8000, 1], seed: 2 } }, { name: "T", op: "tanh", inputs: ["V"] }, { name: "LV", op: "reduce_sum", inputs: ["T"] });
    setLoss(d, "LV"); d.outputs.hessian = { ys: "LV", xs: ["V"] }; delete d.outputs.gradients;
    return "8,000-parameter Hessian (rows mode is in the command list)";
  }],
  [1, "many-nodes", (d, r) => { const n = r.pick([20_000, 50_000]); for (let i = 0; i < n; i++) d.nodes.push({ name: `k${i}`, op: "constant", value: i }); return `${n} extra constant nodes`; }],
  [1, "chain-20k", (d, r) => chain(d, r, 20_000)],
  [1, "feed-1e6", (d) => { const ph = namesOfOp(d, "placeholder")[0] ?? "X"; d.feed[ph] = Array.from({ length: 3 }, () => new Array(1_000_000).fill(0.5)); return `feed of 3x1e6 for ${ph}`; }],
];

/** Byte-level mutators over the serialised spec. */
const BYTES = [
  [4, "flip-bits", (b, r) => { const n = r.range(1, 8); for (let i = 0; i < n && b.length; i++) b[r.int(b.length)] ^= 1 << r.int(8); return { buf: b, desc: `flip ${n} bits` }; }],
  [4, "insert-bytes", (b, r) => {
    const chunk = Buffer.from(r.pick([[0x00], [0x1b, 0x5b, 0x32, 0x4a], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf], [0x7f], [0x0a], [0x22], [0x5b], [0x7b], [0x2c], [0x5c], [0xf4, 0x90, 0x80, 0x80], [0x80], Array.from({ length: 16 }, () => r.int(256))]));
    const at = r.int(b.length + 1); return { buf: Buffer.concat([b.subarray(0, at), chunk, b.subarray(at)]), desc: `insert ${chunk.toString("hex")} at ${at}` };
  }],
  [3, "delete-bytes", (b, r) => { const at = r.int(b.length); const n = r.range(1, 32); return { buf: Buffer.concat([b.subarray(0, at), b.subarray(at + n)]), desc: `delete ${n} at ${at}` }; }],
  [3, "truncate", (b, r) => { const at = r.int(b.length); return { buf: b.subarray(0, at), desc: `truncate at ${at}` }; }],
  [2, "duplicate-span", (b, r) => { const at = r.int(b.length); const n = r.range(1, 200); return { buf: Buffer.concat([b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n)]), desc: `duplicate ${n} at ${at}` }; }],
  [3, "number-token", (b, r) => {
    const s = b.toString("latin1"); const m = [...s.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)]; if (!m.length) return { buf: b, desc: "no number" };
    const hit = r.pick(m); const tok = r.pick(["1e400", "-1e400", "1e-400", "NaN", "Infinity", "-0", "01", "1.", ".5", "+1", "0x10", "1e200", "99999999999999999999999"]);
    return { buf: Buffer.from(s.slice(0, hit.index) + tok + s.slice(hit.index + hit[0].length), "latin1"), desc: `number -> ${tok}` };
  }],
  [3, "utf8-in-string", (b, r) => {
    const s = b.toString("latin1"); const q = [...s.matchAll(/"[A-Za-z_][A-Za-z0-9_]*"/g)]; if (!q.length) return { buf: b, desc: "no string" };
    const hit = r.pick(q); const bad = r.pick(["\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\x1b[2J", "\x00", "\x7f", "\\u001b[2J", "\\u0000", "\\ud800", "\x80\x80"]);
    const at = hit.index + 1 + r.int(hit[0].length - 1);
    return { buf: Buffer.from(s.slice(0, at) + bad + s.slice(at), "latin1"), desc: `invalid bytes ${JSON.stringify(bad)} inside a string` };
  }],
  [1, "bom", (b) => ({ buf: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), desc: "UTF-8 BOM" })],
  [1, "utf16", (b) => ({ buf: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString("utf8"), "utf16le")]), desc: "UTF-16LE with BOM" })],
  [1, "empty", (_b, r) => ({ buf: Buffer.from(r.pick(["", " ", "\n", "null", "0", "[]", "{}", "\"\"", "\u0000"])), desc: "near-empty file" })],
  [1, "garbage", (_b, r) => ({ buf: Buffer.from(Array.from({ length: r.range(1, 2000) }, () => r.int(256))), desc: "random bytes" })],
];

/** A mutation's description for reports: control characters escaped, cut to 160 characters. */
export function clip(s) {
  const t = String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return t.length > 160 ? `${t.slice(0, 150)}... (${t.length} chars)` : t;
}

/** Serialises a document, replacing raw-token markers by bare JSON number tokens. */
function serialise(doc, rng, compact = false) {
  const text = compact || rng.chance(0.5) ? JSON.stringify(doc) : JSON.stringify(doc, null, 2);
  if (text === undefined) return "undefined";
  return text
    .replace(/"__RAW__(.*?)__"/g, "$1")
    .replace(/"__DEEP__(\d+)__(.*?)__"/g, (_m, d, leaf) => "[".repeat(Number(d)) + leaf.replace(/\\"/g, "\"") + "]".repeat(Number(d)));
}

// `opts.heavyRate` is the probability of a deliberately big case (default 0.02); big ones are flagged `heavy`.
/** Case `index` of a run seeded with `seed`: {seed, index, base, family, mutations, bytes, args, heavy}. */
export function makeCase(course, seed, index, opts = {}) {
  const rng = makeRng(caseSeed(seed, index));
  const heavyRate = opts.heavyRate ?? 0.02;
  const base = rng.pick(course);
  let doc = clone(base.doc);
  const mutations = [];
  const args = rng.pick(COMMANDS);
  let heavy = false;
  let family = rng.weighted([[60, "structural"], [25, "bytes"], [15, "mixed"]]);
  if (rng.next() < heavyRate) {
    family = "heavy";
    heavy = true;
    const [, name, fn] = rng.weighted(HEAVY.map((m) => [m[0], m]));
    mutations.push(clip(`${name}: ${fn(doc, rng)}`));
  }
  if (family === "structural" || family === "mixed") {
    const k = rng.weighted([[6, 1], [3, 2], [1, 3]]);
    for (let i = 0; i < k; i++) {
      const [, name, fn] = rng.weighted(STRUCTURAL.map((m) => [m[0], m]));
      const out = fn(doc, rng);
      if (out && typeof out === "object") { doc = out.replace; mutations.push(clip(`${name}: ${out.desc}`)); break; }
      mutations.push(clip(`${name}: ${out}`));
    }
  }
  let bytes = Buffer.from(serialise(doc, rng, heavy), "utf8");
  if (family === "bytes" || family === "mixed") {
    const k = rng.weighted([[7, 1], [2, 2], [1, 4]]);
    for (let i = 0; i < k; i++) {
      const [, name, fn] = rng.weighted(BYTES.map((m) => [m[0], m]));
      const out = fn(Buffer.from(bytes), rng);
      bytes = out.buf;
      mutations.push(clip(`${name}: ${out.desc}`));
    }
  }
  // A huge dimension outside the heavy family (a [1e9] variable) is as big as a heavy case: run it one at a time too.
  if (mutations.some((m) => m.startsWith("dims:") && (m.match(/\d[\d.e+]*/g) ?? []).reduce((p, x) => p * Math.max(1, Math.abs(Number(x))), 1) >= 1e6)) heavy = true;
  return { seed, index, base: base.file, family, mutations, bytes, args, heavy };
}
