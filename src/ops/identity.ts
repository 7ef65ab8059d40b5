import { unaryOp, unarySpec } from "./helpers.js";
import type { PublicOpDef } from "./types.js";

/** x unchanged.  d/dx x = 1 */
export const identityOp: PublicOpDef<Record<string, never>> = {
  ...unaryOp("x", (_n, dy) => dy, "1"),
  spec: unarySpec("x unchanged: a named copy (tf.identity).", "identity: x.", (b, x, name) => b.identity(x, name)),
};
