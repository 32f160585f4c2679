-- wrk script for bench/ingest-wrk.sh: POSTs unique agent reports (every request a new (device,
-- sequence) pair, so none is a duplicate) and prints one machine-readable line at the end.
-- Each wrk thread cycles through its own DEVICES devices (the default makes an estate of 10,000); a device's sequence and energy counter grow
-- by one report's worth each time round, as a real agent's do.
local devices = tonumber(os.getenv("DEVICES") or "5000")
local run = os.getenv("RUN") or tostring(os.time())
-- a second run over the same devices (RUN) continues their numbering past the first's
local first_sequence = tonumber(os.getenv("FIRST_SEQUENCE") or "1")
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local boot, counter_start
local rounds = 0
local next_device = 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  boot = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 86400)
  counter_start = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 3600)
end

function request()
  if next_device == devices then
    next_device = 0
    rounds = rounds + 1
  end
  local device = "wrk-" .. run .. "-" .. id .. "-" .. next_device
  next_device = next_device + 1
  local seq = rounds + first_sequence
  local body = '{"schema_version":1,"device_id":"' .. device .. '","sequence":' .. seq
    .. ',"timestamp":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ") .. '","interval_seconds":15.0,'
    .. '"labels":{"class":"desktop","org":"Load","site":"Bench"},'
    .. '"host":{"hostname":"' .. device .. '","os":"Windows 11","boot_time":"' .. boot .. '","uptime_seconds":86400.0,"sessions":1},'
    .. '"utilisation":{"cpu_ratio":0.12,"memory_used_bytes":4294967296,"memory_total_bytes":17179869184},'
    .. '"power":{"watts":' .. (40 + next_device % 50) .. ',"source":"model","energy_joules_total":' .. (seq * 600)
    .. ',"counter_start":"' .. counter_start .. '"}}'
  return wrk.format("POST", "/api/v1/reports", headers, body)
end

function done(summary, latency, requests)
  local ok = summary.requests - summary.errors.status
  local seconds = summary.duration / 1e6
  io.write(string.format("requests=%d non2xx=%d socket_errors=%d seconds=%.1f ok_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    seconds, ok / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
