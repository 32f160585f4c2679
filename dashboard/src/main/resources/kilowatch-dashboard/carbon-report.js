// The printable carbon report (#/carbon-report?year=&quarter=): totals by scope, against target, by
// organisation, site and class, with its method and factor sources.
import { $, setText, el, fillRows, badge, fmt, showError } from "./dom.js";
import { getJson } from "./api.js";
import { register } from "./pages.js";

const { kg3, gbp } = fmt;

function reportQuery(hash) {
  const params = new URLSearchParams(hash.split("?")[1] || "");
  const year = Number(params.get("year")) || new Date().getFullYear();
  const quarter = params.get("quarter") || "";
  return { year, quarter };
}

async function showReport(hash) {
  const { year, quarter } = reportQuery(hash);
  const query = `year=${year}` + (quarter ? `&quarter=${quarter}` : "");
  $("carbon-report-year").value = String(year);
  $("carbon-report-quarter").value = quarter;
  $("carbon-report-csv").href = `api/v1/carbon/report?${query}&format=csv`;
  $("carbon-report-json").href = `api/v1/carbon/report?${query}`;
  const r = await getJson(`api/v1/carbon/report?${query}`);
  setText("carbon-report-title", `ICT carbon report: ${r.period.label}`);
  setText("carbon-report-period", `${r.period.from.slice(0, 10)} to ${r.period.to.slice(0, 10)} (${r.period.time_zone})` +
    (r.period.complete ? "" : ", in progress") + ` · generated ${fmt.time(r.generated)}`);
  const t = r.totals;
  const figures = {
    scope2: t.scope2_kg, "overhead-kg": t.scope2_overhead_kg, td: t.scope3_td_kg, operational: t.operational_kg, embodied: t.embodied_kg,
    energy: t.energy_kwh, "overhead-kwh": t.overhead_energy_kwh, "fallback-kwh": t.fallback_energy_kwh, "measured-kwh": t.measured_energy_kwh,
    "modelled-kwh": t.modelled_energy_kwh, "imported-kwh": t.imported_energy_kwh, "unknown-kwh": t.unknown_energy_kwh,
  };
  for (const [id, value] of Object.entries(figures)) setText("carbon-report-" + id, kg3(value));
  setText("carbon-report-cost", gbp(t.cost_gbp));
  const target = $("carbon-report-target");
  if (r.target) {
    target.replaceChildren(badge("target", r.target.status), document.createTextNode(
      ` actual ${kg3(r.target.actual_kg)} kg against a target of ${kg3(r.target.target_kg)} kg` +
      (r.target.projected_year_end_kg == null ? "" : `; projected year-end ${kg3(r.target.projected_year_end_kg)} kg`) +
      `; baseline ${kg3(r.target.baseline_kg)} kg in ${r.target.baseline_year} (${r.target.baseline_source})` +
      (r.target.includes_embodied ? ", embodied included" : ", operational only")));
  } else {
    target.textContent = "No reduction target is configured.";
  }
  fillRows("carbon-report-orgs", r.by_org, [[(o) => o.org], [(o) => kg3(o.own.operational_kg), "num"], [(o) => kg3(o.shared.operational_kg), "num"],
    [(o) => kg3(o.total.operational_kg), "num"], [(o) => kg3(o.total.embodied_kg), "num"], [(o) => kg3(o.total.energy_kwh), "num"],
    [(o) => gbp(o.total.cost_gbp), "num"]]);
  $("carbon-report-shared").replaceChildren(...r.shared_services.map((s) => el("p",
    `Shared service ${s.org} (${s.devices} devices, ${kg3(s.total.operational_kg)} kg operational) apportioned: ` +
      s.partners.map((x) => `${x.partner} ${(x.share * 100).toFixed(1)} % = ${kg3(x.operational_kg)} kg`).join("; "), "sub")));
  const groupColumns = (key) => [[(g) => g[key]], [(g) => String(g.devices), "num"], [(g) => kg3(g.operational_kg), "num"],
    [(g) => kg3(g.embodied_kg), "num"], [(g) => kg3(g.energy_kwh), "num"], [(g) => gbp(g.cost_gbp), "num"]];
  fillRows("carbon-report-sites", r.by_site, groupColumns("site"));
  fillRows("carbon-report-classes", r.by_class, groupColumns("class"));
  const list = (id, items) => $(id).replaceChildren(...items.map((text) => el("li", text)));
  list("carbon-report-method", r.method);
  list("carbon-report-sources", r.factor_sources);
  $("view-carbon-report").dataset.loaded = query;
}

// Reads on entering (a new route) only: a live update does not change a past period's report.
let shownRoute = null;

register({
  name: "carbon-report",
  pattern: /^#\/carbon-report/,
  render(route) {
    if (shownRoute === route) return;
    shownRoute = route;
    showReport(route.hash).catch((e) => showError(e.message));
  },
  mount() {
    const yearSelect = $("carbon-report-year");
    const now = new Date().getFullYear();
    for (let y = now; y >= now - 10; y--) yearSelect.append(new Option(String(y), String(y)));
    const go = () => { location.hash = `#/carbon-report?year=${yearSelect.value}` + ($("carbon-report-quarter").value ? `&quarter=${$("carbon-report-quarter").value}` : ""); };
    yearSelect.addEventListener("change", go);
    $("carbon-report-quarter").addEventListener("change", go);
    $("carbon-report-print").addEventListener("click", () => window.print());
  },
});
