// Everything the CLI prints goes through here: stdout in synchronous chunks (so a closed pipe is
// seen where it happens and ends the command quietly), stderr as sanitised single lines.
import { writeSync } from "node:fs";
import { oneLine } from "../messages.js";

/** Thrown when the reader of stdout has gone (`| head`): the command stops quietly, exit 0. */
export class ClosedPipe extends Error {}

/** Writes text to a file descriptor synchronously; EPIPE becomes ClosedPipe. */
export function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, "utf8");
  while (buf.length) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") throw new ClosedPipe("stdout closed");
      if (code !== "EAGAIN") throw e;
    }
  }
}

/** Where a command's output goes: stdout text, and stderr lines (main() takes one, so tests can capture it). */
export interface Io {
  /** Writes text to stdout; a closed pipe throws ClosedPipe. */
  out(text: string): void;
  /** Writes text to stderr; never throws. */
  err(text: string): void;
}

/** The process's stdout and stderr, written synchronously. */
export const processIo: Io = {
  out: (text) => writeAll(1, text),
  err: (text) => {
    try {
      writeAll(2, text);
    } catch {
      // Nowhere left to say it.
    }
  },
};

/** Collects output text and passes it on in ~1 MB chunks (never one giant string). */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly io: Io) {}
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
    if (s) this.io.out(s);
  }
}

/** Prints one sanitised `hessflow: ...` line on stderr. */
export function printErr(io: Io, message: string): void {
  io.err(`hessflow: ${oneLine(message)}\n`);
}

/** Prints a `hessflow: warning: ...` line on stderr. */
export function warn(io: Io, message: string): void {
  printErr(io, `warning: ${message}`);
}
