// Expression nodes: "reduce_mean(squared_difference(h2, Y)) / 2", parsed with mathjs's parser and
// mapped onto the same builders a programmer calls. As in TF, * is elementwise; matmul(a, b) is the matrix product.
import type { MathNode } from "mathjs";
import { SpecError } from "../errors.js";
import { q } from "../messages.js";
import { isPublicOpName, PUBLIC_OPS } from "../ops/registry.js";
import type { AttrDecl } from "../ops/types.js";

/** A parsed expression: an op applied to sub-expressions, a node reference, or a number. */
export type Expr =
  | { kind: "ref"; name: string }
  | { kind: "number"; value: number }
  | { kind: "op"; op: string; args: Expr[]; attrs: Record<string, unknown> };

/** The attribute (spec name and declaration) that an op's trailing numeric arguments give, as in reduce_sum(x, 0): from the registry. */
function trailingAttr(op: string): [string, AttrDecl] | undefined {
  return isPublicOpName(op) ? Object.entries(PUBLIC_OPS[op].spec.attrs).find(([, d]) => d.trailing) : undefined;
}

const OPERATORS: Record<string, string> = { add: "add", subtract: "subtract", multiply: "multiply", divide: "divide", unaryMinus: "negative", pow: "pow" };

/** Deepest nesting an expression may have (parentheses, calls and operator chains): deeper ones should be split into nodes. */
export const MAX_EXPR_DEPTH = 200;

/** mathjs's `parse` (text to a mathjs tree): on Node loaded when first needed; a browser passes it in (loadSpecAsync imports mathjs only for specs with expr nodes). */
export type ExprParser = (text: string) => MathNode;

/** Parses an expression node's text with `parser` (default: mathjs loaded through Node); errors (SpecError, `where` the node) say what is wrong, the caller adds where. */
export function parseExpr(text: string, node: string, parser?: ExprParser): Expr {
  // Nesting is bounded before parsing (mathjs's parser and the walks below recurse once per level).
  let open = 0, deepest = 0;
  for (const c of text) {
    if (c === "(" || c === "[") deepest = Math.max(deepest, ++open);
    else if (c === ")" || c === "]") open--;
  }
  if (deepest > MAX_EXPR_DEPTH) throw tooDeep(node, `${deepest} levels of brackets`);
  let tree: MathNode;
  try {
    tree = (parser ?? nodeMathjsParse(node))(text);
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep(node, "too many levels");
    throw new SpecError(`cannot parse expr "${q(text)}": ${q((e as Error).message)}`, node);
  }
  const depth = treeDepth(tree);
  if (depth > MAX_EXPR_DEPTH) throw tooDeep(node, `${depth} levels`);
  return convert(tree, node);
}

function tooDeep(node: string, what: string): SpecError {
  return new SpecError(`expr nests ${what} deep, more than ${MAX_EXPR_DEPTH}; split it into several nodes`, node);
}

/** Depth of a mathjs tree, by an iterative walk over the children mathjs lists. */
function treeDepth(tree: MathNode): number {
  let deepest = 0;
  const stack: [MathNode, number][] = [[tree, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    deepest = Math.max(deepest, d);
    n.forEach((child) => stack.push([child, d + 1]));
  }
  return deepest;
}

/** Names an expression refers to. */
export function exprRefs(e: Expr, out: string[] = []): string[] {
  if (e.kind === "ref") out.push(e.name);
  else if (e.kind === "op") e.args.forEach((a) => exprRefs(a, out));
  return out;
}

function convert(n: MathNode, node: string): Expr {
  const any = n as unknown as { type: string; [k: string]: unknown };
  switch (any.type) {
    case "ParenthesisNode":
      return convert(any.content as MathNode, node);
    case "ConstantNode": {
      const v = any.value;
      if (typeof v !== "number") throw new SpecError(`expr constant ${q(JSON.stringify(v))} is not a number`, node);
      if (!Number.isFinite(v)) throw new SpecError(`expr constant ${q(String(any.value))} is not a finite number`, node);
      return { kind: "number", value: v };
    }
    case "SymbolNode":
      return { kind: "ref", name: any.name as string };
    case "OperatorNode": {
      const fn = any.fn as string;
      const args = (any.args as MathNode[]).map((a) => convert(a, node));
      if (fn === "unaryPlus") return args[0];
      if (fn === "pow" && args[1].kind === "number" && args[1].value === 2) return { kind: "op", op: "square", args: [args[0]], attrs: {} };
      const op = OPERATORS[fn];
      if (!op) throw new SpecError(`operator '${q(any.op)}' is not supported in expr (use + - * / ^ unary minus, or op functions)`, node);
      return { kind: "op", op, args, attrs: {} };
    }
    case "FunctionNode": {
      const fnNode = any.fn as { type: string; name?: string };
      // Only plain names call ops: `anything.matmul(a, b)` or `(f)(x)` is not `matmul(a, b)`.
      if (fnNode.type !== "SymbolNode") throw new SpecError(`only op names can be called in expr (as in matmul(a, b)), not ${fnNode.type === "AccessorNode" ? "properties like 'x.matmul(...)'" : "expressions"}`, node);
      const op = fnNode.name!;
      const raw = (any.args as MathNode[]).map((a) => convert(a, node));
      const args: Expr[] = [];
      const attrs: Record<string, unknown> = {};
      const numbers: number[] = [];
      const trailing = trailingAttr(op);
      for (const a of raw) {
        if (a.kind === "number" && trailing && args.length > 0) numbers.push(a.value);
        else args.push(a);
      }
      if (numbers.length && trailing) {
        const [key, decl] = trailing;
        const list = decl.type === "integers" || decl.type === "axes";
        if (!list && numbers.length > 1) throw new SpecError(`${op}() takes one trailing number (its ${key}), got ${numbers.length}: ${numbers.join(", ")}`, node);
        attrs[key] = decl.type === "integers" || numbers.length > 1 ? numbers : numbers[0];
      }
      return { kind: "op", op, args, attrs };
    }
    default:
      throw new SpecError(`${any.type} is not supported in expr`, node);
  }
}

/** mathjs's expression parser, loaded through Node on first use (it is large; specs without expr nodes never load it; Node's module cache keeps it). Without Node it must be passed in. */
function nodeMathjsParse(node: string): ExprParser {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.("node:module") as { createRequire(url: string): (id: string) => unknown } | undefined;
  if (!mod) throw new SpecError("expr nodes need mathjs's parser: load the spec with loadSpecAsync (hessflow/browser), which imports it", node);
  return (mod.createRequire(import.meta.url)("mathjs") as typeof import("mathjs")).parse;
}
