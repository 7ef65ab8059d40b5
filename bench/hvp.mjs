// Hessian-vector products vs the full Hessian on b-1k: median ms (reported, not asserted).
// node bench/hvp.mjs [spec] (after npm run build)
import { readFileSync } from "node:fs";
import { Session, loadSpec } from "../dist/index.js";

const file = process.argv[2] ?? new URL("../graph-specs/b-1k.json", import.meta.url);
const spec = loadSpec(JSON.parse(readFileSync(file, "utf8")));
const { ys, xs } = spec.hessian;
const s = new Session(spec.graph);
const median = (a) => { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; };
async function time(label, f, reps = 21) {
  for (let i = 0; i < 5; i++) await f();
  const t = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); await f(); t.push(performance.now() - t0); }
  console.log(`${label.padEnd(48)} ${median(t).toFixed(2).padStart(9)} ms`);
}
const op = s.curvatureOperator(ys, xs, spec.feed);
const n = op.n;
const v1 = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const v16 = Float64Array.from({ length: 16 * n }, (_, i) => Math.sin(i));
console.log(`${file.toString().split("/").pop()}: n = ${n}`);
await time("full Hessian (session.hessian, 1 thread)", () => s.hessian(ys, xs, spec.feed, { workers: 1 }), 11);
await time("session.hvp, k = 1 (forward pass included)", () => s.hvp(ys, xs, spec.feed, v1));
await time("session.hvp, k = 16 (forward pass included)", () => s.hvp(ys, xs, spec.feed, v16, { count: 16 }));
await time("operator.apply, k = 1 (forward pass done)", () => op.apply(v1, 1));
await time("operator.apply, k = 16 (forward pass done)", () => op.apply(v16, 16));
await time("curvatureOperator (forward pass alone)", () => s.curvatureOperator(ys, xs, spec.feed));
