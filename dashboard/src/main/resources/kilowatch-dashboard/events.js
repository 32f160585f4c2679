// Device events (SNMP traps, reboots, failing polls): the events page (#/events) and a device's own list.
import { $, cell, cellOf, row, link, fmt } from "./dom.js";
import { getJson } from "./api.js";
import { register } from "./pages.js";

async function list(query) {
  const body = await getJson("api/v1/events/devices?limit=100" + query);
  return body.events;
}

function rows(events, withDevice) {
  if (events.length === 0) {
    const td = cell("No events in the last 7 days.");
    td.colSpan = withDevice ? 5 : 4;
    return [row(td)];
  }
  return events.map((e) => {
    const cells = [cell(fmt.time(e.time)), cell(e.severity, "severity " + e.severity), cell(e.kind.replaceAll("_", " ")), cell(e.message)];
    if (withDevice) cells.splice(1, 0, cellOf(link("#/devices/" + encodeURIComponent(e.device_id), e.device_id)));
    const tr = row(...cells);
    tr.dataset.kind = e.kind;
    return tr;
  });
}

export async function renderDeviceEvents(id) {
  $("device-event-rows").replaceChildren(...rows(await list("&device=" + encodeURIComponent(id)), false));
}

register({
  name: "events",
  pattern: /^#\/events/,
  async render() {
    $("event-rows").replaceChildren(...rows(await list(""), true));
  },
});
