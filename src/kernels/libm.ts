// Deterministic elementary functions: JavaScript ports of fdlibm (Sun's Freely Distributable Math Library,
// the one behind Java's StrictMath), as distributed in FreeBSD's msun. ECMAScript leaves the last bits of
// Math.exp, log, tanh, pow, cos … to each engine, so the same graph would give Hessians differing in the last
// bit between Node versions and browsers. These functions use only IEEE + − × ÷, comparisons and exact bit
// manipulation, which every engine does identically, so their results are the same bits everywhere.
// Each is the fdlibm algorithm line for line (error < 1 ulp), with JavaScript's special cases (Math.pow's
// NaN for 1 ** NaN and (±1) ** ±Infinity).
//
// The original sources carry this notice, preserved here as they ask:
// ====================================================
// Copyright (C) 1993, 2004 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

// Bit access. F64/U32 are one scratch 8-byte buffer seen as a double and as two 32-bit words: every function
// writes it and reads it back before returning, so it holds no state between calls (JavaScript runs one call
// at a time per realm). The word order follows the platform's byte order, detected once (HI is the index of
// the sign/exponent word: 1 on little-endian machines, 0 on big-endian ones).
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The high 32 bits (sign, exponent, top of the significand) of `x`, as a signed int32 (fdlibm's __HI). */
function hiWord(x: number): number {
  F64[0] = x;
  return U32[HI] | 0;
}

/** The low 32 bits of `x`'s significand, unsigned (fdlibm's __LO). */
function loWord(x: number): number {
  F64[0] = x;
  return U32[LO];
}

/** The double whose high and low words are `hi` and `lo` (fdlibm's INSERT_WORDS). */
function fromWords(hi: number, lo: number): number {
  U32[HI] = hi;
  U32[LO] = lo;
  return F64[0];
}

/** `x` with its high word replaced by `hi` (SET_HIGH_WORD). */
function withHi(x: number, hi: number): number {
  F64[0] = x;
  U32[HI] = hi;
  return F64[0];
}

/** `x` with its low word replaced by `lo` (SET_LOW_WORD). */
function withLo(x: number, lo: number): number {
  F64[0] = x;
  U32[LO] = lo;
  return F64[0];
}

const TWO54 = 1.8014398509481984e16; // 2^54
const TWOM54 = 5.55111512312578270212e-17; // 2^-54
const TWO53 = 9007199254740992; // 2^53
const TWOM1000 = 9.33263618503218878990e-302; // 2^-1000
const TWO1023 = 8.98846567431158e307; // 2^1023
const HUGE = 1e300;
const TINY = 1e-300;

const LN2_HI = 6.93147180369123816490e-01; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const INVLN2 = 1.44269504088896338700e+00; // 0x3ff71547 652b82fe

// exp
const O_THRESHOLD = 7.09782712893383973096e+02; // 0x40862E42 FEFA39EF
const U_THRESHOLD = -7.45133219101941108420e+02; // 0xc0874910 D52D3051
const P1 = 1.66666666666666019037e-01; // 0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-03; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-05; // 0x3F11566A AF25DE2C
const P4 = -1.65339022054652515390e-06; // 0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-08; // 0x3E663769 72BEA4D0

/** eˣ, fdlibm's __ieee754_exp: the same bits in every JavaScript engine, error < 1 ulp. */
export function exp(x: number): number {
  let hx = hiWord(x);
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) { // |x| >= 709.78…, or not finite
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | loWord(x)) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0; // exp(±Infinity) = Infinity, 0
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0, lo = 0, k = 0;
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2: reduce
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (xsb === 0) { hi = x - LN2_HI; lo = LN2_LO; k = 1; } else { hi = x + LN2_HI; lo = -LN2_LO; k = -1; }
    } else {
      k = (INVLN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^-28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * TWO1023;
    return y * fromWords(0x3ff00000 + (k << 20), 0);
  }
  return y * fromWords(0x3ff00000 + ((k + 1000) << 20), 0) * TWOM1000;
}

// log, log1p
const LG1 = 6.666666666666735130e-01; // 3FE55555 55555593
const LG2 = 3.999999999940941908e-01; // 3FD99999 9997FA04
const LG3 = 2.857142874366239149e-01; // 3FD24924 94229359
const LG4 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244

/** The natural logarithm, fdlibm's __ieee754_log: the same bits in every JavaScript engine, error < 1 ulp. */
export function log(x: number): number {
  F64[0] = x;
  let hx = U32[HI] | 0;
  const lx = U32[LO];
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHi(x, hx | (i ^ 0x3ff00000)); // normalise x or x/2
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) { // -2^-20 <= f < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** log(1 + x), accurate near 0 (fdlibm's log1p): the same bits in every JavaScript engine, error < 1 ulp. */
export function log1p(x: number): number {
  const hx = hiWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1, f = 0, c = 0, hu = 0;
  if (hx < 0x3fda827a) { // 1 + x < sqrt(2)+
    if (ax >= 0x3ff00000) { // x <= -1
      if (x === -1) return -Infinity;
      return NaN;
    }
    if (ax < 0x3e200000) { // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) { k = 0; f = x; hu = 1; } // sqrt(2)/2- <= 1+x < sqrt(2)+
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = hiWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1 - (u - x) : x - (u - 1); // correction term
      c /= u;
    } else {
      u = x;
      hu = hiWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) { // u ~< sqrt(2)
      u = withHi(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHi(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - (k * LN2_LO + c)) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - ((hfsq - (s * (hfsq + R) + (k * LN2_LO + c))) - f);
}

// expm1
const Q1 = -3.33333333333331316428e-02; // BFA11111 111110F4
const Q2 = 1.58730158725481460165e-03; // 3F5A01A0 19FE5585
const Q3 = -7.93650757867487942473e-05; // BF14CE19 9EAADBB7
const Q4 = 4.00821782732936239552e-06; // 3ED0CFCA 86E65239
const Q5 = -2.01099218183624371326e-07; // BE8AFDB7 6E09C32D

/** eˣ − 1, accurate near 0 (fdlibm's expm1): the same bits in every JavaScript engine, error < 1 ulp. */
export function expm1(x: number): number {
  let hx = hiWord(x);
  const xsb = hx & 0x80000000;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) { // |x| >= 56 ln2, or not finite
    if (hx >= 0x40862e42) { // |x| >= 709.78…
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | loWord(x)) !== 0) return x + x; // NaN
        return xsb === 0 ? x : -1;
      }
      if (x > O_THRESHOLD) return Infinity;
    }
    if (xsb !== 0) return TINY - 1; // x < -56 ln2: -1
  }
  let k = 0, c = 0;
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    let hi: number, lo: number;
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (xsb === 0) { hi = x - LN2_HI; lo = LN2_LO; k = 1; } else { hi = x + LN2_HI; lo = -LN2_LO; k = -1; }
    } else {
      k = (INVLN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) { // |x| < 2^-54
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) { // exp(x) - 1 suffices
    let y = 1 - (e - x);
    y = k === 1024 ? y * 2 * TWO1023 : y * fromWords(0x3ff00000 + (k << 20), 0);
    return y - 1;
  }
  const twopk = fromWords(0x3ff00000 + (k << 20), 0);
  if (k < 20) {
    t = fromWords(0x3ff00000 - (0x200000 >> k), 0); // 1 - 2^-k
    return (t - (e - x)) * twopk;
  }
  t = fromWords((0x3ff - k) << 20, 0); // 2^-k
  return (x - (e + t) + 1) * twopk;
}

/** The hyperbolic tangent (fdlibm's tanh, through expm1): the same bits in every JavaScript engine. */
export function tanh(x: number): number {
  const jx = hiWord(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1 / x + 1 : 1 / x - 1; // ±1, or NaN
  let z: number;
  if (ix < 0x40360000) { // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    if (ix >= 0x3ff00000) { // |x| >= 1
      const t = expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1 - TINY; // 1
  }
  return jx >= 0 ? z : -z;
}

/** x · 2ⁿ with one rounding (fdlibm's scalbn), for pow's subnormal results. */
function scalbn(x: number, n: number): number {
  let hx = hiWord(x);
  let k = (hx & 0x7ff00000) >> 20;
  if (k === 0) { // 0 or subnormal
    if ((loWord(x) | (hx & 0x7fffffff)) === 0) return x;
    x *= TWO54;
    hx = hiWord(x);
    k = ((hx & 0x7ff00000) >> 20) - 54;
  }
  if (k === 0x7ff) return x + x;
  k += n;
  if (k > 0x7fe) return x > 0 ? Infinity : -Infinity;
  if (k > 0) return withHi(x, (hx & 0x800fffff) | (k << 20));
  if (k <= -54) return x > 0 ? 0 : -0;
  return withHi(x, (hx & 0x800fffff) | ((k + 54) << 20)) * TWOM54;
}

// pow
const BP = [1.0, 1.5] as const;
const DP_H = [0.0, 5.84962487220764160156e-01] as const; // 0x3FE2B803 40000000
const DP_L = [0.0, 1.35003920212974897128e-08] as const; // 0x3E4CFDEB 43CFD006
const L1 = 5.99999999999994648725e-01; // 0x3FE33333 33333303
const L2 = 4.28571428578550184252e-01; // 0x3FDB6DB6 DB6FABFF
const L3 = 3.33333329818377432918e-01; // 0x3FD55555 518F264D
const L4 = 2.72728123808534006489e-01; // 0x3FD17460 A91D4101
const L5 = 2.30660745775561754067e-01; // 0x3FCD864A 93C9DB65
const L6 = 2.06975017800338417784e-01; // 0x3FCA7E28 4A454EEF
const LG2_ = 6.93147180559945286227e-01; // 0x3FE62E42 FEFA39EF
const LG2_H = 6.93147182464599609375e-01; // 0x3FE62E43 00000000
const LG2_L = -1.90465429995776804525e-09; // 0xBE205C61 0CA86C39
const OVT = 8.0085662595372944372e-17; // -(1024 - log2(ovfl + .5ulp))
const CP = 9.61796693925975554329e-01; // 0x3FEEC709 DC3A03FD = 2/(3 ln2)
const CP_H = 9.61796700954437255859e-01; // 0x3FEEC709 E0000000
const CP_L = -7.02846165095275826516e-09; // 0xBE3E2FE0 145B01F5
const IVLN2 = 1.44269504088896338700e+00; // 0x3FF71547 652B82FE
const IVLN2_H = 1.44269502162933349609e+00; // 0x3FF71547 60000000
const IVLN2_L = 1.92596299112661746887e-08; // 0x3E54AE0B F85DDF44

/** xʸ (fdlibm's __ieee754_pow, with JavaScript's NaN for y = NaN and for (±1) ** ±Infinity): the same bits everywhere. */
export function pow(x: number, y: number): number {
  F64[0] = x;
  const hx = U32[HI] | 0, lx = U32[LO];
  F64[0] = y;
  const hy = U32[HI] | 0, ly = U32[LO];
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;
  if ((iy | ly) === 0) return 1; // x ** ±0 = 1, even for NaN
  if (y !== y) return NaN; // JavaScript: 1 ** NaN is NaN too
  if (hx === 0x3ff00000 && lx === 0) return iy === 0x7ff00000 ? NaN : 1; // 1 ** ±Infinity is NaN in JavaScript
  if (x !== x) return NaN;

  // yisint: 0 when y is not an integer, 1 for an odd integer, 2 for an even one (only needed when x < 0).
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      const k = (iy >> 20) - 0x3ff;
      if (k > 20) {
        const j = ly >>> (52 - k);
        if (((j << (52 - k)) >>> 0) === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }

  if (ly === 0) {
    if (iy === 0x7ff00000) { // y = ±Infinity
      if (((ix - 0x3ff00000) | lx) === 0) return NaN; // (-1) ** ±Infinity
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0; // |x| > 1
      return hy < 0 ? -y : 0; // |x| < 1
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y = ±1
    if (hy === 0x40000000) return x * x; // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y = 0.5, x >= +0
  }

  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) { // x = ±0, ±Infinity, ±1
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = NaN; // (-1) ** non-integer
      else if (yisint === 1) z = -z;
    }
    return z;
  }

  let n = (hx >>> 31) - 1;
  if ((n | yisint) === 0) return NaN; // (x < 0) ** non-integer
  const s = (n | (yisint - 1)) === 0 ? -1 : 1; // sign of the result

  let t1: number, t2: number;
  if (iy > 0x41e00000) { // |y| > 2^31
    if (iy > 0x43f00000) { // |y| > 2^64: over- or underflow
      if (ix <= 0x3fefffff) return hy < 0 ? Infinity : 0;
      if (ix >= 0x3ff00000) return hy > 0 ? Infinity : 0;
    }
    if (ix < 0x3fefffff) return hy < 0 ? s * HUGE * HUGE : s * TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? s * HUGE * HUGE : s * TINY * TINY;
    // |1 - x| <= 2^-20: log(x) by x - x²/2 + x³/3 - x⁴/4
    const t = ax - 1;
    const w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = withLo(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) { ax *= TWO53; n -= 53; ix = hiWord(ax); } // subnormal x
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    let k: 0 | 1;
    ix = j | 0x3ff00000; // normalise
    if (j <= 0x3988e) k = 0; // |x| < sqrt(3/2)
    else if (j < 0xbb67a) k = 1; // |x| < sqrt(3)
    else { k = 0; n += 1; ix -= 0x00100000; }
    ax = withHi(ax, ix);
    // ss = s_h + s_l = (x - 1)/(x + 1) or (x - 1.5)/(x + 1.5)
    let u = ax - BP[k];
    let v = 1 / (ax + BP[k]);
    const ss = u * v;
    const sH = withLo(ss, 0);
    let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0); // ax + bp[k], high part
    let tL = ax - (tH - BP[k]);
    const sL = v * ((u - sH * tH) - sH * tL);
    // log(ax)
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = withLo(3 + s2 + r, 0);
    tL = r - ((tH - 3) - s2);
    u = sH * tH;
    v = sL * tH + tL * ss;
    const pH = withLo(u + v, 0);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k];
    const t = n;
    t1 = withLo(((zH + zL) + DP_H[k]) + t, 0);
    t2 = zL - (((t1 - t) - DP_H[k]) - zH);
  }

  // (y1 + y2) * (t1 + t2)
  const y1 = withLo(y, 0);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  let j = hiWord(z);
  let i = loWord(z);
  if (j >= 0x40900000) { // z >= 1024
    if (((j - 0x40900000) | i) !== 0) return s * HUGE * HUGE;
    if (pL + OVT > z - pH) return s * HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) { // z <= -1075
    if (((j - (0xc090cc00 | 0)) | i) !== 0) return s * TINY * TINY;
    if (pL <= z - pH) return s * TINY * TINY;
  }
  // 2 ** (pH + pL)
  i = j & 0x7fffffff;
  let k = (i >> 20) - 0x3ff;
  n = 0;
  if (i > 0x3fe00000) { // |z| > 0.5: n = [z + 0.5]
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  const t = withLo(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2_ + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  const tt = z * z;
  t1 = z - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const r = (z * t1) / (t1 - 2) - (w + z * w);
  z = 1 - (r - z);
  j = hiWord(z) + (n << 20);
  z = j >> 20 <= 0 ? scalbn(z, n) : withHi(z, j);
  return s * z;
}

// sin, cos: fdlibm's kernels on [-π/4, π/4] after reduction by π/2: Cody–Waite (the "medium" path of
// __ieee754_rem_pio2) for |x| < 2^20·π/2, Payne–Hanek (__kernel_rem_pio2, with 2/π to 1,584 bits) beyond.
const S1 = -1.66666666666666324348e-01; // 0xBFC55555 55555549
const S2 = 8.33333333332248946124e-03; // 0x3F811111 1110F8A6
const S3 = -1.98412698298579493134e-04; // 0xBF2A01A0 19C161D5
const S4 = 2.75573137070700676789e-06; // 0x3EC71DE3 57B1FE7D
const S5 = -2.50507602534068634195e-08; // 0xBE5AE5E6 8A2B9CEB
const S6 = 1.58969099521155010221e-10; // 0x3DE5D93A 5ACFD57C
const C1 = 4.16666666666666019037e-02; // 0x3FA55555 5555554C
const C2 = -1.38888888888741095749e-03; // 0xBF56C16C 16C15177
const C3 = 2.48015872894767294178e-05; // 0x3EFA01A0 19CB1590
const C4 = -2.75573143513906633035e-07; // 0xBE927E4F 809C52AD
const C5 = 2.08757232129817482790e-09; // 0x3E21EE9E BDB4B1C4
const C6 = -1.13596475577881948265e-11; // 0xBDA8FAE9 BE8838D4
const INVPIO2 = 6.36619772367581382433e-01; // 0x3FE45F30 6DC9C883
const PIO2_1 = 1.57079632673412561417e+00; // 0x3FF921FB 54400000
const PIO2_1T = 6.07710050650619224932e-11; // 0x3DD0B461 1A626331
const PIO2_2 = 6.07710050630396597660e-11; // 0x3DD0B461 1A600000
const PIO2_2T = 2.02226624879595063154e-21; // 0x3BA3198A 2E037073
const PIO2_3 = 2.02226624871116645580e-21; // 0x3BA3198A 2E000000
const PIO2_3T = 8.47842766036889956997e-32; // 0x397B839A 252049C1
const TWO52x15 = 6755399441055744; // 0x1.8p52, for round-to-nearest-integer
const TWO24 = 16777216; // 2^24
const TWON24 = 5.9604644775390625e-8; // 2^-24

/** 2/π in 24-bit chunks: IPIO2[i] is bits 24i … 24i+23 after the binary point (enough for every double). */
const IPIO2 = [
  0xa2f983, 0x6e4e44, 0x1529fc, 0x2757d1, 0xf534dd, 0xc0db62, 0x95993c, 0x439041, 0xfe5163, 0xabdebb, 0xc561b7,
  0x246e3a, 0x424dd2, 0xe00649, 0x2eea09, 0xd1921c, 0xfe1deb, 0x1cb129, 0xa73ee8, 0x8235f5, 0x2ebb44, 0x84e99c,
  0x7026b4, 0x5f7e41, 0x3991d6, 0x398353, 0x39f49c, 0x845f8b, 0xbdf928, 0x3b1ff8, 0x97ffde, 0x05980f, 0xef2f11,
  0x8b5a0a, 0x6d1f6d, 0x367ecf, 0x27cb09, 0xb74f46, 0x3f669e, 0x5fea2d, 0x7527ba, 0xc7ebe5, 0xf17b3d, 0x0739f7,
  0x8a5292, 0xea6bfb, 0x5fb11f, 0x8d5d08, 0x560330, 0x46fc7b, 0x6babf0, 0xcfbc20, 0x9af436, 0x1da9e3, 0x91615e,
  0xe61b08, 0x659985, 0x5f14a0, 0x68408d, 0xffd880, 0x4d7327, 0x310606, 0x1556ca, 0x73a8c9, 0x60e27b, 0xc08c6b,
] as const;

/** π/2 in 24-bit pieces (each exact, the next one's leading bit where the previous ends). */
const PIO2_24 = [
  1.57079625129699707031e+00, 7.54978941586159635335e-08, 5.39030252995776476554e-15, 3.28200341580791294123e-22,
  1.27065575308067607349e-29, 1.22933308981111328932e-36, 2.73370053816464559624e-44, 2.16741683877804819444e-51,
] as const;

/** sin(x + y) for |x| ≤ π/4, y the tail of x (fdlibm's __kernel_sin; iy = 0 when y is 0). */
function kernelSin(x: number, y: number, iy: number): number {
  if ((hiWord(x) & 0x7fffffff) < 0x3e400000) return x; // |x| < 2^-27
  const z = x * x, v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return iy === 0 ? x + v * (S1 + z * r) : x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** cos(x + y) for |x| ≤ π/4, y the tail of x (fdlibm 5.3's __kernel_cos). */
function kernelCos(x: number, y: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // x/4, its low word cleared
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

/** The quadrant n and remainder y0 + y1 of x = n·π/2 + y, |y| ≤ π/4, for |x| < 2^20·π/2 (ix: |x|'s high word). */
function reduceMedium<T>(x: number, ix: number, then: (n: number, y0: number, y1: number) => T): T {
  const fn = (x * INVPIO2 + TWO52x15) - TWO52x15;
  const n = fn | 0;
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T; // first round, good to 85 bits
  const j = ix >> 20;
  let y0 = r - w;
  let i = j - ((hiWord(y0) >> 20) & 0x7ff);
  if (i > 16) { // second round, good to 118 bits
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - ((t - r) - w);
    y0 = r - w;
    i = j - ((hiWord(y0) >> 20) & 0x7ff);
    if (i > 49) { // third round, 151 bits
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - ((t - r) - w);
      y0 = r - w;
    }
  }
  return then(n, y0, (r - y0) - w);
}

/**
 * The same for finite |x| ≥ 2^20·π/2 (fdlibm's __ieee754_rem_pio2 large case and __kernel_rem_pio2 at double
 * precision): |x| as three 24-bit pieces times 2/π, skipping the part of the product that is ≡ 0 mod 8.
 */
function reduceLarge<T>(x: number, then: (n: number, y0: number, y1: number) => T): T {
  const hx = hiWord(x), ix = hx & 0x7fffffff;
  const e0 = (ix >> 20) - 1046; // ilogb(x) - 23
  let z = fromWords(ix - (e0 << 20), loWord(x)); // |x| · 2^-e0, in [2^23, 2^24)
  const xs = [0, 0, 0];
  for (let i = 0; i < 2; i++) { xs[i] = z | 0; z = (z - xs[i]) * TWO24; }
  xs[2] = z;
  let nx = 3;
  while (xs[nx - 1] === 0) nx--;

  const jk = 4, jx = nx - 1;
  const jv = Math.max(0, ((e0 - 3) / 24) | 0);
  let q0 = e0 - 24 * (jv + 1);
  const f = new Float64Array(20), q = new Float64Array(20), fq = new Float64Array(20), iq = new Int32Array(20);
  for (let i = 0, j = jv - jx; i <= jx + jk; i++, j++) f[i] = j < 0 ? 0 : IPIO2[j];
  for (let i = 0; i <= jk; i++) { let fw = 0; for (let j = 0; j <= jx; j++) fw += xs[j] * f[jx + i - j]; q[i] = fw; }
  let jz = jk, n = 0, ih = 0;
  for (;;) {
    // distill q[] into iq[], reversed
    z = q[jz];
    for (let i = 0, j = jz; j > 0; i++, j--) {
      const fw = (TWON24 * z) | 0;
      iq[i] = (z - TWO24 * fw) | 0;
      z = q[j - 1] + fw;
    }
    z = scalbn(z, q0);
    z -= 8 * Math.floor(z * 0.125); // drop multiples of 8
    n = z | 0;
    z -= n;
    ih = 0;
    if (q0 > 0) { // iq[jz-1] holds bits of n
      const i = iq[jz - 1] >> (24 - q0);
      n += i;
      iq[jz - 1] -= i << (24 - q0);
      ih = iq[jz - 1] >> (23 - q0);
    } else if (q0 === 0) ih = iq[jz - 1] >> 23;
    else if (z >= 0.5) ih = 2;
    if (ih > 0) { // fraction ≥ 0.5: take 1 − fraction
      n += 1;
      let carry = 0;
      for (let i = 0; i < jz; i++) {
        const j = iq[i];
        if (carry === 0) { if (j !== 0) { carry = 1; iq[i] = 0x1000000 - j; } } else iq[i] = 0xffffff - j;
      }
      if (q0 === 1) iq[jz - 1] &= 0x7fffff;
      else if (q0 === 2) iq[jz - 1] &= 0x3fffff;
      if (ih === 2) { z = 1 - z; if (carry !== 0) z -= scalbn(1, q0); }
    }
    if (z !== 0) break;
    let j = 0;
    for (let i = jz - 1; i >= jk; i--) j |= iq[i];
    if (j !== 0) break;
    // cancellation: recompute with more terms of 2/π
    let k = 1;
    while (iq[jk - k] === 0) k++;
    for (let i = jz + 1; i <= jz + k; i++) {
      f[jx + i] = IPIO2[jv + i];
      let fw = 0;
      for (let jj = 0; jj <= jx; jj++) fw += xs[jj] * f[jx + i - jj];
      q[i] = fw;
    }
    jz += k;
  }
  if (z === 0) { // chop off zero terms
    jz -= 1;
    q0 -= 24;
    while (iq[jz] === 0) { jz--; q0 -= 24; }
  } else { // break z into 24-bit pieces if needed
    z = scalbn(z, -q0);
    if (z >= TWO24) {
      const fw = (TWON24 * z) | 0;
      iq[jz] = (z - TWO24 * fw) | 0;
      jz += 1;
      q0 += 24;
      iq[jz] = fw;
    } else iq[jz] = z | 0;
  }
  let fw = scalbn(1, q0);
  for (let i = jz; i >= 0; i--) { q[i] = fw * iq[i]; fw *= TWON24; }
  for (let i = jz; i >= 0; i--) {
    fw = 0;
    for (let k = 0; k <= jk && k <= jz - i; k++) fw += PIO2_24[k] * q[i + k];
    fq[jz - i] = fw;
  }
  fw = 0;
  for (let i = jz; i >= 0; i--) fw += fq[i];
  const y0 = ih === 0 ? fw : -fw;
  fw = fq[0] - fw;
  for (let i = 1; i <= jz; i++) fw += fq[i];
  const y1 = ih === 0 ? fw : -fw;
  n &= 7;
  return hx < 0 ? then(-n, -y0, -y1) : then(n, y0, y1);
}

const SIN_QUADRANT = (n: number, y0: number, y1: number): number => {
  switch (n & 3) {
    case 0: return kernelSin(y0, y1, 1);
    case 1: return kernelCos(y0, y1);
    case 2: return -kernelSin(y0, y1, 1);
    default: return -kernelCos(y0, y1);
  }
};

const COS_QUADRANT = (n: number, y0: number, y1: number): number => {
  switch (n & 3) {
    case 0: return kernelCos(y0, y1);
    case 1: return -kernelSin(y0, y1, 1);
    case 2: return -kernelCos(y0, y1);
    default: return kernelSin(y0, y1, 1);
  }
};

/** sin x (fdlibm): the same bits in every JavaScript engine, error < 1 ulp, for every double. */
export function sin(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0); // |x| ~<= π/4
  if (ix >= 0x7ff00000) return NaN;
  return ix < 0x413921fb ? reduceMedium(x, ix, SIN_QUADRANT) : reduceLarge(x, SIN_QUADRANT);
}

/** cos x (fdlibm): the same bits in every JavaScript engine, error < 1 ulp, for every double. */
export function cos(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0); // |x| ~<= π/4
  if (ix >= 0x7ff00000) return NaN;
  return ix < 0x413921fb ? reduceMedium(x, ix, COS_QUADRANT) : reduceLarge(x, COS_QUADRANT);
}

/** √(a² + b²) without overflow, deterministic (Math.hypot's rounding is engine-defined): m·√(1 + (n/m)²). */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x === Infinity || y === Infinity) return Infinity;
  if (x !== x || y !== y) return NaN;
  const m = x > y ? x : y, n = x > y ? y : x;
  if (m === 0) return 0;
  const r = n / m;
  return m * Math.sqrt(1 + r * r);
}

/** The deterministic functions by Math name, for the compiled kernels (`libm.exp(x)` in a kernel expression). */
export const LIBM: Readonly<{ exp: typeof exp; log: typeof log; log1p: typeof log1p; expm1: typeof expm1; tanh: typeof tanh; pow: typeof pow }> =
  Object.freeze({ exp, log, log1p, expm1, tanh, pow });
