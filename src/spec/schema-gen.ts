// The JSON Schema of specs (schema/hessflow.graph-1.schema.json), generated: the document's fixed parts are
// written here once, and one branch per public op comes from the op registry (title, descriptions, inputs and
// attributes as its op file declares them). `npm run build` writes the file (scripts/gen-schema.mjs), and
// test/registry.test.ts checks that the committed file is what this module generates.
import { PUBLIC_OPS } from "../ops/registry.js";
import type { AttrDecl, PublicSpec } from "../ops/types.js";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The document level: everything but $defs. */
const DOCUMENT: { [key: string]: Json } = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://hessflow.dev/schema/hessflow.graph-1.schema.json",
  "title": "hessflow graph spec (hessflow.graph/1)",
  "description": "A TF1-style static computation graph: nodes (placeholders, variables, constants, ops or expressions), values fed to the placeholders, and what to compute (fetches, gradients, the exact Hessian). Checks made by this schema are structural; the loader additionally checks that referenced names exist, that arrays are rectangular, that shapes agree and that the graph is acyclic.",
  "type": "object",
  "required": ["format", "name", "nodes", "outputs"],
  "additionalProperties": false,
  "properties": {
    "$schema": {
      "title": "Schema URI",
      "description": "Optional pointer to this JSON Schema, so that editors offer completion and help. Ignored by hessflow.",
      "type": "string",
    },
    "format": {
      "title": "Format tag",
      "description": "Spec format and version. Must be exactly \"hessflow.graph/1\".",
      "const": "hessflow.graph/1",
    },
    "name": {
      "title": "Graph name",
      "description": "Short name of the graph, used in reports.",
      "type": "string",
      "minLength": 1,
    },
    "description": { "$ref": "#/$defs/description" },
    "comment": { "$ref": "#/$defs/comment" },
    "nodes": {
      "title": "Nodes",
      "description": "The graph's nodes. A node may only be referenced by name; order does not matter, but names must be unique (checked by the loader).",
      "type": "array",
      "minItems": 1,
      "items": { "$ref": "#/$defs/node" },
    },
    "feed": {
      "title": "Feed",
      "description": "Values for the placeholders, keyed by placeholder name: a number, a (rectangular) nested array of numbers, or a data file ({\"npy\": path} or {\"csv\": path, ...}, relative to the spec file's directory).",
      "type": "object",
      "propertyNames": { "$ref": "#/$defs/nodeName" },
      "additionalProperties": { "$ref": "#/$defs/feedValue" },
    },
    "outputs": { "$ref": "#/$defs/outputs" },
    "curvature": {
      "title": "Curvature",
      "description": "Options of the curvature matrices that `hessflow spectrum` estimates; optional.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "output": {
          "title": "Network output",
          "description": "The node whose Jacobian the Gauss-Newton matrix J^T H_L J uses (the network's output, e.g. the logits), for `spectrum --curvature gauss-newton`.",
          "$ref": "#/$defs/nodeName",
        },
      },
    },
    "train": {
      "title": "Training",
      "description": "Settings of `hessflow train` for this spec, the same as its options (which override them); optional.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "optimizer": {
          "title": "Optimizers",
          "description": "The optimizers to run, each from the same start, in this order (--optimizer). Default [\"gd\"].",
          "type": "array",
          "minItems": 1,
          "items": {
            "title": "Optimizer",
            "description": "gd, momentum and adam are tf.train's update rules; newton, saddle-free, block-newton and gauss-newton are newtonStep's curvature steps.",
            "enum": ["gd", "momentum", "adam", "newton", "saddle-free", "block-newton", "gauss-newton"],
          },
        },
        "lr": {
          "title": "Learning rate",
          "description": "The learning rate of every optimizer (--lr). Default: gd and momentum 0.01, adam 0.001, the Newton steps 1.",
          "type": "number",
          "exclusiveMinimum": 0,
        },
        "damping": {
          "title": "Damping",
          "description": "The damping λ of the Newton steps, which solve (M + λI) Δθ = -g (--damping). Default 0.",
          "type": "number",
          "minimum": 0,
        },
        "steps": {
          "title": "Steps",
          "description": "The number of steps of each optimizer (--steps). Default 100.",
          "type": "integer",
          "minimum": 1,
        },
        "every": {
          "title": "Eigenvalues every K steps",
          "description": "Record the Hessian's extreme eigenvalues and inertia every K steps (--every). Default: not recorded.",
          "type": "integer",
          "minimum": 1,
        },
        "output": {
          "title": "Network output",
          "description": "The network's output node (e.g. the logits) for gauss-newton (--output); default the curvature section's output.",
          "$ref": "#/$defs/nodeName",
        },
      },
    },
  },
};

/** Definitions shared by all nodes, and the two node kinds (op nodes, expression nodes). */
const COMMON_DEFS: { [key: string]: Json } = {
  "description": {
    "title": "Description",
    "description": "Free-text description. Ignored by the engine.",
    "type": "string",
  },
  "comment": { "title": "Comment", "description": "Free-text comment. Ignored by the engine.", "type": "string" },
  "nodeName": {
    "title": "Node name",
    "description": "A node name: letters, digits and underscores, not starting with a digit (so it can be used in \"expr\" expressions).",
    "type": "string",
    "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
  },
  "nodeNames": {
    "title": "Node names",
    "description": "A list of node names.",
    "type": "array",
    "items": { "$ref": "#/$defs/nodeName" },
  },
  "tensor": {
    "title": "Numeric tensor",
    "description": "A number (scalar) or an array whose elements are themselves tensors (nested arrays of numbers). Rectangularity is checked by the loader.",
    "type": ["number", "array"],
    "items": { "$ref": "#/$defs/tensor" },
  },
  "feedValue": {
    "title": "Feed value",
    "description": "A placeholder's value: inline (a number or nested arrays of numbers) or read from a data file (an object).",
    "if": { "type": "object" },
    "then": { "$ref": "#/$defs/dataFile" },
    "else": { "$ref": "#/$defs/tensor" },
  },
  "dataFile": {
    "title": "Data file",
    "description": "A feed read from a file, relative to the spec file's directory: {\"npy\": path} or {\"csv\": path, ...}.",
    "type": "object",
    "oneOf": [{ "$ref": "#/$defs/npyFile" }, { "$ref": "#/$defs/csvFile" }],
  },
  "npyFile": {
    "title": "npy file",
    "description": "A NumPy .npy file (format 1.0-3.0) of any rank; float64, float32 and (unsigned) integer dtypes are converted to float64; Fortran order is put in C order.",
    "type": "object",
    "required": ["npy"],
    "additionalProperties": false,
    "properties": {
      "npy": { "title": "NPY path", "description": "Path of the .npy file, relative to the spec file's directory.", "type": "string", "minLength": 1 },
    },
  },
  "csvFile": {
    "title": "csv file",
    "description": "A comma-separated file of numbers, one row per line: a rows × columns matrix (transposed on request).",
    "type": "object",
    "required": ["csv"],
    "additionalProperties": false,
    "properties": {
      "csv": { "title": "CSV path", "description": "Path of the .csv file, relative to the spec file's directory.", "type": "string", "minLength": 1 },
      "header": { "title": "Header line", "description": "The first line names the columns and is skipped (default false).", "type": "boolean" },
      "rows": { "$ref": "#/$defs/indexRange", "description": "Half-open range [start, end) of the data rows to keep, 0-based after the header (default all)." },
      "columns": { "$ref": "#/$defs/indexRange", "description": "Half-open range [start, end) of the columns to keep, 0-based (default all)." },
      "transpose": { "title": "Transpose", "description": "Feed the columns × rows transpose, e.g. one column per example for a [features, None] placeholder (default false).", "type": "boolean" },
    },
  },
  "indexRange": {
    "title": "Index range",
    "description": "[start, end): 0-based, end excluded.",
    "type": "array",
    "minItems": 2,
    "maxItems": 2,
    "items": { "type": "integer", "minimum": 0 },
  },
  "staticShape": {
    "title": "Shape",
    "description": "A fully known shape: one non-negative integer per dimension.",
    "type": "array",
    "items": { "type": "integer", "minimum": 0 },
  },
  "inputs": {
    "title": "Inputs",
    "description": "Names of the nodes whose outputs feed this op, in argument order.",
    "type": "array",
    "items": { "$ref": "#/$defs/nodeName" },
  },
  "noAttrs": {
    "title": "Attributes",
    "description": "This op takes no attributes; an empty object is allowed.",
    "type": "object",
    "additionalProperties": false,
  },
  "node": {
    "title": "Node",
    "description": "A graph node: either an op node (with \"op\") or an expression node (with \"expr\").",
    "type": "object",
    "required": ["name"],
    "anyOf": [{ "title": "op node", "required": ["op"] }, { "title": "expression node", "required": ["expr"] }],
    "if": { "required": ["op"] },
    "then": { "$ref": "#/$defs/opNode" },
    "else": { "if": { "required": ["expr"] }, "then": { "$ref": "#/$defs/exprNode" } },
  },
  "exprNode": {
    "title": "Expression node",
    "description": "A node defined by an arithmetic expression over other nodes, e.g. \"reduce_mean(squared_difference(h2, Y)) / 2\". The expression is parsed by the loader.",
    "type": "object",
    "required": ["name", "expr"],
    "additionalProperties": false,
    "properties": {
      "name": { "$ref": "#/$defs/nodeName" },
      "expr": {
        "title": "Expression",
        "description": "Expression using node names, numbers, + - * / unary minus, parentheses and op names as functions (e.g. matmul(w1, X)).",
        "type": "string",
        "minLength": 1,
      },
      "description": { "$ref": "#/$defs/description" },
      "comment": { "$ref": "#/$defs/comment" },
    },
  },
};

/** Source nodes (placeholder, variable, constant) and initializers: node kinds with properties of their own. */
const SOURCE_DEFS: { [key: string]: Json } = {
  "placeholderNode": {
    "title": "placeholder",
    "description": "An input whose value is given in \"feed\" (tf.compat.v1.placeholder).",
    "type": "object",
    "required": ["name", "op"],
    "additionalProperties": false,
    "properties": {
      "name": { "$ref": "#/$defs/nodeName" },
      "op": { "title": "Op", "description": "placeholder: value supplied through \"feed\".", "const": "placeholder" },
      "shape": {
        "title": "Shape",
        "description": "Expected shape; null marks a dimension of unknown size (e.g. the batch). Omit to accept any shape.",
        "type": "array",
        "items": {
          "title": "Dimension",
          "description": "Dimension size, or null when unknown.",
          "type": ["integer", "null"],
          "minimum": 0,
        },
      },
      "description": { "$ref": "#/$defs/description" },
      "comment": { "$ref": "#/$defs/comment" },
    },
  },
  "variableNode": {
    "title": "variable",
    "description": "A trainable parameter (tf.Variable): gradients and Hessians are taken with respect to variables. Give exactly one of \"value\" or \"init\".",
    "type": "object",
    "required": ["name", "op"],
    "additionalProperties": false,
    "oneOf": [{ "title": "literal value", "required": ["value"] }, { "title": "initializer", "required": ["init"] }],
    "properties": {
      "name": { "$ref": "#/$defs/nodeName" },
      "op": { "title": "Op", "description": "variable: a trainable parameter.", "const": "variable" },
      "value": {
        "$ref": "#/$defs/tensor",
        "title": "Initial value",
        "description": "The variable's value as a number or nested arrays of numbers.",
      },
      "init": { "$ref": "#/$defs/initializer" },
      "description": { "$ref": "#/$defs/description" },
      "comment": { "$ref": "#/$defs/comment" },
    },
  },
  "initializer": {
    "title": "Initializer",
    "description": "How to generate the variable's value (TF initializer names).",
    "type": "object",
    "oneOf": [
      { "$ref": "#/$defs/fillInit" },
      { "$ref": "#/$defs/constantInit" },
      { "$ref": "#/$defs/randomNormalInit" },
      { "$ref": "#/$defs/glorotUniformInit" },
    ],
  },
  "fillInit": {
    "title": "zeros / ones",
    "description": "All zeros or all ones.",
    "type": "object",
    "required": ["type", "shape"],
    "additionalProperties": false,
    "properties": {
      "type": { "title": "Initializer type", "description": "zeros or ones.", "enum": ["zeros", "ones"] },
      "shape": { "$ref": "#/$defs/staticShape" },
    },
  },
  "constantInit": {
    "title": "constant",
    "description": "Every element equal to \"value\".",
    "type": "object",
    "required": ["type", "value", "shape"],
    "additionalProperties": false,
    "properties": {
      "type": {
        "title": "Initializer type",
        "description": "constant: every element equal to \"value\".",
        "const": "constant",
      },
      "value": { "title": "Fill value", "description": "The value of every element.", "type": "number" },
      "shape": { "$ref": "#/$defs/staticShape" },
    },
  },
  "randomNormalInit": {
    "title": "random_normal",
    "description": "Independent normal samples (seeded, reproducible).",
    "type": "object",
    "required": ["type", "shape"],
    "additionalProperties": false,
    "properties": {
      "type": {
        "title": "Initializer type",
        "description": "random_normal: independent normal samples.",
        "const": "random_normal",
      },
      "mean": { "title": "Mean", "description": "Mean of the distribution (default 0).", "type": "number" },
      "stddev": {
        "title": "Standard deviation",
        "description": "Standard deviation (default 1).",
        "type": "number",
        "minimum": 0,
      },
      "seed": { "title": "Seed", "description": "Random seed, for reproducible values.", "type": "integer" },
      "shape": { "$ref": "#/$defs/staticShape" },
    },
  },
  "glorotUniformInit": {
    "title": "glorot_uniform",
    "description": "Glorot/Xavier uniform samples in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).",
    "type": "object",
    "required": ["type", "shape"],
    "additionalProperties": false,
    "properties": {
      "type": {
        "title": "Initializer type",
        "description": "glorot_uniform: Glorot/Xavier uniform samples.",
        "const": "glorot_uniform",
      },
      "seed": { "title": "Seed", "description": "Random seed, for reproducible values.", "type": "integer" },
      "shape": { "$ref": "#/$defs/staticShape" },
    },
  },
  "constantNode": {
    "title": "constant",
    "description": "A fixed tensor (tf.constant); not differentiated with respect to.",
    "type": "object",
    "required": ["name", "op", "value"],
    "additionalProperties": false,
    "properties": {
      "name": { "$ref": "#/$defs/nodeName" },
      "op": { "title": "Op", "description": "constant: a fixed tensor.", "const": "constant" },
      "value": {
        "$ref": "#/$defs/tensor",
        "title": "Value",
        "description": "The constant as a number or nested arrays of numbers.",
      },
      "description": { "$ref": "#/$defs/description" },
      "comment": { "$ref": "#/$defs/comment" },
    },
  },
};

/** What a spec asks to compute. */
const OUTPUTS: Json = {
  "title": "Outputs",
  "description": "What to compute: node values, gradients and/or the exact Hessian.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "fetch": {
      "$ref": "#/$defs/nodeNames",
      "title": "Fetch",
      "description": "Nodes whose values are computed and reported.",
    },
    "gradients": {
      "title": "Gradients",
      "description": "Gradients of the sum of ys with respect to each of xs (tf.gradients(ys, xs)).",
      "type": "object",
      "required": ["ys", "xs"],
      "additionalProperties": false,
      "properties": {
        "ys": {
          "title": "ys",
          "description": "Node or list of nodes to differentiate (their sum, as in tf.gradients).",
          "type": ["string", "array"],
          "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
          "minItems": 1,
          "items": { "$ref": "#/$defs/nodeName" },
        },
        "xs": {
          "$ref": "#/$defs/nodeNames",
          "title": "xs",
          "description": "Nodes to differentiate with respect to (usually variables); placeholders of unknown dims are allowed, their gradient has the fed shape.",
          "minItems": 1,
        },
      },
    },
    "hessian": {
      "title": "Hessian",
      "description": "The exact Hessian of sum(ys) (as tf.hessians; usually ys is the scalar loss) with respect to all of xs, flattened and concatenated in order; xs need fully known shapes.",
      "type": "object",
      "required": ["ys", "xs"],
      "additionalProperties": false,
      "properties": {
        "ys": {
          "$ref": "#/$defs/nodeName",
          "title": "ys",
          "description": "The node (usually the scalar loss) whose Hessian is computed; a non-scalar node stands for the sum of its elements.",
        },
        "xs": {
          "$ref": "#/$defs/nodeNames",
          "title": "xs",
          "description": "Nodes (usually variables) forming the Hessian's rows and columns, in order.",
          "minItems": 1,
        },
      },
    },
  },
};
/** The JSON Schema of one attribute, from its declaration. */
function attrSchema(name: string, d: AttrDecl): Json {
  const head = { title: name, description: d.description };
  switch (d.type) {
    case "boolean": return { ...head, type: "boolean" };
    case "integer": return { ...head, type: "integer" };
    case "number": return { ...head, type: "number" };
    case "axes": return { ...head, type: ["integer", "array"], items: { type: "integer" } };
    case "integers": return { ...head, type: "array", items: d.minimum === undefined ? { type: "integer" } : { type: "integer", minimum: d.minimum } };
  }
}

/** The schema branch of one public op: its `op` constant selects it (the validator's discriminator), so its messages are specific. */
function opBranch(op: string, arity: number | "variadic", spec: PublicSpec): Json {
  const attrs = Object.entries(spec.attrs);
  const required = attrs.filter(([, d]) => d.required).map(([k]) => k);
  return {
    title: op,
    description: spec.description,
    type: "object",
    required: ["name", "op", "inputs", ...(required.length ? ["attrs"] : [])],
    additionalProperties: false,
    properties: {
      name: { $ref: "#/$defs/nodeName" },
      op: { title: "Op", description: spec.op, const: op },
      inputs: { $ref: "#/$defs/inputs", description: spec.inputs, ...(arity === "variadic" ? { minItems: 1 } : { minItems: arity, maxItems: arity }) },
      attrs: attrs.length === 0 ? { $ref: "#/$defs/noAttrs" } : {
        title: "Attributes",
        description: `${op} attributes.`,
        type: "object",
        ...(required.length ? { required } : {}),
        additionalProperties: false,
        properties: Object.fromEntries(attrs.map(([k, d]) => [k, attrSchema(k, d)])),
      },
      description: { $ref: "#/$defs/description" },
      comment: { $ref: "#/$defs/comment" },
    },
  };
}

/** snake_case to camelCase: the $defs name of an op's branch is `${camel(op)}Node`. */
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The spec schema: the fixed parts above and one branch per public op, in registry order. */
export function generateSchema(): { [key: string]: Json } {
  const branches = Object.entries(PUBLIC_OPS).map(([op, def]) => [`${camel(op)}Node`, opBranch(op, def.arity, def.spec)] as const);
  const sourceRefs = ["placeholderNode", "variableNode", "constantNode"].map((d) => ({ $ref: `#/$defs/${d}` }));
  return {
    ...DOCUMENT,
    $defs: {
      ...COMMON_DEFS,
      opNode: {
        title: "Op node",
        description: "A node computed by a named op (TF snake_case names).",
        oneOf: [...sourceRefs, ...branches.map(([name]) => ({ $ref: `#/$defs/${name}` }))],
      },
      ...SOURCE_DEFS,
      ...Object.fromEntries(branches),
      outputs: OUTPUTS,
    },
  };
}

/** Lines are wrapped at this width; shorter objects and arrays stay on one line. */
const WIDTH = 120;

/** A value on one line: `{ "k": v, ... }`, `[a, b]`. */
function inline(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(", ")} }`;
  }
  return JSON.stringify(v);
}

/** Indented JSON where what fits in WIDTH (after `used` characters of the line) stays on one line. */
function format(v: Json, indent: string, used: number): string {
  const one = inline(v);
  if (v === null || typeof v !== "object" || indent.length + used + one.length <= WIDTH) return one;
  const inner = `${indent}  `;
  const lines = Array.isArray(v)
    ? v.map((x) => inner + format(x, inner, 0))
    : Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner, JSON.stringify(k).length + 3)}`);
  return `${Array.isArray(v) ? "[" : "{"}\n${lines.join(",\n")}\n${indent}${Array.isArray(v) ? "]" : "}"}`;
}

/** The schema file's text, as committed in schema/. */
export function schemaText(): string {
  return `${format(generateSchema(), "", 0)}\n`;
}
