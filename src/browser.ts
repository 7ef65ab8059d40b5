// hessflow's public API for a web page or a Web Worker: the platform-neutral list in src/core.ts, plus
// loadSpecAsync (fetches a spec's data files, imports mathjs only for expr nodes) and the compare report's
// SVG and HTML, and webWorkerThreads (a Web Worker pool for Hessians when the page is cross-origin isolated). No
// file output, no readSpecFile.
// scripts/build-browser.mjs copies the compiled modules to dist/browser/ with mathjs vendored as ESM.
export * from "./core.js";
export { loadSpecAsync, specProblemsAsync } from "./spec/load-async.js";
export type { AsyncLoadOptions } from "./spec/load-async.js";
export { specProblems, schemaProblems, formatProblem } from "./spec/load.js";
export type { LoadOptions, SpecProblem } from "./spec/load.js";
export { heatmapsSvg, spectraSvg } from "./report/svg.js";
export { reportHtml } from "./report/html.js";
export { budgetOf } from "./memory.js";
export type { MemoryBudget } from "./memory.js";
export { webWorkerThreads } from "./web-threads.js";
export type { WebThreads, WebThreadsOptions } from "./web-threads.js";
