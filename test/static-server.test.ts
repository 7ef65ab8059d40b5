// scripts/static-server.mjs (the browser tests' and the playground's server): MIME types, extra headers, HEAD, and
// nothing outside its root (.., encoded .., absolute paths, symlinks out of it).
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { serveStatic } from "../scripts/static-server.mjs";

let dir: string, outside: string;
let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hessflow-serve-"));
  outside = mkdtempSync(join(tmpdir(), "hessflow-outside-"));
  writeFileSync(join(outside, "secret.txt"), "secret");
  mkdirSync(join(dir, "web"));
  const files: Record<string, string> = { "web/index.html": "<!doctype html>", "a.js": "export {}", "a.mjs": "export {}", "a.json": "{}", "a.svg": "<svg/>", "a.png": "png", "a.npy": "npy", "a.csv": "1,2", "a.bin": "?" };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  symlinkSync(join(outside, "secret.txt"), join(dir, "link.txt"));
  server = await serveStatic({ root: dir, headers: { "Content-Security-Policy": "default-src 'self'" } });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** A raw GET (or other method) of a path sent as is (fetch would normalise `..` away). */
function raw(path: string, method = "GET"): Promise<{ status: number; type: string | undefined; csp: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const req = request({ hostname, port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d) => (body += d)).on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], csp: res.headers["content-security-policy"] as string | undefined, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serveStatic", () => {
  it("serves on 127.0.0.1 at a free port, with the MIME types the browser build needs and the extra headers", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const types: Record<string, string> = {
      "a.js": "text/javascript; charset=utf-8", "a.mjs": "text/javascript; charset=utf-8", "a.json": "application/json; charset=utf-8",
      "web/index.html": "text/html; charset=utf-8", "a.svg": "image/svg+xml", "a.png": "image/png", "a.npy": "application/octet-stream",
      "a.csv": "text/csv; charset=utf-8", "a.bin": "application/octet-stream",
    };
    for (const [file, type] of Object.entries(types)) {
      const r = await raw(`/${file}`);
      expect([r.status, r.type, r.csp], file).toEqual([200, type, "default-src 'self'"]);
    }
    expect((await raw("/web/")).body).toBe("<!doctype html>");
    expect(await raw("/a.js", "HEAD")).toMatchObject({ status: 200, body: "" });
    expect((await raw("/a.js", "POST")).status).toBe(405);
  });

  it("serves nothing outside its root", async () => {
    for (const path of ["/../" + "x", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/web/../../etc/passwd", "/link.txt", "/nope.js", "/%00", "/%E0%A4%A"]) {
      const r = await raw(path);
      expect([r.status, r.body], path).toEqual([404, "not found\n"]);
    }
  });
});
