// Seeded pseudo-random numbers for the stochastic spectral methods: the same seed gives the same numbers everywhere.

/** A mulberry32 generator: returns uniform numbers in [0, 1) from a 32-bit seed, reproducibly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller) from a uniform generator. */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Fills `out` with independent Rademacher signs (±1, equally likely). */
export function rademacher(rand: () => number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = rand() < 0.5 ? -1 : 1;
  return out;
}
