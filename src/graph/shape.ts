import { ShapeError } from "../errors.js";
import { q } from "../messages.js";

/** One dimension: a size, or null when only known at run time (a placeholder's `None`). */
export type Dim = number | null;
/** A static shape; a concrete (run-time) shape has no nulls. */
export type Shape = readonly Dim[];
/** A concrete run-time shape. */
export type ConcreteShape = readonly number[];

/** Number of elements of a concrete shape. */
export function sizeOf(shape: ConcreteShape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number of elements if every dimension is known, else null. */
export function staticSize(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** True when every dimension is known. */
export function isStatic(shape: Shape): shape is ConcreteShape {
  return shape.every((d) => d !== null);
}

/** Shape as TF prints it: [2, None]. */
export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}]`;
}

/** NumPy broadcasting of two shapes, aligned from the right; null meets null (or 1) as null. */
export function broadcastShapes(a: Shape, b: Shape, node: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db) out[i] = da;
    else if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (da === null) out[i] = db;
    else if (db === null) out[i] = da;
    else throw new ShapeError(`node '${q(node)}': shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`, node);
  }
  return out;
}

/** Normalises an axis (negative counts from the end) and checks it against the rank. */
export function normalizeAxis(axis: number, rank: number, node: string, field = "axis"): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ShapeError(`node '${q(node)}': ${field} ${axis} is out of range for rank ${rank}`, node);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalised, sorted, de-duplicated list of axes; undefined or null means all axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number, node: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank, node)))];
  return out.sort((x, y) => x - y);
}

/** Row-major strides of a concrete shape. */
export function stridesOf(shape: ConcreteShape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** True when two static shapes are known and equal. */
export function sameStaticShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
}
