// The memory budget: work that would not fit is refused, with the size it needs, before anything is allocated.
import { totalmem } from "node:os";
import { ResourceError } from "./errors.js";

/** The largest number of bytes a session may allocate (HESSFLOW_MAX_BYTES, else 75% of memory). */
export function memoryBudget(): number {
  const env = Number(process.env.HESSFLOW_MAX_BYTES);
  return Number.isFinite(env) && env > 0 ? env : Math.floor(totalmem() * 0.75);
}

/** Human-readable byte count. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${v.toFixed(v < 10 && u > 0 ? 1 : 0)} ${units[u]}`;
}

/** Refuses, before allocating, work that needs more than the memory budget. */
export function checkMemory(bytes: number, what: string): void {
  const budget = memoryBudget();
  if (bytes > budget) throw new ResourceError(`${what} needs ${formatBytes(bytes)}, more than the ${formatBytes(budget)} available (set HESSFLOW_MAX_BYTES to change the limit)`);
}
