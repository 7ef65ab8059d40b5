// The memory budget: work that would not fit is refused, with the size it needs and the limit it
// meets, before anything is allocated. The budget is the tightest of: HESSFLOW_MAX_BYTES if set,
// else 75% of the machine's memory, of the cgroup (container) memory limit, and of the address space
// left under `ulimit -v`. Node specifics are read through process.getBuiltinModule (no static
// `node:` import): where there is no process (a browser), the budget is BROWSER_DEFAULT_BYTES unless
// the caller sets one (`maxBytes`: budgetOf).
import { HessflowError, ResourceError } from "./errors.js";
import { q } from "./messages.js";

/** A byte limit and where it comes from. */
export interface MemoryBudget {
  bytes: number;
  source: string;
}

/** Share of a limit that hessflow plans to use (the rest is Node itself, strings, graph objects). */
const SHARE = 0.75;

interface NodeLike {
  env: Record<string, string | undefined>;
  constrainedMemory?: () => number | undefined;
  getBuiltinModule?: (id: string) => unknown;
}

/** The budget where no limit can be read (a browser): a 64-bit browser tab's typed arrays and heap fit in it. */
export const BROWSER_DEFAULT_BYTES = 2 ** 31;

/** The budget a caller sets (the `maxBytes` option); a value that is not a positive number is an error. */
export function budgetOf(maxBytes: number): MemoryBudget {
  if (!(typeof maxBytes === "number" && maxBytes > 0)) throw new HessflowError(`maxBytes must be a positive number of bytes, got ${q(String(maxBytes))}`, "maxBytes");
  return { bytes: maxBytes, source: "maxBytes" };
}

/** The budget for work on a graph: its maxBytes when set (new Graph({maxBytes})), else memoryBudget(). */
export function graphBudget(graph: { readonly maxBytes?: number } | undefined): MemoryBudget {
  return graph?.maxBytes !== undefined ? budgetOf(graph.maxBytes) : memoryBudget();
}

/** The tightest memory limit this process runs under (see the file comment); a malformed HESSFLOW_MAX_BYTES is an error. */
export function memoryBudget(): MemoryBudget {
  const proc = (globalThis as { process?: NodeLike }).process;
  const env = proc?.env.HESSFLOW_MAX_BYTES;
  if (env !== undefined && env.trim() !== "") return { bytes: parseBytes(env), source: "HESSFLOW_MAX_BYTES" };
  const limits: MemoryBudget[] = [];
  const os = proc?.getBuiltinModule?.("node:os") as { totalmem(): number } | undefined;
  const fs = proc?.getBuiltinModule?.("node:fs") as { readFileSync(p: string, e: "utf8"): string } | undefined;
  const total = os?.totalmem();
  if (total) limits.push({ bytes: total * SHARE, source: "75% of the machine's memory" });
  const cgroup = proc?.constrainedMemory?.();
  if (cgroup && (!total || cgroup < total)) limits.push({ bytes: cgroup * SHARE, source: "75% of the container's memory limit" });
  if (fs) {
    try {
      const m = /^Max address space\s+(\d+)/m.exec(fs.readFileSync("/proc/self/limits", "utf8"));
      const used = /^VmSize:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
      if (m) limits.push({ bytes: Math.max(0, Number(m[1]) - (used ? Number(used[1]) * 1024 : 0)) * SHARE, source: "75% of the address space left under 'ulimit -v'" });
    } catch {
      // No /proc (not Linux): the other limits stand.
    }
  }
  if (!proc) return { bytes: BROWSER_DEFAULT_BYTES, source: "the default budget outside Node" };
  if (limits.length === 0) return { bytes: Infinity, source: "no limit known" };
  return limits.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}

/** The JS heap left for graph objects (under --max-old-space-size), or memoryBudget() when that is tighter or unknown. */
export function heapBudget(): MemoryBudget {
  const budget = memoryBudget();
  if (budget.source === "HESSFLOW_MAX_BYTES" || budget.source === "maxBytes") return budget;
  const v8 = (globalThis as { process?: NodeLike }).process?.getBuiltinModule?.("node:v8") as { getHeapStatistics(): { heap_size_limit: number; used_heap_size: number } } | undefined;
  if (!v8) return budget;
  const { heap_size_limit: limit, used_heap_size: used } = v8.getHeapStatistics();
  const heap = { bytes: (limit - used) * SHARE, source: "75% of the JavaScript heap left (node --max-old-space-size)" };
  return heap.bytes < budget.bytes ? heap : budget;
}

/** Bytes from text: an integer, optionally with a unit K, M, G or T (powers of 1000; KiB, MiB, GiB, TiB for powers of 1024). */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)b?|b)?\s*$/i.exec(text);
  const value = m ? Number(m[1]) * (m[2] ? (m[3] ? 1024 : 1000) ** ("kmgt".indexOf(m[2].toLowerCase()) + 1) : 1) : NaN;
  if (!m || !Number.isFinite(value) || value <= 0) throw new HessflowError(`HESSFLOW_MAX_BYTES must be a positive number of bytes such as 4000000000, 4G or 512MiB, got '${q(text)}'`, "HESSFLOW_MAX_BYTES");
  return Math.floor(value);
}

/** Human-readable byte count. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
  let v = bytes, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${v.toFixed(v < 10 && u > 0 ? 1 : 0)} ${units[u]}`;
}

/** Refuses, before allocating, work that needs more than the budget (default: memoryBudget()). */
export function checkMemory(bytes: number, what: string, budget: MemoryBudget = memoryBudget()): void {
  if (!(bytes <= budget.bytes)) {
    const setting = budget.source === "HESSFLOW_MAX_BYTES" || budget.source === "maxBytes";
    const change = (globalThis as { process?: unknown }).process ? "set HESSFLOW_MAX_BYTES" : "pass maxBytes";
    const limit = setting ? `the limit ${budget.source} sets` : `${budget.source}; ${change} to change the limit`;
    throw new ResourceError(`${what} needs ${formatBytes(bytes)}, more than the ${formatBytes(budget.bytes)} available (${limit})`);
  }
}
