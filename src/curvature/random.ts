// Seeded pseudo-random numbers for the stochastic spectral methods: the same seed gives the same numbers everywhere.
import * as libm from "../kernels/libm.js";

/** The seeded generator the initializers use (mulberry32): uniform numbers in [0, 1) from a 32-bit seed. */
export { mulberry32 } from "../graph/initializers.js";

/** A standard normal sample (Box–Muller) from a uniform generator. */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * libm.log(u)) * libm.cos(2 * Math.PI * rand());
}

/** Fills `out` with independent Rademacher signs (±1, equally likely). */
export function rademacher(rand: () => number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = rand() < 0.5 ? -1 : 1;
  return out;
}
