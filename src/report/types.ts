/** One variable's slice of the flattened parameter vector (C-order flattening). */
export interface VariableBlock {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** A full Hessian (n*n row-major, flatten order of xs) with its variable layout and optional gradient. */
export interface HessianInput {
  n: number;
  xs: VariableBlock[];
  hessian: Float64Array;
  gradient?: Float64Array;
}

/** Sign counts of a spectrum; zero means |λ| ≤ 1e-9·max|λ|. */
export interface Inertia {
  negative: number;
  zero: number;
  positive: number;
}

/** Curvature type read off the inertia. */
export type Definiteness =
  | "positive definite"
  | "positive semi-definite"
  | "negative definite"
  | "negative semi-definite"
  | "indefinite"
  | "zero";

/** A value computed for the exact Hessian and for the tf.hessians-style block-diagonal one. */
export interface Pair<T> {
  exact: T;
  tf_hessians: T;
}

/** Norms of one (row variable, column variable) block of the Hessian. */
export interface BlockStat {
  row: string;
  col: string;
  frobenius: number;
  max_abs: number;
  in_tf_hessians: boolean;
}

/** One Newton step p solving H p = -g, and how it was solved. */
export interface NewtonStep {
  step: Float64Array;
  method: "solve" | "pseudo-inverse";
  /** Eigenvalues treated as zero and dropped (0 for 'solve'). */
  dropped: number;
  norm: number;
  /** Relative residual ‖H p + g‖ / ‖g‖ (nonzero for pseudo-inverse when g leaves the range of H). */
  residual: number;
}

/** Newton steps with the exact and block-diagonal Hessians and the angle between them. */
export interface NewtonReport extends Pair<NewtonStep> {
  /** null when either step is the zero vector. */
  angle_degrees: number | null;
}

/** Everything compareHessians finds; plain data (Float64Arrays only inside newton). */
export interface CompareReport {
  n: number;
  blocks: BlockStat[];
  frobenius: Pair<number>;
  offdiagonal_frobenius_fraction: number;
  eigenvalues: Pair<number[]>;
  inertia: Pair<Inertia>;
  definiteness: Pair<Definiteness>;
  /** max|λ|/min|λ| over all eigenvalues; Infinity when any eigenvalue counts as zero. */
  condition_number: Pair<number>;
  /** max|λ|/min|λ| over the nonzero eigenvalues only; NaN when all are zero. */
  condition_number_nonzero: Pair<number>;
  /** Relative threshold used for "zero" eigenvalues (1e-9). */
  zero_tolerance: number;
  /** Max |H - Hᵀ| seen in the input (the input is symmetrised before decomposition). */
  asymmetry: number;
  newton?: NewtonReport;
  verdict: string[];
}
