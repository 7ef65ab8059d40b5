// The public API is exactly the documented list (README "The API"); internals are reachable only
// through "hessflow/internal" (src/internal.ts), which the package's "exports" map names.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBrowserBuild } from "./dist.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Every value the package's main entry exports, sorted (types are not values and do not appear). */
const PUBLIC = [
  "FeedError", "Graph", "GraphError", "HessflowError", "Node", "ResourceError", "Session", "ShapeError", "SpecError",
  "add", "checkGradients", "compareHessians", "computeHessian", "concat", "divide", "exp", "flatLayout", "flatten",
  "fromNested", "gradients", "hessian", "hessians", "identity", "loadSpec", "log", "logSoftmax", "matmul", "multiply",
  "negative", "readSpecFile", "reduceMean", "reduceSum", "relu", "reshape", "runSpec", "sigmoid", "slice", "softmax",
  "softmaxCrossEntropyWithLogits", "softplus", "square", "squaredDifference", "stopGradient", "subtract", "tanh",
  "tensor", "toNested", "transpose", "reduceMax", "maximum",
  "abs", "sqrt", "minimum", "reduceMin", "leakyRelu", "elu", "pow", "nodeThreads",
  "hessianVectorProduct", "gaussNewtonMatrix",
  "sigmoidCrossEntropyWithLogits", "sparseSoftmaxCrossEntropyWithLogits", "oneHot", "l2Loss", "jacobian",
  "assign", "assignAdd", "assignSub", "group", "trainableVariables", "Saver", "GradientDescentOptimizer",
  "MomentumOptimizer", "AdamOptimizer", "newtonStep", "applyStep",
].sort();

/** Builders that gradients() uses internally: not public, but in hessflow/internal. */
const INTERNAL_BUILDERS = ["tanhGrad", "sigmoidGrad", "sumToLike", "broadcastLike", "reductionSize", "zeros", "onesLike", "expandDims", "reshapeLike", "pad", "step"];

describe("the public API", () => {
  it("src/index.ts exports exactly the documented list", async () => {
    expect(Object.keys(await import("../src/index.js")).sort()).toEqual(PUBLIC);
  });

  it("the README's API section names every public export, and hessflow/internal", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const api = readme.slice(readme.indexOf("### The API"), readme.indexOf("## The command line"));
    for (const name of PUBLIC) expect(api, name).toMatch(new RegExp("`(new |await )?" + name + "\\b"));
    expect(api).toContain("hessflow/internal");
  });

  it("src/internal.ts has the public API plus the internal builders, the op registry and the checker's pieces", async () => {
    const internal = await import("../src/internal.js");
    for (const name of [...PUBLIC, ...INTERNAL_BUILDERS, "OPS", "graphOf", "finiteDifferenceJacobian", "mulberry32"]) expect(internal, name).toHaveProperty(name);
    const index = await import("../src/index.js");
    for (const name of INTERNAL_BUILDERS) expect(index, name).not.toHaveProperty(name);
    expect((internal as Record<string, unknown>).add).toBe(index.add);
  });
});

describe("the package's exports map", () => {
  beforeAll(() => ensureBrowserBuild(), 120_000);

  it("names '.', './internal', './browser' and './package.json', each with types", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.exports).toEqual({
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./internal": { types: "./dist/internal.d.ts", default: "./dist/internal.js" },
      "./browser": { types: "./dist/browser.d.ts", default: "./dist/browser/browser.js" },
      "./package.json": "./package.json",
    });
  });

  it("'hessflow', 'hessflow/internal' and 'hessflow/browser' resolve (Node's self-reference) and deep imports are closed", () => {
    const script = `
      const pub = await import("hessflow");
      const internal = await import("hessflow/internal");
      const browser = await import("hessflow/browser");
      let deep = "open";
      try { await import("hessflow/dist/graph/builders.js"); } catch (e) { deep = e.code; }
      console.log(JSON.stringify({ pub: "tanhGrad" in pub, internal: "tanhGrad" in internal, check: typeof pub.checkGradients, browser: typeof browser.loadSpecAsync, nodeThreads: "nodeThreads" in browser, deep }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ pub: false, internal: true, check: "function", browser: "function", nodeThreads: false, deep: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
  });
});
