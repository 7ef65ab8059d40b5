// Scratch memory of the numeric kernels, owned by one session (or one worker thread): named buffers
// that grow on demand, are counted against the memory budget, and are dropped by dispose().
import { checkMemory, memoryBudget, type MemoryBudget } from "../memory.js";

type Buffer = Float64Array | Int32Array | Uint8Array;

/** Named, growable scratch buffers; their total size is checked against the memory budget when one grows. */
export class Workspace {
  private readonly buffers = new Map<string, Buffer>();
  private budget: MemoryBudget | undefined;
  private total = 0;

  /** `budget` defaults to memoryBudget(), read when a buffer first grows. */
  constructor(budget?: MemoryBudget) {
    this.budget = budget;
  }

  /** Bytes held by the workspace's buffers. */
  get bytes(): number {
    return this.total;
  }

  /** A Float64Array of at least `size` elements (grown to `grow` elements when too small); contents are left over from earlier use. */
  float64(name: string, size: number, grow = size): Float64Array {
    const b = this.buffers.get(name) as Float64Array | undefined;
    return b && b.length >= size ? b : this.replace(name, new Float64Array(this.room(name, grow * 8) / 8));
  }

  /** An Int32Array of at least `size` elements (grown to `grow`); contents are left over from earlier use. */
  int32(name: string, size: number, grow = size): Int32Array {
    const b = this.buffers.get(name) as Int32Array | undefined;
    return b && b.length >= size ? b : this.replace(name, new Int32Array(this.room(name, grow * 4) / 4));
  }

  /** A Uint8Array of at least `size` elements; contents are left over from earlier use. */
  uint8(name: string, size: number): Uint8Array {
    const b = this.buffers.get(name) as Uint8Array | undefined;
    return b && b.length >= size ? b : this.replace(name, new Uint8Array(this.room(name, size)));
  }

  /** Drops every buffer (the workspace stays usable and grows again on demand). */
  dispose(): void {
    this.buffers.clear();
    this.total = 0;
  }

  /** Checks that replacing buffer `name` by one of `bytes` bytes stays within the budget; returns `bytes`. */
  private room(name: string, bytes: number): number {
    const after = this.total - (this.buffers.get(name)?.byteLength ?? 0) + bytes;
    checkMemory(after, "the kernels' scratch buffers", (this.budget ??= memoryBudget()));
    return bytes;
  }

  private replace<T extends Buffer>(name: string, buffer: T): T {
    this.total += buffer.byteLength - (this.buffers.get(name)?.byteLength ?? 0);
    this.buffers.set(name, buffer);
    return buffer;
  }
}
