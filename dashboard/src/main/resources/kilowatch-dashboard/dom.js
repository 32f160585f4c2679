// The dashboard's one DOM helper: every element, text, badge and figure a view writes is built here.
// Values from agents, probes and config are untrusted text: they go in through textContent only.

export const $ = (id) => document.getElementById(id);

export function setText(id, text) {
  const node = $(id);
  if (node) node.textContent = text;
}

// An element with its text (none when null) and class; children, if any, after the text.
export function el(tag, text, className, ...children) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  node.append(...children);
  return node;
}

export const cell = (text, className) => el("td", text, className);
export const cellOf = (...children) => el("td", null, null, ...children);
export const row = (...cells) => el("tr", null, null, ...cells);
// A key-value row, as in the inventory and summary tables: the key as a header cell.
export const pair = (key, ...values) => row(el("th", key), ...values.map((value) => cell(value)));

export function link(href, text) {
  const a = el("a", text);
  a.href = href;
  return a;
}

export function button(text, onClick, className) {
  const b = el("button", text, className);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

// Fills a table body, one row an item; each column is [value(item), className].
export function fillRows(bodyId, items, columns) {
  $(bodyId).replaceChildren(...items.map((item) => row(...columns.map(([value, className]) => cell(value(item), className)))));
}

// ---- badges: how each kind of state looks, its words and its colour class (app.css), in one place.
const TARGET_TEXT = {
  met: "met", missed: "missed", on_track: "on track", off_track: "off track", in_progress: "in progress",
  baseline: "baseline year", future: "future", no_target: "no target set",
};
export const targetText = (status) => TARGET_TEXT[status];

const BADGES = {
  // A desktop asleep or switched off as expected (docs/availability.md) is shown apart from one that is down.
  device: (d) => (d.up ? ["up", "status up"] : d.expected_off ? ["asleep or off", "status off"] : ["down", "status down"]),
  service: (state) => [state.replace("_", " "), "status svc-" + state],
  target: (status) => [TARGET_TEXT[status] || status, "status "
    + (status === "met" || status === "on_track" ? "up" : status === "missed" || status === "off_track" ? "down" : "neutral")],
  severity: (severity) => [severity, "severity " + severity],
  source: (source) => [source, "source"],
};

export function badge(kind, value) {
  const [text, className] = BADGES[kind](value);
  return el("span", text, className);
}

// ---- figures
const fixed = (digits) => (v) => (v == null ? "–" : v.toFixed(digits));

export const fmt = {
  watts(w) { return w == null ? "–" : w >= 1000 ? (w / 1000).toFixed(2) + " kW" : w.toFixed(1) + " W"; },
  // Below 1 kWh in whole watt-hours: the carbon report keeps kWh to 3 decimals, so every page shows the same figure.
  kwh(k) { return k == null ? "–" : k >= 100 ? k.toFixed(0) + " kWh" : k >= 1 ? k.toFixed(2) + " kWh" : (k * 1000).toFixed(0) + " Wh"; },
  kg(k) { return k == null ? "–" : k >= 100 ? k.toFixed(0) : k >= 1 || k === 0 ? k.toFixed(2) : k.toPrecision(3); },
  // Report figures: kilograms (and kWh) to the gram, money to the penny.
  kg3: fixed(3),
  gbp: fixed(2),
  pct(r, digits = 1) { return r == null ? "–" : (r * 100).toFixed(digits) + " %"; },
  // The share of the energy measured, modelled and imported: what a total rests on.
  quality(q) {
    if (q.measured_ratio == null) return "no energy recorded yet";
    return `measured ${fmt.pct(q.measured_ratio)} · modelled ${fmt.pct(q.modelled_ratio)} · imported ${fmt.pct(q.imported_ratio)}` +
      (q.unknown_ratio > 0 ? ` · unknown ${fmt.pct(q.unknown_ratio)}` : "");
  },
  bytes(b) {
    if (b == null) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0; let v = b;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(i ? 1 : 0) + " " + units[i];
  },
  duration(s) {
    if (s == null) return "–";
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
  },
  // SLA figures are often seconds: show them rather than "0 min".
  durationToSecond(s) { return s != null && Math.abs(s) < 60 ? Math.round(s) + " s" : fmt.duration(s); },
  // A local date and time; what stands in for a time not (yet) known differs by table.
  time(iso, missing = "–") { return iso ? new Date(iso).toLocaleString() : missing; },
  ago(iso) {
    const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    return s < 90 ? `${Math.round(s)} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : new Date(iso).toLocaleString();
  },
};

// A message element (an error beside a form): shown with the text, hidden when there is none.
export function notice(id, text) {
  const node = $(id);
  node.textContent = text || "";
  node.hidden = !text;
}

// A broken page says so instead of showing stale figures as if they were live.
export function showError(message) {
  const node = $("page-error");
  node.textContent = "Dashboard error: " + message;
  node.hidden = false;
}
