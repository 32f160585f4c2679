// The Sustainability page (#/sustainability): this year's ICT carbon against the reduction path, and
// where the savings are. Every value goes in through textContent only.
import { $, setText, notice, cell, cellOf, row, button, fillRows, badge, targetText, fmt, showError } from "./dom.js";
import { getJson, send } from "./api.js";
import { register } from "./pages.js";
import { draw, clear } from "./charts.js";

const { kg3, gbp } = fmt;
const trajectoryOf = (org) => getJson("api/v1/carbon/trajectory" + (org ? "?org=" + encodeURIComponent(org) : ""));

async function showSustainability() {
  const [summary, trajectory, savings, windows, models] = await Promise.all([
    getJson("api/v1/carbon/summary"), trajectoryOf($("sus-org").value),
    getJson("api/v1/carbon/savings"), getJson("api/v1/carbon/windows"), getJson("api/v1/power-models"),
  ]);
  orgChoices(summary.orgs);
  const t = summary.totals;
  setText("sus-operational", kg3(t.operational_kg));
  setText("sus-scopes", `scope 2 ${kg3(t.scope2_kg)} · scope 3 T&D ${kg3(t.scope3_td_kg)} · ${summary.year} to date`);
  setText("sus-embodied", kg3(t.embodied_kg) + " kg");
  // IT energy, as the overview shows it; the known-off part (asleep or shut down, at the class's figure) apart.
  setText("sus-energy", fmt.kwh(t.it_energy_kwh));
  setText("sus-quality", (t.off_energy_kwh > 0 ? `plus ${fmt.kwh(t.off_energy_kwh)} asleep or off · ` : "") + fmt.quality(t.data_quality));
  setText("sus-cost", t.cost_gbp ? `£${gbp(t.cost_gbp)} at tariff` : "no tariff configured");
  $("sus-report-link").href = `#/carbon-report?year=${summary.year}`;
  if (summary.target) {
    setText("sus-target", kg3(summary.target.target_kg) + " kg");
    setText("sus-projected", kg3(summary.target.projected_year_end_kg) + " kg");
    $("sus-status").replaceChildren(badge("target", summary.target.status), document.createTextNode(` baseline ${summary.target.baseline_year}`));
  } else {
    setText("sus-target", "–");
    setText("sus-projected", "–");
    $("sus-status").replaceChildren(badge("target", "no_target"));
  }
  drawPath(trajectory);
  showSavings(savings);
  showWindows(windows);
  showCalibration(models);
}

function showCalibration(m) {
  const model = (x) => (x ? `${x.idle_watts.toFixed(1)}–${x.max_watts.toFixed(1)}` : "–");
  const error = (e) => (e ? `${e.bias_ratio == null ? "–" : (e.bias_ratio * 100).toFixed(1) + " %"} · RMSE ${e.rmse_watts.toFixed(1)} W` : "–");
  $("sus-calibration").replaceChildren(...m.classes.map((c) => row(cell(c.class), cell(String(c.measured_devices), "num"), cell(String(c.meters), "num"),
    cell(String(c.measured_samples), "num"), cell(String(c.modelled_devices), "num"), cell(model(c.class_model)), cell(error(c.before), "num"),
    cell(c.fitted_model ? model(c.fitted_model) : c.note || "–"), cell(error(c.after), "num"),
    cell(c.accepted ? `calibrated ${model(c.accepted)} (${c.accepted.accepted_by})` : "class model"),
    c.fitted_model || c.accepted
      ? cellOf(button(c.accepted ? "Revert" : "Accept", () => changeModel(c.accepted ? "DELETE" : "POST", c.class)))
      : cellOf())));
}

async function changeModel(method, deviceClass) {
  const refused = await send(method, `api/v1/power-models/${encodeURIComponent(deviceClass)}/accept`);
  notice("sus-calibration-error", refused);
  if (refused === null) showCalibration(await getJson("api/v1/power-models"));
}

function showWindows(w) {
  fillRows("sus-windows", w.plans, [[(p) => p.name], [(p) => p.kind], [(p) => fmt.time(p.best && p.best.start)], [(p) => fmt.time(p.best && p.best.end)],
    [(p) => (p.best && p.best.gco2e_per_kwh != null ? p.best.gco2e_per_kwh.toFixed(1) : "–"), "num"], [(p) => kg3(p.best && p.best.kgco2e), "num"],
    [(p) => fmt.time(p.default.start)], [(p) => kg3(p.saving_kgco2e), "num"], [(p) => p.basis]]);
}

function orgChoices(orgs) {
  const select = $("sus-org");
  if (select.options.length > 1) return;
  select.append(...orgs.map((o) => new Option(o, o)));
  select.addEventListener("change", async () => drawPath(await trajectoryOf(select.value)));
}

function drawPath(trajectory) {
  if (trajectory.status === "no_target") {
    clear("sus");
    setText("sus-path-note", trajectory.reason);
    return;
  }
  setText("sus-path-note", `${trajectory.org || "Whole estate"}: ${targetText(trajectory.status)}, target ${kg3(trajectory.target_kg)} kg for ${trajectory.year}, projected ${kg3(trajectory.projected_year_end_kg)} kg; baseline ${kg3(trajectory.baseline_kg)} kg in ${trajectory.baseline_year} (${trajectory.baseline_source}); ${trajectory.year}'s energy: ${fmt.quality(trajectory.data_quality)}`);
  const months = trajectory.months;
  const xs = months.map((m) => Date.parse(m.month + "-01T00:00:00Z") / 1000);
  draw("sus", {
    series: [{}, { label: "Reduction path (kg)", stroke: "#5b6661", dash: [6, 4], width: 2 },
      { label: "Actual (kg)", stroke: "#1f6f50", width: 2, spanGaps: false }],
    scales: { x: { time: true } },
  }, [xs, months.map((m) => m.cumulative_target_kg), months.map((m) => m.cumulative_actual_kg)]);
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
  fillRows("sus-offenders", idle.worst_offenders, [[name], [(d) => d.org], [(d) => d.site], [(d) => d.class],
    [(d) => d.idle_out_of_hours_hours.toFixed(1), "num"], [(d) => d.annual_kwh.toFixed(1), "num"], [(d) => kg3(d.annual_kg), "num"],
    [(d) => gbp(d.annual_gbp), "num"], [(d) => d.sleep_policy_annual_kwh.toFixed(1), "num"]]);
  fillRows("sus-servers", servers.candidates, [[name], [(d) => d.site], [(d) => fmt.pct(d.mean_cpu_ratio), "num"],
    [(d) => fmt.pct(d.p95_cpu_ratio), "num"], [(d) => d.mean_watts.toFixed(1), "num"], [(d) => d.saved_watts.toFixed(1), "num"],
    [(d) => d.annual_kwh.toFixed(1), "num"], [(d) => kg3(d.annual_kg), "num"]]);
  fillRows("sus-replace", s.replace_or_keep, [[name], [(d) => d.class], [(d) => d.age_years.toFixed(1), "num"],
    [(d) => d.mean_watts.toFixed(1), "num"], [(d) => d.new_device_watts.toFixed(1), "num"], [(d) => kg3(d.annual_kg_saved), "num"],
    [(d) => (d.break_even_years == null ? "never" : d.break_even_years.toFixed(1)), "num"], [(d) => d.verdict]]);
  setText("sus-method", s.method);
}

// Called on entering the page and on every live update: it reads again on a new visit, and then at most every minute.
const visit = { route: null, at: 0 };

register({
  name: "sustainability",
  pattern: /^#\/sustainability/,
  render(route) {
    if (visit.route === route && Date.now() - visit.at < 60000) return;
    visit.route = route;
    visit.at = Date.now();
    showSustainability().catch((e) => showError(e.message));
  },
});
