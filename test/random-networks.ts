// Random valid network specs ("hessflow.graph/1" documents) for tests: a seeded generator of small
// networks (1–4 layers, widths 1–6, batch 1–5, ≤ 60 parameters) with random activations, losses,
// broadcast biases and scales, transposed matmuls, shared (tied) weights, reductions with axis and
// keepdims, and sometimes concat/slice/reshape/transpose between layers. The Hessian is over a random
// non-empty subset of the variables in random order; gradients over all of them. Every spec is
// checked here to load and run, and points where a kinked function (relu, abs, leaky_relu, elu,
// maximum, minimum) would sit within 0.02 of its kink are rejected, so finite differences are valid.
import { loadSpec, Session, type SpecDoc } from "../src/index.js";
import { mulberry32 } from "../src/internal.js";
import type { SpecNode } from "../src/spec/load.js";

/** What the generator covers: every tag below appears in the `features` of some seeds (test/random-networks.test.ts counts them). */
export const RANDOM_NETWORK_FEATURES = {
  activations: ["tanh", "sigmoid", "relu", "softplus", "elu", "leaky_relu", "abs", "square", "identity", "maximum", "minimum"],
  losses: ["mse", "softmax_xent", "sparse_softmax_xent", "sigmoid_xent"],
  biases: ["bias:[k,1]", "bias:[1,k]", "bias:[k]", "bias:scalar", "bias:none"],
  scales: ["scale:[k,1]", "scale:[1,k]", "scale:[k]", "scale:scalar"],
  structure: [
    "layout:cols", "layout:rows", "transpose_a", "transpose_b", "shared_weight", "l2", "one_hot", "half",
    "reduce:axis", "reduce:keepdims", "reduce_sum", "concat", "slice", "reshape", "transpose",
    "hessian:subset", "hessian:reordered", "batch:1",
  ],
} as const;

/** One generated network: the spec document and the feature tags it exercises. */
export interface RandomNetwork {
  spec: SpecDoc;
  features: string[];
  /** Flattened parameter count (all variables). */
  parameters: number;
}

/** Largest number of parameters a generated network has. */
export const MAX_RANDOM_PARAMETERS = 60;

/** A random valid spec for `seed` (deterministic: the same seed gives the same document). */
export function randomNetworkSpec(seed: number): SpecDoc {
  return randomNetwork(seed).spec;
}

/** A random valid network for `seed` with the features it covers; it loads, runs, and keeps kinked functions away from their kinks. */
export function randomNetwork(seed: number): RandomNetwork {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rng = mulberry32(seed * 7919 + attempt * 104729 + 1);
    const net = new NetBuilder(rng, seed).build();
    if (net.parameters <= MAX_RANDOM_PARAMETERS && awayFromKinks(net.spec, net.kinks)) {
      return { spec: net.spec, features: net.features, parameters: net.parameters };
    }
  }
  throw new Error(`randomNetwork(${seed}): no valid network in 200 attempts`);
}

type Rng = () => number;
type Nested = number | Nested[];

/** A value rounded to 4 decimals (readable specs, exact round trips). */
const r4 = (v: number) => Math.round(v * 1e4) / 1e4 || 0;

/** A node whose value must stay away from `at` (the kink of the function applied to it). */
interface Kink { node: string; at: number }

/** One layer's weight as stored: the variable name, and whether it holds M (fout×fin) or Mᵀ. */
interface Weight { name: string; fin: number; fout: number; storedTransposed: boolean }

class NetBuilder {
  readonly nodes: SpecNode[] = [];
  readonly features = new Set<string>();
  readonly kinks: Kink[] = [];
  readonly feed: Record<string, Nested> = {};
  readonly variables: { name: string; size: number }[] = [];
  private count = 0;
  readonly rows: boolean;
  readonly batch: number;

  constructor(private readonly rng: Rng, private readonly seed: number) {
    this.rows = rng() < 0.5;
    this.batch = this.int(1, 5);
    this.features.add(this.rows ? "layout:rows" : "layout:cols");
    if (this.batch === 1) this.features.add("batch:1");
  }

  int(lo: number, hi: number): number { return lo + Math.floor(this.rng() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.rng() * xs.length)]; }
  chance(p: number): boolean { return this.rng() < p; }
  uniform(lo: number, hi: number): number { return r4(lo + (hi - lo) * this.rng()); }
  matrix(r: number, c: number, lo: number, hi: number): number[][] {
    return Array.from({ length: r }, () => Array.from({ length: c }, () => this.uniform(lo, hi)));
  }
  /** A tensor of `shape` for a layer's feature width k: [k,1] / [1,k] / [k] / scalar. */
  broadcastValue(kind: string, k: number, lo: number, hi: number): Nested {
    if (kind === "[k,1]") return this.matrix(k, 1, lo, hi);
    if (kind === "[1,k]") return this.matrix(1, k, lo, hi);
    if (kind === "[k]") return this.matrix(1, k, lo, hi)[0];
    return this.uniform(lo, hi);
  }

  name(prefix: string): string { return `${prefix}${++this.count}`; }
  node(prefix: string, op: string, inputs: string[], attrs?: Record<string, unknown>): string {
    const name = this.name(prefix);
    this.nodes.push(attrs ? { name, op, inputs, attrs } : { name, op, inputs });
    return name;
  }
  constant(value: Nested): string {
    const name = this.name("c");
    this.nodes.push({ name, op: "constant", value: value as never });
    return name;
  }
  variable(prefix: string, value: Nested, size: number): string {
    const name = this.name(prefix);
    this.nodes.push({ name, op: "variable", value: value as never });
    this.variables.push({ name, size });
    return name;
  }

  /** Feature axis of an activation [fout, B] (cols) or [B, fout] (rows). */
  get featureAxis(): number { return this.rows ? 1 : 0; }

  build(): { spec: SpecDoc; features: string[]; parameters: number; kinks: Kink[] } {
    const loss = this.pick(RANDOM_NETWORK_FEATURES.losses);
    this.features.add(loss);
    const fin = this.int(1, 4);
    const X = "X";
    this.nodes.push({ name: X, op: "placeholder", shape: this.rows ? [null, fin] : [fin, null] });
    const x = this.matrix(this.batch, fin, -1.5, 1.5);
    this.feed[X] = this.rows ? x : transposed(x);

    const depth = this.int(1, 4);
    const outWidth = loss === "softmax_xent" || loss === "sparse_softmax_xent" ? this.int(2, 4) : this.int(1, 3);
    let h = X, width = fin, hTransposed = false;
    const weights: Weight[] = [];
    for (let l = 1; l <= depth; l++) {
      const last = l === depth;
      const prev = weights[weights.length - 1];
      // Tie this layer's weight to the previous one's transpose (an autoencoder's tied weights) when the widths allow.
      const tie = prev !== undefined && width === prev.fout && (!last || prev.fin === outWidth) && this.chance(0.45);
      const fout = tie ? prev.fin : last ? outWidth : this.int(1, 6);
      let w: Weight;
      if (tie) {
        w = { name: prev.name, fin: prev.fout, fout: prev.fin, storedTransposed: !prev.storedTransposed };
        this.features.add("shared_weight");
      } else {
        const storedTransposed = this.chance(0.4);
        const m = this.matrix(fout, width, -1, 1);
        const name = this.variable("w", storedTransposed ? transposed(m) : m, fout * width);
        w = { name, fin: width, fout, storedTransposed };
      }
      weights.push(w);
      let z = this.matmul(w, h, hTransposed);
      hTransposed = false;
      z = this.bias(z, fout);
      const act = last ? (loss === "mse" && this.chance(0.3) ? this.pick(RANDOM_NETWORK_FEATURES.activations) : "identity") : this.pick(RANDOM_NETWORK_FEATURES.activations);
      h = this.activation(act, z);
      width = fout;
      if (!last) {
        if (this.chance(0.25)) h = this.scale(h, fout);
        ({ h, width, hTransposed } = this.structure(h, width));
      }
    }
    const data = this.loss(loss, h, width);
    let L = data;
    if (this.chance(0.35)) {
      const w = this.pick(weights);
      const reg = this.node("reg", "l2_loss", [w.name]);
      const lam = this.constant(this.pick([0.01, 0.05, 0.1]));
      L = this.node("L", "add", [data, this.node("pen", "multiply", [lam, reg])]);
      this.features.add("l2");
    }
    const names = this.variables.map((v) => v.name);
    const hx = this.hessianXs(names);
    const fetch = L === data ? [L, h] : [L, data, h];
    const spec: SpecDoc = {
      format: "hessflow.graph/1",
      name: `random-${this.seed}`,
      description: `Random network (seed ${this.seed}): ${[...this.features].sort().join(", ")}.`,
      nodes: this.nodes,
      feed: this.feed as SpecDoc["feed"],
      outputs: { fetch, gradients: { ys: [L], xs: names }, hessian: { ys: L, xs: hx } },
    };
    const parameters = this.variables.reduce((s, v) => s + v.size, 0);
    return { spec, features: [...this.features].sort(), parameters, kinks: this.kinks };
  }

  /** z = M·h (cols) or h·Mᵀ (rows), with the transpose attributes the stored weight and a transposed h need. */
  matmul(w: Weight, h: string, hTransposed: boolean): string {
    const attrs: Record<string, boolean> = {};
    if (this.rows) {
      // h is [B, fin] (or [fin, B] when transposed); the stored weight is Mᵀ [fin, fout] or M [fout, fin].
      if (hTransposed) attrs.transpose_a = true;
      if (!w.storedTransposed) attrs.transpose_b = true;
    } else {
      if (w.storedTransposed) attrs.transpose_a = true;
      if (hTransposed) attrs.transpose_b = true;
    }
    for (const k of Object.keys(attrs)) this.features.add(k);
    return this.node("z", "matmul", this.rows ? [h, w.name] : [w.name, h], Object.keys(attrs).length ? attrs : undefined);
  }

  bias(z: string, k: number): string {
    const kinds = this.rows ? ["[1,k]", "[k]", "scalar", "none"] : ["[k,1]", "scalar", "none"];
    const kind = this.pick(kinds);
    this.features.add(`bias:${kind}`);
    if (kind === "none") return z;
    const b = this.variable("b", this.broadcastValue(kind, k, -0.5, 0.5), kind === "scalar" ? 1 : k);
    return this.chance(0.8) ? this.node("h", "add", [z, b]) : this.node("h", "add", [b, z]);
  }

  scale(h: string, k: number): string {
    const kind = this.pick(this.rows ? ["[1,k]", "[k]", "scalar"] : ["[k,1]", "scalar"]);
    this.features.add(`scale:${kind}`);
    const c = this.constant(this.broadcastValue(kind, k, 0.5, 1.5));
    return this.node("s", "multiply", [c, h]);
  }

  activation(act: string, z: string): string {
    this.features.add(act);
    switch (act) {
      case "identity": return this.chance(0.5) ? z : this.node("a", "identity", [z]);
      case "leaky_relu": this.kinks.push({ node: z, at: 0 }); return this.node("a", "leaky_relu", [z], { alpha: this.pick([0.1, 0.2, 0.3]) });
      case "maximum": case "minimum": {
        const c = this.uniform(-0.3, 0.3);
        this.kinks.push({ node: z, at: c });
        return this.node("a", act, [z, this.constant(c)]);
      }
      case "relu": case "abs": case "elu": this.kinks.push({ node: z, at: 0 }); return this.node("a", act, [z]);
      default: return this.node("a", act, [z]);
    }
  }

  /** Sometimes reshapes, transposes, concatenates or slices a hidden activation. */
  structure(h: string, width: number): { h: string; width: number; hTransposed: boolean } {
    const fa = this.featureAxis;
    const choice = this.pick(["none", "none", "none", "concat", "slice", "reshape", "transpose"]);
    if (choice === "concat" && width <= 3) {
      this.features.add("concat");
      const other = this.node("a", this.pick(["tanh", "square", "sigmoid"]), [h]);
      return { h: this.node("cat", "concat", [h, other], { axis: this.chance(0.5) ? fa : fa - 2 }), width: 2 * width, hTransposed: false };
    }
    if (choice === "slice" && width >= 2) {
      this.features.add("slice");
      const from = this.int(0, 1);
      const size = width - 1;
      const begin = fa === 0 ? [from, 0] : [0, from];
      return { h: this.node("sl", "slice", [h], { begin, size: fa === 0 ? [size, -1] : [-1, size] }), width: size, hTransposed: false };
    }
    if (choice === "reshape") {
      this.features.add("reshape");
      const flat = this.node("flat", "reshape", [h], { shape: [-1] });
      return { h: this.node("back", "reshape", [flat], { shape: fa === 0 ? [width, -1] : [-1, width] }), width, hTransposed: false };
    }
    if (choice === "transpose") {
      this.features.add("transpose");
      return { h: this.node("t", "transpose", [h], this.chance(0.5) ? { perm: [1, 0] } : undefined), width, hTransposed: true };
    }
    return { h, width, hTransposed: false };
  }

  /** The data loss of the network output `out` (width k); adds the label placeholders and feeds. */
  loss(kind: string, out: string, k: number): string {
    const B = this.batch, fa = this.featureAxis;
    const labelShape = this.rows ? [null, k] : [k, null];
    const feedOf = (m: number[][]) => (this.rows ? m : transposed(m));
    const axisAttr = () => ({ axis: fa === 1 && this.chance(0.5) ? -1 : fa });
    const mean = (x: string) => this.reduce(x);
    if (kind === "mse") {
      this.nodes.push({ name: "Y", op: "placeholder", shape: labelShape });
      this.feed.Y = feedOf(this.matrix(B, k, -1, 1));
      const sq = this.node("sq", "squared_difference", this.chance(0.8) ? [out, "Y"] : ["Y", out]);
      const m = mean(sq);
      if (!this.chance(0.5)) return m;
      this.features.add("half");
      return this.node("mse", "divide", [m, this.constant(2)]);
    }
    if (kind === "sigmoid_xent") {
      this.nodes.push({ name: "Y", op: "placeholder", shape: labelShape });
      const soft = this.chance(0.3);
      this.feed.Y = feedOf(Array.from({ length: B }, () => Array.from({ length: k }, () => (soft ? this.uniform(0, 1) : this.int(0, 1)))));
      return mean(this.node("xent", "sigmoid_cross_entropy_with_logits", ["Y", out]));
    }
    const classes = Array.from({ length: B }, () => this.int(0, k - 1));
    if (kind === "sparse_softmax_xent") {
      this.nodes.push({ name: "labels", op: "placeholder", shape: [null] });
      this.feed.labels = classes;
      return mean(this.node("xent", "sparse_softmax_cross_entropy_with_logits", ["labels", out], axisAttr()));
    }
    let Y = "Y";
    if (this.chance(0.4)) {
      this.features.add("one_hot");
      this.nodes.push({ name: "labels", op: "placeholder", shape: [null] });
      this.feed.labels = classes;
      Y = this.node("Y", "one_hot", ["labels"], { depth: k, axis: this.rows ? -1 : 0 });
    } else {
      this.nodes.push({ name: "Y", op: "placeholder", shape: labelShape });
      this.feed.Y = feedOf(classes.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))));
    }
    return mean(this.node("xent", "softmax_cross_entropy_with_logits", [Y, out], axisAttr()));
  }

  /** A scalar from a per-example (rank 1) or elementwise (rank 2) loss: a mean or sum, sometimes over an axis first (keepdims or not). */
  reduce(x: string): string {
    const rank2 = this.nodes.some((n) => n.name === x && n.op !== "sparse_softmax_cross_entropy_with_logits" && n.op !== "softmax_cross_entropy_with_logits");
    if (rank2 && this.chance(0.5)) {
      const keepdims = this.chance(0.5);
      this.features.add("reduce:axis");
      if (keepdims) this.features.add("reduce:keepdims");
      const attrs: Record<string, unknown> = { axis: this.chance(0.7) ? this.featureAxis : [this.featureAxis] };
      if (keepdims) attrs.keepdims = true;
      const op = this.chance(0.5) ? "reduce_sum" : "reduce_mean";
      if (op === "reduce_sum") this.features.add("reduce_sum");
      const part = this.node("r", op, [x], attrs);
      return this.node("loss", "reduce_mean", [part]);
    }
    if (this.chance(0.2)) {
      this.features.add("reduce_sum");
      return this.node("loss", "reduce_sum", [x]);
    }
    return this.node("loss", "reduce_mean", [x]);
  }

  /** A random non-empty subset of the variables, in random order. */
  hessianXs(names: string[]): string[] {
    const shuffled = [...names];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const k = this.chance(0.4) ? names.length : this.int(1, names.length);
    const xs = shuffled.slice(0, k);
    if (k < names.length) this.features.add("hessian:subset");
    if (xs.some((x, i) => i > 0 && names.indexOf(x) < names.indexOf(xs[i - 1]))) this.features.add("hessian:reordered");
    return xs;
  }
}

function transposed(m: number[][]): number[][] {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** True when the spec loads and runs, and every kinked function's input is at least 0.02 from its kink. */
function awayFromKinks(spec: SpecDoc, kinks: Kink[]): boolean {
  const loaded = loadSpec(spec);
  const session = new Session(loaded.graph);
  const nodes = [...loaded.fetch, ...kinks.map((k) => loaded.nodes.get(k.node)!)];
  const values = session.run(nodes, loaded.feed);
  if (!values.every((t) => t.data.every(Number.isFinite))) return false;
  return kinks.every((k, i) => values[loaded.fetch.length + i].data.every((v) => Math.abs(v - k.at) >= 0.02));
}
