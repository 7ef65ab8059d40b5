import { unaryOp } from "./helpers.js";
import type { OpDef } from "./types.js";

/** x unchanged.  d/dx x = 1 */
export const identityOp: OpDef<Record<string, never>> = unaryOp("x", (_n, dy) => dy, "1");
