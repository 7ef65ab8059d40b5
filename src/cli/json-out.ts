// Writes one JSON document to stdout in pieces, so an n×n Hessian never has to exist as one giant string.
import { writeSync } from "node:fs";
import type { Tensor } from "../graph/tensor.js";
import { toNested } from "../graph/tensor.js";

/** Collects output text and flushes it to a file descriptor in ~1 MB chunks. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd = 1) {}
  /** Appends text. */
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  /** Writes what is buffered. */
  flush(): void {
    const s = this.parts.join("");
    this.parts = [];
    this.size = 0;
    let buf = Buffer.from(s, "utf8");
    while (buf.length) {
      try {
        const n = writeSync(this.fd, buf);
        buf = buf.subarray(n);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      }
    }
  }
}

/** JSON text of a tensor as nested arrays (a number for rank 0). */
export function tensorJson(t: Tensor): string {
  return JSON.stringify(toNested(t));
}

/** Writes an n×n row-major matrix as nested JSON arrays, one row at a time. */
export function writeMatrixJson(w: ChunkedWriter, m: Float64Array, rows: number, cols: number): void {
  writeTensorJson(w, m, [rows, cols]);
}

/** Writes a row-major tensor of any shape as nested JSON arrays, streaming its innermost rows (never one giant string or nested JS array). */
export function writeTensorJson(w: ChunkedWriter, data: Float64Array, shape: readonly number[]): void {
  const num = (v: number) => (Number.isFinite(v) ? String(v) : "null"); // JSON's number text
  if (shape.length === 0) { w.write(num(data[0])); return; }
  const inner = shape[shape.length - 1];
  let offset = 0;
  const walk = (depth: number): void => {
    if (depth === shape.length - 1) {
      let line = "[";
      for (let j = 0; j < inner; j++) line += (j ? "," : "") + num(data[offset++]);
      w.write(line + "]");
      return;
    }
    w.write("[");
    for (let i = 0; i < shape[depth]; i++) {
      if (i) w.write(",");
      walk(depth + 1);
    }
    w.write("]");
  };
  walk(0);
}
