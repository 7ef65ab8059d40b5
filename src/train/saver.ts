// tf.train.Saver for a session's variables: a JSON checkpoint holding every value bit-exactly (each float64
// as the 16 hex digits of its IEEE 754 bits, big-endian), restored all-or-nothing.
import { FeedError, GraphError } from "../errors.js";
import type { Graph, Node } from "../graph/graph.js";
import type { Session } from "../session/session.js";
import { q } from "../messages.js";

/** A checkpoint: the format tag and each variable's name, shape and float64 bits as hex (16 digits per value). */
export interface Checkpoint {
  format: "hessflow.checkpoint/1";
  variables: { name: string; shape: number[]; data: string }[];
}

/** Saves and restores the values of a graph's variables (all of them, trainable or not, by default), as tf.train.Saver. */
export class Saver {
  private readonly vars: Node[];

  /** A saver of `varList` (default: every variable of the graph, slots included, in creation order). */
  constructor(readonly graph: Graph, varList?: readonly Node[]) {
    this.vars = varList ? [...varList] : graph.nodes.filter((n) => n.op === "variable");
    const names = new Set<string>();
    for (const v of this.vars) {
      if (v.graph !== graph || v.op !== "variable") throw new GraphError(`Saver: '${q(v.name)}' is not a variable of this graph`, v.name);
      if (names.has(v.name)) throw new GraphError(`Saver: two variables named '${q(v.name)}'`, v.name);
      names.add(v.name);
    }
  }

  /** The session's current values of the saver's variables, as a checkpoint object (JSON.stringify it to store it). */
  save(session: Session): Checkpoint {
    this.checkSession(session);
    return {
      format: "hessflow.checkpoint/1",
      variables: this.vars.map((v) => {
        const t = session.variableValue(v);
        return { name: v.name, shape: [...t.shape], data: toHex(t.data) };
      }),
    };
  }

  /** Sets the session's variables from a checkpoint (object or JSON text); anything wrong is one FeedError naming the variable, and then nothing is changed. */
  restore(session: Session, checkpoint: Checkpoint | string): void {
    this.checkSession(session);
    let doc: unknown = checkpoint;
    if (typeof checkpoint === "string") {
      try { doc = JSON.parse(checkpoint); } catch (e) { throw new FeedError(`checkpoint: not JSON (${(e as Error).message.split("\n")[0]})`); }
    }
    const c = doc as Partial<Checkpoint> | null;
    if (typeof c !== "object" || c === null || c.format !== "hessflow.checkpoint/1" || !Array.isArray(c.variables)) {
      throw new FeedError(`checkpoint: expected {format: "hessflow.checkpoint/1", variables: [...]}`);
    }
    const byName = new Map(this.vars.map((v) => [v.name, v]));
    const values = new Map<Node, Float64Array>();
    for (const e of c.variables as unknown[]) {
      const entry = e as { name?: unknown; shape?: unknown; data?: unknown } | null;
      const name = typeof entry === "object" && entry !== null && typeof entry.name === "string" ? entry.name : undefined;
      if (name === undefined) throw new FeedError(`checkpoint: an entry without a variable name`);
      const v = byName.get(name);
      if (!v) throw new FeedError(`checkpoint: unknown variable '${q(name)}'`, name);
      if (values.has(v)) throw new FeedError(`checkpoint: variable '${q(name)}' appears twice`, name);
      const want = session.variableValue(v).shape;
      const shape = entry!.shape;
      if (!Array.isArray(shape) || shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
        throw new FeedError(`checkpoint: variable '${q(name)}' has shape ${JSON.stringify(shape)}, expected [${want}]`, name);
      }
      const size = want.reduce((a, b) => a * b, 1);
      const data = entry!.data;
      if (typeof data !== "string" || data.length !== 16 * size || !/^[0-9a-f]*$/.test(data)) {
        throw new FeedError(`checkpoint: variable '${q(name)}' has bad data (expected ${size} values as ${16 * size} lowercase hex digits)`, name);
      }
      values.set(v, fromHex(data, size));
    }
    for (const v of this.vars) if (!values.has(v)) throw new FeedError(`checkpoint: no value for variable '${q(v.name)}'`, v.name);
    // Everything is checked: only now does the session change.
    for (const [v, data] of values) session.assign(v, { shape: [...session.variableValue(v).shape], data });
  }

  private checkSession(session: Session): void {
    if (session.graph !== this.graph) throw new GraphError("Saver: the session runs another graph");
  }
}

function toHex(data: Float64Array): string {
  const view = new DataView(new ArrayBuffer(8));
  let out = "";
  for (const x of data) {
    view.setFloat64(0, x);
    out += view.getUint32(0).toString(16).padStart(8, "0") + view.getUint32(4).toString(16).padStart(8, "0");
  }
  return out;
}

function fromHex(hex: string, size: number): Float64Array {
  const view = new DataView(new ArrayBuffer(8));
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    view.setUint32(0, parseInt(hex.slice(16 * i, 16 * i + 8), 16));
    view.setUint32(4, parseInt(hex.slice(16 * i + 8, 16 * i + 16), 16));
    out[i] = view.getFloat64(0);
  }
  return out;
}
