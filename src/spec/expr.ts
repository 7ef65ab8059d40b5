// Expression nodes: "reduce_mean(squared_difference(h2, Y)) / 2", parsed with mathjs's parser and
// mapped onto the same builders a programmer calls. As in TF, * is elementwise; matmul(a, b) is the matrix product.
import { createRequire } from "node:module";
import type { MathNode } from "mathjs";
import { SpecError } from "../errors.js";

/** A parsed expression: an op applied to sub-expressions, a node reference, or a number. */
export type Expr =
  | { kind: "ref"; name: string }
  | { kind: "number"; value: number }
  | { kind: "op"; op: string; args: Expr[]; attrs: Record<string, unknown> };

/** Ops whose trailing numeric arguments are their `axis` attribute. */
const AXIS_OPS = new Set(["reduce_sum", "reduce_mean", "concat", "softmax", "log_softmax", "softmax_cross_entropy_with_logits"]);

const OPERATORS: Record<string, string> = { add: "add", subtract: "subtract", multiply: "multiply", divide: "divide", unaryMinus: "negative" };

/** Parses an expression node's text; errors name the node. */
export function parseExpr(text: string, node: string): Expr {
  let tree: MathNode;
  try {
    tree = mathjsParse()(text);
  } catch (e) {
    throw new SpecError(`node '${node}': cannot parse expr ${JSON.stringify(text)}: ${(e as Error).message}`, node);
  }
  return convert(tree, node);
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
      if (typeof v !== "number") throw new SpecError(`node '${node}': expr constant ${JSON.stringify(v)} is not a number`, node);
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
      if (!op) throw new SpecError(`node '${node}': operator '${any.op as string}' is not supported in expr (use + - * / unary minus, x^2, or op functions)`, node);
      return { kind: "op", op, args, attrs: {} };
    }
    case "FunctionNode": {
      const fnNode = any.fn as { name?: string };
      const op = fnNode.name ?? "?";
      const raw = (any.args as MathNode[]).map((a) => convert(a, node));
      const args: Expr[] = [];
      const attrs: Record<string, unknown> = {};
      const numbers: number[] = [];
      for (const a of raw) {
        if (a.kind === "number" && (AXIS_OPS.has(op) || op === "transpose") && args.length > 0) numbers.push(a.value);
        else args.push(a);
      }
      if (numbers.length) {
        if (op === "transpose") attrs.perm = numbers;
        else attrs.axis = numbers.length === 1 ? numbers[0] : numbers;
      }
      return { kind: "op", op, args, attrs };
    }
    default:
      throw new SpecError(`node '${node}': ${any.type} is not supported in expr`, node);
  }
}

let parser: ((text: string) => MathNode) | undefined;

/** mathjs's expression parser, loaded on first use (it is large; specs without expr nodes never load it). */
function mathjsParse(): (text: string) => MathNode {
  parser ??= (createRequire(import.meta.url)("mathjs") as typeof import("mathjs")).parse;
  return parser;
}
