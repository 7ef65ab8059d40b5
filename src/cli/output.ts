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
  /** True when stderr is a terminal: then long work shows progress there (never on a pipe or file). */
  readonly tty?: boolean;
}

/** The process's stdout and stderr, written synchronously. */
export const processIo: Io = {
  tty: Boolean(process.stderr.isTTY),
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

/** A progress line for long work: on a terminal's stderr only, first drawn after half a second, redrawn at most every 100 ms. */
export interface Progress {
  /** Reports `done` of `total` units. */
  update(done: number, total: number): void;
  /** A status without counts (for work that cannot report its steps). */
  status(text: string): void;
  /** Erases the line (call when the work ends, before anything else is printed). */
  done(): void;
}

/** A Progress writing `hessflow: LABEL 600/1217 (49%)` over itself on io's stderr when it is a terminal; a no-op otherwise. */
export function progress(io: Io, label: string, now: () => number = () => performance.now()): Progress {
  if (!io.tty) return { update() {}, status() {}, done() {} };
  const start = now();
  let last = -Infinity, shown = false;
  const draw = (text: string) => {
    io.err(`\r\x1b[2Khessflow: ${oneLine(text)}`);
    shown = true;
  };
  return {
    update(done, total) {
      const t = now();
      if (t - start < 500 || t - last < 100) return;
      last = t;
      draw(`${label} ${done}/${total} (${Math.floor((100 * done) / Math.max(1, total))}%)`);
    },
    status: draw,
    done() {
      if (shown) io.err("\r\x1b[2K");
      shown = false;
    },
  };
}
