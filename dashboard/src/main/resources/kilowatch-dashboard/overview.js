// The estate overview (#/, and any address no other view claims): power, devices, energy and carbon now.
import { setText, fmt } from "./dom.js";
import { register } from "./pages.js";
import { chartRange, refreshChart } from "./charts.js";

function render(route, latest) {
  const e = latest.estate;
  setText("estate-power", fmt.watts(e.power_watts));
  setText("devices-up", String(e.devices.up));
  setText("devices-down", e.devices.expected_off
    ? `${e.devices.down} down, ${e.devices.expected_off} asleep or off (${e.devices.total} in all)`
    : `${e.devices.down} down of ${e.devices.total}`);
  setText("estate-availability", fmt.pct(e.availability_24h_ratio, 2));
  for (const period of ["today", "month", "year"]) {
    setText("energy-" + period, fmt.kwh(e[period].energy_kwh));
    setText("carbon-" + period, fmt.kg(e[period].carbon_kg));
  }
  setText("energy-quality", "This year: " + fmt.quality(e.year.data_quality));
  setText("carbon-method", "Carbon: " + e.carbon_method + ". Times in " + e.time_zone + ".");
  refreshChart("estate", `api/v1/estate/series?range=${chartRange("estate")}`, [{ label: "Estate power (W)", key: "power_watts", stroke: "#1f6f50" }]);
}

register({ name: "overview", render });
