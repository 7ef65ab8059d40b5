// `hessflow train`: spawned as users run it, on the tutorial's network, tanh-mlp and b-200.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, runCli, type CliRun } from "./dist.js";
import { loadSpec, readSpecFile, Saver, Session } from "../src/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEED = join(ROOT, "graph-specs", "seed-two-layer-linear.json");
const TANH = join(ROOT, "graph-specs", "tanh-mlp.json");
let dir = "";

beforeAll(() => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "hessflow-train-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = runCli;

interface Line { optimizer: string; step: number; loss: number; gradient_norm: number; step_norm: number | null; eigen?: { min: number; max: number; inertia: { negative: number; zero: number; positive: number } | null; method: string } }

const lines = (r: CliRun) => r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);

describe("hessflow train", { timeout: 120_000 }, () => {
  it("--json: one object per line and step, each optimizer from the same start; gd decreases the loss", async () => {
    const r = await cli(["train", SEED, "--optimizer", "gd,momentum,adam", "--steps", "20", "--json", "--every", "10"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const ls = lines(r);
    expect(ls).toHaveLength(3 * 21);
    for (const l of ls) expect(Object.keys(l).slice(0, 5)).toEqual(["optimizer", "step", "loss", "gradient_norm", "step_norm"]);
    const by = (o: string) => ls.filter((l) => l.optimizer === o);
    for (const o of ["gd", "momentum", "adam"]) {
      const run = by(o);
      expect(run.map((l) => l.step)).toEqual([...Array(21).keys()]);
      expect(run[0].loss).toBe(11.488065992648401); // the same start for each
      expect(run[20].step_norm).toBeNull();
      expect(run.filter((l) => l.eigen).map((l) => l.step)).toEqual([0, 10, 20]);
      expect(run[20].loss).toBeLessThan(run[0].loss);
    }
    const gd = by("gd");
    for (let k = 1; k <= 20; k++) expect(gd[k].loss).toBeLessThan(gd[k - 1].loss);
    // gd's step is lr·g exactly.
    expect(gd[0].step_norm!).toBeCloseTo(0.01 * gd[0].gradient_norm, 14);
    // The start is the tutorial's saddle: 2 negative, 3 zero, 6 positive eigenvalues, smallest -5.6106.
    expect(gd[0].eigen!.inertia).toEqual({ negative: 2, zero: 3, positive: 6 });
    expect(gd[0].eigen!.min).toBeCloseTo(-5.610625883645409, 10);
  });

  it("the linear network: Newton's least-squares step reaches a zero loss; block-Newton and undamped saddle-free do not; damped saddle-free decreases", async () => {
    const r = await cli(["train", SEED, "--optimizer", "newton,block-newton,saddle-free", "--steps", "3", "--json"]);
    expect(r.code).toBe(0);
    const ls = lines(r);
    const at = (o: string, k: number) => ls.find((l) => l.optimizer === o && l.step === k)!;
    expect(at("newton", 1).loss).toBeLessThan(1e-20);
    expect(at("block-newton", 1).loss).toBeGreaterThan(1);
    expect(at("saddle-free", 1).loss).toBeGreaterThan(at("saddle-free", 0).loss); // uphill, undamped, lr 1
    const d = await cli(["train", SEED, "--optimizer", "saddle-free", "--damping", "1", "--steps", "10", "--json"]);
    const sf = lines(d);
    for (let k = 1; k <= 10; k++) expect(sf[k].loss).toBeLessThan(sf[k - 1].loss);
  });

  it("tanh-mlp: text table, gauss-newton with --output, --svg and --save (a checkpoint the spec's graph restores)", async () => {
    const svg = join(dir, "t.svg"), ck = join(dir, "t.json");
    const r = await cli(["train", TANH, "--optimizer", "gd,newton,gauss-newton", "--output", "h2", "--damping", "0.1", "--steps", "10", "--every", "5", "--svg", svg, "--save", ck]);
    expect(r.code).toBe(0);
    const out = r.stdout.split("\n");
    expect(out[1]).toMatch(/^optimizer\s+lr\s+steps\s+initial loss\s+final loss\s+final \|g\|/);
    const rows = Object.fromEntries(out.slice(2, 5).map((l) => l.trim().split(/\s+/)).map((c) => [c[0], c]));
    expect(Object.keys(rows)).toEqual(["gd", "newton", "gauss-newton"]);
    for (const c of Object.values(rows)) expect(Number(c[4])).toBeLessThan(Number(c[3]));
    const text = readFileSync(svg, "utf8");
    expect(text).toMatch(/^<svg/);
    expect(text.match(/class="loss"/g)).toHaveLength(3);
    expect(text).toContain("eig-min");
    const spec = loadSpec(readSpecFile(TANH));
    const s = new Session(spec.graph);
    new Saver(spec.graph, spec.hessian!.xs).restore(s, readFileSync(ck, "utf8"));
    const loss = (s.run(spec.hessian!.ys, spec.feed) as { data: Float64Array }).data[0];
    expect(loss).toBe(Number(rows["gauss-newton"][4]));
  });

  it.each([
    [["--optimizer", "sgd"], /unknown optimizer 'sgd'/],
    [["--steps", "0"], /--steps must be a positive integer/],
    [["--lr=-1"], /--lr must be a positive number/],
    [["--damping=-0.5"], /--damping must be a non-negative number/],
    [["--optimizer", "gauss-newton"], /gauss-newton needs --output/],
    [["--optimizer", "gauss-newton", "--output", "nope"], /no node named 'nope'/],
    [["--every", "x"], /--every must be a positive integer/],
  ])("bad input %j: one line, exit 1", async (args, message) => {
    const r = await cli(["train", SEED, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  describe("a spec's \"train\" section", () => {
    const withTrain = (train: unknown): string => {
      const doc = JSON.parse(readFileSync(SEED, "utf8")) as Record<string, unknown>;
      const file = join(dir, `train-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ ...doc, train }));
      return file;
    };

    it("runs with the section's settings", async () => {
      const r = await cli(["train", withTrain({ optimizer: ["gd", "newton"], lr: 0.02, steps: 5, every: 5 }), "--json"]);
      expect(r.code).toBe(0);
      const ls = lines(r);
      expect(ls.map((l) => `${l.optimizer}:${l.step}`)).toEqual([...["gd", "newton"].flatMap((o) => [0, 1, 2, 3, 4, 5].map((k) => `${o}:${k}`))]);
      expect(ls.filter((l) => l.eigen).map((l) => `${l.optimizer}:${l.step}`)).toEqual(["gd:0", "gd:5", "newton:0", "newton:5"]);
      // lr 0.02 from the section, for every optimizer: gd's first step is 0.02·g.
      expect(ls[0].step_norm!).toBeCloseTo(0.02 * ls[0].gradient_norm, 14);
    });

    it("the options override it", async () => {
      const r = await cli(["train", withTrain({ optimizer: ["newton"], lr: 0.5, steps: 50 }), "--optimizer", "gd", "--steps", "3", "--lr", "0.01", "--json"]);
      expect(r.code).toBe(0);
      const ls = lines(r);
      expect(ls.map((l) => `${l.optimizer}:${l.step}`)).toEqual(["gd:0", "gd:1", "gd:2", "gd:3"]);
      expect(ls[0].step_norm!).toBeCloseTo(0.01 * ls[0].gradient_norm, 14);
      expect(ls.some((l) => l.eigen)).toBe(false);
    });

    it.each([
      [{ steps: -1 }, /\$\.train\.steps/],
      [{ steps: 2.5 }, /\$\.train\.steps/],
      [{ optimizer: ["gd", "sgd"] }, /\$\.train\.optimizer\[1\]/],
      [{ lr: 0 }, /\$\.train\.lr/],
      [{ damping: -1 }, /\$\.train\.damping/],
      [{ every: 0 }, /\$\.train\.every/],
      [{ output: "nope" }, /\$\.train\.output/],
      [{ stepz: 3 }, /\$\.train/],
    ])("a bad value %j: one line naming its JSON path, exit 1", async (train, message) => {
      const r = await cli(["train", withTrain(train)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  });

  it("100 steps of gd, momentum and adam on b-200 complete", async () => {
    const r = await cli(["train", join(ROOT, "graph-specs", "b-200.json"), "--optimizer", "gd,momentum,adam", "--json"]);
    expect(r.code).toBe(0);
    const ls = lines(r);
    expect(ls).toHaveLength(3 * 101);
    for (const l of ls) expect(Number.isFinite(l.loss)).toBe(true);
  });
});
