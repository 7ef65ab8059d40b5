// The one thing the matrix-free spectral algorithms need from a curvature matrix: products with vectors.
// The fast numeric Hessian-vector products (session.curvatureOperator) fit this interface, as do the
// symbolic operator (symbolic-operator.ts) and a dense matrix (below, for tests and small problems).

/** A symmetric n×n linear operator known only through products: `apply(V, count)` multiplies `count` vectors stored batch-major (count×n) and returns the products in the same layout. */
export interface LinearOperator {
  /** The dimension. */
  readonly n: number;
  /** Products with `count` vectors stored one after another in `vectors` (count×n); returns count×n. */
  apply(vectors: Float64Array, count: number): Float64Array | Promise<Float64Array>;
}

/** An operator that also counts its products (one per vector): what `hessflow spectrum` reports as `hvps`. */
export interface CountingOperator extends LinearOperator {
  /** Products with single vectors computed so far. */
  readonly hvps: number;
}

/** Wraps an operator so that it counts the vectors it is applied to. */
export function counting(op: LinearOperator): CountingOperator {
  let hvps = 0;
  return {
    n: op.n,
    get hvps() { return hvps; },
    apply(vectors, count) {
      hvps += count;
      return op.apply(vectors, count);
    },
  };
}

/** The operator of a dense symmetric row-major n×n matrix (n*n entries). */
export function denseOperator(h: Float64Array, n: number): LinearOperator {
  if (h.length !== n * n) throw new Error(`dense operator: ${h.length} entries, expected n*n = ${n * n}`);
  return {
    n,
    apply(vectors, count) {
      const out = new Float64Array(count * n);
      for (let c = 0; c < count; c++) {
        const v = vectors.subarray(c * n, c * n + n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          const row = i * n;
          for (let j = 0; j < n; j++) s += h[row + j] * v[j];
          out[c * n + i] = s;
        }
      }
      return out;
    },
  };
}

/** One variable's range [offset, offset + size) of the flattened parameter vector. */
export interface BlockRange { offset: number; size: number }

/**
 * The block-diagonal part of an operator (what tf.hessians keeps): for each block, the vector with every
 * other block zeroed is multiplied and only the block's rows of the product kept. One product per block
 * per vector: exact for any operator, at `blocks.length` times the cost of one product.
 */
export function blockDiagonalOperator(op: LinearOperator, blocks: readonly BlockRange[]): LinearOperator {
  const n = op.n;
  return {
    n,
    async apply(vectors, count) {
      const out = new Float64Array(count * n);
      const masked = new Float64Array(count * n);
      for (const b of blocks) {
        masked.fill(0);
        for (let c = 0; c < count; c++) masked.set(vectors.subarray(c * n + b.offset, c * n + b.offset + b.size), c * n + b.offset);
        const hv = await op.apply(masked, count);
        for (let c = 0; c < count; c++) out.set(hv.subarray(c * n + b.offset, c * n + b.offset + b.size), c * n + b.offset);
      }
      return out;
    },
  };
}
