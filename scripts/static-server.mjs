#!/usr/bin/env node
// A tiny static file server (Node's standard library only) for the browser build, the playground and the
// browser tests: GET and HEAD of files under `root`, with MIME types for what hessflow serves, no directory
// listings (a directory serves its index.html), nothing outside root (".." and symlinks out are refused),
// and optional extra headers on every response (e.g. a strict Content-Security-Policy).
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Content types by file extension; anything else is application/octet-stream. */
export const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".npy": "application/octet-stream",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".ico": "image/x-icon",
};

/** The file under root that a URL path names, or undefined when it is outside root or malformed. */
async function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return undefined;
  }
  if (path.includes("\0")) return undefined;
  const full = resolve(root, `.${path.startsWith("/") ? path : `/${path}`}`);
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  try {
    let real = await realpath(full);
    if (real !== root && !real.startsWith(root + sep)) return undefined;
    if ((await stat(real)).isDirectory()) real = await realpath(join(real, "index.html"));
    const info = await stat(real);
    return info.isFile() && real.startsWith(root + sep) ? { path: real, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the files under root over HTTP on host:port (port 0: any free port). Resolves to the server's base
 * URL (ending in "/") and close(), which stops it (open connections included).
 */
export async function serveStatic({ root, port = 0, host = "127.0.0.1", headers = {} }) {
  const base = await realpath(resolve(root));
  const server = createServer(async (req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
      res.end(req.method === "HEAD" ? undefined : text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    const file = await fileFor(base, req.url ?? "/");
    if (!file) return send(404, "not found\n");
    res.writeHead(200, {
      ...headers,
      "Content-Type": MIME_TYPES[extname(file.path).toLowerCase()] ?? "application/octet-stream",
      "Content-Length": file.size,
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") return res.end();
    createReadStream(file.path).on("error", () => res.destroy()).pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok());
  });
  const address = server.address();
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    close: () => new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { url } = await serveStatic({ root: process.argv[2] ?? ".", port: Number(process.argv[3] ?? 0) });
  console.log(`serving ${resolve(process.argv[2] ?? ".")} at ${url}`);
}
