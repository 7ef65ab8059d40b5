// The playground page's main thread: the spec list, the editor, the sliders, and drawing what the worker
// (worker.js) computes. Nothing heavy runs here: every recomputation is posted to the worker, one at a time,
// and only the newest edit waiting is sent next, so a stale result is never drawn over a newer one.
import { formatSpec, SPECS } from "./specs.js";

/** Sliders per variable and per fed placeholder. */
const SLIDERS_EACH = 3;

const $ = (id) => document.getElementById(id);
const editor = $("editor"), select = $("spec"), status = $("status");

/** Creates an element with a class and text. */
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// ---- The worker and the newest-wins queue ----------------------------------------------------------------

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let sent = 0;          // id of the last request posted
let inFlight = false;  // a request is being computed
let waiting = null;    // the newest request not yet posted: {id, text, file}
let shown = 0;         // id of the newest outcome drawn (result or problems)
let posted = 0;        // requests posted to the worker (body[data-posted]; edits made meanwhile are skipped)
let file = "editor";   // the spec's file name, for broken-JSON messages
let base = location.href; // the URL its data files are relative to
let loading = false;   // a course spec is being fetched

/** Asks for the current editor text to be computed. */
function recompute() {
  waiting = { id: ++sent, text: editor.value, file, base };
  setState("computing", "computing…");
  pump();
}

/** Posts the waiting request if the worker is free. */
function pump() {
  if (inFlight || !waiting) return;
  inFlight = true;
  document.body.dataset.posted = String(++posted);
  worker.postMessage(waiting);
  waiting = null;
}

worker.addEventListener("message", ({ data }) => {
  inFlight = false;
  if (data.id > shown) {
    shown = data.id;
    document.body.dataset.shown = String(shown);
    if (data.ok) drawResult(data.view, data.threadsReason);
    else drawProblems(data.problems);
  }
  if (waiting) pump();
  else if (data.id === sent && !loading) setState(data.ok ? "ready" : "invalid", data.ok ? `done in ${Math.round(data.view.ms.total)} ms` : `${data.problems.length} problem${data.problems.length === 1 ? "" : "s"}`);
});
worker.addEventListener("error", (e) => {
  inFlight = false;
  setState("error", `the worker failed: ${e.message || "it could not be loaded"}`);
});

/** The page's state (body[data-state]) and the status line. */
function setState(state, text) {
  document.body.dataset.state = state;
  status.textContent = text;
}

// ---- Problems and results ---------------------------------------------------------------------------------

/** Lists the problems as `hessflow validate` prints them; the last good result stays, marked as such. */
function drawProblems(problems) {
  const list = $("problems");
  list.replaceChildren(...problems.map((p) => {
    // The line as validate prints it; its leading JSON path (if any) set in code.
    const li = el("li", undefined, "problem");
    const rest = p.line.startsWith(p.path) ? p.line.slice(p.path.length) : ` ${p.line}`;
    li.append(el("code", p.path, "path"), el("span", rest, "message"));
    Object.assign(li.dataset, { path: p.path, line: p.line });
    return li;
  }));
  list.hidden = false;
  $("stale-note").hidden = $("result").hidden;
  $("result").classList.add("stale");
}

/** Draws a result and clears the problems. */
function drawResult(v, reason) { // reason: why the Hessian ran on one thread (no pool), if it did
  $("problems").hidden = true;
  $("problems").replaceChildren();
  $("stale-note").hidden = true;
  const result = $("result");
  result.classList.remove("stale");
  result.hidden = false;
  $("title").textContent = `${v.name}: ${v.n} parameters`;
  $("description").textContent = v.description;
  const card = (label, big, small, id) => {
    const c = el("div", undefined, "card");
    if (id) c.id = id;
    c.append(el("div", label, "small"), el("div", big, "big"));
    if (small) c.append(el("div", small, "small"));
    return c;
  };
  $("cards").replaceChildren(
    ...v.fetch.map((f) => card(f.name, f.shape.length === 0 ? f.values[0] : `[${f.shape.join(",")}]`, f.shape.length === 0 ? "fetched" : f.values.slice(0, 4).join(" ") + (f.values.length > 4 ? " …" : ""), `fetch-${f.name}`)),
    card("dropped share of ‖H‖F", v.offdiagonalShare, "the blocks tf.hessians never builds", "offdiag"),
    card("exact H", v.definiteness.exact, v.inertia.exact, "exact"),
    card("tf.hessians-style B", v.definiteness.tf_hessians, v.inertia.tf_hessians, "blockdiag"),
    card("Newton steps (H vs B)", v.newtonAngle, "angle between them", "newton"),
  );
  $("verdict").replaceChildren(...v.verdict.map((s) => el("p", s)));
  // The SVGs are the library's (heatmapsSvg, spectraSvg): names in them are escaped there.
  $("heatmaps").innerHTML = v.heatmaps;
  for (const r of v.rasters) {
    const canvas = $("heatmaps").querySelector(`canvas[data-raster="${r.panel}"]`);
    canvas.getContext("2d").putImageData(new ImageData(r.rgba, r.res, r.res), 0, 0);
  }
  $("spectra").innerHTML = v.spectra;
  drawBlocks(v);
  drawTable($("eigen"), ["#", "exact H", "tf.hessians-style B"], v.eigenvalues.map((row) => row.map((s) => el("td", s, s.startsWith("-") ? "neg" : ""))));
  drawTable($("gradient"), ["variable", "shape", "gradient"], v.gradients.map((g) => [
    el("td", g.name, "label"), el("td", `[${g.shape.join(",")}]`), el("td", g.values.slice(0, 12).join(" ") + (g.values.length > 12 ? ` … (${g.values.length})` : ""), "values"),
  ]));
  $("matrix-section").hidden = !v.matrix;
  if (v.matrix) drawMatrix(v.matrix);
  const threads = reason ? `1 thread (${reason})` : `threads: ${v.threads}`;
  $("timing").textContent = `Hessian ${v.ms.hessian.toFixed(0)} ms, ${threads}; everything ${v.ms.total.toFixed(0)} ms (in the worker); exact Hessian bits hash ${v.hessianHash}`;
  $("timing").dataset.threads = threads;
  $("timing").dataset.hash = v.hessianHash;
}

/** Fills a table: a header row, then rows of cells. */
function drawTable(table, head, rows) {
  const tr = el("tr");
  tr.append(...head.map((h) => el("th", h)));
  table.replaceChildren(tr, ...rows.map((cells) => { const r = el("tr"); r.append(...cells); return r; }));
}

/** The block map: one cell per (row, column) variable pair, hatched where tf.hessians computes nothing. */
function drawBlocks(v) {
  const names = v.layout.map((x) => x.name);
  drawTable($("blocks"), ["", ...names], names.map((row) => [el("th", row), ...names.map((col) => {
    const b = v.blocks.find((x) => x.row === row && x.col === col);
    const td = el("td", `${b.frobenius} / ${b.maxAbs}`, b.kept ? "kept" : "dropped");
    td.append(el("span", b.kept ? "kept" : "dropped", "tag"));
    return td;
  })]));
}

/** The Hessian's entries with lines between the variable blocks; entries tf.hessians never computes are hatched. */
function drawMatrix(m) {
  const ends = new Set(m.blockEnds);
  const block = m.labels.map((_, i) => m.blockEnds.findIndex((e) => i <= e));
  const cls = (i, j) => [ends.has(j) ? "end" : "", block[i] === block[j] ? "" : "dropped"].join(" ").trim();
  drawTable($("matrix"), ["", ...m.labels], m.rows.map((row, i) => [el("th", m.labels[i]), ...row.map((s, j) => el("td", s, cls(i, j)))]));
  const trs = $("matrix").querySelectorAll("tr");
  m.rows.forEach((_, i) => { if (ends.has(i)) trs[i + 1].classList.add("end"); });
  m.labels.forEach((_, j) => { if (ends.has(j)) trs[0].children[j + 1].classList.add("end"); });
}

// ---- Sliders: a few weights and data entries, written back into the spec --------------------------------

/** The first `count` numbers of a nested array (row-major) as [index path, value] pairs; a bare number is one entry. */
function firstEntries(value, count) {
  const out = [];
  const walk = (v, path) => {
    if (out.length >= count) return;
    if (typeof v === "number") out.push([path, v]);
    else if (Array.isArray(v)) for (let i = 0; i < v.length && out.length < count; i++) walk(v[i], [...path, i]);
  };
  walk(value, []);
  return out;
}

/** Where a slider writes: a variable's value or a feed, by node name. */
function locate(doc, where) {
  if (where.kind === "variable") return doc.nodes?.find?.((n) => n?.name === where.name && n.op === "variable");
  return doc.feed;
}

/** Rebuilds the sliders from the editor's document (nothing when it is not valid JSON). */
function buildSliders() {
  const box = $("sliders");
  let doc;
  try { doc = JSON.parse(editor.value); } catch { box.replaceChildren(el("p", "(fix the JSON to get the sliders back)", "hint")); return; }
  const targets = [];
  for (const n of Array.isArray(doc.nodes) ? doc.nodes : []) {
    if (n && n.op === "variable" && n.value !== undefined) targets.push({ kind: "variable", name: n.name, key: "value", value: n.value });
  }
  for (const [name, v] of Object.entries(doc.feed && typeof doc.feed === "object" ? doc.feed : {})) {
    if (Array.isArray(v) || typeof v === "number") targets.push({ kind: "feed", name, key: name, value: v });
  }
  const rows = [];
  for (const t of targets) {
    for (const [path, v0] of firstEntries(t.value, SLIDERS_EACH)) rows.push(sliderRow(t, path, v0));
  }
  box.replaceChildren(...rows);
}

/** One labelled slider with a number field for entry `path` of a variable or feed; both edit the spec. */
function sliderRow(target, path, v0) {
  const row = el("div", undefined, `slider ${target.kind}`);
  const label = `${target.name}${path.length ? `[${path.join(",")}]` : ""}`;
  const span = Math.max(1, 2 * Math.abs(v0));
  const range = Object.assign(el("input"), { type: "range", min: String(v0 - span), max: String(v0 + span), step: String(span / 200), value: String(v0) });
  const field = Object.assign(el("input"), { type: "number", step: "any", value: String(v0) });
  range.setAttribute("aria-label", label);
  field.setAttribute("aria-label", `${label} value`);
  row.dataset.entry = `${target.kind}:${label}`;
  const set = (x) => {
    let doc;
    try { doc = JSON.parse(editor.value); } catch { return; }
    const owner = locate(doc, target);
    if (!owner) return;
    if (path.length === 0) owner[target.key] = x;
    else {
      let a = owner[target.key];
      for (const i of path.slice(0, -1)) a = a?.[i];
      if (!Array.isArray(a)) return;
      a[path[path.length - 1]] = x;
    }
    editor.value = formatSpec(doc);
    recompute();
  };
  range.addEventListener("input", () => { const x = Number(Number(range.value).toPrecision(6)); field.value = String(x); set(x); });
  field.addEventListener("change", () => { const x = Number(field.value); if (Number.isFinite(x) && field.value.trim() !== "") { range.value = String(x); set(x); } });
  row.append(el("span", label, "name"), range, field);
  return row;
}

// ---- Wiring -----------------------------------------------------------------------------------------------

/** Loads a course spec into the editor and computes it. */
async function loadSpecFile(name) {
  setState("loading", `loading ${name}…`);
  loading = true;
  let text;
  try {
    const url = new URL(`../graph-specs/${name}`, import.meta.url);
    const response = await fetch(url);
    base = url.href;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (e) {
    setState("error", `cannot load ${name}: ${e.message}`);
    return;
  } finally {
    loading = false;
  }
  editor.value = text;
  file = name;
  buildSliders();
  recompute();
}

select.replaceChildren(...SPECS.map(([f, title]) => Object.assign(el("option", title), { value: f })));
const wanted = new URLSearchParams(location.search).get("spec");
if (wanted && SPECS.some(([f]) => f === wanted)) select.value = wanted;
select.addEventListener("change", () => loadSpecFile(select.value));
editor.addEventListener("input", recompute);
editor.addEventListener("change", buildSliders);
loadSpecFile(select.value);
