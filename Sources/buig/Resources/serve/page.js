// The what-if page of `buig serve`: controls generated from the scenario (POST /api/controls),
// a view that follows them (POST /api/view, debounced; a newer request cancels the one in
// flight, in the browser and, through `client`, in the engine), and downloads of what is on
// screen. Nothing is fetched from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  scenario: null,
  info: null,
  client: Math.random().toString(36).slice(2) + Date.now().toString(36),
  seq: 0,
  shown: 0,
  abort: null,
  timer: null,
};

const words = {
  nl: {
    expected: "Nettolast over de hele periode, verwacht", p50: "Mediaan (p50)",
    p90: "Weerstandsvermogen bij 90% zekerheid (p90)", p95: "p95",
    updating: "bijwerken…", updated: (paths, seed, ms) => `bijgewerkt: ${paths} paden, seed ${seed}, ${ms} ms`,
    failed: "niet bijgewerkt: zie de melding", edits: "Gewijzigd", none: "Geen wijzigingen",
    reset: "Herstel", scenarioJSON: "Scenario (JSON)", report: "Rapport (HTML)", xlsx: "Werkmap (xlsx)",
    valid: "toegestaan", locale: "nl-NL",
    drawn: "onzeker: de Monte Carlo trekt dit uit zijn verdeling; de schuif verzet de verwachte waarde",
    groups: { "Caseload and price": "Volume en prijs", Economy: "Economie" },
  },
  en: {
    expected: "Net burden over the horizon, expected", p50: "Median (p50)",
    p90: "Reserve at 90% certainty (p90)", p95: "p95",
    updating: "updating…", updated: (paths, seed, ms) => `updated: ${paths} paths, seed ${seed}, ${ms} ms`,
    failed: "not updated: see the message", edits: "Changed", none: "No changes",
    reset: "Reset", scenarioJSON: "Scenario (JSON)", report: "Report (HTML)", xlsx: "Workbook (xlsx)",
    valid: "allowed", locale: "en-GB",
    drawn: "uncertain: the Monte Carlo draws it from its distribution; the slider moves the expected value",
    groups: {},
  },
};
const lang = () => $("lang").value;
const w = () => words[lang()];

function euros(v) {
  return "€ " + Math.round(v).toLocaleString(w().locale);
}

function status(text, kind) {
  const s = $("status");
  s.textContent = text;
  s.className = kind || "";
}

function showProblems(d) {
  const box = $("problems");
  if (!d) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  box.hidden = false;
  box.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = d.error || "error";
  box.appendChild(p);
  if (d.problems && d.problems.length) {
    const ul = document.createElement("ul");
    for (const line of d.problems) {
      const li = document.createElement("li");
      li.textContent = line;
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
}

async function post(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

// Every number in `base` times `m`, rounded to cents (a schedule's costs or yields by year).
function scaled(base, m) {
  if (typeof base === "number") return Math.round(base * m * 100) / 100;
  if (Array.isArray(base)) return base.map((x) => scaled(x, m));
  if (base && typeof base === "object") {
    const out = {};
    for (const k of Object.keys(base)) out[k] = scaled(base[k], m);
    return out;
  }
  return base;
}

// `base` with its null replaced by `v` (an economy block the scenario does not have yet).
function wrapped(base, v) {
  if (base === null) return v;
  const out = {};
  for (const k of Object.keys(base)) out[k] = wrapped(base[k], v);
  return out;
}

// The `set` of the request: the controls moved away from the scenario's values, in page order.
function currentSet() {
  const set = {};
  for (const c of state.info ? state.info.controls : []) {
    const input = document.querySelector(`input[type=number][data-path="${CSS.escape(c.path)}"]`);
    const v = Number(input.value);
    if (input.value === "" || v === c.value) continue;
    set[c.path] = c.kind === "scale" ? scaled(c.base, v) : c.kind === "wrap" ? wrapped(c.base, v) : v;
  }
  return set;
}

function requestBody(extra) {
  const body = { scenario: state.scenario, set: currentSet(), paths: Number($("paths").value) };
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  return Object.assign(body, extra || {});
}

function buildControls(info, keep) {
  const form = $("controls");
  form.innerHTML = "";
  const groups = new Map();
  const nl = lang() === "nl";
  for (const c of info.controls) {
    if (!groups.has(c.group)) {
      const fs = document.createElement("fieldset");
      const lg = document.createElement("legend");
      lg.textContent = w().groups[c.group] || c.group;
      fs.appendChild(lg);
      form.appendChild(fs);
      groups.set(c.group, fs);
    }
    const id = "c-" + c.path.replace(/[^A-Za-z0-9]/g, "-");
    const div = document.createElement("div");
    div.className = "control";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = nl ? c.labelNl : c.label;
    const range = document.createElement("input");
    range.type = "range";
    range.id = id;
    range.min = c.min;
    range.max = c.max;
    range.step = c.step;
    range.value = c.value;
    range.dataset.path = c.path;
    range.setAttribute("aria-label", label.textContent);
    const number = document.createElement("input");
    number.type = "number";
    number.min = c.validMin;
    number.max = c.validMax;
    number.step = "any";
    number.value = keep && keep[c.path] !== undefined ? keep[c.path] : c.value;
    range.value = number.value;
    div.classList.toggle("changed", Number(number.value) !== c.value);
    number.dataset.path = c.path;
    number.setAttribute("aria-label", label.textContent + " (" + (nl ? c.unitNl : c.unit) + ")");
    const unit = document.createElement("span");
    unit.className = "unit";
    unit.textContent = `${nl ? c.unitNl : c.unit}; ${w().valid} ${c.validMin.toLocaleString(w().locale)} – ${c.validMax.toLocaleString(w().locale)}` + (c.drawn ? `. ${w().drawn}` : "");
    range.addEventListener("input", () => {
      number.value = range.value;
      div.classList.toggle("changed", Number(range.value) !== c.value);
      schedule();
    });
    number.addEventListener("change", () => {
      const v = Number(number.value);
      if (v > Number(range.max)) range.max = v;
      if (v < Number(range.min)) range.min = v;
      range.value = v;
      div.classList.toggle("changed", v !== c.value);
      schedule();
    });
    div.append(label, range, number, unit);
    groups.get(c.group).appendChild(div);
  }
  $("omitted").textContent = info.omitted.join(" · ");
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(update, 150);
}

function render(d) {
  $("sections").innerHTML = d.sections.join("\n");
  const nb = d.figures.horizon.netBurden;
  for (const [key, value] of [["expected", nb.expected], ["p50", nb.p50], ["p90", nb.p90], ["p95", nb.p95]]) {
    const el = $("fig-" + key);
    el.dataset.value = String(value);
    el.textContent = euros(value);
  }
  const edits = d.figures.edits;
  $("edits").textContent = edits.length ? `${w().edits}: ${edits.join(", ")}` : w().none;
  $("view").dataset.edits = JSON.stringify(edits);
  $("view").dataset.paths = d.figures.paths;
  $("view").dataset.seed = d.figures.seed;
}

async function update() {
  if (!state.info) return;
  if (state.abort) state.abort.abort();
  const ctl = new AbortController();
  state.abort = ctl;
  const seq = ++state.seq;
  const started = performance.now();
  status(w().updating, "busy");
  $("view").classList.add("stale");
  try {
    const r = await fetch("/api/view", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(requestBody({ lang: lang(), client: state.client })),
      signal: ctl.signal,
    });
    const d = await r.json();
    if (seq !== state.seq || r.status === 409) return;
    if (!r.ok) {
      showProblems(d);
      status(w().failed, "error");
      return;
    }
    showProblems(null);
    render(d);
    state.shown = seq;
    $("view").dataset.version = String(seq);
    $("view").classList.remove("stale");
    status(w().updated(d.figures.paths.toLocaleString(w().locale), d.figures.seed, Math.round(performance.now() - started)));
  } catch (e) {
    if (e.name === "AbortError") return;
    showProblems({ error: String(e) });
    status(w().failed, "error");
  }
}

async function loadScenario(name) {
  state.scenario = name;
  state.info = null;
  const r = await post("/api/controls", { scenario: name });
  const d = await r.json();
  if (!r.ok) {
    showProblems(d);
    status(w().failed, "error");
    return;
  }
  state.info = d;
  $("title").textContent = d.title;
  $("origin").textContent = `${d.origin} · ${d.years[0]}–${d.years[d.years.length - 1]}`;
  $("seed").value = d.seed;
  buildControls(d);
  const url = new URL(location.href);
  url.searchParams.set("scenario", name);
  history.replaceState(null, "", url);
  await update();
}

async function download(path, extra, fallbackName) {
  status(w().updating, "busy");
  const body = path === "/api/scenario" ? { scenario: state.scenario, set: currentSet() } : requestBody(extra);
  const r = await post(path, body);
  if (!r.ok) {
    showProblems(await r.json());
    status(w().failed, "error");
    return;
  }
  const blob = await r.blob();
  const disposition = r.headers.get("Content-Disposition") || "";
  const m = /filename="([^"]+)"/.exec(disposition);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = m ? m[1] : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  status(`${a.download}: ${blob.size.toLocaleString(w().locale)} bytes`);
}

function relabel() {
  $("fig-expected").previousElementSibling.textContent = w().expected;
  $("fig-p50").previousElementSibling.textContent = w().p50;
  $("fig-p90").previousElementSibling.textContent = w().p90;
  $("fig-p95").previousElementSibling.textContent = w().p95;
  $("reset").textContent = w().reset;
  $("download-scenario").textContent = w().scenarioJSON;
  $("download-report").textContent = w().report;
  $("download-xlsx").textContent = w().xlsx;
  document.documentElement.lang = lang();
}

async function start() {
  relabel();
  const r = await fetch("/api/scenarios");
  const d = await r.json();
  const select = $("scenario");
  for (const s of d.scenarios) {
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.name;
    if (s.title) o.title = s.title;
    select.appendChild(o);
  }
  const wanted = new URL(location.href).searchParams.get("scenario");
  select.value = d.scenarios.some((s) => s.name === wanted) ? wanted : d.default;
  select.addEventListener("change", () => loadScenario(select.value));
  $("paths").addEventListener("change", schedule);
  $("seed").addEventListener("change", schedule);
  $("lang").addEventListener("change", () => {
    relabel();
    const keep = {};
    for (const n of document.querySelectorAll("#controls input[type=number]")) keep[n.dataset.path] = n.value;
    if (state.info) buildControls(state.info, keep);
    schedule();
  });
  $("reset").addEventListener("click", () => loadScenario(state.scenario));
  $("download-scenario").addEventListener("click", () =>
    download("/api/scenario", null, "scenario.json"));
  $("download-report").addEventListener("click", () =>
    download("/api/report", { lang: lang() }, "report.html"));
  $("download-xlsx").addEventListener("click", () => download("/api/xlsx", null, "buig.xlsx"));
  await loadScenario(select.value);
}

start();
