// computeHessian(session, ...): the function form of Session.hessian, kept for existing callers;
// the options, the memory check and the result type are re-exported from where they now live.
import type { Node } from "../graph/graph.js";
import type { HessianOptions, HessianResult } from "./hessian-options.js";
import type { Feed, Session } from "./session.js";

export { checkHessianMemory, checkHessianOptions, type HessianMode, type HessianOptions, type HessianResult } from "./hessian-options.js";

/** The exact Hessian of sum(y) over all of xs, as numbers: session.hessian(y, xs, feed, options). */
export function computeHessian(session: Session, y: Node, xs: Node[], feed: Feed, options: HessianOptions = {}): Promise<HessianResult> {
  return session.hessian(y, xs, feed, options);
}
