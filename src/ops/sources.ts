import { GraphError } from "../errors.js";
import type { OpDef } from "./types.js";

function source<K extends "placeholder" | "variable" | "constant">(kind: K): OpDef<Record<string, never>> {
  return {
    arity: 0,
    shape: () => {
      throw new GraphError(`${kind} nodes are made by graph.${kind}()`);
    },
    kernel: () => {
      throw new GraphError(`${kind} nodes get their values from the session, not a kernel`);
    },
    grad: () => [],
    jvp: () => null,
  };
}

/** A value fed at run time (TF's placeholder); the session supplies its value. */
export const placeholderOp = source("placeholder");
/** A trainable value held by the session; the variables are what gradients and Hessians differentiate against. */
export const variableOp = source("variable");
/** A value fixed when the graph is built. */
export const constantOp = source("constant");
