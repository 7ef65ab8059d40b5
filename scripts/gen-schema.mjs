#!/usr/bin/env node
// Writes schema/hessflow.graph-1.schema.json from the op registry (src/spec/schema-gen.ts, compiled to dist/):
// run by `npm run build` after tsc (prepare only compiles: the schema is committed). test/registry.test.ts checks that the committed file is current.
import { writeFileSync } from "node:fs";

const { schemaText } = await import("../dist/spec/schema-gen.js");
writeFileSync(new URL("../schema/hessflow.graph-1.schema.json", import.meta.url), schemaText());
