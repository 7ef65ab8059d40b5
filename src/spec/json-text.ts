// JSON text to a value, with the line and column of the first syntax error (JSON.parse's messages
// have only an offset, or a snippet of the raw text, depending on the error).
import { SpecError } from "../errors.js";
import { q } from "../messages.js";

/** Parses JSON text (a leading byte-order mark is skipped); a syntax error is a SpecError `FILE:LINE:COL: invalid JSON: ...`. */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const { offset, message } = firstSyntaxError(body);
    const before = body.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    throw new SpecError(`${q(file)}:${line}:${column}: invalid JSON: ${message}`, file);
  }
}

/** The offset and description of the first JSON syntax error in `s` (an iterative scan: any nesting depth). */
export function firstSyntaxError(s: string): { offset: number; message: string } {
  let i = 0;
  const fail = (message: string, at = i) => ({ offset: at, message });
  const seen = () => (i >= s.length ? "the end of the text" : `'${q(s[i])}'`);
  const ws = () => { while (i < s.length && " \t\n\r".includes(s[i])) i++; };
  // Containers open: '[' or '{'; after a value we expect ',' or the closer.
  const stack: string[] = [];
  for (;;) {
    // A value.
    ws();
    const c = s[i];
    if (c === "{" || c === "[") {
      stack.push(c);
      i++;
      ws();
      if (s[i] === (c === "{" ? "}" : "]")) { i++; stack.pop(); }
      else if (c === "{") {
        const e = scanKey("a property name in double quotes or '}'");
        if (e) return e;
        continue;
      } else continue;
    } else if (c === '"') {
      const e = scanString();
      if (e) return e;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
      if (!m) return fail(`malformed number`);
      i += m[0].length;
    } else if (s.startsWith("true", i)) i += 4;
    else if (s.startsWith("false", i)) i += 5;
    else if (s.startsWith("null", i)) i += 4;
    else return fail(`expected a value, got ${seen()}`);
    // After a value: close containers or move to the next element.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i < s.length ? fail(`unexpected ${seen()} after the document`) : fail("no error found by the scanner", 0);
      }
      const closer = top === "{" ? "}" : "]";
      if (s[i] === closer) { i++; stack.pop(); continue; }
      if (s[i] !== ",") return fail(`expected ',' or '${q(closer)}' after ${top === "{" ? "a property value" : "an array element"}, got ${seen()}`);
      i++;
      if (top === "{") {
        ws();
        const e = scanKey("a property name in double quotes");
        if (e) return e;
      }
      break;
    }
  }

  /** A property name and its colon; `expected` says what was wanted when no name starts here. */
  function scanKey(expected: string): { offset: number; message: string } | undefined {
    if (s[i] !== '"') return fail(`expected ${expected}, got ${seen()}`);
    const e = scanString();
    if (e) return e;
    ws();
    if (s[i] !== ":") return fail(`expected ':' after a property name, got ${seen()}`);
    i++;
    return undefined;
  }

  function scanString(): { offset: number; message: string } | undefined {
    const start = i++;
    while (i < s.length) {
      const ch = s[i];
      if (ch === '"') { i++; return undefined; }
      if (ch < " ") return fail(`control character ${q(ch)} in a string (escape it)`);
      if (ch === "\\") {
        const e = s[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return fail("bad \\u escape in a string");
          i += 6;
        } else if (e !== undefined && "\"\\/bfnrt".includes(e)) i += 2;
        else return fail(`bad escape '\\${q(e ?? "")}' in a string`);
      } else i++;
    }
    return fail("unterminated string", start);
  }
}
