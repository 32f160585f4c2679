// Device events (SNMP traps, reboots, failing polls): the events page and a device's own list.
// Loaded after app.js; event text comes from devices and goes in through textContent only.
"use strict";

const eventsView = {
  async list(query) {
    const body = await getJson("api/v1/events/devices?limit=100" + query);
    return body.events;
  },
  rows(events, withDevice) {
    if (events.length === 0) {
      const tr = document.createElement("tr");
      const td = cell("No events in the last 7 days.");
      td.colSpan = withDevice ? 5 : 4;
      tr.append(td);
      return [tr];
    }
    return events.map((e) => {
      const tr = document.createElement("tr");
      tr.dataset.kind = e.kind;
      const when = cell(new Date(e.time).toLocaleString());
      const severity = cell(e.severity, "severity " + e.severity);
      const cells = [when, severity, cell(e.kind.replaceAll("_", " ")), cell(e.message)];
      if (withDevice) {
        const td = document.createElement("td");
        const a = document.createElement("a");
        a.href = "#/devices/" + encodeURIComponent(e.device_id);
        a.textContent = e.device_id;
        td.append(a);
        cells.splice(1, 0, td);
      }
      tr.append(...cells);
      return tr;
    });
  },
};

pages.events = async function renderEvents() {
  $("event-rows").replaceChildren(...eventsView.rows(await eventsView.list(""), true));
};

async function renderDeviceEvents(id) {
  $("device-event-rows").replaceChildren(...eventsView.rows(await eventsView.list("&device=" + encodeURIComponent(id)), false));
}
