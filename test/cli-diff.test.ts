// `hessflow diff A.json B.json`: a `run --json` document against itself is all zeros; one changed number in a
// gradient, a Hessian entry or a fetch is reported in exactly that field, with the relative difference
// computed here from the two documents; the tolerance is inclusive; structural mismatches (missing field,
// shape, non-number, NaN on one side) and unreadable files fail with exit 1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { Io } from "../src/cli/output.js";
import { ensureDist, runCli } from "./dist.js";
import { randomNetworkSpec } from "./random-networks.js";

type Doc = { fetch: Record<string, unknown>; gradients: Record<string, unknown>; hessian: { exact: number[][]; tf_hessians: Record<string, unknown>; ms: number; mode: string } } & Record<string, unknown>;
interface Field { field: string; kind: string; rel: number | string; max_abs?: number; at?: number[]; problem?: string }
interface Report { ok: boolean; tol: number; worst: { field: string; rel: number | string }; fields: Field[] }

let dir: string;
let base: Doc;

/** Runs the CLI in this process; returns the exit code and what it printed. */
async function hessflow(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const io: Io = { out: (t) => { out += t; }, err: (t) => { err += t; } };
  const code = await main(args, io);
  return { code, out, err };
}

/** Writes a document (or raw text) to a file of the temporary directory and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** `diff A B --json` on two documents: the code, the parsed report and stderr. */
async function diff(a: unknown, b: unknown, ...options: string[]): Promise<{ code: number; report: Report; err: string }> {
  const r = await hessflow(["diff", file("a.json", a), file("b.json", b), "--json", ...options]);
  return { code: r.code, report: JSON.parse(r.out) as Report, err: r.err };
}

const copy = (d: Doc): Doc => JSON.parse(JSON.stringify(d)) as Doc;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const maxAbs = (v: unknown) => Math.max(...flat(v).map(Math.abs));
/** The expected relative difference when one entry of a field changes from `was` to `now`: |was − now| / max(max|A|, max|B|). */
const expectedRel = (a: unknown, b: unknown, was: number, now: number) => Math.abs(was - now) / Math.max(maxAbs(a), maxAbs(b));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hessflow-diff-"));
  // A random network whose Hessian is over a subset of its variables: fetches, gradients, exact Hessian, tf.hessians blocks.
  const spec = randomNetworkSpec(11);
  const r = await hessflow(["run", file("spec.json", spec), "--json"]);
  expect(r.code).toBe(0);
  base = JSON.parse(r.out) as Doc;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hessflow diff", () => {
  it("a document against itself: every field compared, all zero, exit 0", async () => {
    const { code, report } = await diff(base, base);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    const names = report.fields.map((f) => f.field);
    for (const k of Object.keys(base.fetch)) expect(names).toContain(`fetch.${k}`);
    for (const k of Object.keys(base.gradients)) expect(names).toContain(`gradients.${k}`);
    for (const k of Object.keys(base.hessian.tf_hessians)) expect(names).toContain(`hessian.tf_hessians.${k}`);
    expect(names).toContain("hessian.exact");
    expect(names.filter((f) => ["name", "hessian.ms", "hessian.mode"].includes(f))).toEqual([]);
    for (const f of report.fields) expect(f.rel, f.field).toBe(0);
  });

  const cases: { what: string; field: string; change: (d: Doc) => { a: unknown; b: unknown; was: number; now: number } }[] = [
    {
      what: "one gradient entry", field: "gradients.", change: (d) => {
        const [name, g] = Object.entries(d.gradients).find(([, v]) => flat(v).length >= 2)!;
        const rows = g as number[][] | number[];
        const row = (Array.isArray(rows[0]) ? rows[rows.length - 1] : rows) as number[];
        const was = row[row.length - 1];
        row[row.length - 1] = was + 3e-6;
        // The gradients share one scale: A's and B's gradients, all of them.
        return { a: Object.values(base.gradients), b: Object.values(d.gradients), was, now: row[row.length - 1], name };
      },
    },
    {
      what: "one Hessian entry", field: "hessian.exact", change: (d) => {
        const before = copy(d).hessian.exact;
        const n = d.hessian.exact.length;
        const was = d.hessian.exact[n - 1][0];
        d.hessian.exact[n - 1][0] = was * 1.5 + 0.25;
        return { a: before, b: d.hessian.exact, was, now: d.hessian.exact[n - 1][0] };
      },
    },
    {
      what: "one fetch", field: "fetch.", change: (d) => {
        const name = Object.keys(d.fetch)[0];
        const was = d.fetch[name] as number;
        d.fetch[name] = was + 1e-8;
        return { a: was, b: d.fetch[name], was, now: d.fetch[name] as number, name };
      },
    },
  ];
  it.each(cases)("a changed entry in $what: exactly that field is reported, with its relative difference, exit 1", async ({ field, change }) => {
    const changed = copy(base);
    const c = change(changed) as ReturnType<typeof change> & { name?: string };
    const name = field.endsWith(".") ? field + c.name : field;
    const { code, report, err } = await diff(base, changed);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const nonzero = report.fields.filter((f) => f.rel !== 0);
    expect(nonzero.map((f) => f.field)).toEqual([name]);
    const rel = nonzero[0].rel as number;
    const expected = expectedRel(c.a, c.b, c.was, c.now);
    expect(Math.abs(rel / expected - 1)).toBeLessThan(1e-12);
    expect(report.worst.field).toBe(name);
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain(`'${name}'`);
    expect(err).toContain("above --tol 1.00e-10");
  });

  it("gradients share one scale, and so do the tf.hessians blocks: rounding noise in a field that is zero in theory passes", async () => {
    const a = { gradients: { w: [2, -4], b: [5e-17] }, hessian: { tf_hessians: { w: [[3]], b: [[-2e-17]] } } };
    const b = { gradients: { w: [2, -4], b: [-6e-17] }, hessian: { tf_hessians: { w: [[3]], b: [[1e-17]] } } };
    const { code, report } = await diff(a, b);
    expect(code).toBe(0);
    const rel = Object.fromEntries(report.fields.map((f) => [f.field, f.rel]));
    expect(rel["gradients.b"]).toBe(11e-17 / 4);
    expect(rel["hessian.tf_hessians.b"]).toBe(3e-17 / 3);
    // Alone (outside a group) the same noise is a relative difference of about 1: fetches keep their own scale.
    expect((await diff({ fetch: { z: 5e-17 } }, { fetch: { z: -6e-17 } })).code).toBe(1);
  });

  it("the tolerance is inclusive: rel 0.2 passes --tol 0.2 and fails --tol 0.19999", async () => {
    const a = { fetch: { L: 2 } }, b = { fetch: { L: 2.5 } };
    const at = await diff(a, b, "--tol", "0.2");
    expect(at.report.fields[0].rel).toBe(0.5 / 2.5);
    expect(at.code).toBe(0);
    expect((await diff(a, b, "--tol", "0.19999")).code).toBe(1);
    // The default tolerance, 1e-10: a relative difference of 2e-10 fails, 5e-11 passes.
    expect((await diff({ g: [1, 1] }, { g: [1, 1 + 2e-10] })).code).toBe(1);
    expect((await diff({ g: [1, 1] }, { g: [1, 1 + 5e-11] })).code).toBe(0);
  });

  it("fields that are zero on both sides have relative difference 0; timing and mode are ignored", async () => {
    const b = copy(base);
    b.hessian.ms = base.hessian.ms + 1000;
    b.hessian.mode = "rows";
    const { code } = await diff(base, b);
    expect(code).toBe(0);
    const z = await diff({ z: [[0, 0], [0, -0]] }, { z: [[0, 0], [0, 0]] });
    expect(z.report.fields).toEqual([expect.objectContaining({ field: "z", kind: "numbers", rel: 0 })]);
  });

  it("a field missing on one side is a mismatch naming it and the side, exit 1", async () => {
    const b = copy(base);
    const [gone] = Object.keys(b.gradients);
    delete b.gradients[gone];
    for (const [x, y, side] of [[base, b, "B"], [b, base, "A"]] as const) {
      const { code, report, err } = await diff(x, y);
      expect(code).toBe(1);
      const bad = report.fields.filter((f) => f.kind === "mismatch");
      expect(bad).toEqual([expect.objectContaining({ field: `gradients.${gone}`, problem: `missing in ${side}` })]);
      expect(err).toContain(`'gradients.${gone}'`);
      const text = await hessflow(["diff", file("a.json", x), file("b.json", y)]);
      expect(text.out).toMatch(new RegExp(`^gradients\\.${gone}\\s+-\\s+MISMATCH: missing in ${side}$`, "m"));
      expect(text.out).toMatch(new RegExp(`^FAILED: 1 field\\(s\\) do not match, the first gradients\\.${gone}$`, "m"));
    }
  });

  it("a shape change is a mismatch giving both shapes", async () => {
    const b = copy(base);
    b.hessian.exact = b.hessian.exact.slice(1);
    const n = base.hessian.exact.length;
    const { code, report } = await diff(base, b);
    expect(code).toBe(1);
    expect(report.fields.filter((f) => f.kind === "mismatch")).toEqual([
      expect.objectContaining({ field: "hessian.exact", problem: `shape [${n},${n}] in A but [${n - 1},${n}] in B` }),
    ]);
  });

  it("NaN on one side only is a mismatch; NaN and Infinity on both sides are equal", async () => {
    const nan = copy(base);
    nan.hessian.exact[0][1] = "NaN" as unknown as number;
    const one = await diff(base, nan);
    expect(one.code).toBe(1);
    expect(one.report.fields.filter((f) => f.kind === "mismatch")).toEqual([
      expect.objectContaining({ field: "hessian.exact", problem: `${base.hessian.exact[0][1]} in A but NaN in B at [0,1]` }),
    ]);
    const both = copy(nan);
    both.hessian.exact[1][0] = "-Infinity" as unknown as number;
    const same = await diff(both, both);
    expect(same.code).toBe(0);
    expect(same.report.fields.find((f) => f.field === "hessian.exact")!.rel).toBe(0);
    const signs = await diff({ v: ["Infinity"] }, { v: ["-Infinity"] });
    expect(signs.code).toBe(1);
  });

  it("a non-numeric value is a mismatch naming where it is", async () => {
    const { code, report } = await diff({ g: [[1, 2]] }, { g: [[1, "2"]] });
    expect(code).toBe(1);
    expect(report.fields[0]).toMatchObject({ field: "g", kind: "mismatch", problem: "B: the string '2' is not a number at [0,1]" });
  });

  it("broken JSON: one line with the file, line and column; a missing file: one line naming it; exit 1", async () => {
    const good = file("good.json", base);
    const bad = file("bad.json", '{\n  "fetch": {,}\n}\n');
    const r = await hessflow(["diff", good, bad]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(`hessflow: ${bad}:2:13: invalid JSON: expected a property name in double quotes or '}', got ','\n`);
    const missing = join(dir, "nope.json");
    const m = await hessflow(["diff", missing, good]);
    expect(m.code).toBe(1);
    expect(m.err).toBe(`hessflow: cannot read ${missing}: no such file\n`);
    const arr = await hessflow(["diff", good, file("array.json", [1, 2])]);
    expect(arr.code).toBe(1);
    expect(arr.err).toMatch(/array\.json' is not a JSON object/);
  });

  it("usage mistakes: one file, a bad --tol", async () => {
    const good = file("good.json", base);
    expect((await hessflow(["diff", good])).err).toBe("hessflow: diff expects exactly two JSON files, got 1\n");
    const t = await hessflow(["diff", good, good, "--tol=-1"]);
    expect(t.code).toBe(1);
    expect(t.err).toBe("hessflow: --tol must be a non-negative number, got '-1'\n");
    expect((await hessflow(["diff", good, good, "--tol", "x"])).err).toBe("hessflow: --tol must be a non-negative number, got 'x'\n");
  });

  it("the table names the worst field; the spawned CLI exits 1 with one stderr line", async () => {
    ensureDist();
    const b = copy(base);
    b.hessian.exact[0][0] += 1;
    const r = await runCli(["diff", file("a.json", base), file("b.json", b)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^hessian\.exact\s+\S+\s+1\.00e\+0\s+\[0,0\].*ABOVE TOL$/m);
    expect(r.stdout).toMatch(/^FAILED: worst field hessian\.exact/m);
    expect(r.stderr).toMatch(/^hessflow: diff: largest relative difference \S+ in 'hessian\.exact' is above --tol 1\.00e-10\n$/);
    const same = await runCli(["diff", file("a.json", base), file("c.json", base)]);
    expect(same.code).toBe(0);
    expect(same.stderr).toBe("");
  });
});
