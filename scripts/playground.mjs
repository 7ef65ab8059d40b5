#!/usr/bin/env node
// `npm run playground [-- --port N] [--host H]`: serves the repository root (web/, the built dist/, graph-specs/)
// with scripts/static-server.mjs on this machine and prints the playground's URL. Nothing is fetched from the
// network: the page, the library and the course specs are local files, so it works offline. The page is served
// cross-origin isolated (COOP + COEP headers), so that its worker may spread Hessians over Web Workers.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./static-server.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Cross-origin isolation: SharedArrayBuffer (and so webWorkerThreads) is available to the page and its workers. */
const ISOLATION_HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

/** Prints one line on stderr and exits 1 (a mistake in the options). */
function fail(message) {
  process.stderr.write(`hessflow playground: ${message}\n`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({ options: { port: { type: "string", default: "8000" }, host: { type: "string", default: "127.0.0.1" }, help: { type: "boolean" } } }));
} catch (e) {
  fail(e.message);
}
if (values.help) {
  process.stdout.write("usage: npm run playground [-- --port N] [--host ADDRESS]\nServes the hessflow playground (web/index.html) and prints its URL; --port 0 picks a free port.\n");
  process.exit(0);
}
if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be an integer from 0 to 65535, got '${values.port}'`);
try {
  const { url } = await serveStatic({ root: ROOT, port: Number(values.port), host: values.host, headers: ISOLATION_HEADERS });
  process.stdout.write(`hessflow playground: ${new URL("web/", url).href}  (Ctrl-C stops it)\n`);
} catch (e) {
  fail(e.code === "EADDRINUSE" ? `port ${values.port} is in use: pass --port N (or --port 0 for any free port)` : e.message);
}
