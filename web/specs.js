// The playground's course list and how it writes a spec back into the editor (no DOM: Node's tests import it).

/** The course specs the page offers (graph-specs/). Left out: mnist-mlp (25,450 parameters: its dense Hessian
 * would be 5.2 GB) and b-5k (4,810 parameters: minutes of dense eigen-decomposition); the page refuses specs
 * above 1,500 parameters. */
export const SPECS = [
  ["seed-two-layer-linear.json", "seed: the tutorial's 3-2-1 linear network (11 parameters)"],
  ["expr-tutorial.json", "expr-tutorial: the same network written with expr nodes"],
  ["single-layer.json", "single-layer: one linear layer (8)"],
  ["deep-linear.json", "deep-linear: three weight matrices, no activations"],
  ["tanh-mlp.json", "tanh-mlp: 2-4-1 tanh network (17)"],
  ["relu-net.json", "relu-net: 3-4-1 ReLU network (21)"],
  ["shared-weight.json", "shared-weight: one matrix used by two layers"],
  ["softmax-classifier.json", "softmax-classifier: softmax regression"],
  ["sigmoid-softmax.json", "sigmoid-softmax: 4-6-3 classifier (51)"],
  ["tanh-3layer.json", "tanh-3layer: 4-5-3-1 tanh network (47)"],
  ["l2-regularised.json", "l2-regularised: weight decay in an expr"],
  ["newton-classifier.json", "newton-classifier: 4-6-3 iris classifier (51; data from iris.csv)"],
  ["iris-mlp.json", "iris-mlp: Fisher's iris, real data from a CSV file (131)"],
  ["b-200.json", "b-200: 10-16-1 tanh network (193 parameters)"],
  ["b-1k.json", "b-1k: 20-32-16-1 tanh network (1,217 parameters; a few seconds)"],
];

/** The spec written the way the course files are: one node per line, one feed row per line. */
export function formatSpec(doc) {
  const rows = (v) => (Array.isArray(v) && v.length && v.every(Array.isArray) ? `[\n${v.map((r) => `      ${JSON.stringify(r)}`).join(",\n")}\n    ]` : JSON.stringify(v));
  const value = (k, v) => {
    if (k === "nodes" && Array.isArray(v)) return `[\n${v.map((n) => `    ${JSON.stringify(n)}`).join(",\n")}\n  ]`;
    if ((k === "feed" || k === "outputs") && v && typeof v === "object" && !Array.isArray(v)) return `{\n${Object.entries(v).map(([a, b]) => `    ${JSON.stringify(a)}: ${rows(b)}`).join(",\n")}\n  }`;
    return JSON.stringify(v);
  };
  return `{\n${Object.entries(doc).map(([k, v]) => `  ${JSON.stringify(k)}: ${value(k, v)}`).join(",\n")}\n}\n`;
}
