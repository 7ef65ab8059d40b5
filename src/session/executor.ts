// Runs a compiled plan: each step once, into its buffer slot. Also the batched tangent pass
// (forward mode over the gradient graph) used by the vectorised Hessian.
import { OPS } from "../ops/registry.js";
import type { JvpArgs } from "../ops/types.js";
import type { Tensor } from "../graph/tensor.js";
import type { Plan } from "./plan.js";

/** Values of the source steps (placeholders, variables, constants) by step index. */
export type SourceValues = ReadonlyMap<number, Float64Array>;

/** Allocates the buffers of a plan (once; reused across runs). */
export function allocateSlots(plan: Plan): Float64Array[] {
  return plan.slotSizes.map((n) => new Float64Array(n));
}

/** Runs every step of the plan; returns the tensor of each step as it stood when computed (valid for fetches and, with keepAll, all). */
export function runPlan(plan: Plan, sources: SourceValues, slots: Float64Array[]): Tensor[] {
  const tensors: Tensor[] = new Array(plan.steps.length);
  plan.steps.forEach((step, i) => {
    const src = sources.get(i);
    if (src) {
      tensors[i] = { shape: step.shape, data: src };
      return;
    }
    const out: Tensor = { shape: step.shape, data: slots[step.slot] };
    const def = OPS[step.op] as { kernel(inputs: Tensor[], out: Tensor, attrs: unknown): void };
    def.kernel(step.inputs.map((k) => tensors[k]), out, step.attrs);
    tensors[i] = out;
  });
  return tensors;
}

/**
 * Pushes a batch of B tangents through the plan (forward mode). `seeds` gives the tangents of
 * some source steps (batch-major, B·size); returns the tangents of `outputs` (null where zero).
 */
export function runTangents(plan: Plan, values: readonly Tensor[], seeds: ReadonlyMap<number, Float64Array>, batch: number, outputs: readonly number[]): (Float64Array | null)[] {
  const n = plan.steps.length;
  const tangents: (Float64Array | null)[] = new Array(n).fill(null);
  // Release each tangent after its last reader, so a chunk holds only live tangents.
  const lastUse = new Int32Array(n).fill(-1);
  plan.steps.forEach((s, i) => s.inputs.forEach((k) => (lastUse[k] = i)));
  for (const o of outputs) lastUse[o] = n;
  for (let i = 0; i < n; i++) {
    const step = plan.steps[i];
    const seed = seeds.get(i);
    if (seed) tangents[i] = seed;
    else if (step.inputs.length > 0) {
      const ins = step.inputs.map((k) => tangents[k]);
      if (ins.some((t) => t !== null)) {
        const def = OPS[step.op] as { jvp(a: JvpArgs<unknown>): Float64Array | null };
        tangents[i] = def.jvp({ inputs: step.inputs.map((k) => values[k]), out: values[i], tangents: ins, batch, attrs: step.attrs });
      }
    }
    for (const k of step.inputs) if (lastUse[k] === i) tangents[k] = null;
  }
  return outputs.map((o) => tangents[o]);
}
