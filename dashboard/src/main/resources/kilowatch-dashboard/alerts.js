// Kilowatch dashboard: the Alerts page (firing now, silences, history). Loaded after app.js, whose
// helpers ($, setText, getJson, cell, fmt, pages) it uses. Alert text comes from devices' labels:
// untrusted, so it goes in through textContent only.
"use strict";

const alertsPage = { fetchedAt: 0, route: null, offset: 0, limit: 25, role: null };

pages.alerts = function renderAlerts() {
  // Refresh on entering the page and then at most every 5 s of live updates.
  if (alertsPage.route === state.route && Date.now() - alertsPage.fetchedAt < 5000) return;
  if (alertsPage.route !== state.route) alertsPage.role = null; // a new visit: the login may have changed
  alertsPage.route = state.route;
  alertsPage.fetchedAt = Date.now();
  loadAlerts();
};

async function loadAlerts() {
  if (alertsPage.role === null) {
    const session = await getJson("api/v1/session").catch(() => ({}));
    alertsPage.role = session.role || "";
  }
  const stateFilter = $("history-state").value;
  const [current, silences, history] = await Promise.all([
    getJson("api/v1/alerts"),
    getJson("api/v1/silences"),
    getJson(`api/v1/alerts/history?limit=${alertsPage.limit}&offset=${alertsPage.offset}` + (stateFilter ? "&state=" + stateFilter : "")),
  ]);
  renderCurrent(current.alerts);
  renderSilences(silences.silences);
  renderHistory(history);
}

function severityBadge(severity) {
  const span = document.createElement("span");
  span.className = "severity " + severity;
  span.textContent = severity;
  return span;
}

function labelText(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ");
}

function wrapped(node) {
  const td = document.createElement("td");
  td.append(node);
  return td;
}

function showFiringCount(alerts) {
  const firing = alerts.filter((a) => a.state === "firing").length;
  const badge = $("alerts-badge");
  badge.textContent = String(firing);
  badge.hidden = firing === 0;
}

// The count in the navigation stays current on every page; failures (logged out) are the login page's business.
function refreshFiringCount() {
  if (!$("view-login").hidden) return;
  fetch("api/v1/alerts", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : null))
    .then((body) => { if (body) showFiringCount(body.alerts); })
    .catch(() => {});
}

function renderCurrent(alerts) {
  showFiringCount(alerts);
  $("no-alerts").hidden = alerts.length > 0;
  $("alert-rows").replaceChildren(...alerts.map((a) => {
    const tr = document.createElement("tr");
    tr.dataset.alertId = a.id;
    const action = document.createElement("td");
    if (alertsPage.role === "admin") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = "Silence…";
      button.addEventListener("click", () => {
        $("silence-matchers").value = labelText(Object.assign({ rule: a.rule }, a.labels));
        $("silence-comment").focus();
      });
      action.append(button);
    }
    tr.append(cell(a.state, "state-" + a.state), wrapped(severityBadge(a.severity)), cell(a.rule), cell(a.summary),
      cell(labelText(a.labels), "labels"), cell(fmt.ago(a.firing_since || a.active_since)),
      cell(a.silenced_by.length ? "silenced" : "–"), action);
    return tr;
  }));
}

function renderSilences(silences) {
  $("no-silences").hidden = silences.length > 0;
  $("silence-form").hidden = alertsPage.role !== "admin";
  $("silence-rows").replaceChildren(...silences.map((s) => {
    const tr = document.createElement("tr");
    const action = document.createElement("td");
    if (alertsPage.role === "admin" && s.status !== "expired") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = "Expire";
      button.addEventListener("click", () => expireSilence(s.id));
      action.append(button);
    }
    const matchers = s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(", ");
    tr.append(cell(s.status), cell(matchers, "labels"), cell(new Date(s.starts_at).toLocaleString()),
      cell(new Date(s.ends_at).toLocaleString()), cell(s.created_by), cell(s.comment), action);
    return tr;
  }));
}

function renderHistory(page) {
  $("history-rows").replaceChildren(...page.alerts.map((a) => {
    const tr = document.createElement("tr");
    const sent = a.notifications.map((n) => `${n.channel}: ${n.kind} ${n.outcome}`).join("; ");
    tr.append(wrapped(severityBadge(a.severity)), cell(a.rule), cell(a.summary), cell(new Date(a.firing_since).toLocaleString()),
      cell(a.resolved_at ? new Date(a.resolved_at).toLocaleString() : "firing"), cell(fmt.duration(a.firing_seconds), "num"),
      cell(sent || "–"));
    return tr;
  }));
  const last = Math.min(page.offset + page.alerts.length, page.total);
  setText("history-page", page.total === 0 ? "No alert has fired yet." : `${page.offset + 1}–${last} of ${page.total}, newest first`);
  $("history-newer").disabled = page.offset === 0;
  $("history-older").disabled = last >= page.total;
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
  const response = await fetch(path, {
    method,
    headers: Object.assign({ "X-Requested-With": "kilowatch" }, body ? { "Content-Type": "application/json" } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({ error: "HTTP " + response.status }));
    throw new Error(answer.error);
  }
  alertsPage.fetchedAt = 0;
  await loadAlerts();
}

async function createSilence(ev) {
  ev.preventDefault();
  const error = $("silence-error");
  error.hidden = true;
  try {
    await changeSilences("POST", "api/v1/silences", {
      matchers: parseMatchers($("silence-matchers").value),
      duration: $("silence-duration").value,
      comment: $("silence-comment").value,
    });
    $("silence-matchers").value = "";
    $("silence-comment").value = "";
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

function expireSilence(id) {
  changeSilences("DELETE", "api/v1/silences/" + encodeURIComponent(id)).catch((e) => showError(e.message));
}

document.addEventListener("DOMContentLoaded", () => {
  setInterval(refreshFiringCount, 15000);
  $("silence-form").addEventListener("submit", createSilence);
  $("history-state").addEventListener("change", () => { alertsPage.offset = 0; loadAlerts(); });
  $("history-newer").addEventListener("click", () => { alertsPage.offset = Math.max(0, alertsPage.offset - alertsPage.limit); loadAlerts(); });
  $("history-older").addEventListener("click", () => { alertsPage.offset += alertsPage.limit; loadAlerts(); });
});
