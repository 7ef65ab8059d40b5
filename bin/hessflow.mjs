#!/usr/bin/env node
// The hessflow CLI: runs the compiled entry point (npm install builds dist/ via the prepare script).
// A reader that goes away (`hessflow ... | head`) ends the command quietly; anything that escapes
// main() is still one line and exit 70, never a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => process.exit(e.code === "EPIPE" ? 0 : 70));
}
const fail = (e) => {
  if (process.env.HESSFLOW_DEBUG) console.error(e);
  process.stderr.write(`hessflow: internal error: ${String(e?.message ?? e).split("\n")[0].replace(/[\x00-\x1f\x7f]/g, "?").slice(0, 400)} (a bug in hessflow: please report it)\n`);
  process.exit(70);
};
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
const { main } = await import("../dist/cli/main.js");
main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, fail);
