// Kilowatch built-in dashboard: hash-routed views over the collector's REST API, kept live by
// server-sent events. Every value from agents is untrusted text: it goes in through textContent only.
"use strict";

const RANGES = ["1h", "6h", "24h", "7d", "30d"];
const state = { latest: null, route: null, ranges: { estate: "1h", device: "1h" }, charts: {}, chartFetchedAt: {}, events: null };

const $ = (id) => document.getElementById(id);
const setText = (id, text) => { const el = $(id); if (el) el.textContent = text; };

const fmt = {
  watts(w) { return w == null ? "–" : w >= 1000 ? (w / 1000).toFixed(2) + " kW" : w.toFixed(1) + " W"; },
  kwh(k) { return k == null ? "–" : k >= 100 ? k.toFixed(0) + " kWh" : k >= 1 ? k.toFixed(2) + " kWh" : (k * 1000).toFixed(1) + " Wh"; },
  kg(k) { return k == null ? "–" : k >= 100 ? k.toFixed(0) : k >= 1 || k === 0 ? k.toFixed(2) : k.toPrecision(3); },
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
  ago(iso) {
    const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    return s < 90 ? `${Math.round(s)} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : new Date(iso).toLocaleString();
  },
};

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (response.status === 401) {
    showLogin();
    throw new Error("logged out");
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// ---- login: reading needs a session unless the collector allows anonymous reading
async function checkSession() {
  const response = await fetch("api/v1/session", { headers: { Accept: "application/json" } });
  if (response.status === 401) {
    showLogin();
    return;
  }
  const session = await response.json();
  $("logout").hidden = !session.username;
  start();
}

function showLogin() {
  if (state.events) {
    state.events.close();
    state.events = null;
  }
  $("logout").hidden = true;
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-login";
  $("live").textContent = "logged out";
  $("live").className = "live off";
}

async function login(ev) {
  ev.preventDefault();
  const error = $("login-error");
  error.hidden = true;
  const response = await fetch("api/v1/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: $("login-username").value, password: $("login-password").value }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: "HTTP " + response.status }));
    error.textContent = body.error;
    error.hidden = false;
    return;
  }
  $("login-password").value = "";
  $("logout").hidden = false;
  start();
}

async function logout() {
  await fetch("api/v1/session", { method: "DELETE", headers: { "X-Requested-With": "kilowatch" } });
  showLogin();
}

function start() {
  route();
  connect();
}

// ---- routing
// Pages kept in their own files register here: name (the route #/name) -> render(latest).
const pages = {};

function route() {
  const hash = location.hash || "#/";
  const match = hash.match(/^#\/devices\/(.+)$/);
  const page = Object.keys(pages).find((name) => hash.startsWith("#/" + name));
  const view = page || (match ? "device" : hash.startsWith("#/devices") ? "devices" : "overview");
  state.route = { view, deviceId: match ? decodeURIComponent(match[1]) : null };
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + view;
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", link.dataset.nav === (view === "device" ? "devices" : view));
  }
  state.chartFetchedAt = {};
  // Coming back to the list: what it read before may be old.
  if (view === "devices") reloadDevices();
  else render();
}

function render() {
  // The device list reads its own pages: it need not wait for the first live event.
  if (state.route.view === "devices") renderDevices();
  if (!state.latest) return;
  if (state.route.view === "overview") renderOverview(state.latest.estate);
  if (state.route.view === "device") renderDevice(state.route.deviceId);
  if (pages[state.route.view]) pages[state.route.view](state.latest);
}

// ---- overview
function renderOverview(e) {
  setText("estate-power", fmt.watts(e.power_watts));
  setText("devices-up", String(e.devices.up));
  setText("devices-down", e.devices.expected_off
    ? `${e.devices.down} down, ${e.devices.expected_off} asleep or off (${e.devices.total} in all)`
    : `${e.devices.down} down of ${e.devices.total}`);
  setText("estate-availability", fmt.pct(e.availability_24h_ratio, 2));
  for (const period of ["today", "month", "year"]) {
    setText("energy-" + period, fmt.kwh(e[period].energy_kwh));
    setText("carbon-" + period, fmt.kg(e[period].carbon_kg));
  }
  setText("energy-quality", "This year: " + fmt.quality(e.year.data_quality));
  setText("carbon-method", "Carbon: " + e.carbon_method + ". Times in " + e.time_zone + ".");
  refreshChart("estate", `api/v1/estate/series?range=${state.ranges.estate}`, [{ label: "Estate power (W)", key: "power_watts", stroke: "#1f6f50" }]);
}

// ---- device list: filtered and paged by the server, and virtualised here: only the rows in view (and a
// margin) are in the page, fetched a page at a time, so the list opens as fast with 20,000 devices as with 20.
const PAGE = 200;
// pages: page number -> {loaded}, for pages read or being read. changes counts live changes, so a page
// that was on its way when one came (and may be older than it) is read again when it lands.
const list = { query: null, total: 0, rows: new Map(), pages: new Map(), rowHeight: 36, labels: null, fetchedAt: 0, changes: 0 };

function deviceQuery() {
  const params = new URLSearchParams();
  for (const name of ["q", "org", "site", "class", "state"]) {
    const value = $("filter-" + name).value.trim();
    if (value) params.set(name, value);
  }
  return params.toString();
}

function renderDevices() {
  const query = deviceQuery();
  if (query !== list.query) {
    list.query = query;
    list.rows.clear();
    list.pages.clear();
    $("device-scroll").scrollTop = 0;
  }
  drawDevices();
}

// Re-reads the pages in view (live changes too many to patch, or a change of filter or state with time);
// pages on their way are read again when they land.
function reloadDevices() {
  list.changes++;
  for (const [page, ticket] of list.pages) if (ticket.loaded) list.pages.delete(page);
  renderDevices();
}

function loadPage(page) {
  if (list.pages.has(page)) return;
  const params = new URLSearchParams(list.query);
  params.set("offset", String(page * PAGE));
  params.set("limit", String(PAGE));
  const ticket = { loaded: false };
  const changes = list.changes;
  list.pages.set(page, ticket);
  getJson("api/v1/devices?" + params).then((result) => {
    if (list.pages.get(page) !== ticket) return; // the filter changed meanwhile
    ticket.loaded = true;
    list.total = result.total;
    list.fetchedAt = Date.now();
    result.devices.forEach((d, i) => list.rows.set(page * PAGE + i, d));
    fillFilters(result.labels);
    drawDevices();
    if (changes !== list.changes) {
      list.pages.delete(page);
      loadPage(page);
    }
  }).catch((err) => {
    if (list.pages.get(page) === ticket) list.pages.delete(page);
    if (err.message !== "logged out") showError(err.message);
  });
}

function fillFilters(labels) {
  const key = JSON.stringify(labels);
  if (key === list.labels) return;
  list.labels = key;
  for (const name of ["org", "site", "class"]) {
    const select = $("filter-" + name);
    const chosen = select.value;
    const first = select.options[0];
    select.replaceChildren(first, ...labels[name].map((v) => new Option(v, v)));
    select.value = chosen;
  }
}

function spacer(height) {
  const tr = document.createElement("tr");
  tr.className = "spacer";
  const td = document.createElement("td");
  td.colSpan = 10;
  td.style.height = height + "px";
  tr.append(td);
  return tr;
}

function drawDevices() {
  const scroll = $("device-scroll");
  const height = list.rowHeight;
  const first = Math.max(0, Math.floor(scroll.scrollTop / height) - 10);
  const wanted = Math.ceil((scroll.clientHeight || 600) / height) + 20;
  // Until a page has come there is no count: the list would flash "0 devices" and the empty-estate notice.
  if (![...list.pages.values()].some((ticket) => ticket.loaded)) {
    loadPage(Math.floor(first / PAGE));
    return;
  }
  const last = Math.min(list.total, first + wanted);
  for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last - 1) / PAGE); p++) loadPage(p);
  const rows = [];
  for (let i = first; i < last; i++) {
    const d = list.rows.get(i);
    if (d) rows.push(deviceRow(d));
  }
  $("device-rows").replaceChildren(spacer(first * height), ...rows, spacer(Math.max(0, list.total - first - rows.length) * height));
  const shown = $("device-rows").querySelector("tr.device-row");
  if (shown && shown.offsetHeight) list.rowHeight = shown.offsetHeight;
  setText("device-count", `${list.total.toLocaleString()} device${list.total === 1 ? "" : "s"}`);
  $("no-devices").hidden = list.total > 0 || list.query !== "";
}

const stateOf = (d) => (d.up ? "up" : d.expected_off ? "expected_off" : "down");

// A live event names the devices that changed: rows already fetched take their new values in place.
// A device new to the estate, or one that left the state filtered on, changes the rows themselves: re-read.
function patchDevices(update) {
  if (update.devices_truncated || Date.now() - list.fetchedAt > 15000
    || (list.query === "" && update.estate.devices.total !== list.total)) {
    reloadDevices();
    return;
  }
  const byId = new Map(update.devices.map((d) => [d.device_id, d]));
  if (!byId.size) return;
  list.changes++;
  let moved = false;
  for (const [i, d] of list.rows) {
    const now = byId.get(d.device_id);
    if (now) {
      moved = moved || stateOf(now) !== stateOf(d);
      list.rows.set(i, now);
    }
  }
  if (moved && $("filter-state").value) reloadDevices();
  else drawDevices();
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

// A desktop asleep or switched off as expected (docs/availability.md) is shown apart from one that is down.
function statusBadge(up, expectedOff) {
  const span = document.createElement("span");
  span.className = "status " + (up ? "up" : expectedOff ? "off" : "down");
  span.textContent = up ? "up" : expectedOff ? "asleep or off" : "down";
  return span;
}

function deviceRow(d) {
  const tr = document.createElement("tr");
  tr.className = "device-row";
  tr.dataset.deviceId = d.device_id;
  const status = document.createElement("td");
  status.append(statusBadge(d.up, d.expected_off));
  const name = document.createElement("td");
  const link = document.createElement("a");
  link.href = "#/devices/" + encodeURIComponent(d.device_id);
  link.textContent = d.hostname || d.device_id;
  name.append(link);
  // Hostnames repeat across an estate ("vm"): the id, unique, tells such rows apart. A long one (an agent's
  // hardware UUID) is cut short with the whole in its tooltip; one that only repeats the hostname is left out.
  if (d.hostname && d.hostname.toLowerCase() !== d.device_id.toLowerCase()) {
    const id = document.createElement("span");
    id.className = "device-id";
    id.textContent = d.device_id;
    id.title = d.device_id;
    name.append(id);
  }
  const source = document.createElement("td");
  const badge = document.createElement("span");
  badge.className = "source";
  badge.textContent = d.power_source;
  source.append(badge);
  tr.append(status, name, cell(d.labels.class), cell(d.labels.site || "–"), cell(fmt.watts(d.power_watts), "num power"), source,
    cell(fmt.pct(d.cpu_ratio), "num"), cell(fmt.duration(d.uptime_seconds), "num"),
    cell(fmt.pct(d.availability_ratio["24h"], 2), "num"), cell(fmt.ago(d.last_seen)));
  tr.addEventListener("click", (ev) => { if (ev.target.tagName !== "A") location.hash = link.getAttribute("href"); });
  return tr;
}

// ---- one device
async function renderDevice(id) {
  let d;
  try {
    d = await getJson("api/v1/devices/" + encodeURIComponent(id));
  } catch (err) {
    setText("device-title", "No such device: " + id);
    return;
  }
  setText("device-title", `${d.hostname || d.device_id}`);
  const status = $("device-status");
  status.replaceChildren(statusBadge(d.up, d.expected_off));
  setText("device-uptime", `up ${fmt.duration(d.uptime_seconds)} · last report at ${new Date(d.last_seen).toLocaleTimeString()}`);
  setText("device-power", fmt.watts(d.power_watts));
  setText("device-source", "source: " + d.power_source);
  setText("device-cpu", fmt.pct(d.cpu_ratio));
  setText("device-memory", `memory ${fmt.bytes(d.memory_used_bytes)} of ${fmt.bytes(d.memory_total_bytes)}`);
  setText("device-energy", fmt.kwh(d.energy_kwh_total));
  setText("device-carbon", `${fmt.kg(d.carbon_grams_total / 1000)} kgCO2e since first seen`);
  setText("device-carbon-method", "Carbon: " + d.carbon_method + ".");
  for (const w of ["24h", "7d", "30d"]) setText("device-avail-" + w, fmt.pct(d.availability_ratio[w], 2));
  renderInventory(d);
  renderSnmp(id);
  renderDeviceSettings(id);
  renderDeviceEvents(id);
  refreshChart("device", `api/v1/devices/${encodeURIComponent(id)}/series?range=${state.ranges.device}`, [
    { label: "Power (W)", key: "power_watts", stroke: "#1f6f50", scale: "W" },
    { label: "CPU (%)", key: "cpu_ratio", stroke: "#b7791f", scale: "%", transform: (v) => (v == null ? null : v * 100) },
  ]);
}

// An SNMP device: the profiles matched, what each read, and which one its power comes from.
async function renderSnmp(id) {
  let target;
  try {
    target = (await getJson(`api/v1/snmp/targets?device=${encodeURIComponent(id)}`)).targets[0];
  } catch (err) {
    target = undefined;
  }
  $("device-snmp").hidden = !target;
  if (!target) return;
  setText("device-snmp-from", target.power_from === "model" ? "power from the class model: no profile measures it"
    : target.power_from ? "power from " + target.power_from : "not polled yet");
  $("device-snmp-rows").replaceChildren(...target.profiles.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.profile = p.name;
    const th = document.createElement("th");
    th.textContent = p.name;
    const figures = [p.power_watts != null ? "draws " + fmt.watts(p.power_watts) : null,
      p.delivered_watts != null ? "delivers " + fmt.watts(p.delivered_watts) : null,
      p.energy_kwh_total != null ? "meter " + fmt.kwh(p.energy_kwh_total) : null].filter(Boolean);
    const read = Object.entries(p.read).map(([k, v]) => `${k} ${v}`);
    tr.append(th, cell([...figures, read.length + " values read" + (read.length ? ": " + read.slice(0, 6).join(", ") + (read.length > 6 ? ", …" : "") : "")].join(" · ")));
    return tr;
  }));
}

function renderInventory(d) {
  const inv = d.inventory || {};
  const rows = [
    ["Device id", d.device_id],
    ["Labels", Object.entries(d.labels).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(", ")],
    ["Operating system", d.os],
    ["Manufacturer / model", [inv.manufacturer, inv.model].filter(Boolean).join(" ") || "–"],
    ["Serial", inv.serial || "–"],
    ["Firmware", [inv.firmware?.manufacturer, inv.firmware?.version, inv.firmware?.release_date].filter(Boolean).join(" · ") || "–"],
    ["CPU", inv.cpu ? `${inv.cpu.model || "?"} (${inv.cpu.physical_cores} cores, ${inv.cpu.logical_cores} threads)` : "–"],
    ["Memory", fmt.bytes(inv.memory_bytes)],
    ["Disks", (inv.disks || []).map((x) => `${x.model || "disk"} ${fmt.bytes(x.size_bytes)}`).join("; ") || "–"],
    ["Displays", (inv.displays || []).map((x) => `${x.name || x.manufacturer + " " + x.product_code}${x.width_cm ? ` (${x.width_cm}×${x.height_cm} cm)` : ""}`).join("; ") || "none found"],
    ["Agent", `${d.agent.version || "?"} · CPU ${fmt.pct(d.agent.cpu_ratio, 2)} · RSS ${fmt.bytes(d.agent.rss_bytes)}`],
  ];
  $("inventory-rows").replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = k;
    tr.append(th, cell(v));
    return tr;
  }));
}

// Each centrally managed setting: its value and whether the agent's config, a collector rule or the agent's default gave it.
async function renderDeviceSettings(id) {
  let s;
  try {
    s = await getJson(`api/v1/devices/${encodeURIComponent(id)}/settings`);
  } catch (err) {
    $("device-settings-rows").replaceChildren();
    return;
  }
  const from = (x) => x.source === "rule" ? `rule ${x.rule}${x.applied === false ? " (not yet applied)" : ""}`
    : x.source === "agent_config" ? "agent's own config" : "agent default";
  $("device-settings-rows").replaceChildren(...Object.entries(s.settings).map(([key, x]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = key;
    tr.append(th, cell(x.value == null ? "–" : String(x.value)), cell(from(x)));
    return tr;
  }));
}

// ---- charts (uPlot)
function rangeButtons() {
  for (const holder of document.querySelectorAll(".ranges")) {
    const chart = holder.dataset.chart;
    holder.replaceChildren(...RANGES.map((r) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = r;
      b.classList.toggle("active", state.ranges[chart] === r);
      b.addEventListener("click", () => {
        state.ranges[chart] = r;
        for (const other of holder.children) other.classList.toggle("active", other === b);
        state.chartFetchedAt[chart] = 0;
        render();
      });
      return b;
    }));
  }
}

async function refreshChart(name, url, seriesDefs) {
  // Charts re-read their series at most every 10 s; the cards update on every push.
  if (Date.now() - (state.chartFetchedAt[name] || 0) < 10000) return;
  state.chartFetchedAt[name] = Date.now();
  let data;
  try {
    data = await getJson(url);
  } catch (err) {
    return;
  }
  const xs = data.points.map((p) => Date.parse(p.time) / 1000);
  const columns = seriesDefs.map((s) => data.points.map((p) => (s.transform ? s.transform(p[s.key]) : p[s.key])));
  const holder = $(name + "-chart");
  const width = Math.max(280, holder.clientWidth || 600);
  const opts = {
    width, height: 260,
    series: [{}, ...seriesDefs.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, scale: s.scale || "y", spanGaps: false }))],
    axes: [{}, { scale: seriesDefs[0].scale || "y" }, ...(seriesDefs.length > 1 ? [{ scale: seriesDefs[1].scale, side: 1, grid: { show: false } }] : [])],
    // The whole requested window, so a device seen for two minutes is not stretched across the chart.
    scales: { x: { time: true, range: [Date.parse(data.from) / 1000, Date.parse(data.to) / 1000] } },
  };
  if (state.charts[name]) state.charts[name].destroy();
  state.charts[name] = new uPlot(opts, [xs, ...columns], holder);
  holder.dataset.points = String(xs.length);
}

// ---- live updates
function connect() {
  const live = $("live");
  if (state.events) state.events.close();
  const source = new EventSource("api/v1/events");
  state.events = source;
  let first = true;
  source.addEventListener("update", (ev) => {
    // Each event holds only the devices that changed since the one before; the device list reads pages itself.
    state.latest = JSON.parse(ev.data);
    live.textContent = "live";
    live.className = "live on";
    // A change made before this stream (re)started comes in no event: the first one re-reads what was read before it.
    if (state.route.view === "devices" && first) reloadDevices();
    else if (state.route.view === "devices") patchDevices(state.latest);
    else if (state.route.view !== "device" || state.latest.devices_truncated
      || state.latest.devices.some((d) => d.device_id === state.route.deviceId)) render();
    first = false;
  });
  source.onopen = () => { first = true; };
  source.onerror = () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
    // The stream also ends when the session does: find out which, rather than retry for ever.
    fetch("api/v1/session").then((r) => { if (r.status === 401) showLogin(); }).catch(() => {});
  };
}

// A broken page says so instead of showing stale figures as if they were live.
function showError(message) {
  const el = $("page-error");
  el.textContent = "Dashboard error: " + message;
  el.hidden = false;
}
window.addEventListener("error", (ev) => showError(ev.message));
window.addEventListener("unhandledrejection", (ev) => showError(String(ev.reason)));

window.addEventListener("hashchange", () => { if (!$("view-login").hidden) return; route(); });
window.addEventListener("resize", () => { state.chartFetchedAt = {}; render(); });
document.addEventListener("DOMContentLoaded", () => {
  rangeButtons();
  $("device-scroll").addEventListener("scroll", () => requestAnimationFrame(drawDevices), { passive: true });
  $("device-filters").addEventListener("input", renderDevices);
  $("device-filters").addEventListener("submit", (ev) => ev.preventDefault());
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  checkSession();
});
