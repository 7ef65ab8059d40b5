/** Base class of every error hessflow throws on purpose: the message is one line and names the node or field at fault. */
export class HessflowError extends Error {
  /** The node (or spec field) the error is about, when there is one. */
  readonly where?: string;
  constructor(message: string, where?: string) {
    super(message);
    this.name = new.target.name;
    this.where = where;
  }
}

/** A node whose shape cannot be inferred: incompatible broadcast, bad axis, wrong rank. */
export class ShapeError extends HessflowError {}
/** Wrong use of the graph-building API: unknown node, a node of another graph, bad attribute. */
export class GraphError extends HessflowError {}
/** A feed that is missing, of the wrong shape, or not numeric. */
export class FeedError extends HessflowError {}
/** A malformed graph spec file. */
export class SpecError extends HessflowError {}
/** Work that would not fit in memory, refused before allocating. */
export class ResourceError extends HessflowError {}
