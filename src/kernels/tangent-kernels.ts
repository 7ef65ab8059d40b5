// The numeric primitives JVP rules call (JvpArgs.kernels): batched products and fused elementwise
// passes over B tangents at once, with their scratch in the session's Workspace.
import type { ConcreteShape } from "../graph/shape.js";
import type { JvpKernels } from "../ops/types.js";
import { binaryKernel } from "./compile.js";
import { matmulBatched, type BatchedMatmul } from "./matmul.js";
import type { Workspace } from "./workspace.js";

const scaledKernel = binaryKernel("x * y");
const accumulateScaledKernel = binaryKernel("out[o] + x * y");

/** JvpKernels over a workspace; the executor sets `neededFrom` before each rule it calls. */
export class TangentKernels implements JvpKernels {
  /** For the step being run: entries of each tangent's output before this flat index are not needed. */
  neededFrom = 0;

  constructor(readonly workspace: Workspace) {}

  /** into[t] += op(A_t)·op(B) or op(A)·op(B_t) for every tangent t. */
  matmulBatched(product: BatchedMatmul, into: Float64Array): void {
    matmulBatched(this.workspace, product, into, this.neededFrom);
  }

  /** out[t·n + i] = coefficient[i] · tangents[t·n + i]: a pointwise derivative applied to every tangent. */
  scaleEach(coefficient: Float64Array, tangents: Float64Array, batch: number, out: Float64Array): void {
    const n = coefficient.length;
    for (let b = 0, o = 0; b < batch; b++) for (let i = 0; i < n; i++, o++) out[o] = coefficient[i] * tangents[o];
  }

  /** out[t·n + i] = ca[i]·ta[t·n + i] + cb[i]·tb[t·n + i], in one pass. */
  combineEach(ca: Float64Array, ta: Float64Array, cb: Float64Array, tb: Float64Array, batch: number, out: Float64Array): void {
    const n = ca.length;
    for (let base = 0; base < batch * n; base += n) for (let i = 0; i < n; i++) out[base + i] = ca[i] * ta[base + i] + cb[i] * tb[base + i];
  }

  /** out = coefficient · tangents (or out += it when `accumulate`), broadcast to outShape by NumPy rules. */
  multiplyBroadcast(coefficient: Float64Array, coefficientShape: ConcreteShape, tangents: Float64Array, tangentShape: ConcreteShape, out: Float64Array, outShape: ConcreteShape, accumulate: boolean): void {
    (accumulate ? accumulateScaledKernel : scaledKernel)(coefficient, coefficientShape, tangents, tangentShape, out, outShape);
  }
}
