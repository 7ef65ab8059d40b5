import { it } from 'vitest';
import { writeFileSync, mkdirSync } from 'node:fs';
import { compareHessians } from '../src/report/compare.js';
import { reportHtml } from '../src/report/html.js';
import { heatmapsSvg } from '../src/report/svg.js';
import { layout, referenceInput, rng } from './report-fixtures.js';
function synth(shapes: { name: string; shape: number[] }[], seed: number) {
  const xs = layout(shapes); const n = xs.reduce((a, x) => a + x.size, 0); const r = rng(seed);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = (Math.sin(i * 0.05) * Math.cos(j * 0.031) + 0.3 * r()) * (i === j ? 3 : 1) * Math.exp(-Math.abs(i - j) / n * 3); h[i * n + j] = v; h[j * n + i] = v; }
  return { n, xs, hessian: h, gradient: Float64Array.from({ length: n }, r) };
}
it('show', () => {
  mkdirSync('/tmp/hfshow', { recursive: true });
  for (const name of ['seed', 'tanh-3layer']) {
    const input = referenceInput(name);
    writeFileSync(`/tmp/hfshow/${name}.html`, reportHtml(input, compareHessians(input), { name, description: 'demo <test> & stuff' }));
  }
  const b200 = synth([{ name: 'w1', shape: [16, 10] }, { name: 'b1', shape: [16, 1] }, { name: 'w2', shape: [1, 16] }, { name: 'b2', shape: [1, 1] }], 5);
  writeFileSync('/tmp/hfshow/b200.html', reportHtml(b200, compareHessians(b200), { name: 'b-200 synthetic' }));
  const big = synth([{ name: 'w1', shape: [32, 20] }, { name: 'b1', shape: [32, 1] }, { name: 'w2', shape: [16, 32] }, { name: 'b2', shape: [16, 1] }, { name: 'w3', shape: [1, 16] }, { name: 'b3', shape: [1, 1] }], 9);
  const t = Date.now(); const svg = heatmapsSvg(big); console.log('svg ms', Date.now() - t, 'bytes', svg.length);
  writeFileSync('/tmp/hfshow/big.html', `<!DOCTYPE html><html><body style="margin:0">${svg}</body></html>`);
});
