import { it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { decodePng, encodePng } from '../src/report/png.js';
it('crop', () => {
  for (const spec of (process.env.CROPS ?? '').split(';').filter(Boolean)) {
    const [src, dst, x, y, w, h] = spec.split(',');
    const p = decodePng(readFileSync(src));
    const [X, Y, W, H] = [x, y, w, h].map(Number);
    const out = new Uint8Array(W * H * 3);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let k = 0; k < 3; k++) out[(r * W + c) * 3 + k] = p.data[((Y + r) * p.width + X + c) * p.channels + k];
    writeFileSync(dst, encodePng(W, H, out));
  }
});
