import { GraphError } from "../errors.js";
import { checkMemory, type MemoryBudget } from "../memory.js";
import { sizeOf } from "./shape.js";
import type { NestedArray, Tensor } from "./tensor.js";
import { checkTensor, fromNested, isTensorLike } from "./tensor.js";
import { q } from "../messages.js";
import * as libm from "../kernels/libm.js";

/** How a variable gets its initial value, when not given explicitly (TF's initializers, seeded; camelCase names accepted too). */
export type Initializer =
  | { type: "zeros"; shape: number[] }
  | { type: "ones"; shape: number[] }
  | { type: "constant"; shape: number[]; value: number }
  | { type: "random_normal" | "randomNormal"; shape: number[]; mean?: number; stddev?: number; seed?: number }
  | { type: "glorot_uniform" | "glorotUniform"; shape: number[]; seed?: number };

/** Mulberry32: a small deterministic PRNG so seeded initializers give the same values everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of an initializer without its own: mixes the graph-level seed with the op's node id, as
 * TF 1.x's get_seed() uses the op's id when only the graph seed is set (deterministic, distinct per op).
 */
export function derivedSeed(graphSeed: number, opId: number): number {
  let h = Math.imul((graphSeed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(opId + 1, 0xc2b2ae35), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The tensor an initializer (or explicit value) produces; `defaultSeed` serves when the initializer has no seed; errors name the variable. */
export function initialValue(init: NestedArray | Tensor | Initializer, name: string, defaultSeed = 0, budget?: MemoryBudget): Tensor {
  if (typeof init === "number" || Array.isArray(init)) return fromNested(init, `variable '${q(name)}'`);
  if (typeof init === "object" && init !== null && !("type" in init) && isTensorLike(init)) return checkTensor(init, `variable '${q(name)}'`, name);
  const given = init as Initializer | { type: "randomNormal" | "glorotUniform" };
  // The API also takes TF's camelCase names (randomNormal, glorotUniform) for the spec's snake_case ones.
  const spec = (given.type === "randomNormal" ? { ...given, type: "random_normal" } : given.type === "glorotUniform" ? { ...given, type: "glorot_uniform" } : given) as Initializer;
  const shape = spec.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new GraphError(`variable '${q(name)}': initializer needs a shape of non-negative integers`, name);
  // Refused before allocating when the values alone would not fit (the spec loader also counts all variables together).
  checkMemory(sizeOf(shape) * 8, `variable '${q(name)}' (shape [${shape.join(", ")}])`, budget);
  const data = new Float64Array(sizeOf(shape));
  const seed = "seed" in spec ? spec.seed : undefined;
  if (seed !== undefined && !Number.isInteger(seed)) throw new GraphError(`variable '${q(name)}': initializer seed must be an integer, got ${JSON.stringify(seed)}`, name);
  const rand = mulberry32((seed ?? defaultSeed) >>> 0);
  switch (spec.type) {
    case "zeros": break;
    case "ones": data.fill(1); break;
    case "constant":
      if (typeof spec.value !== "number") throw new GraphError(`variable '${q(name)}': constant initializer needs a numeric value`, name);
      data.fill(spec.value); break;
    case "random_normal": {
      const mean = spec.mean ?? 0, sd = spec.stddev ?? 1;
      for (let i = 0; i < data.length; i++) {
        // Box–Muller
        const u = 1 - rand(), v = rand();
        data[i] = mean + sd * Math.sqrt(-2 * libm.log(u)) * libm.cos(2 * Math.PI * v);
      }
      break;
    }
    case "glorot_uniform": {
      // TF: limit = sqrt(6 / (fan_in + fan_out)); for a 2-D [out, in] weight, fans are its dims.
      const fanOut = shape.length >= 1 ? shape[0] : 1, fanIn = shape.length >= 2 ? shape[1] : 1;
      const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
      for (let i = 0; i < data.length; i++) data[i] = (2 * rand() - 1) * limit;
      break;
    }
    default:
      throw new GraphError(`variable '${q(name)}': unknown initializer type '${(spec as { type: string }).type}'`, name);
  }
  return { shape: [...shape], data };
}
