// Kilowatch built-in dashboard: hash-routed views over the collector's REST API, kept live by server-sent
// events. This module is the entry point: it logs in, routes each address to the view the page registry
// (pages.js) names, and hands every live update to the view on show. The views register themselves when
// imported below; a new view is one more module and one more import.
import { $, notice, showError } from "./dom.js";
import { onLoggedOut, send } from "./api.js";
import { resolve, mountAll } from "./pages.js";
import { rangeButtons, forgetFetches } from "./charts.js";
import "./overview.js";
import "./devices.js";
import "./device.js";
import "./events.js";
import "./services.js";
import "./alerts.js";
import "./sustainability.js";
import "./carbon-report.js";

// latest: the last live update; route: the view on show, a new object on every navigation.
const state = { latest: null, route: null, events: null };

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
  notice("login-error", null);
  const refused = await send("POST", "api/v1/session", { username: $("login-username").value, password: $("login-password").value });
  notice("login-error", refused);
  if (refused !== null) return;
  $("login-password").value = "";
  $("logout").hidden = false;
  start();
}

async function logout() {
  await send("DELETE", "api/v1/session");
  showLogin();
}

function start() {
  route();
  connect();
}

// ---- routing
function route() {
  state.route = resolve(location.hash || "#/");
  const { view } = state.route;
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + view.name;
  for (const link of document.querySelectorAll("[data-nav]")) link.classList.toggle("active", link.dataset.nav === (view.nav || view.name));
  forgetFetches();
  if (view.enter) view.enter(state.route);
  else render();
}

function render() {
  if (!state.route) return; // not logged in yet: nothing is on show
  // A standalone view reads its own data: it need not wait for the first live event.
  if (state.latest || state.route.view.standalone) state.route.view.render(state.route, state.latest);
}

// ---- live updates
function connect() {
  const live = $("live");
  if (state.events) state.events.close();
  const source = new EventSource("api/v1/events");
  state.events = source;
  let first = true;
  source.addEventListener("update", (ev) => {
    // Each event holds only the devices that changed since the one before.
    state.latest = JSON.parse(ev.data);
    live.textContent = "live";
    live.className = "live on";
    const { view } = state.route;
    if (view.update) view.update(state.route, state.latest, first);
    else render();
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

window.addEventListener("error", (ev) => showError(ev.message));
window.addEventListener("unhandledrejection", (ev) => showError(String(ev.reason)));
window.addEventListener("hashchange", () => { if (!$("view-login").hidden) return; route(); });
window.addEventListener("resize", () => { forgetFetches(); render(); });

// Module scripts run once the document is parsed: the page's elements are all there.
onLoggedOut(showLogin);
rangeButtons(render);
mountAll();
$("login-form").addEventListener("submit", login);
$("logout").addEventListener("click", logout);
checkSession();
