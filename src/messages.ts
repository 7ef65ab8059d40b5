// Text that goes into messages: anything a user provided (names, paths, expressions) is made safe to
// print (control characters escaped, long text cut) and "did you mean" hints take bounded work.

/** Longest user-provided text quoted in a message, in characters, before it is cut with an ellipsis. */
export const MAX_QUOTED = 64;
/** Longest message line printed, in characters. */
export const MAX_LINE = 600;

/** Escapes C0/C1 control characters, DEL and lone surrogates as \xNN / \uNNNN (a terminal shows them, never obeys them). */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Cuts text to at most `max` characters (code points kept whole), marking the cut with an ellipsis and the full length. */
export function cut(text: string, max = MAX_QUOTED): string {
  if (text.length <= max) return text;
  let end = max;
  if (/[\ud800-\udbff]/.test(text[end - 1])) end--;
  return `${text.slice(0, end)}…(${text.length} chars)`;
}

/** A user-provided name or value for a message: cut when long, control characters escaped. */
export function q(text: unknown): string {
  return escapeControl(cut(String(text)));
}

/** One printable line: control characters (newlines included) escaped, then cut to MAX_LINE characters. */
export function oneLine(text: string): string {
  return cut(escapeControl(text), MAX_LINE);
}

/** Names longer than this get no "did you mean" hint (its cost grows with the product of the lengths). */
const SUGGEST_MAX_LENGTH = 64;
/** Candidates examined for a hint at most (the rest are not compared). */
const SUGGEST_MAX_CANDIDATES = 5000;

/**
 * The closest candidate to `name` (case-insensitive edit distance), if close enough: about one edit per
 * three characters; names shorter than `exactBelow` characters only by case. Bounded work: long names and
 * candidates whose length alone rules them out are skipped.
 */
export function closest(name: string, candidates: Iterable<unknown>, exactBelow = 3): string | undefined {
  if (name.length > SUGGEST_MAX_LENGTH) return undefined;
  const a = name.toLowerCase();
  let best: string | undefined;
  let bestD = (name.length < exactBelow ? 0 : Math.max(1, Math.floor(name.length / 3))) + 1;
  let seen = 0;
  for (const c of candidates) {
    if (typeof c !== "string" || ++seen > SUGGEST_MAX_CANDIDATES) break;
    if (c.length > SUGGEST_MAX_LENGTH || Math.abs(c.length - a.length) >= bestD) continue;
    const d = editDistance(a, c.toLowerCase(), bestD);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** " (did you mean 'w1'?)" for a close candidate, else "". */
export function didYouMean(name: string, candidates: Iterable<unknown>, exactBelow = 2): string {
  const best = closest(name, candidates, exactBelow);
  return best === undefined ? "" : ` (did you mean '${q(best)}'?)`;
}

/** Levenshtein distance, giving up (returning `limit`) once every entry of a row reaches `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (row[j] < rowMin) rowMin = row[j];
    }
    if (rowMin >= limit) return limit;
    prev = row;
  }
  return prev[b.length];
}

/** A JSON path step for an object key: `.key`, or `["key"]` when the key is not an identifier (sanitised). */
export function member(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(q(key))}]`;
}
