import { FeedError } from "../errors.js";
import type { ConcreteShape } from "./shape.js";
import { sizeOf } from "./shape.js";

/** A dense float64 array with a concrete row-major shape. */
export interface Tensor {
  readonly shape: ConcreteShape;
  readonly data: Float64Array;
}

/** Nested JS arrays of numbers (or one number), as users write them. */
export type NestedArray = number | NestedArray[];

/** Makes a tensor, checking the shape (non-negative integers) and that data has as many elements as the shape says. */
export function tensor(data: Float64Array | readonly number[], shape: ConcreteShape): Tensor {
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  return checkTensor({ shape: Array.isArray(shape) ? [...shape] : shape, data: arr }, "tensor()");
}

/** True for a value meant as a Tensor (a non-array object with `data` or `shape`), well-formed or not. */
export function isTensorLike(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && ("data" in v || "shape" in v);
}

/** Checks a user-given tensor: shape an array of non-negative integers, data a Float64Array of exactly prod(shape) values; else a one-line FeedError naming `what`. */
export function checkTensor(v: unknown, what: string, where?: string): Tensor {
  const t = v as { shape?: unknown; data?: unknown };
  if (!Array.isArray(t.shape)) throw new FeedError(`${what}: tensor shape must be an array of non-negative integers, got ${describe(t.shape)}`, where);
  t.shape.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 0)) throw new FeedError(`${what}: tensor shape[${i}] must be a non-negative integer, got ${describe(d)}`, where);
  });
  if (!(t.data instanceof Float64Array)) throw new FeedError(`${what}: tensor data must be a Float64Array, got ${describe(t.data)}`, where);
  const size = sizeOf(t.shape as number[]);
  if (t.data.length !== size) throw new FeedError(`${what}: tensor of shape [${t.shape.join(", ")}] needs ${size} values, but its data has ${t.data.length}`, where);
  return t as Tensor;
}

/** Converts nested arrays, or checks a tensor, naming `what` (and the node `where`) on error. */
export function toTensor(v: unknown, what: string, where?: string): Tensor {
  return isTensorLike(v) ? checkTensor(v, what, where) : fromNested(v, what, where);
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : (v.constructor?.name ?? "an object");
  return JSON.stringify(v) ?? String(v);
}

/** Converts nested arrays to a tensor; ragged or non-numeric input throws naming `what`. */
export function fromNested(value: unknown, what: string, where: string = what): Tensor {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new FeedError(`${what}${path}: expected a finite number, got ${JSON.stringify(v) ?? String(v)}`, where);
      }
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new FeedError(`${what}${path}: ragged array (expected ${shape[depth]} entries at depth ${depth}, shape [${shape.join(", ")}])`, where);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, "");
  return { shape, data };
}

/** Converts a tensor back to nested arrays (a number for rank 0). */
export function toNested(t: Tensor): NestedArray {
  const { shape, data } = t;
  if (shape.length === 0) return data[0];
  let k = 0;
  const build = (depth: number): NestedArray[] => {
    const out: NestedArray[] = new Array(shape[depth]);
    for (let i = 0; i < shape[depth]; i++) out[i] = depth === shape.length - 1 ? data[k++] : build(depth + 1);
    return out;
  };
  return build(0);
}
