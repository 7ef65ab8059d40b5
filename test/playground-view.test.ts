// What the playground's worker computes (src/playground/view.ts), in Node: the tutorial's numbers, validate's
// problems for broken or wrong specs, the refusals, and the heatmap pixels handed to the page's canvases (the
// same pixels as the PNG that `hessflow compare --svg` embeds).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { validateFile } from "../src/cli/validate.js";
import { playgroundView, hashBits, type PlaygroundView } from "../src/playground/view.js";
import { compareHessians } from "../src/report/compare.js";
import { decodePng } from "../src/report/png.js";
import { heatmapsSvg } from "../src/report/svg.js";
import { formatProblem, loadSpec } from "../src/spec/load.js";
import { runSpec } from "../src/spec/run.js";

const spec = (name: string) => readFileSync(new URL(`../graph-specs/${name}`, import.meta.url), "utf8");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The view of a text, which must be valid. */
async function view(text: string): Promise<PlaygroundView> {
  const r = await playgroundView(text);
  if (!r.ok) throw new Error(r.problems.map((p) => p.line).join("\n"));
  return r.view;
}

describe("the playground's view of a spec", () => {
  it("the seed: the tutorial's b2 row, inertia, share, angle and verdict", async () => {
    const v = await view(spec("seed-two-layer-linear.json"));
    expect(v.n).toBe(11);
    const last = v.matrix!.rows[10];
    expect(last.join(" ")).toBe("-0.66374288 0.59637048 -0.25202267 0.64072608 -0.57568997 0.24328321 -0.99810959 0.96349786 -0.64616702 1.79251289 1.00000000");
    expect(v.matrix!.labels[10]).toBe("b2[0,0]");
    expect(v.matrix!.blockEnds).toEqual([5, 7, 9, 10]);
    expect(v.gradients[0].values.slice(0, 3)).toEqual(["-0.20980656", "-5.42853045", "1.58130119"]); // README, JAX
    expect(v.inertia).toEqual({ exact: "2 negative, 3 zero, 6 positive", tf_hessians: "0 negative, 4 zero, 7 positive" });
    expect(v.offdiagonalShare).toBe("85.4%");
    expect(v.newtonAngle).toMatch(/^76\.2\d°$/);
    expect(v.verdict[0]).toContain("the saddle is invisible to it");
    expect(v.rasters).toEqual([]); // 11 parameters: SVG cells
    expect(v.blocks.filter((b) => !b.kept)).toHaveLength(12);
  });

  it("b-200: three panels of 193×193 RGBA pixels, the same as the PNG the SVG embeds by default", async () => {
    const text = spec("b-200.json");
    const v = await view(text);
    expect(v.matrix).toBeUndefined();
    expect(v.rasters.map((r) => [r.panel, r.res, r.rgba.length])).toEqual([0, 1, 2].map((k) => [k, 193, 193 * 193 * 4]));
    expect((v.heatmaps.match(/<canvas /g) ?? []).length).toBe(3);
    expect(v.heatmaps).not.toContain("data:image/png");
    const h = (await runSpec(loadSpec(JSON.parse(text)))).hessian!;
    const input = { n: h.n, xs: h.layout, hessian: h.exact, gradient: h.gradient };
    expect(v.hessianHash).toBe(hashBits(h.exact));
    const uris = [...heatmapsSvg(input, compareHessians(input)).matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]);
    expect(uris).toHaveLength(3);
    uris.forEach((b64, k) => {
      const png = decodePng(Uint8Array.from(Buffer.from(b64, "base64")));
      expect([png.width, png.height, png.channels]).toEqual([193, 193, 3]);
      const rgb = v.rasters[k].rgba.filter((_, i) => i % 4 !== 3);
      expect(Buffer.from(rgb).equals(Buffer.from(png.data))).toBe(true);
      expect(v.rasters[k].rgba.every((x, i) => i % 4 !== 3 || x === 255)).toBe(true);
    });
  });

  it("broken JSON: one problem at $, the line and column as validate gives them", async () => {
    const r = await playgroundView('{\n  "format": "hessflow.graph/1",\n  "name": "x",,\n}', { file: "mine.json" });
    expect(r).toEqual({ ok: false, problems: [{ path: "$", message: "mine.json:3:15: invalid JSON: expected a property name in double quotes, got ','", line: "mine.json:3:15: invalid JSON: expected a property name in double quotes, got ','" }] });
  });

  it("a wrong spec: every problem, with the paths, nodes and lines of hessflow validate", async () => {
    const wrong = spec("seed-two-layer-linear.json").replace('"op":"matmul","inputs":["w1","X"]', '"op":"matmul","inputs":["w1","XX"]').replace('"value":2}', '"value":2,"shape":[1]}');
    const dir = mkdtempSync(join(tmpdir(), "hessflow-view-"));
    dirs.push(dir);
    writeFileSync(join(dir, "wrong.json"), wrong);
    const expected = validateFile(join(dir, "wrong.json")).problems;
    expect(expected.length).toBeGreaterThanOrEqual(1);
    const r = await playgroundView(wrong);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(expected.map((p) => ({ ...p, line: formatProblem(p) })));
  });

  it("refuses what the page cannot show: no outputs.hessian, more than 1,500 parameters", async () => {
    const doc = JSON.parse(spec("seed-two-layer-linear.json"));
    delete doc.outputs.hessian;
    expect(await playgroundView(JSON.stringify(doc))).toEqual({ ok: false, problems: [{ path: "$.outputs", message: "the playground needs the spec to ask for outputs.hessian", line: "$.outputs: the playground needs the spec to ask for outputs.hessian" }] });
    const big = await playgroundView(spec("b-5k.json"));
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.problems.map((p) => p.line)).toEqual(["$.outputs.hessian.xs: 4810 parameters: the page compares dense Hessians of at most 1500 (use 'hessflow compare' on the command line)"]);
  });

  it("a feed that makes NaN: one problem naming the node, not a picture of NaNs", async () => {
    const doc = JSON.parse(spec("seed-two-layer-linear.json"));
    doc.feed.X[0][0] = 1e200;
    const r = await playgroundView(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0].line).toMatch(/^\$: node '.+' \(.+\) produced [+-]Infinity: the page cannot compare a Hessian of non-finite numbers$/);
    }
  });
});

describe("npm run playground (scripts/playground.mjs)", () => {
  const script = fileURLToPath(new URL("../scripts/playground.mjs", import.meta.url));

  it("serves the page, the compiled library and the course specs cross-origin isolated (COOP + COEP), and prints the URL", async () => {
    const child = spawn(process.execPath, [script, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; if (out.includes("\n")) resolve(out); });
        child.on("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      const m = /^hessflow playground: (http:\/\/127\.0\.0\.1:\d+\/web\/) {2}\(Ctrl-C stops it\)\n$/.exec(line);
      expect(m, line).not.toBeNull();
      const page = await fetch(m![1]);
      expect(page.status).toBe(200);
      expect([page.headers.get("cross-origin-opener-policy"), page.headers.get("cross-origin-embedder-policy")]).toEqual(["same-origin", "require-corp"]);
      expect(await page.text()).toContain('<script type="module" src="playground.js"></script>');
      for (const path of ["playground.js", "worker.js", "playground.css", "../graph-specs/b-200.json", "../dist/playground/view.js"]) {
        expect((await fetch(new URL(path, m![1]))).status, path).toBe(200);
      }
    } finally {
      child.kill();
    }
  }, 30_000);

  it("a bad --port is one line and exit 1", () => {
    const r = spawnSync(process.execPath, [script, "--port", "http"], { encoding: "utf8" });
    expect([r.status, r.stdout, r.stderr]).toEqual([1, "", "hessflow playground: --port must be an integer from 0 to 65535, got 'http'\n"]);
  });
});

describe("the page's course list and spec writer (web/specs.js)", () => {
  it("offers every course spec but the two too big for dense curvature in a page", async () => {
    const { SPECS } = await import("../web/specs.js");
    const offered = SPECS.map(([f]: [string, string]) => f).sort();
    const all = readdirSync(fileURLToPath(new URL("../graph-specs/", import.meta.url))).filter((f) => f.endsWith(".json")).sort();
    expect(offered).toEqual(all.filter((f) => f !== "b-5k.json" && f !== "mnist-mlp.json"));
  });

  it("writes a spec back as the course files are written: the seed byte for byte, every spec to the same document", async () => {
    const { formatSpec } = await import("../web/specs.js");
    expect(formatSpec(JSON.parse(spec("seed-two-layer-linear.json")))).toBe(spec("seed-two-layer-linear.json"));
    for (const f of readdirSync(fileURLToPath(new URL("../graph-specs/", import.meta.url))).filter((x) => x.endsWith(".json"))) {
      const doc = JSON.parse(spec(f));
      expect(JSON.parse(formatSpec(doc)), f).toEqual(doc);
    }
  });
});

