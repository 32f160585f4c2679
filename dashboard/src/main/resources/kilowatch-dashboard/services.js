// The Services section (#/services): the service list, one service (#/services/NAME) and its printable SLA
// report (#/services/NAME/report?period=&date=). Names and details come from config and probes: textContent only.
import { $, setText, notice, cell, cellOf, row, pair, link, badge, fmt } from "./dom.js";
import { getJson, getJsonOrNull } from "./api.js";
import { register } from "./pages.js";

const PERIODS = ["day", "week", "month", "quarter", "year"];
const WINDOWS = ["1h", "24h", "7d", "30d", "day", "week", "month", "quarter", "year"];
let fetched = { key: null, at: 0 };

const dur = fmt.durationToSecond;
const when = (iso) => fmt.time(iso, "ongoing");
const serviceLink = (name, suffix = "") => link("#/services/" + encodeURIComponent(name) + suffix, name);

// Live views refetch at most every 5 s however often updates arrive; a report only when its address changes.
function due(key, maxAgeMs) {
  const now = Date.now();
  if (fetched.key === key && now - fetched.at < maxAgeMs) return false;
  fetched = { key, at: now };
  return true;
}

function subRoute(hash) {
  const report = hash.match(/^#\/services\/([^/?]+)\/report(?:\?(.*))?$/);
  if (report) {
    const q = new URLSearchParams(report[2] || "");
    return { view: "service-report", name: decodeURIComponent(report[1]), period: q.get("period"), date: q.get("date") };
  }
  const one = hash.match(/^#\/services\/([^/?]+)$/);
  if (one) return { view: "service", name: decodeURIComponent(one[1]) };
  return { view: "services" };
}

function render(route) {
  const r = subRoute(route.hash);
  $("services-list").hidden = r.view !== "services";
  $("services-one").hidden = r.view !== "service";
  $("services-report").hidden = r.view !== "service-report";
  if (r.view === "services" && due("list", 5000)) renderList();
  if (r.view === "service" && due("service:" + r.name, 5000)) renderService(r.name);
  if (r.view === "service-report" && due(`report:${r.name}:${r.period}:${r.date}`, Infinity)) renderReport(r);
}

async function renderList() {
  const body = await getJson("api/v1/services");
  const rows = body.services.map((s) => {
    const period = s.error_budget.period;
    const avail = s.availability[period];
    const met = avail == null ? "" : avail >= s.target_ratio ? "met" : "missed";
    const tr = row(cellOf(badge("service", s.state)), cellOf(serviceLink(s.name)), cell(s.owner || "–"), cell(fmt.pct(avail, 3), "num " + met),
      cell(fmt.pct(s.target_ratio, 2), "num"), cell(period),
      cell(fmt.pct(s.error_budget.remaining_ratio, 1), "num" + (s.error_budget.remaining_ratio < 0 ? " missed" : "")),
      cell(fmt.pct(s.availability["24h"], 3), "num"), cell(s.failing.join(", ") || "–"));
    tr.addEventListener("click", (ev) => { if (ev.target.tagName !== "A") location.hash = "#/services/" + encodeURIComponent(s.name); });
    return tr;
  });
  $("service-rows").replaceChildren(...rows);
  $("no-services").hidden = rows.length > 0;
  notice("services-config-error", body.config.last_reload_error && "The services file was refused (the services below still run): " + body.config.last_reload_error);
}

async function renderService(name) {
  const s = await getJsonOrNull("api/v1/services/" + encodeURIComponent(name));
  if (!s) {
    setText("service-title", "No such service: " + name);
    return;
  }
  setText("service-title", s.name);
  setText("service-owner", [s.owner, s.description].filter(Boolean).join(" · "));
  $("service-state").replaceChildren(badge("service", s.state));
  setText("service-since", "since " + fmt.time(s.since));
  setText("service-target", fmt.pct(s.target_ratio, 2));
  setText("service-budget", fmt.pct(s.error_budget.remaining_ratio, 1));
  setText("service-budget-detail", `${dur(Math.max(0, s.error_budget.left_seconds))} left of ${dur(s.error_budget.total_seconds)} this ${s.error_budget.period}`);
  $("service-windows").replaceChildren(...WINDOWS.map((w) => pair(w, fmt.pct(s.availability[w], 3))));
  $("service-burn").replaceChildren(...Object.entries(s.burn_rates).map(([w, rate]) => pair(w, rate.toFixed(2) + "×")));
  $("service-components").replaceChildren(...s.components.map((c) =>
    row(cellOf(badge("service", c.state)), cell(c.name), cell(c.kind), c.kind === "service" ? cellOf(serviceLink(c.ref)) : cell(c.ref), cell(c.detail))));
  setText("service-calendar", `${s.rule.replace(/_/g, " ")} · ${typeof s.calendar.hours === "string" ? s.calendar.hours
    : Object.entries(s.calendar.hours).map(([d, h]) => d + " " + h).join(", ")} (${s.calendar.time_zone})`
    + (s.calendar.holidays.length ? ` · holidays ${s.calendar.holidays.join(", ")}` : "") + ` · no data counts ${s.no_data_policy}`);
  $("service-incidents").replaceChildren(...s.incidents.map(incidentRow));
  $("no-incidents").hidden = s.incidents.length > 0;
  $("service-report-link").href = "#/services/" + encodeURIComponent(s.name) + "/report";
}

function incidentRow(i) {
  return row(cell(when(i.start)), cell(when(i.end)), cell(dur(i.duration_seconds), "num"),
    cell(dur(i.service_hours_seconds), "num"), cell(i.components.join(", ") || "–"));
}

async function renderReport(r) {
  const q = new URLSearchParams();
  if (r.period) q.set("period", r.period);
  if (r.date) q.set("date", r.date);
  const base = "api/v1/services/" + encodeURIComponent(r.name) + "/report";
  let rep;
  try {
    rep = await getJson(base + "?" + q);
  } catch (err) {
    setText("report-title", "SLA report unavailable: " + err.message);
    return;
  }
  setText("report-title", `SLA report: ${rep.service}, ${rep.period.name}`);
  setText("report-subtitle", `${rep.owner ? rep.owner + " · " : ""}${fmt.time(rep.period.start)} to ${fmt.time(rep.period.end)} (${rep.period.time_zone})`
    + (rep.period.complete ? "" : " · period still running: figures so far"));
  $("report-period").value = rep.period.kind;
  $("report-date").value = r.date || new Date().toISOString().slice(0, 10);
  q.set("format", "csv");
  $("report-csv").href = base + "?" + q;
  $("report-back").href = "#/services/" + encodeURIComponent(rep.service);
  const verdict = $("report-verdict");
  verdict.textContent = rep.met == null ? "no figure (nothing counted)" : rep.met ? "target met" : "target missed";
  verdict.className = "verdict " + (rep.met == null ? "" : rep.met ? "met" : "missed");
  const s = rep.seconds;
  const b = rep.error_budget;
  const rows = [
    ["Availability", fmt.pct(rep.availability_ratio, 3)], ["Target", fmt.pct(rep.target_ratio, 3)],
    ["Service time", dur(s.service)], ["Planned maintenance", dur(s.maintenance)],
    ["Counted time", dur(s.counted)], ["Down", dur(s.down)], ["No data", `${dur(s.no_data)} (counted ${rep.no_data_policy})`],
    ["Charged as down", dur(s.charged_down)],
    ["Error budget", `${dur(b.total_seconds)}; spent ${dur(b.spent_seconds)}; left ${b.left_seconds < 0 ? "−" : ""}${dur(Math.abs(b.left_seconds))} (${fmt.pct(b.remaining_ratio, 1)})`],
  ];
  if (rep.sci) {
    // Software Carbon Intensity beside availability: (E x I + M) per functional unit.
    const per = (unit) => (rep.sci.gco2e_per_unit[unit] == null ? "–" : rep.sci.gco2e_per_unit[unit].toFixed(3));
    rows.push(["Carbon (SCI)", `${per("month")} gCO2e per month · ${per("probe_transaction")} gCO2e per probe transaction · `
      + `${(rep.sci.total_gco2e / 1000).toFixed(3)} kgCO2e in the period (${rep.sci.energy_kwh.toFixed(3)} kWh; embodied ${(rep.sci.embodied_gco2e / 1000).toFixed(3)} kg)`]);
  }
  $("report-summary").replaceChildren(...rows.map(([k, v]) => pair(k, v)));
  $("report-incidents").replaceChildren(...rep.incidents.map(incidentRow));
  $("report-no-incidents").hidden = rep.incidents.length > 0;
  $("report-components").replaceChildren(...rep.components.map((c) =>
    row(cell(c.name), cell(fmt.pct(c.availability_ratio, 3), "num"), cell(dur(c.down_seconds), "num"),
      cell(dur(c.no_data_seconds), "num"), cell(dur(c.maintenance_seconds), "num"))));
  $("report-maintenance").replaceChildren(...rep.maintenance.map((m) =>
    row(cell(m.name), cell(when(m.start)), cell(when(m.end)), cell(dur(m.seconds), "num"), cell(m.components.join(", ") || "whole service"))));
  $("report-no-maintenance").hidden = rep.maintenance.length > 0;
  setText("report-generated", `Generated ${fmt.time(rep.generated_at)} by Kilowatch. Availability = (counted − charged down) / counted; see docs/services.md.`);
}

function showReport(ev) {
  ev.preventDefault();
  const name = location.hash.match(/^#\/services\/([^/?]+)\/report/)[1];
  location.hash = `#/services/${name}/report?period=${encodeURIComponent($("report-period").value)}&date=${encodeURIComponent($("report-date").value)}`;
}

register({
  name: "services",
  pattern: /^#\/services/,
  render,
  mount() {
    $("report-period").replaceChildren(...PERIODS.map((p) => new Option(p, p)));
    $("report-form").addEventListener("submit", showReport);
    $("report-print").addEventListener("click", () => window.print());
  },
});
