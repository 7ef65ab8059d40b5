// Runs a compiled plan: each step once, into its buffer slot. Also the batched tangent pass
// (forward mode over the gradient graph) used by the vectorised Hessian.
import { OPS } from "../ops/registry.js";
import { HessflowError } from "../errors.js";
import { q } from "../messages.js";
import type { JvpArgs } from "../ops/types.js";
import type { Tensor } from "../graph/tensor.js";
import type { Plan } from "./plan.js";
import { TangentKernels } from "../kernels/tangent-kernels.js";
import type { Workspace } from "../kernels/workspace.js";

/** Values of the source steps (placeholders, variables, constants) by step index. */
export type SourceValues = ReadonlyMap<number, Float64Array>;

/** Allocates the buffers of a plan (once; reused across runs). */
export function allocateSlots(plan: Plan): Float64Array[] {
  return plan.slotSizes.map((n) => new Float64Array(n));
}

/** Runs every step of the plan, the kernels' scratch in `workspace`; returns each step's tensor as computed (valid for fetches, and for all steps with keepAll). */
export function runPlan(plan: Plan, sources: SourceValues, slots: Float64Array[], workspace: Workspace): Tensor[] {
  const tensors: Tensor[] = new Array(plan.steps.length);
  plan.steps.forEach((step, i) => {
    const src = sources.get(i);
    if (src) {
      tensors[i] = { shape: step.shape, data: src };
    } else if (step.alias >= 0) {
      tensors[i] = { shape: step.shape, data: tensors[step.alias].data };
    } else {
      const out: Tensor = { shape: step.shape, data: slots[step.slot] };
      const def = OPS[step.op] as { kernel(inputs: Tensor[], out: Tensor, attrs: unknown, workspace: Workspace): void };
      try {
        def.kernel(step.inputs.map((k) => tensors[k]), out, step.attrs, workspace);
      } catch (e) {
        // A kernel's run-time check (e.g. a label out of range) does not know its node: name it here.
        if (e instanceof HessflowError && e.where === undefined) throw new (e.constructor as typeof HessflowError)(`node '${q(step.name)}': ${e.message}`, step.name);
        throw e;
      }
      tensors[i] = out;
    }
  });
  return tensors;
}

/** Which steps a set of outputs depends on (`needed`), and the last needed step reading each step's tangent. */
interface Liveness { lastUse: Int32Array; needed: Uint8Array }

/** Pooled tangent buffers, per-step caches and the kernels JVP rules call, kept across the batches of a plan's Hessians. */
export class TangentContext {
  private readonly pool = new Map<number, Float64Array[]>();
  private readonly refs = new Map<Float64Array, number>();
  private readonly livenessByOutputs = new Map<string, Liveness>();
  /** Per-step caches of values derived from primal values (see JvpArgs.memo). */
  readonly memos: Map<string, unknown>[];
  /** The primitives JVP rules call, over the owner's workspace. */
  readonly kernels: TangentKernels;
  constructor(readonly plan: Plan, workspace: Workspace) {
    this.memos = plan.steps.map(() => new Map());
    this.kernels = new TangentKernels(workspace);
  }
  /** For a set of outputs: which steps they depend on, and the last needed step reading each step's tangent (outputs live to the end); cached. */
  liveness(outputs: readonly number[]): Liveness {
    const key = outputs.join(",");
    let result = this.livenessByOutputs.get(key);
    if (!result) this.livenessByOutputs.set(key, (result = computeLiveness(this.plan, outputs)));
    return result;
  }
  /** Forgets cached primal-derived values (call when the point of evaluation changes). */
  resetMemos(): void {
    for (const m of this.memos) m.clear();
  }
  /** A buffer of `size` elements, reused when one is free; zero-filled unless `zero` is false. */
  alloc(size: number, zero = true): Float64Array {
    const a = this.pool.get(size)?.pop();
    if (a) { if (zero) a.fill(0); return a; }
    return new Float64Array(size);
  }
  /** Returns a buffer to the pool (callers must not use it afterwards). */
  release(a: Float64Array): void {
    const list = this.pool.get(a.length);
    if (list) list.push(a);
    else this.pool.set(a.length, [a]);
  }
  /** @internal reference counting of tangent buffers shared by aliased steps */
  retain(a: Float64Array): void {
    this.refs.set(a, (this.refs.get(a) ?? 0) + 1);
  }
  /** @internal stops counting references to a buffer handed to the caller */
  forget(a: Float64Array): void {
    this.refs.delete(a);
  }
  /** @internal */
  drop(a: Float64Array): void {
    const r = (this.refs.get(a) ?? 1) - 1;
    if (r > 0) this.refs.set(a, r);
    else { this.refs.delete(a); this.release(a); }
  }
}

/** One batched tangent pass: see runTangents. */
export interface TangentPass {
  /** The plan's forward values. */
  values: readonly Tensor[];
  /** Tangents of some source steps, batch-major (B·size each). */
  seeds: ReadonlyMap<number, Float64Array>;
  /** B, the number of tangents. */
  batch: number;
  /** Steps whose tangents are wanted. */
  outputs: readonly number[];
  /** For some steps, the flat index before which each tangent's output entries are not needed. */
  neededFrom?: ReadonlyMap<number, number>;
}

/**
 * Pushes a batch of B tangents through the plan (forward mode); returns the tangents of `outputs`
 * (null where structurally zero). Steps with no nonzero input tangent are skipped; buffers go back to
 * the pool after their last reader. The caller owns the returned buffers and should give them back
 * with ctx.release.
 */
export function runTangents(ctx: TangentContext, { values, seeds, batch, outputs, neededFrom }: TangentPass): (Float64Array | null)[] {
  const { plan, kernels } = ctx;
  const n = plan.steps.length;
  const tangents: (Float64Array | null)[] = new Array(n).fill(null);
  const { lastUse, needed } = ctx.liveness(outputs);
  const alloc = (size: number, zero?: boolean) => ctx.alloc(size, zero);
  for (let i = 0; i < n; i++) {
    if (!needed[i]) continue; // no requested output depends on this step
    const step = plan.steps[i];
    let t: Float64Array | null = null;
    const seed = seeds.get(i);
    if (seed) t = seed;
    else if (step.alias >= 0 && step.op !== "stop_gradient") t = tangents[step.alias];
    else if (step.inputs.length > 0 && step.alias < 0) {
      const ins = step.inputs.map((k) => tangents[k]);
      if (ins.some((x) => x !== null)) {
        const def = OPS[step.op] as { jvp(a: JvpArgs<unknown>): Float64Array | null };
        const memo = ctx.memos[i];
        kernels.neededFrom = neededFrom?.get(i) ?? 0;
        t = def.jvp({
          inputs: step.inputs.map((k) => values[k]), out: values[i], tangents: ins, batch, attrs: step.attrs, alloc, kernels,
          memo: <T>(key: string, make: () => T): T => {
            if (!memo.has(key)) memo.set(key, make());
            return memo.get(key) as T;
          },
        });
      }
    }
    if (t) { tangents[i] = t; ctx.retain(t); }
    for (const k of new Set(step.inputs)) if (lastUse[k] === i && tangents[k]) { ctx.drop(tangents[k]!); tangents[k] = null; }
  }
  // The outputs now belong to the caller; every other buffer still held (dead ends) goes back to the pool.
  const result = outputs.map((o) => tangents[o]);
  const owned = new Set(result);
  for (const t of tangents) if (t && owned.has(t)) ctx.forget(t);
  for (const t of tangents) if (t && !owned.has(t)) ctx.drop(t);
  return result;
}

function computeLiveness(plan: Plan, outputs: readonly number[]): Liveness {
  const n = plan.steps.length;
  const needed = new Uint8Array(n);
  for (const o of outputs) needed[o] = 1;
  for (let i = n - 1; i >= 0; i--) if (needed[i]) for (const k of plan.steps[i].inputs) needed[k] = 1;
  const lastUse = new Int32Array(n).fill(-1);
  plan.steps.forEach((s, i) => { if (needed[i]) s.inputs.forEach((k) => (lastUse[k] = i)); });
  for (const o of outputs) lastUse[o] = n;
  // (An alias shares its source's tangent buffer, but holds its own reference: no need to extend the source's life.)
  return { lastUse, needed };
}
