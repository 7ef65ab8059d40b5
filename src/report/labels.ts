import type { VariableBlock } from "./types.js";

/** Per-element labels in flatten (C) order, e.g. `w1[0,1]`; scalars get the bare name. */
export function elementLabels(xs: VariableBlock[]): string[] {
  const out: string[] = [];
  for (const x of xs) {
    for (let k = 0; k < x.size; k++) out.push(x.shape.length === 0 ? x.name : `${x.name}[${unravel(k, x.shape).join(",")}]`);
  }
  return out;
}

/** Multi-index of flat index k in a C-order array of the given shape. */
export function unravel(k: number, shape: number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d];
    k = Math.floor(k / shape[d]);
  }
  return idx;
}

/** `w1[2,3]`-style description of a variable's shape. */
export function shapeLabel(x: VariableBlock): string {
  return `${x.name}[${x.shape.join(",")}]`;
}

