// A small JSON Schema (draft 2020-12) validator covering the subset used by
// schema/hessflow.graph-1.schema.json, tuned to give specific messages:
// every problem is reported (not just the first), and when a `oneOf`/`anyOf`
// fails, the branch the document was evidently aiming at (selected by a
// const/enum "discriminator" property such as `op`) supplies the errors.
//
// Supported keywords:
//   $ref (local: "#", "#/$defs/..." or any "#/json/pointer"), type (incl. "integer",
//   and arrays of types), const, enum, required, properties,
//   additionalProperties (false or a schema), propertyNames, items, prefixItems,
//   minItems, maxItems, minLength, maxLength, minimum, maximum, exclusiveMinimum, pattern,
//   allOf, anyOf, oneOf, if/then/else, and boolean schemas.
// Annotations ($schema, $id, $comment, $defs, title, description, default,
// examples, ...) are ignored. Any other keyword makes validation throw, so a
// schema edit cannot be silently ignored.

import { closest, cut, member } from "../messages.js";
import type { SpecProblem } from "./problem.js";
import { generateSchema } from "./schema-gen.js";

/** One schema violation (a SpecProblem). */
export type SchemaProblem = SpecProblem;

type SchemaObject = { [keyword: string]: unknown };
type Schema = boolean | SchemaObject;

/** Internal problem; `missing` is set for failed `required` checks (used to summarise alternatives). */
interface Issue {
  path: string;
  message: string;
  missing?: string;
}

const ASSERTIONS = new Set([
  "$ref", "type", "const", "enum", "required", "properties", "additionalProperties",
  "propertyNames", "items", "prefixItems", "minItems", "maxItems", "minLength", "maxLength",
  "minimum", "maximum", "exclusiveMinimum", "pattern", "allOf", "anyOf", "oneOf", "if", "then", "else",
]);
const ANNOTATIONS = new Set([
  "$schema", "$id", "$comment", "$defs", "$anchor", "title", "description", "default",
  "examples", "deprecated", "readOnly", "writeOnly", "format", "markdownDescription",
]);

/** Validate `doc` against `schema` (the supported JSON Schema subset) and return every problem found; throws if the schema uses an unsupported keyword or an unresolvable `$ref`. */
export function validateAgainstSchema(doc: unknown, schema: object): SchemaProblem[] {
  const issues = new Validator(schema as SchemaObject).validate(doc, schema as SchemaObject, "$", "#");
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const { path, message } of issues) {
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodeNameAt(doc, path);
    problems.push(node === undefined ? { path, message } : { path, node, message });
  }
  return problems;
}

/** The spec schema, generated from the op registry: the same as schema/hessflow.graph-1.schema.json (test/registry.test.ts checks the committed file is current), with no file to read. */
export function loadSchema(): object {
  return generateSchema();
}

class Validator {
  private readonly checked = new WeakSet<object>();
  private readonly regexps = new Map<string, RegExp>();
  private readonly resolved = new Map<string, Schema>();
  private readonly tables = new WeakMap<Schema[], Record<string, unknown[]>[]>();

  constructor(private readonly root: SchemaObject) {}

  validate(value: unknown, schema: Schema, path: string, at: string): Issue[] {
    if (schema === true) return [];
    if (schema === false) return [{ path, message: "is not allowed here" }];
    this.checkKeywords(schema, at);
    const s = schema;
    const issues: Issue[] = [];

    if (typeof s.$ref === "string") {
      const target = this.resolve(s.$ref);
      issues.push(...this.validate(value, target, path, s.$ref));
    }

    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => hasType(value, t))) {
        // Other keywords would only add noise once the type is wrong.
        issues.push({ path, message: `expected ${orList(types)}, got ${describe(value)}` });
        return issues;
      }
    }

    if ("const" in s && !jsonEqual(value, s.const)) {
      issues.push({ path, message: `must be ${JSON.stringify(s.const)}, got ${describe(value)}` });
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(value, e))) {
      issues.push({ path, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}; got ${describe(value)}${suggest(value, s.enum)}` });
    }

    if (typeof value === "string") this.checkString(value, s, path, issues);
    if (typeof value === "number") this.checkNumber(value, s, path, issues);
    if (Array.isArray(value)) this.checkArray(value, s, path, at, issues);
    if (isObject(value)) this.checkObject(value, s, path, at, issues);

    if (Array.isArray(s.allOf)) {
      s.allOf.forEach((b: Schema, i) => issues.push(...this.validate(value, b, path, `${at}/allOf/${i}`)));
    }
    if (Array.isArray(s.anyOf)) issues.push(...this.alternatives(value, s.anyOf as Schema[], path, `${at}/anyOf`, "anyOf"));
    if (Array.isArray(s.oneOf)) issues.push(...this.alternatives(value, s.oneOf as Schema[], path, `${at}/oneOf`, "oneOf"));
    if (s.if !== undefined) {
      const ok = this.validate(value, s.if as Schema, path, `${at}/if`).length === 0;
      const branch = ok ? s.then : s.else;
      if (branch !== undefined) issues.push(...this.validate(value, branch as Schema, path, `${at}/${ok ? "then" : "else"}`));
    }
    return issues;
  }

  private checkString(value: string, s: SchemaObject, path: string, issues: Issue[]): void {
    const length = [...value].length;
    if (typeof s.minLength === "number" && length < s.minLength) {
      issues.push({ path, message: s.minLength === 1 ? "must not be empty" : `must be at least ${s.minLength} characters long` });
    }
    if (typeof s.maxLength === "number" && length > s.maxLength) {
      issues.push({ path, message: `must be at most ${s.maxLength} characters long` });
    }
    if (typeof s.pattern === "string" && !this.regexp(s.pattern).test(value)) {
      issues.push({ path, message: `must match the pattern /${s.pattern}/, got ${quoted(value)}` });
    }
  }

  private checkNumber(value: number, s: SchemaObject, path: string, issues: Issue[]): void {
    if (typeof s.minimum === "number" && value < s.minimum) {
      issues.push({ path, message: `must be >= ${s.minimum}, got ${value}` });
    }
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) {
      issues.push({ path, message: `must be > ${s.exclusiveMinimum}, got ${value}` });
    }
    if (typeof s.maximum === "number" && value > s.maximum) {
      issues.push({ path, message: `must be <= ${s.maximum}, got ${value}` });
    }
  }

  private checkArray(value: unknown[], s: SchemaObject, path: string, at: string, issues: Issue[]): void {
    const n = value.length;
    const min = typeof s.minItems === "number" ? s.minItems : undefined;
    const max = typeof s.maxItems === "number" ? s.maxItems : undefined;
    if (min !== undefined && min === max && n !== min) {
      issues.push({ path, message: `expected exactly ${items(min)}, got ${n}` });
    } else {
      if (min !== undefined && n < min) issues.push({ path, message: `expected at least ${items(min)}, got ${n}` });
      if (max !== undefined && n > max) issues.push({ path, message: `expected at most ${items(max)}, got ${n}` });
    }
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as Schema[]) : [];
    value.forEach((item, i) => {
      if (i < prefix.length) {
        issues.push(...this.validate(item, prefix[i]!, `${path}[${i}]`, `${at}/prefixItems/${i}`));
      } else if (s.items !== undefined) {
        issues.push(...this.validate(item, s.items as Schema, `${path}[${i}]`, `${at}/items`));
      }
    });
  }

  private checkObject(value: Record<string, unknown>, s: SchemaObject, path: string, at: string, issues: Issue[]): void {
    if (Array.isArray(s.required)) {
      for (const name of s.required as string[]) {
        if (!Object.hasOwn(value, name)) issues.push({ path, message: `missing required property ${JSON.stringify(name)}`, missing: name });
      }
    }
    const properties = isObject(s.properties) ? (s.properties as Record<string, Schema>) : {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}${member(key)}`;
      if (s.propertyNames !== undefined) {
        for (const issue of this.validate(key, s.propertyNames as Schema, childPath, `${at}/propertyNames`)) {
          issues.push({ path: childPath, message: `invalid property name ${quoted(key)}: ${issue.message}` });
        }
      }
      if (Object.hasOwn(properties, key)) {
        issues.push(...this.validate(child, properties[key]!, childPath, `${at}/properties/${key}`));
      } else if (s.additionalProperties === false) {
        issues.push({ path: childPath, message: unknownProperty(key, Object.keys(properties)) });
      } else if (s.additionalProperties !== undefined) {
        issues.push(...this.validate(child, s.additionalProperties as Schema, childPath, `${at}/additionalProperties`));
      }
    }
  }

  /** anyOf / oneOf: succeed, or explain the failure as specifically as possible. */
  private alternatives(value: unknown, branches: Schema[], path: string, at: string, kind: "anyOf" | "oneOf"): Issue[] {
    // Fast path: a discriminator value (e.g. "op": "matmul") that only one branch accepts decides alone.
    const only = this.discriminated(value, branches);
    if (only !== undefined) return this.validate(value, branches[only]!, path, `${at}/${only}`);
    const results = branches.map((b, i) => this.validate(value, b, path, `${at}/${i}`));
    const passing = results.flatMap((r, i) => (r.length === 0 ? [i] : []));
    if (passing.length === 1 || (kind === "anyOf" && passing.length > 1)) return [];
    if (passing.length > 1) {
      const required = passing.map((i) => this.requiredOnly(branches[i]!));
      if (required.every((r) => r !== undefined)) {
        return [{ path, message: `must have only one of the properties ${orList(required.flat().map((p) => JSON.stringify(p)))}, not several` }];
      }
      return [{ path, message: `matches more than one alternative (${passing.map((i) => this.label(branches[i]!, i)).join(", ")}); it must match exactly one` }];
    }

    // 1. A discriminator property (const/enum in every branch, e.g. "op") picks the intended branch.
    const discriminated = this.byDiscriminator(value, branches, results, path);
    if (discriminated !== undefined) return discriminated;

    // 2. Every branch only misses a required property: "must have one of ...".
    const allMissing = results.every((r) => r.length > 0 && r.every((x) => x.missing !== undefined && x.path === path));
    if (allMissing) {
      const names = [...new Set(results.flat().map((x) => JSON.stringify(x.missing)))];
      const quantity = kind === "oneOf" ? "exactly one" : "at least one";
      return [{ path, message: `must have ${quantity} of the properties ${orList(names)}` }];
    }

    // 3. Every branch fails the same way (e.g. all expect an object).
    const first = JSON.stringify(results[0]);
    if (results.every((r) => JSON.stringify(r) === first)) return results[0]!;

    // 4. Fall back to the branch with the fewest problems.
    let best = 0;
    results.forEach((r, i) => { if (r.length < results[best]!.length) best = i; });
    const labels = branches.map((b, i) => this.label(b, i)).join(", ");
    return [
      { path, message: `does not match any of: ${labels} (the problems below are for the closest, ${this.label(branches[best]!, best)})` },
      ...results[best]!,
    ];
  }

  /** The one branch whose discriminator const/enum accepts the value's discriminator property, if exactly one does. */
  private discriminated(value: unknown, branches: Schema[]): number | undefined {
    if (!isObject(value)) return undefined;
    let tables = this.tables.get(branches);
    if (tables === undefined) this.tables.set(branches, (tables = branches.map((b) => this.constProperties(b))));
    const key = Object.keys(tables[0] ?? {}).find((k) => tables!.every((t) => Object.hasOwn(t, k)));
    if (key === undefined || !Object.hasOwn(value, key)) return undefined;
    let found: number | undefined;
    for (let i = 0; i < tables.length; i++) {
      if (!tables[i]![key]!.some((c) => jsonEqual(c, value[key]))) continue;
      if (found !== undefined) return undefined;
      found = i;
    }
    return found;
  }

  private byDiscriminator(value: unknown, branches: Schema[], results: Issue[][], path: string): Issue[] | undefined {
    if (!isObject(value)) return undefined;
    const tables = branches.map((b) => this.constProperties(b));
    const key = Object.keys(tables[0]!).find((k) => tables.every((t) => Object.hasOwn(t, k)));
    if (key === undefined) return undefined;
    if (!Object.hasOwn(value, key)) return [{ path, message: `missing required property ${JSON.stringify(key)}`, missing: key }];
    const v = value[key];
    const matching = tables.flatMap((t, i) => (t[key]!.some((c) => jsonEqual(c, v)) ? [i] : []));
    if (matching.length === 0) {
      const allowed = [...new Set(tables.flatMap((t) => t[key]!.map((c) => JSON.stringify(c))))];
      const choices = tables.flatMap((t) => t[key]!);
      return [{
        path: `${path}${member(key)}`,
        message: `unknown ${key} ${quoted(v)}${suggest(v, choices)}; expected one of ${allowed.join(", ")}`,
      }];
    }
    let best = matching[0]!;
    for (const i of matching) if (results[i]!.length < results[best]!.length) best = i;
    return results[best]!;
  }

  /** Properties that a branch pins to a const or enum, e.g. { op: ["matmul"] }. */
  private constProperties(branch: Schema): Record<string, unknown[]> {
    const s = this.deref(branch);
    const out: Record<string, unknown[]> = {};
    if (typeof s === "boolean" || !isObject(s.properties)) return out;
    for (const [key, raw] of Object.entries(s.properties as Record<string, Schema>)) {
      const p = this.deref(raw);
      if (typeof p === "boolean") continue;
      if ("const" in p) out[key] = [p.const];
      else if (Array.isArray(p.enum)) out[key] = p.enum;
    }
    return out;
  }

  /** The property names a branch requires, if `required` is all it asserts. */
  private requiredOnly(branch: Schema): string[] | undefined {
    if (typeof branch === "boolean" || !Array.isArray(branch.required)) return undefined;
    const asserting = Object.keys(branch).filter((k) => ASSERTIONS.has(k));
    return asserting.length === 1 ? (branch.required as string[]) : undefined;
  }

  private label(branch: Schema, index: number): string {
    if (typeof branch !== "boolean") {
      if (typeof branch.title === "string") return branch.title;
      if (typeof branch.$ref === "string") {
        const target = this.resolve(branch.$ref);
        if (typeof target !== "boolean" && typeof target.title === "string") return target.title;
        return branch.$ref.split("/").pop()!;
      }
    }
    return `alternative ${index + 1}`;
  }

  /** Follow `$ref`s at the top of a schema (for inspecting a branch, not for validating). */
  private deref(schema: Schema): Schema {
    let s = schema;
    for (let hops = 0; typeof s !== "boolean" && typeof s.$ref === "string" && hops < 32; hops++) {
      if (Object.keys(s).some((k) => k !== "$ref" && ASSERTIONS.has(k))) break;
      s = this.resolve(s.$ref as string);
    }
    return s;
  }

  private resolve(ref: string): Schema {
    let hit = this.resolved.get(ref);
    if (hit === undefined) this.resolved.set(ref, (hit = this.lookup(ref)));
    return hit;
  }

  private lookup(ref: string): Schema {
    const id = typeof this.root.$id === "string" ? this.root.$id : undefined;
    const local = id !== undefined && ref.startsWith(`${id}#`) ? ref.slice(id.length) : ref;
    if (local !== "#" && !local.startsWith("#/")) {
      throw new Error(`unsupported $ref ${JSON.stringify(ref)}: only local references such as "#/$defs/name" are supported`);
    }
    let target: unknown = this.root;
    for (const raw of local === "#" ? [] : local.slice(2).split("/")) {
      const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[segment] : undefined;
      if (target === undefined) break;
    }
    if (typeof target !== "boolean" && !isObject(target)) {
      throw new Error(`unresolvable $ref ${JSON.stringify(ref)}`);
    }
    return target as Schema;
  }

  private checkKeywords(schema: SchemaObject, at: string): void {
    if (this.checked.has(schema)) return;
    for (const keyword of Object.keys(schema)) {
      if (!ASSERTIONS.has(keyword) && !ANNOTATIONS.has(keyword)) {
        throw new Error(`unsupported JSON Schema keyword ${JSON.stringify(keyword)} at ${at}`);
      }
    }
    this.checked.add(schema);
  }

  private regexp(pattern: string): RegExp {
    let re = this.regexps.get(pattern);
    if (re === undefined) {
      re = new RegExp(pattern, "u");
      this.regexps.set(pattern, re);
    }
    return re;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "null": return v === null;
    case "boolean": return typeof v === "boolean";
    case "number": return typeof v === "number" && Number.isFinite(v);
    case "integer": return typeof v === "number" && Number.isInteger(v);
    case "string": return typeof v === "string";
    case "array": return Array.isArray(v);
    case "object": return isObject(v);
    default: throw new Error(`unsupported JSON Schema type ${JSON.stringify(type)}`);
  }
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** "string \"abc\"", "integer -3", "array", "object", "null", ... */
function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === "number") return `${Number.isInteger(v) ? "integer" : "number"} ${v}`;
  return `${typeof v} ${String(v)}`;
}

/** A value from the document, quoted as JSON (escaped) and cut when long. */
function quoted(v: unknown): string {
  return JSON.stringify(typeof v === "string" ? cut(v) : v) ?? String(v);
}

function orList(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function items(n: number): string {
  return n === 1 ? "1 item" : `${n} items`;
}


function unknownProperty(key: string, allowed: string[]): string {
  const hint = suggest(key, allowed);
  if (hint !== "") return `unknown property ${quoted(key)}${hint}`;
  if (allowed.length === 0) return `unknown property ${quoted(key)} (no properties are allowed here)`;
  return `unknown property ${quoted(key)} (allowed: ${allowed.join(", ")})`;
}

/** " (did you mean \"inputs\"?)" when a candidate string is a likely typo of `value`, else "". */
function suggest(value: unknown, candidates: unknown[]): string {
  if (typeof value !== "string") return "";
  const best = closest(value, candidates, 3);
  return best === undefined ? "" : ` (did you mean ${JSON.stringify(best)}?)`;
}

/** The `name` of `doc.nodes[i]` when `path` starts with `$.nodes[i]`. */
function nodeNameAt(doc: unknown, path: string): string | undefined {
  const m = /^\$\.nodes\[(\d+)\]/.exec(path);
  if (m === null || !isObject(doc) || !Array.isArray(doc.nodes)) return undefined;
  const node: unknown = doc.nodes[Number(m[1])];
  return isObject(node) && typeof node.name === "string" ? node.name : undefined;
}
