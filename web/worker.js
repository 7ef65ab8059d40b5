// The playground's module Web Worker: validates, runs and compares one spec text per message and posts the
// view back (src/playground/view.ts). The page sends one request at a time (the newest waiting edit).
// It loads the compiled modules from dist/ (platform-neutral: no node: module, no bare import); mathjs, the
// vendored ES module of the browser build, is imported only for a spec with expr nodes, and a spec's data
// files are fetched relative to the spec's URL. When the page is cross-origin isolated (npm run playground sends the
// headers) the Hessian is spread over nested Web Workers (webWorkerThreads); otherwise it runs here, and the page says why.
import { playgroundView } from "../dist/playground/view.js";
import { webWorkerThreads } from "../dist/web-threads.js";
import { specProblems } from "../dist/spec/load.js";
import { dataFile, isDataFeed } from "../dist/spec/data.js";

let mathjs; // imported on the first spec with an expr node
const { pool, reason } = webWorkerThreads();
pool?.retain(); // the playground's own hold on the pool: its workers stay warm between edits

/** specProblems (what `hessflow validate` lists) with mathjs's parser and the data files' bytes when the spec needs them. */
async function check(doc, base) {
  const nodes = Array.isArray(doc?.nodes) ? doc.nodes : [];
  const parse = nodes.some((n) => n?.expr !== undefined) ? (mathjs ??= await import("../dist/browser/vendor/mathjs.js")).parse : undefined;
  const files = new Map();
  for (const value of Object.values(doc?.feed && typeof doc.feed === "object" ? doc.feed : {})) {
    if (!isDataFeed(value) || typeof dataFile(value) !== "string" || files.has(dataFile(value))) continue;
    const response = await fetch(new URL(dataFile(value), base)).catch(() => undefined);
    // A missing file is left to specProblems, which reports it at its feed's JSON path.
    if (response?.ok) files.set(dataFile(value), new Uint8Array(await response.arrayBuffer()));
  }
  return specProblems(doc, { parse, files });
}

self.addEventListener("message", async ({ data }) => {
  const { id, text, file, base } = data;
  try {
    const result = await playgroundView(text, { file, check: (doc) => check(doc, base), threads: pool });
    self.postMessage({ id, ...result, threadsReason: reason }, result.ok ? result.view.rasters.map((r) => r.rgba.buffer) : []);
  } catch (e) {
    // A bug in hessflow, not in the spec: said as one line, like the CLI's exit 70.
    const message = `internal error: ${e && e.message ? e.message : String(e)} (please report it)`;
    self.postMessage({ id, ok: false, problems: [{ path: "$", message, line: message }] });
  }
});
