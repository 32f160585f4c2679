// The Alerts page (#/alerts: firing now, silences, history) and the firing count beside Alerts in the
// navigation. Alert text comes from devices' labels: untrusted, so it goes in through textContent only.
import { $, setText, notice, cell, cellOf, row, button, badge, fmt, showError } from "./dom.js";
import { getJson, send } from "./api.js";
import { register } from "./pages.js";

const page = { fetchedAt: 0, route: null, offset: 0, limit: 25, role: null };

function render(route) {
  // Refresh on entering the page and then at most every 5 s of live updates.
  if (page.route === route && Date.now() - page.fetchedAt < 5000) return;
  if (page.route !== route) page.role = null; // a new visit: the login may have changed
  page.route = route;
  page.fetchedAt = Date.now();
  loadAlerts();
}

async function loadAlerts() {
  if (page.role === null) {
    const session = await getJson("api/v1/session").catch(() => ({}));
    page.role = session.role || "";
  }
  const stateFilter = $("history-state").value;
  const [current, silences, history] = await Promise.all([
    getJson("api/v1/alerts"),
    getJson("api/v1/silences"),
    getJson(`api/v1/alerts/history?limit=${page.limit}&offset=${page.offset}` + (stateFilter ? "&state=" + stateFilter : "")),
  ]);
  renderCurrent(current.alerts);
  renderSilences(silences.silences);
  renderHistory(history);
}

function labelText(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ");
}

function showFiringCount(alerts) {
  const firing = alerts.filter((a) => a.state === "firing").length;
  const count = $("alerts-badge");
  count.textContent = String(firing);
  count.hidden = firing === 0;
}

// The count in the navigation stays current on every page; failures (logged out) are the login page's business.
function refreshFiringCount() {
  if (!$("view-login").hidden) return;
  fetch("api/v1/alerts", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : null))
    .then((body) => { if (body) showFiringCount(body.alerts); })
    .catch(() => {});
}

// An admin's action in a row's last cell; others see the cell empty.
const action = (allowed, text, onClick) => (allowed ? cellOf(button(text, onClick, "small")) : cellOf());

function renderCurrent(alerts) {
  showFiringCount(alerts);
  $("no-alerts").hidden = alerts.length > 0;
  $("alert-rows").replaceChildren(...alerts.map((a) => {
    const silence = action(page.role === "admin", "Silence…", () => {
      $("silence-matchers").value = labelText(Object.assign({ rule: a.rule }, a.labels));
      $("silence-comment").focus();
    });
    const tr = row(cell(a.state, "state-" + a.state), cellOf(badge("severity", a.severity)), cell(a.rule), cell(a.summary),
      cell(labelText(a.labels), "labels"), cell(fmt.ago(a.firing_since || a.active_since)),
      cell(a.silenced_by.length ? "silenced" : "–"), silence);
    tr.dataset.alertId = a.id;
    return tr;
  }));
}

function renderSilences(silences) {
  $("no-silences").hidden = silences.length > 0;
  $("silence-form").hidden = page.role !== "admin";
  $("silence-rows").replaceChildren(...silences.map((s) => {
    const matchers = s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(", ");
    return row(cell(s.status), cell(matchers, "labels"), cell(fmt.time(s.starts_at)), cell(fmt.time(s.ends_at)),
      cell(s.created_by), cell(s.comment), action(page.role === "admin" && s.status !== "expired", "Expire", () => expireSilence(s.id)));
  }));
}

function renderHistory(history) {
  $("history-rows").replaceChildren(...history.alerts.map((a) => {
    const sent = a.notifications.map((n) => `${n.channel}: ${n.kind} ${n.outcome}`).join("; ");
    return row(cellOf(badge("severity", a.severity)), cell(a.rule), cell(a.summary), cell(fmt.time(a.firing_since)),
      cell(fmt.time(a.resolved_at, "firing")), cell(fmt.duration(a.firing_seconds), "num"), cell(sent || "–"));
  }));
  const last = Math.min(history.offset + history.alerts.length, history.total);
  setText("history-page", history.total === 0 ? "No alert has fired yet." : `${history.offset + 1}–${last} of ${history.total}, newest first`);
  $("history-newer").disabled = history.offset === 0;
  $("history-older").disabled = last >= history.total;
}

// Matchers as Alertmanager writes them: name="value", name!="value", name=~"regex", name!~"regex".
function parseMatchers(text) {
  const matchers = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let m;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    matchers.push({ name: m[1], op: m[2], value: m[3].replace(/\\(.)/g, "$1") });
  }
  if (re.lastIndex < text.length || matchers.length === 0) throw new Error('write matchers as name="value", separated by commas');
  return matchers;
}

async function changeSilences(method, path, body) {
  const refused = await send(method, path, body);
  if (refused !== null) throw new Error(refused);
  page.fetchedAt = 0;
  await loadAlerts();
}

async function createSilence(ev) {
  ev.preventDefault();
  notice("silence-error", null);
  try {
    await changeSilences("POST", "api/v1/silences", {
      matchers: parseMatchers($("silence-matchers").value),
      duration: $("silence-duration").value,
      comment: $("silence-comment").value,
    });
    $("silence-matchers").value = "";
    $("silence-comment").value = "";
  } catch (e) {
    notice("silence-error", e.message);
  }
}

function expireSilence(id) {
  changeSilences("DELETE", "api/v1/silences/" + encodeURIComponent(id)).catch((e) => showError(e.message));
}

register({
  name: "alerts",
  pattern: /^#\/alerts/,
  render,
  mount() {
    setInterval(refreshFiringCount, 15000);
    $("silence-form").addEventListener("submit", createSilence);
    $("history-state").addEventListener("change", () => { page.offset = 0; loadAlerts(); });
    $("history-newer").addEventListener("click", () => { page.offset = Math.max(0, page.offset - page.limit); loadAlerts(); });
    $("history-older").addEventListener("click", () => { page.offset += page.limit; loadAlerts(); });
  },
});
