// Kilowatch dashboard, Services section (#/services): the service list, one service (#/services/NAME) and
// its printable SLA report (#/services/NAME/report?period=&date=). Loaded after app.js, whose helpers
// ($, setText, fmt, getJson, pages) it uses. Names and details come from config and probes: textContent only.
"use strict";

(() => {
  const PERIODS = ["day", "week", "month", "quarter", "year"];
  const WINDOWS = ["1h", "24h", "7d", "30d", "day", "week", "month", "quarter", "year"];
  let fetched = { key: null, at: 0 };

  const el = (tag, text, className) => {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (className) e.className = className;
    return e;
  };
  const td = (text, className) => el("td", text, className);
  const badge = (state) => el("span", state.replace("_", " "), "status svc-" + state);
  // SLA figures are often seconds: show them rather than "0 min".
  const dur = (s) => (s != null && Math.abs(s) < 60 ? Math.round(s) + " s" : fmt.duration(s));
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : "ongoing");
  const serviceLink = (name, suffix = "") => {
    const a = el("a", name);
    a.href = "#/services/" + encodeURIComponent(name) + suffix;
    return a;
  };

  // Live views refetch at most every 5 s however often updates arrive; a report only when its address changes.
  function due(key, maxAgeMs) {
    const now = Date.now();
    if (fetched.key === key && now - fetched.at < maxAgeMs) return false;
    fetched = { key, at: now };
    return true;
  }

  function route(hash) {
    const report = hash.match(/^#\/services\/([^/?]+)\/report(?:\?(.*))?$/);
    if (report) {
      const q = new URLSearchParams(report[2] || "");
      return { view: "service-report", name: decodeURIComponent(report[1]), period: q.get("period"), date: q.get("date") };
    }
    const one = hash.match(/^#\/services\/([^/?]+)$/);
    if (one) return { view: "service", name: decodeURIComponent(one[1]) };
    return { view: "services" };
  }

  function render() {
    const r = route(location.hash);
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
      const tr = el("tr");
      const state = td();
      state.append(badge(s.state));
      const name = td();
      name.append(serviceLink(s.name));
      const period = s.error_budget.period;
      const avail = s.availability[period];
      const met = avail == null ? "" : avail >= s.target_ratio ? "met" : "missed";
      tr.append(state, name, td(s.owner || "–"), td(fmt.pct(avail, 3), "num " + met), td(fmt.pct(s.target_ratio, 2), "num"),
        td(period), td(fmt.pct(s.error_budget.remaining_ratio, 1), "num" + (s.error_budget.remaining_ratio < 0 ? " missed" : "")),
        td(fmt.pct(s.availability["24h"], 3), "num"), td(s.failing.join(", ") || "–"));
      tr.addEventListener("click", (ev) => { if (ev.target.tagName !== "A") location.hash = "#/services/" + encodeURIComponent(s.name); });
      return tr;
    });
    $("service-rows").replaceChildren(...rows);
    $("no-services").hidden = rows.length > 0;
    const error = $("services-config-error");
    error.hidden = !body.config.last_reload_error;
    error.textContent = body.config.last_reload_error ? "The services file was refused (the services below still run): " + body.config.last_reload_error : "";
  }

  async function renderService(name) {
    let s;
    try {
      s = await getJson("api/v1/services/" + encodeURIComponent(name));
    } catch (err) {
      setText("service-title", "No such service: " + name);
      return;
    }
    setText("service-title", s.name);
    setText("service-owner", [s.owner, s.description].filter(Boolean).join(" · "));
    $("service-state").replaceChildren(badge(s.state));
    setText("service-since", "since " + new Date(s.since).toLocaleString());
    setText("service-target", fmt.pct(s.target_ratio, 2));
    setText("service-budget", fmt.pct(s.error_budget.remaining_ratio, 1));
    setText("service-budget-detail", `${dur(Math.max(0, s.error_budget.left_seconds))} left of ${dur(s.error_budget.total_seconds)} this ${s.error_budget.period}`);
    $("service-windows").replaceChildren(...WINDOWS.map((w) => {
      const tr = el("tr");
      tr.append(el("th", w), td(fmt.pct(s.availability[w], 3)));
      return tr;
    }));
    $("service-burn").replaceChildren(...Object.entries(s.burn_rates).map(([w, rate]) => {
      const tr = el("tr");
      tr.append(el("th", w), td(rate.toFixed(2) + "×"));
      return tr;
    }));
    $("service-components").replaceChildren(...s.components.map((c) => {
      const tr = el("tr");
      const state = td();
      state.append(badge(c.state));
      const ref = td();
      if (c.kind === "service") ref.append(serviceLink(c.ref)); else ref.textContent = c.ref;
      tr.append(state, td(c.name), td(c.kind), ref, td(c.detail));
      return tr;
    }));
    setText("service-calendar", `${s.rule.replace(/_/g, " ")} · ${typeof s.calendar.hours === "string" ? s.calendar.hours
      : Object.entries(s.calendar.hours).map(([d, h]) => d + " " + h).join(", ")} (${s.calendar.time_zone})`
      + (s.calendar.holidays.length ? ` · holidays ${s.calendar.holidays.join(", ")}` : "") + ` · no data counts ${s.no_data_policy}`);
    $("service-incidents").replaceChildren(...s.incidents.map(incidentRow));
    $("no-incidents").hidden = s.incidents.length > 0;
    $("service-report-link").href = "#/services/" + encodeURIComponent(s.name) + "/report";
  }

  function incidentRow(i) {
    const tr = el("tr");
    tr.append(td(when(i.start)), td(when(i.end)), td(dur(i.duration_seconds), "num"),
      td(dur(i.service_hours_seconds), "num"), td(i.components.join(", ") || "–"));
    return tr;
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
    setText("report-subtitle", `${rep.owner ? rep.owner + " · " : ""}${new Date(rep.period.start).toLocaleString()} to ${new Date(rep.period.end).toLocaleString()} (${rep.period.time_zone})`
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
    $("report-summary").replaceChildren(...rows.map(([k, v]) => {
      const tr = el("tr");
      tr.append(el("th", k), td(v));
      return tr;
    }));
    $("report-incidents").replaceChildren(...rep.incidents.map(incidentRow));
    $("report-no-incidents").hidden = rep.incidents.length > 0;
    $("report-components").replaceChildren(...rep.components.map((c) => {
      const tr = el("tr");
      tr.append(td(c.name), td(fmt.pct(c.availability_ratio, 3), "num"), td(dur(c.down_seconds), "num"),
        td(dur(c.no_data_seconds), "num"), td(dur(c.maintenance_seconds), "num"));
      return tr;
    }));
    $("report-maintenance").replaceChildren(...rep.maintenance.map((m) => {
      const tr = el("tr");
      tr.append(td(m.name), td(when(m.start)), td(when(m.end)), td(dur(m.seconds), "num"), td(m.components.join(", ") || "whole service"));
      return tr;
    }));
    $("report-no-maintenance").hidden = rep.maintenance.length > 0;
    setText("report-generated", `Generated ${new Date(rep.generated_at).toLocaleString()} by Kilowatch. Availability = (counted − charged down) / counted; see docs/services.md.`);
  }

  function showReport(ev) {
    ev.preventDefault();
    const name = location.hash.match(/^#\/services\/([^/?]+)\/report/)[1];
    location.hash = `#/services/${name}/report?period=${encodeURIComponent($("report-period").value)}&date=${encodeURIComponent($("report-date").value)}`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("report-period").replaceChildren(...PERIODS.map((p) => { const o = el("option", p); o.value = p; return o; }));
    $("report-form").addEventListener("submit", showReport);
    $("report-print").addEventListener("click", () => window.print());
  });

  pages.services = render;
})();
