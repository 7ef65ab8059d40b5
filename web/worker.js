// The playground's module Web Worker: validates, runs and compares one spec text per message and posts the
// view back (see src/playground/view.ts). The page sends one request at a time (the newest waiting edit).
import { playgroundView } from "../dist/playground/view.js";

self.addEventListener("message", async ({ data }) => {
  const { id, text, file } = data;
  try {
    const result = await playgroundView(text, { file });
    self.postMessage({ id, ...result }, result.ok ? result.view.rasters.map((r) => r.rgba.buffer) : []);
  } catch (e) {
    // A bug in hessflow, not in the spec: said as one line, like the CLI's exit 70.
    const message = `internal error: ${e && e.message ? e.message : String(e)} (please report it)`;
    self.postMessage({ id, ok: false, problems: [{ path: "$", message, line: message }] });
  }
});
