// Time-series charts (uPlot, loaded by index.html as the global uPlot) with their range buttons.
import { $, button } from "./dom.js";
import { getJsonOrNull } from "./api.js";

const RANGES = ["1h", "6h", "24h", "7d", "30d"];
const ranges = { estate: "1h", device: "1h" };
const charts = {};
let fetchedAt = {};

export const chartRange = (name) => ranges[name];

// The next refresh re-reads every series: the window or the page changed.
export function forgetFetches() {
  fetchedAt = {};
}

// Each .ranges holder names its chart in data-chart; a click picks the range and redraws through onChange.
export function rangeButtons(onChange) {
  for (const holder of document.querySelectorAll(".ranges")) {
    const chart = holder.dataset.chart;
    holder.replaceChildren(...RANGES.map((r) => {
      const b = button(r, () => {
        ranges[chart] = r;
        for (const other of holder.children) other.classList.toggle("active", other === b);
        fetchedAt[chart] = 0;
        onChange();
      });
      b.classList.toggle("active", ranges[chart] === r);
      return b;
    }));
  }
}

// Draws (or replaces) the chart in #<name>-chart.
export function draw(name, opts, data) {
  const holder = $(name + "-chart");
  if (charts[name]) charts[name].destroy();
  holder.replaceChildren();
  charts[name] = new uPlot(Object.assign({ width: Math.max(280, holder.clientWidth || 600), height: 260 }, opts), data, holder);
}

export function clear(name) {
  if (charts[name]) charts[name].destroy();
  charts[name] = null;
  $(name + "-chart").replaceChildren();
}

export async function refreshChart(name, url, seriesDefs) {
  // Charts re-read their series at most every 10 s; the cards update on every push.
  if (Date.now() - (fetchedAt[name] || 0) < 10000) return;
  fetchedAt[name] = Date.now();
  const data = await getJsonOrNull(url);
  if (!data) return;
  const xs = data.points.map((p) => Date.parse(p.time) / 1000);
  const columns = seriesDefs.map((s) => data.points.map((p) => (s.transform ? s.transform(p[s.key]) : p[s.key])));
  draw(name, {
    series: [{}, ...seriesDefs.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, scale: s.scale || "y", spanGaps: false }))],
    axes: [{}, { scale: seriesDefs[0].scale || "y" }, ...(seriesDefs.length > 1 ? [{ scale: seriesDefs[1].scale, side: 1, grid: { show: false } }] : [])],
    // The whole requested window, so a device seen for two minutes is not stretched across the chart.
    scales: { x: { time: true, range: [Date.parse(data.from) / 1000, Date.parse(data.to) / 1000] } },
  }, [xs, ...columns]);
  $(name + "-chart").dataset.points = String(xs.length);
}
