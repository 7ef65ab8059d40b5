// Elementwise kernels from JS expressions in x, y (and out[o], to accumulate). Each expression is
// compiled with `new Function` into its own loop, so V8 inlines the arithmetic. Where that is refused
// (a page with a strict Content Security Policy), the same loops call a closure built from the parsed
// expression instead: the same IEEE operations in the same order, so the same numbers, only slower.
import type { ConcreteShape } from "../graph/shape.js";
import { stridesOf } from "../graph/shape.js";
import { LIBM } from "./libm.js";

/** A broadcasting elementwise kernel: out = EXPR(x from a, y from b), NumPy rules. */
export type BinaryKernel = (
  a: Float64Array, aShape: ConcreteShape,
  b: Float64Array, bShape: ConcreteShape,
  out: Float64Array, outShape: ConcreteShape,
) => void;

/** y[i] = EXPR(x[i]) over arrays. */
export type UnaryKernel = (x: Float64Array, y: Float64Array) => void;

/** d[i] = EXPR(x[i], y[i]) over arrays (a unary op's derivative, from its input x and output y). */
export type DerivativeKernel = (x: Float64Array, y: Float64Array, d: Float64Array) => void;

/** How kernels are made: "compiled" (new Function), "interpreted" (closures, for a strict CSP), or "auto" (compiled when allowed). */
export type KernelCompilation = "compiled" | "interpreted" | "auto";

/** True when this realm lets `new Function` compile code (a strict Content Security Policy forbids it). */
export const CAN_COMPILE: boolean = (() => {
  try {
    return new Function("return 1")() === 1;
  } catch {
    return false;
  }
})();

function compiles(how: KernelCompilation): boolean {
  return how === "compiled" || (how === "auto" && CAN_COMPILE);
}

/** Strides of `shape` seen through a broadcast to `outShape` (0 on broadcast dims, right-aligned). */
export function broadcastStrides(shape: ConcreteShape, outShape: ConcreteShape): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_d, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

/** True when `shape` (leading 1s ignored) equals the trailing dims of `outShape`: its data repeats as a block. */
export function isSuffix(shape: ConcreteShape, outShape: ConcreteShape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const len = shape.length - start;
  if (len > outShape.length) return false;
  for (let i = 0; i < len; i++) if (shape[start + i] !== outShape[outShape.length - len + i]) return false;
  return true;
}

/** The loop of a binary kernel around `expr` (an expression in x, y and out[o]). */
function binaryBody(expr: string): string {
  return `
    const n = out.length;
    if (a.length === n && b.length === n) { for (let o = 0; o < n; o++) { const x = a[o], y = b[o]; out[o] = ${expr}; } return; }
    if (b.length === 1 && a.length === n) { const y = b[0]; for (let o = 0; o < n; o++) { const x = a[o]; out[o] = ${expr}; } return; }
    if (a.length === 1 && b.length === n) { const x = a[0]; for (let o = 0; o < n; o++) { const y = b[o]; out[o] = ${expr}; } return; }
    // One operand is the whole trailing block of the output, repeated (e.g. primal values against a batch of tangents).
    if (b.length === n && isSuffix(aShape, outShape)) { const m = a.length; for (let base = 0; base < n; base += m) for (let i = 0; i < m; i++) { const x = a[i], y = b[base + i]; const o = base + i; out[o] = ${expr}; } return; }
    if (a.length === n && isSuffix(bShape, outShape)) { const m = b.length; for (let base = 0; base < n; base += m) for (let i = 0; i < m; i++) { const x = a[base + i], y = b[i]; const o = base + i; out[o] = ${expr}; } return; }
    const rank = outShape.length;
    const sa = strides(aShape, outShape), sb = strides(bShape, outShape);
    const last = rank - 1, inner = outShape[last], ia1 = sa[last], ib1 = sb[last];
    const idx = new Array(rank).fill(0);
    let ia = 0, ib = 0, o = 0;
    while (o < n) {
      for (let j = 0, pa = ia, pb = ib; j < inner; j++, pa += ia1, pb += ib1, o++) { const x = a[pa], y = b[pb]; out[o] = ${expr}; }
      let d = last - 1;
      for (; d >= 0; d--) {
        idx[d]++; ia += sa[d]; ib += sb[d];
        if (idx[d] < outShape[d]) break;
        ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]; idx[d] = 0;
      }
      if (d < 0) break;
    }`;
}

/**
 * A broadcasting kernel for an expression in `x` (from a) and `y` (from b); it may also read `out[o]`
 * to accumulate. Fast paths: equal sizes, scalars, and an operand repeating as the output's trailing block.
 */
export function binaryKernel(expr: string, how: KernelCompilation = "auto"): BinaryKernel {
  if (compiles(how)) {
    return new Function("strides", "isSuffix", "libm", `return function kernel(a, aShape, b, bShape, out, outShape) {${binaryBody(expr)}\n};`)(broadcastStrides, isSuffix, LIBM) as BinaryKernel;
  }
  return interpretedBinaryKernel(parseExpression(expr, ["x", "y", "out[o]"]));
}

/** y[i] = EXPR(x[i]) over arrays (its own function, so the arithmetic is inlined). */
export function unaryKernel(expr: string, how: KernelCompilation = "auto"): UnaryKernel {
  if (compiles(how)) return new Function("libm", `return function kernel(x_, y_) { for (let i = 0; i < y_.length; i++) { const x = x_[i]; y_[i] = ${expr}; } };`)(LIBM) as UnaryKernel;
  const f = parseExpression(expr, ["x"]);
  return (x_, y_) => { for (let i = 0; i < y_.length; i++) y_[i] = f(x_[i], 0, 0); };
}

/** d[i] = EXPR(x[i], y[i]) over arrays: the derivative of a unary op at each point. */
export function derivativeKernel(expr: string, how: KernelCompilation = "auto"): DerivativeKernel {
  if (compiles(how)) return new Function("libm", `return function kernel(x_, y_, d_) { for (let i = 0; i < d_.length; i++) { const x = x_[i], y = y_[i]; d_[i] = ${expr}; } };`)(LIBM) as DerivativeKernel;
  const f = parseExpression(expr, ["x", "y"]);
  return (x_, y_, d_) => { for (let i = 0; i < d_.length; i++) d_[i] = f(x_[i], y_[i], 0); };
}

/** binaryBody's loops written out as plain code, calling the parsed expression `f` per element (nothing compiled at run time). */
function interpretedBinaryKernel(f: Expression): BinaryKernel {
  const strides = broadcastStrides, suffix = isSuffix;
  return (a, aShape, b, bShape, out, outShape) => {
    const n = out.length;
    if (a.length === n && b.length === n) { for (let o = 0; o < n; o++) { const x = a[o], y = b[o]; out[o] = f(x, y, out[o]); } return; }
    if (b.length === 1 && a.length === n) { const y = b[0]; for (let o = 0; o < n; o++) { const x = a[o]; out[o] = f(x, y, out[o]); } return; }
    if (a.length === 1 && b.length === n) { const x = a[0]; for (let o = 0; o < n; o++) { const y = b[o]; out[o] = f(x, y, out[o]); } return; }
    if (b.length === n && suffix(aShape, outShape)) { const m = a.length; for (let base = 0; base < n; base += m) for (let i = 0; i < m; i++) { const x = a[i], y = b[base + i]; const o = base + i; out[o] = f(x, y, out[o]); } return; }
    if (a.length === n && suffix(bShape, outShape)) { const m = b.length; for (let base = 0; base < n; base += m) for (let i = 0; i < m; i++) { const x = a[base + i], y = b[i]; const o = base + i; out[o] = f(x, y, out[o]); } return; }
    const rank = outShape.length;
    const sa = strides(aShape, outShape), sb = strides(bShape, outShape);
    const last = rank - 1, inner = outShape[last], ia1 = sa[last], ib1 = sb[last];
    const idx = new Array<number>(rank).fill(0);
    let ia = 0, ib = 0, o = 0;
    while (o < n) {
      for (let j = 0, pa = ia, pb = ib; j < inner; j++, pa += ia1, pb += ib1, o++) { const x = a[pa], y = b[pb]; out[o] = f(x, y, out[o]); }
      let d = last - 1;
      for (; d >= 0; d--) {
        idx[d]++; ia += sa[d]; ib += sb[d];
        if (idx[d] < outShape[d]) break;
        ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]; idx[d] = 0;
      }
      if (d < 0) break;
    }
  };
}

/** A parsed kernel expression: its value from x, y and the accumulator out[o]. */
type Expression = (x: number, y: number, acc: number) => number;

// The functions a kernel expression may call: the exact IEEE ones from Math, the engine-dependent ones from
// hessflow's deterministic libm (written `libm.exp(x)`; the compiled code receives the same LIBM object).
const MATH: Readonly<Record<string, (v: number) => number>> = {
  "Math.abs": Math.abs, "Math.sqrt": Math.sqrt, "libm.exp": LIBM.exp, "libm.log": LIBM.log, "libm.log1p": LIBM.log1p, "libm.expm1": LIBM.expm1, "libm.tanh": LIBM.tanh,
};
const MATH2: Readonly<Record<string, (a: number, b: number) => number>> = { "Math.max": Math.max, "Math.min": Math.min, "libm.pow": LIBM.pow };

/**
 * Parses the kernel expression language (numbers, the given variables among x, y and out[o], unary
 * minus, + − * /, comparisons, ?:, parentheses, Math.abs/sqrt/max/min and libm.exp/expm1/log/log1p/tanh/pow) into a closure
 * with JavaScript's precedence and left-to-right evaluation, so it computes exactly what JS would.
 */
export function parseExpression(expr: string, variables: readonly string[]): Expression {
  const tokens = expr.match(/out\[o\]|(?:Math|libm)\.[a-z0-9]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|>=|<=|===|!==|[-+*/()?:<>]|[A-Za-z_]\w*|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (t?: string) => {
    const tok = tokens[at++];
    if (t !== undefined && tok !== t) throw new Error(`kernel expression '${expr}': expected '${t}', got '${tok ?? "end"}'`);
    return tok;
  };
  const conditional = (): Expression => {
    const test = comparison();
    if (peek() !== "?") return test;
    take("?");
    const yes = conditional();
    take(":");
    const no = conditional();
    return (x, y, acc) => (test(x, y, acc) ? yes(x, y, acc) : no(x, y, acc));
  };
  const comparison = (): Expression => {
    const left = additive();
    const op = peek();
    if (op !== ">" && op !== ">=" && op !== "<" && op !== "<=" && op !== "===" && op !== "!==") return left;
    take();
    const right = additive();
    switch (op) {
      case ">": return (x, y, acc) => (left(x, y, acc) > right(x, y, acc) ? 1 : 0);
      case ">=": return (x, y, acc) => (left(x, y, acc) >= right(x, y, acc) ? 1 : 0);
      case "<": return (x, y, acc) => (left(x, y, acc) < right(x, y, acc) ? 1 : 0);
      case "<=": return (x, y, acc) => (left(x, y, acc) <= right(x, y, acc) ? 1 : 0);
      case "===": return (x, y, acc) => (left(x, y, acc) === right(x, y, acc) ? 1 : 0);
      default: return (x, y, acc) => (left(x, y, acc) !== right(x, y, acc) ? 1 : 0);
    }
  };
  const additive = (): Expression => {
    let left = multiplicative();
    while (peek() === "+" || peek() === "-") {
      const op = take(), l = left, r = multiplicative();
      left = op === "+" ? (x, y, acc) => l(x, y, acc) + r(x, y, acc) : (x, y, acc) => l(x, y, acc) - r(x, y, acc);
    }
    return left;
  };
  const multiplicative = (): Expression => {
    let left = unary();
    while (peek() === "*" || peek() === "/") {
      const op = take(), l = left, r = unary();
      left = op === "*" ? (x, y, acc) => l(x, y, acc) * r(x, y, acc) : (x, y, acc) => l(x, y, acc) / r(x, y, acc);
    }
    return left;
  };
  const unary = (): Expression => {
    if (peek() === "-") {
      take();
      const v = unary();
      return (x, y, acc) => -v(x, y, acc);
    }
    return primary();
  };
  const primary = (): Expression => {
    const tok = take();
    if (tok === undefined) throw new Error(`kernel expression '${expr}' ends early`);
    if (/^\d/.test(tok)) { const v = Number(tok); return () => v; }
    if (tok === "(") { const e = conditional(); take(")"); return e; }
    if (Object.hasOwn(MATH2, tok)) {
      const f = MATH2[tok];
      take("(");
      const a = conditional();
      take(",");
      const b = conditional();
      take(")");
      return (x, y, acc) => f(a(x, y, acc), b(x, y, acc));
    }
    if (tok.startsWith("Math.") || tok.startsWith("libm.")) {
      const f = Object.hasOwn(MATH, tok) ? MATH[tok] : undefined;
      if (!f) throw new Error(`kernel expression '${expr}': ${tok} is not supported without new Function`);
      take("(");
      const arg = conditional();
      take(")");
      return (x, y, acc) => f(arg(x, y, acc));
    }
    if (!variables.includes(tok)) throw new Error(`kernel expression '${expr}': unknown name '${tok}'`);
    if (tok === "x") return (x) => x;
    if (tok === "y") return (_x, y) => y;
    return (_x, _y, acc) => acc;
  };
  const e = conditional();
  if (at !== tokens.length) throw new Error(`kernel expression '${expr}': unexpected '${tokens[at]}'`);
  return e;
}
