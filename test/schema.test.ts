import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSchema, validateAgainstSchema, type SchemaProblem } from "../src/spec/schema.js";
import { PUBLIC_OPS } from "../src/ops/registry.js";

const CASES_DIR = new URL("./fixtures/cases/", import.meta.url);
const caseFiles = readdirSync(CASES_DIR).filter((f) => f.endsWith(".json")).sort();
const schema = loadSchema();

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function readCase(file: string): Json {
  return JSON.parse(readFileSync(new URL(file, CASES_DIR), "utf8"));
}

/** A fresh copy of a fixture, mutated by `edit`. */
function broken(file: string, edit: (doc: Json) => void): Json {
  const doc = readCase(file);
  edit(doc);
  return doc;
}

function check(doc: unknown): SchemaProblem[] {
  return validateAgainstSchema(doc, schema);
}

/** Every op a spec may name: the source nodes and the registry's public ops (the schema is generated from them). */
const ALL_OPS = ["placeholder", "variable", "constant", ...Object.keys(PUBLIC_OPS)];

describe("the published schema", () => {
  const s = schema as Json;

  it("has $id, $schema and a title", () => {
    expect(s.$id).toBe("https://hessflow.dev/schema/hessflow.graph-1.schema.json");
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(typeof s.title).toBe("string");
    expect(s.properties.format.const).toBe("hessflow.graph/1");
  });

  it("documents every property (directly or through its $ref) so editors can show help", () => {
    const undocumented: string[] = [];
    const resolve = (ref: string): Json => ref.slice(2).split("/").reduce((o: Json, k) => o[k], s);
    const walk = (node: Json, at: string): void => {
      if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${at}/${i}`));
      if (node === null || typeof node !== "object") return;
      if (node.properties) {
        for (const [key, prop] of Object.entries<Json>(node.properties)) {
          const target = prop.$ref ? resolve(prop.$ref) : prop;
          if (typeof (prop.description ?? target.description) !== "string") undocumented.push(`${at}/properties/${key}`);
        }
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${at}/${key}`);
    };
    walk(s, "#");
    expect(undocumented).toEqual([]);
  });

  it("knows exactly the documented ops", () => {
    const ops = new Set<string>();
    for (const branch of s.$defs.opNode.oneOf) {
      const op = s.$defs[branch.$ref.split("/").pop()].properties.op;
      for (const name of op.enum ?? [op.const]) ops.add(name);
    }
    expect([...ops].sort()).toEqual([...ALL_OPS].sort());
  });

  it("loads the same file on every call", () => {
    expect(loadSchema()).toEqual(schema);
  });
});

describe("valid specs", () => {
  it("finds the shared case fixtures", () => {
    expect(caseFiles).toContain("seed.json");
    expect(caseFiles).toContain("sigmoid-softmax.json");
  });

  it.each(caseFiles)("%s validates with zero problems", (file) => {
    expect(check(readCase(file))).toEqual([]);
  });

  it("accepts every op, attribute, initializer and an expression node", () => {
    const doc = {
      $schema: "https://hessflow.dev/schema/hessflow.graph-1.schema.json",
      format: "hessflow.graph/1",
      name: "kitchen-sink",
      description: "every node kind",
      comment: "top-level comment",
      nodes: [
        { name: "X", op: "placeholder", shape: [3, null], description: "inputs", comment: "batch last" },
        { name: "P", op: "placeholder" },
        { name: "w0", op: "variable", value: 1.5 },
        { name: "w1", op: "variable", init: { type: "zeros", shape: [2, 3] } },
        { name: "w2", op: "variable", init: { type: "ones", shape: [2, 3] } },
        { name: "w3", op: "variable", init: { type: "constant", value: 0.1, shape: [2] } },
        { name: "w4", op: "variable", init: { type: "random_normal", mean: 0, stddev: 0.5, seed: 7, shape: [2, 3] } },
        { name: "w5", op: "variable", init: { type: "glorot_uniform", seed: 1, shape: [3, 3] } },
        { name: "w6", op: "variable", init: { type: "random_normal", shape: [1] } },
        { name: "c", op: "constant", value: [[1, 2], [3, 4]] },
        { name: "m", op: "matmul", inputs: ["w1", "X"], attrs: { transpose_a: false, transpose_b: false } },
        { name: "m2", op: "matmul", inputs: ["w1", "X"] },
        ...["add", "subtract", "multiply", "divide", "squared_difference"].map((op) => ({ name: `b_${op}`, op, inputs: ["m", "m2"] })),
        ...["negative", "square", "exp", "log", "tanh", "sigmoid", "relu", "softplus", "identity", "stop_gradient"].map((op) => ({ name: `u_${op}`, op, inputs: ["m"], attrs: {} })),
        { name: "rs", op: "reduce_sum", inputs: ["m"], attrs: { axis: [0, -1], keepdims: true } },
        { name: "rm", op: "reduce_mean", inputs: ["m"], attrs: { axis: 0 } },
        { name: "rm2", op: "reduce_mean", inputs: ["m"] },
        { name: "re", op: "reshape", inputs: ["m"], attrs: { shape: [-1, 2] } },
        { name: "tr", op: "transpose", inputs: ["m"], attrs: { perm: [1, 0] } },
        { name: "tr2", op: "transpose", inputs: ["m"] },
        { name: "cc", op: "concat", inputs: ["m", "m2"], attrs: { axis: 0 } },
        { name: "sl", op: "slice", inputs: ["m"], attrs: { begin: [0, 1], size: [-1, 2] } },
        { name: "sm", op: "softmax", inputs: ["m"], attrs: { axis: 0 } },
        { name: "lsm", op: "log_softmax", inputs: ["m"] },
        { name: "xe", op: "softmax_cross_entropy_with_logits", inputs: ["sm", "m"], attrs: { axis: -1 } },
        { name: "L", expr: "reduce_mean(squared_difference(m, X)) / 2", comment: "loss" },
      ],
      feed: { X: [[1, 2], [3, 4], [5, 6]], P: 3 },
      outputs: {
        fetch: ["L", "xe"],
        gradients: { ys: "L", xs: ["w1"] },
        hessian: { ys: "L", xs: ["w1", "w2"] },
      },
    };
    expect(check(doc)).toEqual([]);
  });

  it("leaves ragged arrays to the loader (not expressible in JSON Schema)", () => {
    const doc = broken("seed.json", (d) => { d.nodes[2].value = [[1, 2, 3], [4, 5]]; });
    expect(check(doc)).toEqual([]);
  });
});

interface BrokenCase {
  what: string;
  doc: Json;
  /** Expected problems, in order (a message may be an asymmetric matcher). */
  expected: Json[];
}

const brokenCases: BrokenCase[] = [
  {
    what: "wrong format tag",
    doc: broken("seed.json", (d) => { d.format = "hessflow.graph/2"; }),
    expected: [{ path: "$.format", message: 'must be "hessflow.graph/1", got string "hessflow.graph/2"' }],
  },
  {
    what: "unknown op",
    doc: broken("seed.json", (d) => { d.nodes[4].op = "convolve"; }),
    expected: [{ path: "$.nodes[4].op", node: "z1", message: expect.stringMatching(/^unknown op "convolve"; expected one of "placeholder", "variable", /) }],
  },
  {
    what: "misspelt op gets a suggestion",
    doc: broken("seed.json", (d) => { d.nodes[11].op = "reduce_means"; }),
    expected: [{ path: "$.nodes[11].op", node: "mse", message: expect.stringMatching(/^unknown op "reduce_means" \(did you mean "reduce_mean"\?\); expected one of "placeholder", /) }],
  },
  {
    what: "missing node name",
    doc: broken("seed.json", (d) => { delete d.nodes[1].name; }),
    expected: [{ path: "$.nodes[1]", message: 'missing required property "name"' }],
  },
  {
    what: "missing graph name",
    doc: broken("seed.json", (d) => { delete d.name; }),
    expected: [{ path: "$", message: 'missing required property "name"' }],
  },
  {
    what: "bad attr type (axis as a string)",
    doc: broken("sigmoid-softmax.json", (d) => { d.nodes[11].attrs.axis = "0"; }),
    expected: [{ path: "$.nodes[11].attrs.axis", node: "xent", message: 'expected integer, got string "0"' }],
  },
  {
    what: "bad reduce axis (string in list form)",
    doc: broken("seed.json", (d) => { d.nodes[11].attrs = { axis: "0" }; }),
    expected: [{ path: "$.nodes[11].attrs.axis", node: "mse", message: 'expected integer or array, got string "0"' }],
  },
  {
    what: 'unknown node field ("imputs")',
    doc: broken("seed.json", (d) => { d.nodes[4].imputs = d.nodes[4].inputs; delete d.nodes[4].inputs; }),
    expected: [
      { path: "$.nodes[4]", node: "z1", message: 'missing required property "inputs"' },
      { path: "$.nodes[4].imputs", node: "z1", message: 'unknown property "imputs" (did you mean "inputs"?)' },
    ],
  },
  {
    what: "unknown top-level field",
    doc: broken("seed.json", (d) => { d.output = d.outputs; delete d.outputs; }),
    expected: [
      { path: "$", message: 'missing required property "outputs"' },
      { path: "$.output", message: 'unknown property "output" (did you mean "outputs"?)' },
    ],
  },
  {
    what: "unknown attribute",
    doc: broken("seed.json", (d) => { d.nodes[4].attrs = { transpose_c: true }; }),
    expected: [{ path: "$.nodes[4].attrs.transpose_c", node: "z1", message: 'unknown property "transpose_c" (did you mean "transpose_a"?)' }],
  },
  {
    what: "attribute on an op that takes none",
    doc: broken("seed.json", (d) => { d.nodes[5].attrs = { axis: 0 }; }),
    expected: [{ path: "$.nodes[5].attrs.axis", node: "h1", message: 'unknown property "axis" (no properties are allowed here)' }],
  },
  {
    what: "non-numeric value",
    doc: broken("seed.json", (d) => { d.nodes[2].value[0][1] = "abc"; }),
    expected: [{ path: "$.nodes[2].value[0][1]", node: "w1", message: 'expected number or array, got string "abc"' }],
  },
  {
    what: "non-numeric feed",
    doc: broken("seed.json", (d) => { d.feed.Y[0][2] = null; }),
    expected: [{ path: "$.feed.Y[0][2]", message: "expected number or array, got null" }],
  },
  {
    what: "negative placeholder dimension",
    doc: broken("seed.json", (d) => { d.nodes[0].shape = [-3, null]; }),
    expected: [{ path: "$.nodes[0].shape[0]", node: "X", message: "must be >= 0, got -3" }],
  },
  {
    what: "fractional placeholder dimension",
    doc: broken("seed.json", (d) => { d.nodes[0].shape = [3.5, null]; }),
    expected: [{ path: "$.nodes[0].shape[0]", node: "X", message: "expected integer or null, got number 3.5" }],
  },
  {
    what: "wrong number of inputs",
    doc: broken("seed.json", (d) => { d.nodes[5].inputs = ["z1", "b1", "b1"]; }),
    expected: [{ path: "$.nodes[5].inputs", node: "h1", message: "expected exactly 2 items, got 3" }],
  },
  {
    what: "inputs on a placeholder",
    doc: broken("seed.json", (d) => { d.nodes[0].inputs = ["Y"]; }),
    expected: [{ path: "$.nodes[0].inputs", node: "X", message: 'unknown property "inputs" (allowed: name, op, shape, description, comment)' }],
  },
  {
    what: "variable without value or init",
    doc: broken("seed.json", (d) => { delete d.nodes[2].value; }),
    expected: [{ path: "$.nodes[2]", node: "w1", message: 'must have exactly one of the properties "value" or "init"' }],
  },
  {
    what: "variable with both value and init",
    doc: broken("seed.json", (d) => { d.nodes[3].init = { type: "zeros", shape: [2, 1] }; }),
    expected: [{ path: "$.nodes[3]", node: "b1", message: 'must have only one of the properties "value" or "init", not several' }],
  },
  {
    what: "unknown initializer type",
    doc: broken("seed.json", (d) => { delete d.nodes[3].value; d.nodes[3].init = { type: "he_normal", shape: [2, 1] }; }),
    expected: [{
      path: "$.nodes[3].init.type",
      node: "b1",
      message: 'unknown type "he_normal"; expected one of "zeros", "ones", "constant", "random_normal", "glorot_uniform"',
    }],
  },
  {
    what: "initializer problems are reported for the chosen initializer",
    doc: broken("seed.json", (d) => { delete d.nodes[3].value; d.nodes[3].init = { type: "random_normal", stddev: -1, shape: [2, 1], seed: 1.5 }; }),
    expected: [
      { path: "$.nodes[3].init.stddev", node: "b1", message: "must be >= 0, got -1" },
      { path: "$.nodes[3].init.seed", node: "b1", message: "expected integer, got number 1.5" },
    ],
  },
  {
    what: "node with neither op nor expr",
    doc: broken("seed.json", (d) => { delete d.nodes[13].op; }),
    expected: [{ path: "$.nodes[13]", node: "L", message: 'must have at least one of the properties "op" or "expr"' }],
  },
  {
    what: "expression node with an op-node field",
    doc: broken("seed.json", (d) => { d.nodes[13] = { name: "L", expr: "mse / two", inputs: ["mse"] }; }),
    expected: [{ path: "$.nodes[13].inputs", node: "L", message: 'unknown property "inputs" (allowed: name, expr, description, comment)' }],
  },
  {
    what: "invalid node name",
    doc: broken("seed.json", (d) => { d.nodes[12].name = "2"; }),
    expected: [{ path: "$.nodes[12].name", node: "2", message: 'must match the pattern /^[A-Za-z_][A-Za-z0-9_]*$/, got "2"' }],
  },
  {
    what: "hessian ys must be a single name",
    doc: broken("seed.json", (d) => { d.outputs.hessian.ys = ["L"]; }),
    expected: [{ path: "$.outputs.hessian.ys", message: "expected string, got array" }],
  },
  {
    what: "document is not an object",
    doc: [],
    expected: [{ path: "$", message: "expected object, got array" }],
  },
  {
    what: "node is not an object",
    doc: broken("seed.json", (d) => { d.nodes[1] = "Y"; }),
    expected: [{ path: "$.nodes[1]", message: 'expected object, got string "Y"' }],
  },
  {
    what: "several problems in one document, reported together in document order",
    doc: broken("sigmoid-softmax.json", (d) => {
      d.format = "hessflow/1";
      d.nodes[0].shape = [4, -1];
      d.nodes[2].value[1][0] = "abc";
      d.nodes[6].op = "sigmoidd";
      d.nodes[11].attrs.axis = "0";
      d.nodes[12].imputs = ["xent"];
      d.outputs.hessian.xs = [];
    }),
    expected: [
      { path: "$.format", message: 'must be "hessflow.graph/1", got string "hessflow/1"' },
      { path: "$.nodes[0].shape[1]", node: "X", message: "must be >= 0, got -1" },
      { path: "$.nodes[2].value[1][0]", node: "w1", message: 'expected number or array, got string "abc"' },
      { path: "$.nodes[6].op", node: "a1", message: expect.stringMatching(/^unknown op "sigmoidd" \(did you mean "sigmoid"\?\)/) },
      { path: "$.nodes[11].attrs.axis", node: "xent", message: 'expected integer, got string "0"' },
      { path: "$.nodes[12].imputs", node: "L", message: 'unknown property "imputs" (did you mean "inputs"?)' },
      { path: "$.outputs.hessian.xs", message: "expected at least 1 item, got 0" },
    ],
  },
];

describe("broken specs", () => {
  it.each(brokenCases)("$what", ({ doc, expected }) => {
    expect(check(doc)).toEqual(expected);
  });

  it("an unknown op lists every valid op", () => {
    const [p] = check(broken("seed.json", (d) => { d.nodes[4].op = "convolve"; }));
    const m = /^unknown op "convolve"; expected one of (.*)$/.exec(p!.message);
    expect(m![1]!.split(", ").map((o) => JSON.parse(o)).sort()).toEqual([...ALL_OPS].sort());
  });
});

describe("validator", () => {
  it("resolves $ref, including recursive and JSON-pointer-escaped references", () => {
    const s = {
      $id: "https://example.test/s.json",
      type: "object",
      properties: {
        tree: { $ref: "#/$defs/tree" },
        odd: { $ref: "#/$defs/a~1b" },
        abs: { $ref: "https://example.test/s.json#/$defs/t~0c" },
      },
      $defs: {
        tree: { type: ["integer", "array"], items: { $ref: "#/$defs/tree" } },
        "a/b": { type: "string", minLength: 2 },
        "t~c": { type: "string" },
      },
    };
    expect(validateAgainstSchema({ tree: [1, [2, [3]]], odd: "ok", abs: "ok" }, s)).toEqual([]);
    expect(validateAgainstSchema({ tree: [1, [2, [true]]], odd: "x", abs: 5 }, s)).toEqual([
      { path: "$.tree[1][1][0]", message: "expected integer or array, got boolean true" },
      { path: "$.odd", message: "must be at least 2 characters long" },
      { path: "$.abs", message: "expected string, got integer 5" },
    ]);
  });

  it("applies keywords next to $ref as well", () => {
    const s = { $defs: { list: { type: "array", items: { type: "string" } } }, $ref: "#/$defs/list", maxItems: 1 };
    expect(validateAgainstSchema(["a", 2], s)).toEqual([
      { path: "$[1]", message: "expected string, got integer 2" },
      { path: "$", message: "expected at most 1 item, got 2" },
    ]);
  });

  it("supports prefixItems, enum, allOf, if/then/else and boolean schemas", () => {
    const s = {
      type: "array",
      prefixItems: [{ enum: ["a", "b"] }, { type: "number", maximum: 1 }],
      items: false,
      allOf: [{ minItems: 2 }],
      if: { prefixItems: [{ const: "a" }] },
      then: { prefixItems: [true, { minimum: 0 }] },
      else: { maxItems: 1 },
    };
    expect(validateAgainstSchema(["a", 0.5], s)).toEqual([]);
    expect(validateAgainstSchema(["a", -1, 3], s)).toEqual([
      { path: "$[2]", message: "is not allowed here" },
      { path: "$[1]", message: "must be >= 0, got -1" },
    ]);
    expect(validateAgainstSchema(["c", 2], s)).toEqual([
      { path: "$[0]", message: 'must be one of "a", "b"; got string "c"' },
      { path: "$[1]", message: "must be <= 1, got 2" },
      { path: "$", message: "expected at most 1 item, got 2" },
    ]);
  });

  it("reports the discriminated oneOf branch rather than 'matched none'", () => {
    const s = {
      oneOf: [
        { type: "object", required: ["kind", "r"], properties: { kind: { const: "circle" }, r: { type: "number" } }, additionalProperties: false },
        { type: "object", required: ["kind", "w"], properties: { kind: { const: "square" }, w: { type: "number" } }, additionalProperties: false },
      ],
    };
    expect(validateAgainstSchema({ kind: "square", w: "2" }, s)).toEqual([{ path: "$.w", message: 'expected number, got string "2"' }]);
    expect(validateAgainstSchema({ kind: "circle" }, s)).toEqual([{ path: "$", message: 'missing required property "r"' }]);
    expect(validateAgainstSchema({ w: 2 }, s)).toEqual([{ path: "$", message: 'missing required property "kind"' }]);
    expect(validateAgainstSchema({ kind: "triangle" }, s)).toEqual([{ path: "$.kind", message: 'unknown kind "triangle"; expected one of "circle", "square"' }]);
  });

  it("falls back to the closest branch when there is no discriminator", () => {
    const s = { anyOf: [{ title: "short", type: "string", maxLength: 2 }, { title: "small", type: "integer", maximum: 9 }] };
    expect(validateAgainstSchema("abc", s)).toEqual([
      { path: "$", message: "does not match any of: short, small (the problems below are for the closest, short)" },
      { path: "$", message: "must be at most 2 characters long" },
    ]);
    expect(validateAgainstSchema(5, s)).toEqual([]);
  });

  it("suggests a fix for a likely typo only", () => {
    const s = { enum: ["matmul", "add"] };
    expect(validateAgainstSchema("Matmul", s)[0]!.message).toMatch(/did you mean "matmul"/);
    expect(validateAgainstSchema("matmal", s)[0]!.message).toMatch(/did you mean "matmul"/);
    expect(validateAgainstSchema("ad", s)[0]!.message).not.toMatch(/did you mean/);
    expect(validateAgainstSchema("softmax", s)[0]!.message).not.toMatch(/did you mean/);
  });

  it("quotes awkward property names in paths", () => {
    const s = { type: "object", additionalProperties: { type: "number" } };
    expect(validateAgainstSchema({ "a b": "x", ok: 1 }, s)).toEqual([{ path: '$["a b"]', message: 'expected number, got string "x"' }]);
  });

  it("refuses schemas it cannot honour", () => {
    expect(() => validateAgainstSchema({}, { type: "object", uniqueItems: true })).toThrow(/unsupported JSON Schema keyword "uniqueItems"/);
    expect(() => validateAgainstSchema({}, { $ref: "#/$defs/missing" })).toThrow(/unresolvable \$ref/);
    expect(() => validateAgainstSchema({}, { $ref: "other.json#/x" })).toThrow(/unsupported \$ref/);
  });
});
