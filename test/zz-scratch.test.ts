import { it } from "vitest";
import { Graph, Session, tanh, reduceSum } from "../src/index.js";
import { computeHessian } from "../src/session/hessian-runner.js";
it("scratch", async () => {
  const g = new Graph();
  const x = g.variable([[1, 2], [3, 4]], "x");
  const y = reduceSum(tanh(x));
  const s = new Session(g);
  try { const r = await computeHessian(s, y, [x], new Map(), { mode: "batched" }); console.log(r.matrix); } catch (e) { console.log((e as Error).stack); }
  try { const r = await computeHessian(s, y, [x], new Map(), { mode: "batched", batch: 64 }); console.log(r.matrix); } catch (e) { console.log((e as Error).stack); }
  try { const r = await computeHessian(s, y, [x], new Map(), { mode: "batched", batch: undefined }); console.log(r.matrix); } catch (e) { console.log((e as Error).stack); }
});
