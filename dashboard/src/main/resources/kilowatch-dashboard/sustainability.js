// Kilowatch sustainability pages: this year's ICT carbon against the reduction path, where the savings
// are, and the printable carbon report. Loaded after app.js, whose helpers ($, setText, fmt, getJson,
// cell, state, pages) it uses; every value goes in through textContent only. Wrapped in a function so its
// names never shadow app.js's.
"use strict";

(() => {

const kg3 = (v) => (v == null ? "–" : v.toFixed(3));
const gbp = (v) => (v == null ? "–" : v.toFixed(2));
const STATUS_TEXT = {
  met: "met", missed: "missed", on_track: "on track", off_track: "off track", in_progress: "in progress",
  baseline: "baseline year", future: "future", no_target: "no target set",
};

function targetBadge(status) {
  const span = document.createElement("span");
  span.className = "status " + (status === "met" || status === "on_track" ? "up" : status === "missed" || status === "off_track" ? "down" : "neutral");
  span.textContent = STATUS_TEXT[status] || status;
  return span;
}

function rows(bodyId, items, columns) {
  $(bodyId).replaceChildren(...items.map((item) => {
    const tr = document.createElement("tr");
    tr.append(...columns.map(([value, className]) => cell(value(item), className)));
    return tr;
  }));
}

// ---- Sustainability section
async function showSustainability() {
  const org = $("sus-org").value;
  const [summary, trajectory, savings, windows, models] = await Promise.all([
    getJson("api/v1/carbon/summary"), getJson("api/v1/carbon/trajectory" + (org ? "?org=" + encodeURIComponent(org) : "")),
    getJson("api/v1/carbon/savings"), getJson("api/v1/carbon/windows"), getJson("api/v1/power-models"),
  ]);
  orgChoices(summary.orgs);
  const t = summary.totals;
  setText("sus-operational", kg3(t.operational_kg));
  setText("sus-scopes", `scope 2 ${kg3(t.scope2_kg)} · scope 3 T&D ${kg3(t.scope3_td_kg)} · ${summary.year} to date`);
  setText("sus-embodied", kg3(t.embodied_kg) + " kg");
  setText("sus-energy", fmt.kwh(t.energy_kwh));
  setText("sus-quality", fmt.quality(t.data_quality));
  setText("sus-cost", t.cost_gbp ? `£${gbp(t.cost_gbp)} at tariff` : "no tariff configured");
  $("sus-report-link").href = `#/carbon-report?year=${summary.year}`;
  if (summary.target) {
    setText("sus-target", kg3(summary.target.target_kg) + " kg");
    setText("sus-projected", kg3(summary.target.projected_year_end_kg) + " kg");
    $("sus-status").replaceChildren(targetBadge(summary.target.status), document.createTextNode(` baseline ${summary.target.baseline_year}`));
  } else {
    setText("sus-target", "–");
    setText("sus-projected", "–");
    $("sus-status").replaceChildren(targetBadge("no_target"));
  }
  drawPath(trajectory);
  showSavings(savings);
  showWindows(windows);
  showCalibration(models);
}

function showCalibration(m) {
  const model = (x) => (x ? `${x.idle_watts.toFixed(1)}–${x.max_watts.toFixed(1)}` : "–");
  const error = (e) => (e ? `${e.bias_ratio == null ? "–" : (e.bias_ratio * 100).toFixed(1) + " %"} · RMSE ${e.rmse_watts.toFixed(1)} W` : "–");
  $("sus-calibration").replaceChildren(...m.classes.map((c) => {
    const tr = document.createElement("tr");
    tr.append(cell(c.class), cell(String(c.measured_devices), "num"), cell(String(c.measured_samples), "num"),
      cell(String(c.modelled_devices), "num"), cell(model(c.class_model)), cell(error(c.before), "num"),
      cell(c.fitted_model ? model(c.fitted_model) : c.note || "–"), cell(error(c.after), "num"),
      cell(c.accepted ? `calibrated ${model(c.accepted)} (${c.accepted.accepted_by})` : "class model"));
    const action = document.createElement("td");
    if (c.fitted_model || c.accepted) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = c.accepted ? "Revert" : "Accept";
      button.addEventListener("click", () => changeModel(c.accepted ? "DELETE" : "POST", c.class));
      action.append(button);
    }
    tr.append(action);
    return tr;
  }));
}

async function changeModel(method, deviceClass) {
  const note = $("sus-calibration-error");
  const response = await fetch(`api/v1/power-models/${encodeURIComponent(deviceClass)}/accept`, { method, headers: { "X-Requested-With": "kilowatch" } });
  note.hidden = response.ok;
  if (!response.ok) {
    note.textContent = (await response.json().catch(() => ({ error: "HTTP " + response.status }))).error;
    return;
  }
  showCalibration(await getJson("api/v1/power-models"));
}

function showWindows(w) {
  const time = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
  rows("sus-windows", w.plans, [[(p) => p.name], [(p) => p.kind], [(p) => time(p.best && p.best.start)], [(p) => time(p.best && p.best.end)],
    [(p) => (p.best && p.best.gco2e_per_kwh != null ? p.best.gco2e_per_kwh.toFixed(1) : "–"), "num"], [(p) => kg3(p.best && p.best.kgco2e), "num"],
    [(p) => time(p.default.start)], [(p) => kg3(p.saving_kgco2e), "num"], [(p) => p.basis]]);
}

function orgChoices(orgs) {
  const select = $("sus-org");
  if (select.options.length > 1) return;
  select.append(...orgs.map((o) => new Option(o, o)));
  select.addEventListener("change", async () => {
    const org = select.value;
    drawPath(await getJson("api/v1/carbon/trajectory" + (org ? "?org=" + encodeURIComponent(org) : "")));
  });
}

function drawPath(trajectory) {
  const holder = $("sus-chart");
  if (trajectory.status === "no_target") {
    if (state.charts.sustainability) state.charts.sustainability.destroy();
    state.charts.sustainability = null;
    holder.replaceChildren();
    setText("sus-path-note", trajectory.reason);
    return;
  }
  setText("sus-path-note", `${trajectory.org || "Whole estate"}: ${STATUS_TEXT[trajectory.status]}, target ${kg3(trajectory.target_kg)} kg for ${trajectory.year}, projected ${kg3(trajectory.projected_year_end_kg)} kg; baseline ${kg3(trajectory.baseline_kg)} kg in ${trajectory.baseline_year} (${trajectory.baseline_source})`);
  const months = trajectory.months;
  const xs = months.map((m) => Date.parse(m.month + "-01T00:00:00Z") / 1000);
  const data = [xs, months.map((m) => m.cumulative_target_kg), months.map((m) => m.cumulative_actual_kg)];
  const opts = {
    width: Math.max(280, holder.clientWidth || 600), height: 260,
    series: [{}, { label: "Reduction path (kg)", stroke: "#5b6661", dash: [6, 4], width: 2 },
      { label: "Actual (kg)", stroke: "#1f6f50", width: 2, spanGaps: false }],
    scales: { x: { time: true } },
  };
  if (state.charts.sustainability) state.charts.sustainability.destroy();
  holder.replaceChildren();
  state.charts.sustainability = new uPlot(opts, data, holder);
}

function showSavings(s) {
  const perYear = (kwh) => `${fmt.kwh(kwh)}/yr`;
  const detail = (kg, money) => `${kg3(kg)} kgCO2e/yr` + (money == null ? "" : ` · £${gbp(money)}/yr`);
  const idle = s.idle_out_of_hours;
  setText("sus-window", `(last ${Math.round(s.window.hours / 24)} days, annualised)`);
  setText("sus-idle-kwh", perYear(idle.annual_kwh));
  setText("sus-idle-detail", detail(idle.annual_kg, idle.annual_gbp));
  setText("sus-sleep-kwh", perYear(idle.sleep_policy.annual_kwh));
  setText("sus-sleep-detail", detail(idle.sleep_policy.annual_kg, idle.sleep_policy.annual_gbp));
  const servers = s.underused_servers;
  setText("sus-servers-kwh", perYear(servers.annual_kwh));
  setText("sus-servers-detail", `${servers.candidates.length} candidate(s) · ` + detail(servers.annual_kg, servers.annual_gbp));
  setText("sus-keep-kg", kg3(s.keep_longer.annual_kg_saved) + " kg/yr");
  setText("sus-keep-detail", `embodied charge ${kg3(s.keep_longer.annual_embodied_kg)} → ${kg3(s.keep_longer.annual_embodied_kg_one_year_longer)} kg/yr over ${s.keep_longer.devices} devices`);
  const name = (d) => d.hostname || d.device_id;
  rows("sus-offenders", idle.worst_offenders, [[name], [(d) => d.org], [(d) => d.site], [(d) => d.class],
    [(d) => d.idle_out_of_hours_hours.toFixed(1), "num"], [(d) => d.annual_kwh.toFixed(1), "num"], [(d) => kg3(d.annual_kg), "num"],
    [(d) => gbp(d.annual_gbp), "num"], [(d) => d.sleep_policy_annual_kwh.toFixed(1), "num"]]);
  rows("sus-servers", servers.candidates, [[name], [(d) => d.site], [(d) => fmt.pct(d.mean_cpu_ratio), "num"],
    [(d) => fmt.pct(d.p95_cpu_ratio), "num"], [(d) => d.mean_watts.toFixed(1), "num"], [(d) => d.saved_watts.toFixed(1), "num"],
    [(d) => d.annual_kwh.toFixed(1), "num"], [(d) => kg3(d.annual_kg), "num"]]);
  rows("sus-replace", s.replace_or_keep, [[name], [(d) => d.class], [(d) => d.age_years.toFixed(1), "num"],
    [(d) => d.mean_watts.toFixed(1), "num"], [(d) => d.new_device_watts.toFixed(1), "num"], [(d) => kg3(d.annual_kg_saved), "num"],
    [(d) => (d.break_even_years == null ? "never" : d.break_even_years.toFixed(1)), "num"], [(d) => d.verdict]]);
  setText("sus-method", s.method);
}

// ---- printable carbon report
function reportQuery(hash) {
  const params = new URLSearchParams(hash.split("?")[1] || "");
  const year = Number(params.get("year")) || new Date().getFullYear();
  const quarter = params.get("quarter") || "";
  return { year, quarter };
}

async function showReport(hash) {
  const { year, quarter } = reportQuery(hash);
  const query = `year=${year}` + (quarter ? `&quarter=${quarter}` : "");
  const yearSelect = $("carbon-report-year");
  if (!yearSelect.options.length) {
    const now = new Date().getFullYear();
    for (let y = now; y >= now - 10; y--) yearSelect.append(new Option(String(y), String(y)));
    const go = () => { location.hash = `#/carbon-report?year=${yearSelect.value}` + ($("carbon-report-quarter").value ? `&quarter=${$("carbon-report-quarter").value}` : ""); };
    yearSelect.addEventListener("change", go);
    $("carbon-report-quarter").addEventListener("change", go);
    $("carbon-report-print").addEventListener("click", () => window.print());
  }
  yearSelect.value = String(year);
  $("carbon-report-quarter").value = quarter;
  $("carbon-report-csv").href = `api/v1/carbon/report?${query}&format=csv`;
  $("carbon-report-json").href = `api/v1/carbon/report?${query}`;
  const r = await getJson(`api/v1/carbon/report?${query}`);
  setText("carbon-report-title", `ICT carbon report: ${r.period.label}`);
  setText("carbon-report-period", `${r.period.from.slice(0, 10)} to ${r.period.to.slice(0, 10)} (${r.period.time_zone})` +
    (r.period.complete ? "" : ", in progress") + ` · generated ${new Date(r.generated).toLocaleString()}`);
  const t = r.totals;
  setText("carbon-report-scope2", kg3(t.scope2_kg));
  setText("carbon-report-overhead-kg", kg3(t.scope2_overhead_kg));
  setText("carbon-report-td", kg3(t.scope3_td_kg));
  setText("carbon-report-operational", kg3(t.operational_kg));
  setText("carbon-report-embodied", kg3(t.embodied_kg));
  setText("carbon-report-energy", kg3(t.energy_kwh));
  setText("carbon-report-overhead-kwh", kg3(t.overhead_energy_kwh));
  setText("carbon-report-fallback-kwh", kg3(t.fallback_energy_kwh));
  for (const kind of ["measured", "modelled", "imported", "unknown"]) setText(`carbon-report-${kind}-kwh`, kg3(t[`${kind}_energy_kwh`]));
  setText("carbon-report-cost", gbp(t.cost_gbp));
  const target = $("carbon-report-target");
  if (r.target) {
    target.replaceChildren(targetBadge(r.target.status), document.createTextNode(
      ` actual ${kg3(r.target.actual_kg)} kg against a target of ${kg3(r.target.target_kg)} kg` +
      (r.target.projected_year_end_kg == null ? "" : `; projected year-end ${kg3(r.target.projected_year_end_kg)} kg`) +
      `; baseline ${kg3(r.target.baseline_kg)} kg in ${r.target.baseline_year} (${r.target.baseline_source})` +
      (r.target.includes_embodied ? ", embodied included" : ", operational only")));
  } else {
    target.textContent = "No reduction target is configured.";
  }
  rows("carbon-report-orgs", r.by_org, [[(o) => o.org], [(o) => kg3(o.own.operational_kg), "num"], [(o) => kg3(o.shared.operational_kg), "num"],
    [(o) => kg3(o.total.operational_kg), "num"], [(o) => kg3(o.total.embodied_kg), "num"], [(o) => kg3(o.total.energy_kwh), "num"],
    [(o) => gbp(o.total.cost_gbp), "num"]]);
  $("carbon-report-shared").replaceChildren(...r.shared_services.map((s) => {
    const p = document.createElement("p");
    p.className = "sub";
    p.textContent = `Shared service ${s.org} (${s.devices} devices, ${kg3(s.total.operational_kg)} kg operational) apportioned: ` +
      s.partners.map((x) => `${x.partner} ${(x.share * 100).toFixed(1)} % = ${kg3(x.operational_kg)} kg`).join("; ");
    return p;
  }));
  const groupColumns = (key) => [[(g) => g[key]], [(g) => String(g.devices), "num"], [(g) => kg3(g.operational_kg), "num"],
    [(g) => kg3(g.embodied_kg), "num"], [(g) => kg3(g.energy_kwh), "num"], [(g) => gbp(g.cost_gbp), "num"]];
  rows("carbon-report-sites", r.by_site, groupColumns("site"));
  rows("carbon-report-classes", r.by_class, groupColumns("class"));
  const list = (id, items) => $(id).replaceChildren(...items.map((text) => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }));
  list("carbon-report-method", r.method);
  list("carbon-report-sources", r.factor_sources);
  $("view-carbon-report").dataset.loaded = query;
}

// app.js calls a page on entering it and on every live update; these fetch on entering (a new route) and
// the Sustainability page again at most every minute.
const visits = { sustainability: { route: null, at: 0 }, "carbon-report": { route: null } };
pages.sustainability = () => {
  const v = visits.sustainability;
  if (v.route === state.route && Date.now() - v.at < 60000) return;
  v.route = state.route;
  v.at = Date.now();
  showSustainability().catch((e) => showError(e.message));
};
pages["carbon-report"] = () => {
  const v = visits["carbon-report"];
  if (v.route === state.route) return;
  v.route = state.route;
  showReport(location.hash).catch((e) => showError(e.message));
};
})();
