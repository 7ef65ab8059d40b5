import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compareHessians } from "../src/report/compare.js";
import { crc32, decodePng, encodePng } from "../src/report/png.js";
import { divergingColor, heatmapsSvg, niceTicks, spectraSvg } from "../src/report/svg.js";
import type { HessianInput } from "../src/report/types.js";
import { layout, referenceInput, rng } from "./report-fixtures.js";

/** PNG with an explicit filter type per row, to exercise the decoder's unfiltering. */
function pngWithFilters(w: number, h: number, px: Uint8Array, ch: 3 | 4, filters: number[]): Uint8Array {
  const stride = w * ch, raw = new Uint8Array((stride + 1) * h);
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  for (let y = 0; y < h; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const cur = px[y * stride + x], a = x >= ch ? px[y * stride + x - ch] : 0, b = y ? px[(y - 1) * stride + x] : 0, c = y && x >= ch ? px[(y - 1) * stride + x - ch] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f];
      raw[y * (stride + 1) + 1 + x] = (cur - pred) & 0xff;
    }
  }
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const len = Buffer.alloc(4), crc = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr.set([8, ch === 3 ? 2 : 6, 0, 0, 0], 8);
  const idat = deflateSync(raw);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", idat.subarray(0, 10)), chunk("IDAT", idat.subarray(10)), chunk("IEND", new Uint8Array(0))]);
}

describe("PNG encode/decode", () => {
  const r = rng(11);
  for (const ch of [3, 4] as const) {
    const px = Uint8Array.from({ length: 7 * 5 * ch }, () => Math.floor((r() + 1) * 128));
    it(`round-trips ${ch}-channel pixels`, () => {
      expect(decodePng(encodePng(7, 5, px, ch))).toEqual({ width: 7, height: 5, channels: ch, data: px });
    });
    it(`undoes filter types 0-4 (${ch} channels, split IDAT)`, () => {
      expect(decodePng(pngWithFilters(7, 5, px, ch, [0, 1, 2, 3, 4])).data).toEqual(px);
    });
  }
  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("IEND"))).toBe(0xae426082);
  });
});

describe("colour scale", () => {
  it("is blue-white-red and symmetric", () => {
    expect(divergingColor(0, 2)).toEqual([255, 255, 255]);
    expect(divergingColor(2, 2)).toEqual([178, 24, 43]);
    expect(divergingColor(-5, 2)).toEqual([33, 102, 172]);
    const [a, b] = [divergingColor(1, 2), divergingColor(-1, 2)];
    expect(a[0]).toBeGreaterThan(a[2]);
    expect(b[2]).toBeGreaterThan(b[0]);
    expect(niceTicks(-5.8, 11.2)).toEqual([-5, 0, 5, 10]);
    expect(niceTicks(-0.49, 2.3)).toEqual([0, 0.5, 1, 1.5, 2]);
  });
});

describe("heatmapsSvg", () => {
  const seed = referenceInput("seed");

  it("draws small matrices as rects with block lines, labels, titles and a legend", () => {
    const svg = heatmapsSvg(seed, compareHessians(seed));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect x=[^>]*><title>/g)).toHaveLength(3 * 121);
    expect(svg.match(/<line [^>]*stroke="#222"/g)).toHaveLength(3 * 3 * 2); // 3 block boundaries per panel, both directions
    expect(svg).toContain("Exact Hessian H");
    expect(svg).toContain("tf.hessians-style B");
    expect(svg).toContain("85.4% of");
    expect(svg).toContain('fill="#b2182b"'); // the largest entry (positive) is fully red
    expect(svg).toContain("w1[0,1], w2[0,0]: 6.231563208312979");
    for (const name of ["w1", "b1", "w2", "b2"]) expect(svg.match(new RegExp(`>${name}</text>`, "g"))!.length).toBe(6);
    expect(svg).toContain(">-6.232</text>");
    expect(svg).toContain(">6.232</text>");
    expect(svg).not.toMatch(/href="(?!data:)|url\((?!#)|@import|<script/);
    expect(svg.match(/<[a-zA-Z]/g)!.length).toBe(svg.match(/<\/[a-zA-Z]+>|\/>/g)!.length); // tags balance
    expect(/[^\x00-\x7f]/.test(svg)).toBe(false); // ASCII only: safe in any encoding
  });

  it("embeds a PNG raster for large n whose pixels are the entries", () => {
    const r = rng(3), xs = layout([{ name: "w", shape: [6, 5] }, { name: "b", shape: [20] }]), n = 50;
    const h = new Float64Array(n * n).map(() => r());
    const input: HessianInput = { n, xs, hessian: h };
    const images = (svg: string) => [...svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => decodePng(Buffer.from(m[1], "base64")));
    let scale = 0;
    for (const v of h) scale = Math.max(scale, Math.abs(v));
    const svg = heatmapsSvg(input, undefined, { rectLimit: 10 });
    expect(svg).not.toContain("<title>");
    const [exact, tf, diff] = images(svg);
    expect(exact.width).toBe(50);
    const px = (p: typeof exact, i: number, j: number) => Array.from(p.data.subarray((i * p.width + j) * 3, (i * p.width + j) * 3 + 3));
    expect(px(exact, 3, 40)).toEqual(divergingColor(h[3 * n + 40], scale));
    expect(px(tf, 3, 40)).toEqual([255, 255, 255]); // w-b block: dropped
    expect(px(diff, 3, 40)).toEqual(divergingColor(h[3 * n + 40], scale));
    expect(px(tf, 35, 40)).toEqual(divergingColor(h[35 * n + 40], scale));
    expect(px(diff, 35, 40)).toEqual([255, 255, 255]);

    const pooled = images(heatmapsSvg(input, undefined, { rectLimit: 10, maxRaster: 20 }))[0];
    expect(pooled.width).toBe(17); // 50 entries in bins of 3
    let best = 0;
    for (let i = 3; i < 6; i++) for (let j = 6; j < 9; j++) if (Math.abs(h[i * n + j]) > Math.abs(best)) best = h[i * n + j];
    expect(px(pooled, 1, 2)).toEqual(divergingColor(best, scale));
  });
});

describe("spectraSvg", () => {
  it("plots both spectra with the negative eigenvalues marked", () => {
    const seed = referenceInput("seed");
    const svg = spectraSvg(compareHessians(seed));
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/class="negative"/g)).toHaveLength(2); // only the exact Hessian's two
    expect(svg).toContain("exact H: 2 negative");
    expect(svg).toContain("tf.hessians-style B: 0 negative");
    expect(svg).toContain("stroke-dasharray"); // zero line
  });
});

describe("colourScale", () => {
  it("uses max |entry| when nothing dwarfs the rest, and the 99th percentile when a few entries would wash the picture out", async () => {
    const { colourScale } = await import("../src/report/svg.js");
    const even = Float64Array.from({ length: 900 }, (_, i) => Math.sin(i) * 0.5);
    const e = colourScale(even);
    expect(e.scale).toBe(e.max);
    const spiky = Float64Array.from({ length: 900 }, (_, i) => (i === 0 ? 100 : i % 7 === 0 ? -0.01 : 0.02 * Math.cos(i)));
    const s = colourScale(spiky);
    expect(s.max).toBe(100);
    expect(s.scale).toBeLessThan(0.03);
    expect(s.scale).toBeGreaterThan(0.015);
  });
});
