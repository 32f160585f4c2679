// One device's page (#/devices/ID): status, power, chart, events, SNMP profiles, agent settings, inventory.
import { $, setText, pair, badge, fmt } from "./dom.js";
import { getJsonOrNull } from "./api.js";
import { register } from "./pages.js";
import { chartRange, refreshChart } from "./charts.js";
import { renderDeviceEvents } from "./events.js";

const deviceId = (route) => decodeURIComponent(route.params[0]);

async function render(route) {
  const id = deviceId(route);
  const d = await getJsonOrNull("api/v1/devices/" + encodeURIComponent(id));
  if (!d) {
    setText("device-title", "No such device: " + id);
    return;
  }
  setText("device-title", `${d.hostname || d.device_id}`);
  $("device-status").replaceChildren(badge("device", d));
  setText("device-uptime", `up ${fmt.duration(d.uptime_seconds)} · last report at ${new Date(d.last_seen).toLocaleTimeString()}`);
  setText("device-power", fmt.watts(d.power_watts));
  setText("device-source", "source: " + d.power_source);
  setText("device-cpu", fmt.pct(d.cpu_ratio));
  setText("device-memory", `memory ${fmt.bytes(d.memory_used_bytes)} of ${fmt.bytes(d.memory_total_bytes)}`);
  setText("device-energy", fmt.kwh(d.energy_kwh_total));
  setText("device-carbon", `${fmt.kg(d.carbon_grams_total / 1000)} kgCO2e since first seen`);
  setText("device-carbon-method", "Carbon: " + d.carbon_method + ".");
  for (const w of ["24h", "7d", "30d"]) setText("device-avail-" + w, fmt.pct(d.availability_ratio[w], 2));
  renderInventory(d);
  renderSnmp(id);
  renderDeviceSettings(id);
  renderDeviceEvents(id);
  refreshChart("device", `api/v1/devices/${encodeURIComponent(id)}/series?range=${chartRange("device")}`, [
    { label: "Power (W)", key: "power_watts", stroke: "#1f6f50", scale: "W" },
    { label: "CPU (%)", key: "cpu_ratio", stroke: "#b7791f", scale: "%", transform: (v) => (v == null ? null : v * 100) },
  ]);
}

// An SNMP device: the profiles matched, what each read, and which one its power comes from.
async function renderSnmp(id) {
  const found = await getJsonOrNull(`api/v1/snmp/targets?device=${encodeURIComponent(id)}`);
  const target = found && found.targets[0];
  $("device-snmp").hidden = !target;
  if (!target) return;
  setText("device-snmp-from", target.power_from === "model" ? "power from the class model: no profile measures it"
    : target.power_from ? "power from " + target.power_from : "not polled yet");
  $("device-snmp-rows").replaceChildren(...target.profiles.map((p) => {
    const figures = [p.power_watts != null ? "draws " + fmt.watts(p.power_watts) : null,
      p.delivered_watts != null ? "delivers " + fmt.watts(p.delivered_watts) : null,
      p.energy_kwh_total != null ? "meter " + fmt.kwh(p.energy_kwh_total) : null].filter(Boolean);
    const read = Object.entries(p.read).map(([k, v]) => `${k} ${v}`);
    const tr = pair(p.name, [...figures, read.length + " values read" + (read.length ? ": " + read.slice(0, 6).join(", ") + (read.length > 6 ? ", …" : "") : "")].join(" · "));
    tr.dataset.profile = p.name;
    return tr;
  }));
}

function renderInventory(d) {
  const inv = d.inventory || {};
  const rows = [
    ["Device id", d.device_id],
    ["Labels", Object.entries(d.labels).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(", ")],
    ["Operating system", d.os],
    ["Manufacturer / model", [inv.manufacturer, inv.model].filter(Boolean).join(" ") || "–"],
    ["Serial", inv.serial || "–"],
    ["Firmware", [inv.firmware?.manufacturer, inv.firmware?.version, inv.firmware?.release_date].filter(Boolean).join(" · ") || "–"],
    ["CPU", inv.cpu ? `${inv.cpu.model || "?"} (${inv.cpu.physical_cores} cores, ${inv.cpu.logical_cores} threads)` : "–"],
    ["Memory", fmt.bytes(inv.memory_bytes)],
    ["Disks", (inv.disks || []).map((x) => `${x.model || "disk"} ${fmt.bytes(x.size_bytes)}`).join("; ") || "–"],
    ["Displays", (inv.displays || []).map((x) => `${x.name || x.manufacturer + " " + x.product_code}${x.width_cm ? ` (${x.width_cm}×${x.height_cm} cm)` : ""}`).join("; ") || "none found"],
    ["Agent", `${d.agent.version || "?"} · CPU ${fmt.pct(d.agent.cpu_ratio, 2)} · RSS ${fmt.bytes(d.agent.rss_bytes)}`],
  ];
  $("inventory-rows").replaceChildren(...rows.map(([k, v]) => pair(k, v)));
}

// Each centrally managed setting: its value and whether the agent's config, a collector rule or the agent's default gave it.
async function renderDeviceSettings(id) {
  const s = await getJsonOrNull(`api/v1/devices/${encodeURIComponent(id)}/settings`);
  if (!s) {
    $("device-settings-rows").replaceChildren();
    return;
  }
  const from = (x) => x.source === "rule" ? `rule ${x.rule}${x.applied === false ? " (not yet applied)" : ""}`
    : x.source === "agent_config" ? "agent's own config" : "agent default";
  $("device-settings-rows").replaceChildren(...Object.entries(s.settings).map(([key, x]) =>
    pair(key, x.value == null ? "–" : String(x.value), from(x))));
}

register({
  name: "device",
  nav: "devices",
  pattern: /^#\/devices\/(.+)$/,
  render,
  // Live updates name the devices that changed: this page redraws only for its own (or when the list was cut short).
  update(route, latest) {
    if (latest.devices_truncated || latest.devices.some((d) => d.device_id === deviceId(route))) render(route);
  },
});
