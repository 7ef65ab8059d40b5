#!/usr/bin/env node
// The hessflow CLI: runs the compiled entry point (npm install builds dist/ via the prepare script).
import { main } from "../dist/cli/main.js";
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
