// Long work shows progress on a terminal's stderr, and nothing extra on a pipe; the numbers do not depend on it.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { progress } from "../src/cli/output.js";
import { computeHessian, loadSpec, readSpecFile, Session } from "../src/index.js";
import { ensureDist, ROOT } from "./dist.js";

describe("progress", () => {
  it("draws on a terminal after half a second, at most every 100 ms, and erases itself", () => {
    let t = 0, err = "";
    const bar = progress({ out: () => {}, err: (s) => (err += s), tty: true }, "Hessian rows", () => t);
    bar.update(1, 10);
    expect(err).toBe("");
    t = 600;
    bar.update(5, 10);
    t = 650;
    bar.update(6, 10);
    expect(err).toBe("\r\x1b[2Khessflow: Hessian rows 5/10 (50%)");
    t = 800;
    bar.update(7, 10);
    bar.done();
    expect(err).toBe("\r\x1b[2Khessflow: Hessian rows 5/10 (50%)\r\x1b[2Khessflow: Hessian rows 7/10 (70%)\r\x1b[2K");
  });

  it("writes nothing when stderr is not a terminal", () => {
    let err = "";
    const bar = progress({ out: () => {}, err: (s) => (err += s) }, "Hessian rows", () => 1e6);
    bar.update(5, 10);
    bar.status("working");
    bar.done();
    expect(err).toBe("");
  });

  it("the batched Hessian is the same with and without a progress callback, which sees rows in order", async () => {
    const spec = loadSpec(readSpecFile(join(ROOT, "graph-specs", "b-200.json")));
    const session = new Session(spec.graph);
    const plain = await computeHessian(session, spec.hessian!.ys, spec.hessian!.xs, spec.feed);
    const seen: number[] = [];
    const reported = await computeHessian(session, spec.hessian!.ys, spec.hessian!.xs, spec.feed, { onProgress: (rows, n) => { seen.push(rows); expect(n).toBe(193); } });
    expect(reported.matrix).toEqual(plain.matrix);
    expect(seen[0]).toBe(0);
    expect(seen.length).toBeGreaterThan(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it("a run on a pipe prints nothing on stderr (in-process, stderr not a terminal)", async () => {
    let err = "";
    const code = await main(["run", join(ROOT, "graph-specs", "b-1k.json"), "--summary"], { out: () => {}, err: (s) => (err += s) });
    expect(code).toBe(0);
    expect(err).toBe("");
  });

  it.skipIf(spawnSync("script", ["--version"]).status !== 0)("on a terminal (script's pty) b-5k shows its rows, then erases the line", () => {
    ensureDist();
    const bin = join(ROOT, "bin", "hessflow.mjs");
    const r = spawnSync("script", ["-qec", `'${process.execPath}' '${bin}' run '${join(ROOT, "graph-specs", "b-5k.json")}' --summary --workers 1 > /dev/null`, "/dev/null"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\r\x1b\[2Khessflow: Hessian rows \d+\/4810 \(\d+%\)/);
    expect(r.stdout.endsWith("\r\x1b[2K")).toBe(true);
  }, 60_000);
});
