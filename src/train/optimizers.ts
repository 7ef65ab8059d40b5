// tf.train optimizers as graph builders: minimize(loss) appends the gradient graph and one update op (a group of
// assigns) whose every run applies TF 1.x's update once. Slots (accumulators, moments, Adam's beta powers) are
// non-trainable variables of the graph, named as TF names them (`w/Momentum`, `w/Adam`, `w/Adam_1`, `beta1_power`).
import { GraphError } from "../errors.js";
import type { Graph, Node, NodeLike } from "../graph/graph.js";
import { add, assign, assignSub, divide, group, multiply, sqrt, square, subtract, trainableVariables } from "../graph/builders.js";
import { gradients } from "../autodiff/gradients.js";
import { q } from "../messages.js";

/** The shared part of the optimizers: gradients, the variable list, slots. */
abstract class Optimizer {
  private readonly slots = new Map<string, Node>();

  /** One update op (a group) applying a step to each variable of `varList` (default: the graph's trainable variables) the loss depends on. */
  minimize(loss: Node, varList?: readonly Node[]): Node {
    const vars = varList ? [...varList] : trainableVariables(loss.graph);
    for (const v of vars) if (v.op !== "variable" || v.graph !== loss.graph) throw new GraphError(`minimize: '${q(v.name)}' is not a variable of the loss's graph`, v.name);
    if (vars.length === 0) throw new GraphError("minimize: no variables to optimize");
    const grads = gradients(loss, vars);
    const pairs = vars.map((v, i) => [v, grads[i]] as const).filter((p): p is readonly [Node, Node] => p[1] !== null);
    if (pairs.length === 0) throw new GraphError(`minimize: no gradients for any variable (the loss '${q(loss.name)}' depends on none of them)`, loss.name);
    return group(...this.applyGradients(loss.graph, pairs));
  }

  /** The update ops for (variable, gradient) pairs. */
  protected abstract applyGradients(graph: Graph, pairs: readonly (readonly [Node, Node])[]): Node[];

  /** The slot `key` of `owner` (a new non-trainable variable of `init` values the first time), named `name` or name_1, name_2, ... if taken. */
  protected slot(graph: Graph, key: string, name: string, init: number, shape: readonly number[]): Node {
    const hit = this.slots.get(key);
    if (hit) return hit;
    let unique = name;
    for (let i = 1; graph.has(unique); i++) unique = `${name}_${i}`;
    const size = shape.reduce((a, b) => a * b, 1);
    const v = graph.variable({ shape: [...shape], data: new Float64Array(size).fill(init) }, unique, { trainable: false });
    this.slots.set(key, v);
    return v;
  }
}

function staticShape(v: Node): number[] {
  return v.shape as number[];
}

/** tf.train.GradientDescentOptimizer: θ −= lr·g. */
export class GradientDescentOptimizer extends Optimizer {
  /** Plain gradient descent with learning rate `learningRate` (a number or a scalar node). */
  constructor(readonly learningRate: NodeLike) { super(); }

  protected applyGradients(_graph: Graph, pairs: readonly (readonly [Node, Node])[]): Node[] {
    return pairs.map(([v, g]) => assignSub(v, multiply(g, this.learningRate)));
  }
}

/** Options of MomentumOptimizer. */
export interface MomentumOptions { useNesterov?: boolean }

/** tf.train.MomentumOptimizer: a = m·a + g, θ −= lr·a (Nesterov: θ −= lr·g + lr·m·a, with the new a), as TF's ApplyMomentum. */
export class MomentumOptimizer extends Optimizer {
  /** Momentum with learning rate `learningRate`, momentum `momentum`, and `{useNesterov}` (default false). */
  constructor(readonly learningRate: NodeLike, readonly momentum: NodeLike, readonly options: MomentumOptions = {}) { super(); }

  protected applyGradients(graph: Graph, pairs: readonly (readonly [Node, Node])[]): Node[] {
    return pairs.flatMap(([v, g]) => {
      const a = this.slot(graph, `${v.id}`, `${v.name}/Momentum`, 0, staticShape(v));
      const aNew = add(multiply(a, this.momentum), g);
      const step = this.options.useNesterov
        ? add(multiply(g, this.learningRate), multiply(multiply(aNew, this.momentum), this.learningRate))
        : multiply(aNew, this.learningRate);
      return [assign(a, aNew), assignSub(v, step)];
    });
  }
}

/** Options of AdamOptimizer, TF's defaults. */
export interface AdamOptions { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }

/**
 * tf.train.AdamOptimizer: with the beta powers β₁ᵗ, β₂ᵗ (slots starting at β₁, β₂), lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ),
 * m += (g − m)(1 − β₁), v += (g² − v)(1 − β₂), θ −= lr_t·m/(√v + ε) (TF's ApplyAdam), then the powers ·= β₁, β₂.
 */
export class AdamOptimizer extends Optimizer {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  /** Adam with TF's defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8. */
  constructor(options: AdamOptions = {}) {
    super();
    this.learningRate = options.learningRate ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    for (const [k, x] of Object.entries({ learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon })) {
      if (typeof x !== "number" || !Number.isFinite(x)) throw new GraphError(`AdamOptimizer: ${k} must be a finite number, got ${JSON.stringify(x)}`, k);
    }
  }

  protected applyGradients(graph: Graph, pairs: readonly (readonly [Node, Node])[]): Node[] {
    const { beta1, beta2, epsilon } = this;
    const b1p = this.slot(graph, "beta1_power", "beta1_power", beta1, []);
    const b2p = this.slot(graph, "beta2_power", "beta2_power", beta2, []);
    const lrT = divide(multiply(this.learningRate, sqrt(subtract(1, b2p))), subtract(1, b1p));
    const updates = pairs.flatMap(([v, g]) => {
      const m = this.slot(graph, `${v.id}/m`, `${v.name}/Adam`, 0, staticShape(v));
      const s = this.slot(graph, `${v.id}/v`, `${v.name}/Adam_1`, 0, staticShape(v));
      const mNew = add(m, multiply(subtract(g, m), 1 - beta1));
      const sNew = add(s, multiply(subtract(square(g), s), 1 - beta2));
      const step = divide(multiply(mNew, lrT), add(sqrt(sNew), epsilon));
      return [assign(m, mNew), assign(s, sNew), assignSub(v, step)];
    });
    return [...updates, assign(b1p, multiply(b1p, beta1)), assign(b2p, multiply(b2p, beta2))];
  }
}
