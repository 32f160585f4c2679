// The device list (#/devices): filtered and paged by the server, and virtualised here: only the rows in view
// (and a margin) are in the page, fetched a page at a time, so the list opens as fast with 20,000 devices as
// with 20.
import { $, setText, el, cell, cellOf, link, badge, fmt, showError } from "./dom.js";
import { getJson } from "./api.js";
import { register } from "./pages.js";

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
  const td = el("td");
  td.colSpan = 10;
  td.style.height = height + "px";
  return el("tr", null, "spacer", td);
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

function deviceRow(d) {
  const name = link("#/devices/" + encodeURIComponent(d.device_id), d.hostname || d.device_id);
  const nameCell = cellOf(name);
  // Hostnames repeat across an estate ("vm"): the id, unique, tells such rows apart. A long one (an agent's
  // hardware UUID) is cut short with the whole in its tooltip; one that only repeats the hostname is left out.
  if (d.hostname && d.hostname.toLowerCase() !== d.device_id.toLowerCase()) {
    const id = el("span", d.device_id, "device-id");
    id.title = d.device_id;
    nameCell.append(id);
  }
  const tr = el("tr", null, "device-row", cellOf(badge("device", d)), nameCell, cell(d.labels.class), cell(d.labels.site || "–"),
    cell(fmt.watts(d.power_watts), "num power"), cellOf(badge("source", d.power_source)),
    cell(fmt.pct(d.cpu_ratio), "num"), cell(fmt.duration(d.uptime_seconds), "num"),
    cell(fmt.pct(d.availability_ratio["24h"], 2), "num"), cell(fmt.ago(d.last_seen)));
  tr.dataset.deviceId = d.device_id;
  tr.addEventListener("click", (ev) => { if (ev.target.tagName !== "A") location.hash = name.getAttribute("href"); });
  return tr;
}

register({
  name: "devices",
  // #/devices, but not one device's page (#/devices/ID).
  pattern: /^#\/devices(?!\/.)/,
  standalone: true,
  // Coming back to the list: what it read before may be old.
  enter: reloadDevices,
  render: renderDevices,
  // A change made before this stream (re)started comes in no event: the first one re-reads what was read before it.
  update(route, latest, first) {
    if (first) reloadDevices();
    else patchDevices(latest);
  },
  mount() {
    $("device-scroll").addEventListener("scroll", () => requestAnimationFrame(drawDevices), { passive: true });
    $("device-filters").addEventListener("input", renderDevices);
    $("device-filters").addEventListener("submit", (ev) => ev.preventDefault());
  },
});
