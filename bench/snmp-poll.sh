#!/usr/bin/env bash
# Benchmark (not a test): N emulated SNMP devices polled by Kilowatch's collector and by Debian's
# prometheus-snmp-exporter, side by side, under the same offered load (every device once an interval,
# at most CONCURRENCY polls at once, a device skipped while its previous poll runs), reading the same
# objects: the system group, HOST-RESOURCES hrProcessorLoad and hrStorage, IF-MIB ifName,
# ifOperStatus and HC octets (Kilowatch's built-in "host" profile).
#
# The devices are Net-SNMP snmpd agents (PROCS processes, each answering on N/PROCS loopback ports;
# every port is one device to both tools). Prints, for each tool, devices polled a second and the p50
# and p99 poll time (Kilowatch: its own poll timer from /api/v1/snmp/targets; snmp_exporter: its
# snmp_scrape_duration_seconds). Kilowatch's figure includes storing every poll as a report.
#
# Needs: the built collector jar (mvn -B -DskipTests package), snmpd, snmpget, prometheus-snmp-exporter,
# python3. Usage: bench/snmp-poll.sh   (N=500 PROCS=4 DURATION=30 CONCURRENCY=64 INTERVAL=1 to change)
set -euo pipefail

N=${N:-500}
PROCS=${PROCS:-4}
DURATION=${DURATION:-30}
CONCURRENCY=${CONCURRENCY:-64}
INTERVAL=${INTERVAL:-1}
COMMUNITY=kw-bench
for tool in snmpd snmpget prometheus-snmp-exporter python3 java; do
  command -v "$tool" >/dev/null || { echo "snmp-poll: needs $tool (apt-get install snmpd snmp prometheus-snmp-exporter python3)" >&2; exit 1; }
done
source "$(dirname "$0")/lib.sh"

echo "snmp-poll: $N devices on $PROCS snmpd processes, polled every ${INTERVAL}s for ${DURATION}s, at most $CONCURRENCY at once"
snmpd_start "$N" "$PROCS" "$COMMUNITY"

# ---- Kilowatch: the collector jar polling every device
snmp_targets "$INTERVAL" "$CONCURRENCY" > "$work/collector.yaml"
collector_start kilowatch sqlite --config "$work/collector.yaml"
http_port=${collector_ports[0]}
exporter_port=$(free_ports 1 tcp)

python3 - "http://127.0.0.1:$http_port" "$DURATION" "$N" <<'PY'
import json, sys, time, urllib.request
base, duration, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=30))
time.sleep(5)  # warm-up: every device polled once, the JIT warm
polled = lambda: sum(t["last_poll"] is not None and 1 or 0 for t in get("/api/v1/snmp/targets")["targets"])
seqs = lambda: sum(d["last_sequence"] for d in get("/api/v1/devices") if d["device_id"].startswith("dev-"))
start_seq, start = seqs(), time.time()
seen, samples = {}, []
while time.time() - start < duration:
    for t in get("/api/v1/snmp/targets")["targets"]:
        if t["last_poll"] and seen.get(t["device_id"]) != t["last_poll"] and t["last_poll_succeeded"]:
            seen[t["device_id"]] = t["last_poll"]
            samples.append(t["last_poll_seconds"])
    time.sleep(1)  # sampling more often would load the collector it measures
elapsed = time.time() - start
done = seqs() - start_seq
samples.sort()
q = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))] * 1000 if samples else float("nan")
print(f"kilowatch      devices/s {done / elapsed:8.1f}   poll p50 {q(0.50):7.1f} ms   p99 {q(0.99):7.1f} ms   ({len(samples)} polls sampled)")
PY
collectors_stop

# ---- snmp_exporter: the same objects, scraped on the same schedule
cat > "$work/snmp.yml" <<YML
kilowatch_host:
  version: 2
  auth:
    community: $COMMUNITY
  max_repetitions: 25
  retries: 1
  timeout: 2s
  get: [1.3.6.1.2.1.1.1.0, 1.3.6.1.2.1.1.2.0, 1.3.6.1.2.1.1.3.0, 1.3.6.1.2.1.1.5.0]
  walk: [1.3.6.1.2.1.25.3.3.1.2, 1.3.6.1.2.1.25.2.3.1.4, 1.3.6.1.2.1.25.2.3.1.5, 1.3.6.1.2.1.25.2.3.1.6,
         1.3.6.1.2.1.31.1.1.1.1, 1.3.6.1.2.1.2.2.1.8, 1.3.6.1.2.1.31.1.1.1.6, 1.3.6.1.2.1.31.1.1.1.10]
  metrics:
  - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge, help: sysUpTime}
  - {name: sysDescr, oid: 1.3.6.1.2.1.1.1, type: DisplayString, help: sysDescr}
  - {name: sysObjectID, oid: 1.3.6.1.2.1.1.2, type: OctetString, help: sysObjectID}
  - {name: sysName, oid: 1.3.6.1.2.1.1.5, type: DisplayString, help: sysName}
  - {name: hrProcessorLoad, oid: 1.3.6.1.2.1.25.3.3.1.2, type: gauge, help: hrProcessorLoad, indexes: [{labelname: hrDeviceIndex, type: gauge}]}
  - {name: hrStorageAllocationUnits, oid: 1.3.6.1.2.1.25.2.3.1.4, type: gauge, help: hrStorageAllocationUnits, indexes: [{labelname: hrStorageIndex, type: gauge}]}
  - {name: hrStorageSize, oid: 1.3.6.1.2.1.25.2.3.1.5, type: gauge, help: hrStorageSize, indexes: [{labelname: hrStorageIndex, type: gauge}]}
  - {name: hrStorageUsed, oid: 1.3.6.1.2.1.25.2.3.1.6, type: gauge, help: hrStorageUsed, indexes: [{labelname: hrStorageIndex, type: gauge}]}
  - {name: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString, help: ifName, indexes: [{labelname: ifIndex, type: gauge}]}
  - {name: ifOperStatus, oid: 1.3.6.1.2.1.2.2.1.8, type: gauge, help: ifOperStatus, indexes: [{labelname: ifIndex, type: gauge}]}
  - {name: ifHCInOctets, oid: 1.3.6.1.2.1.31.1.1.1.6, type: counter, help: ifHCInOctets, indexes: [{labelname: ifIndex, type: gauge}]}
  - {name: ifHCOutOctets, oid: 1.3.6.1.2.1.31.1.1.1.10, type: counter, help: ifHCOutOctets, indexes: [{labelname: ifIndex, type: gauge}]}
YML
prometheus-snmp-exporter --config.file="$work/snmp.yml" --web.listen-address="127.0.0.1:$exporter_port" > "$work/exporter.log" 2>&1 &
epid=$!
pids+=($epid)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$exporter_port/" >/dev/null 2>&1 && break; sleep 0.2; done

python3 - "http://127.0.0.1:$exporter_port" "$DURATION" "$INTERVAL" "$CONCURRENCY" "${snmp_ports[@]}" <<'PY'
import re, sys, threading, time, urllib.request, queue
base, duration, interval, concurrency = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
ports = sys.argv[5:]
busy, lock, samples, done = set(), threading.Lock(), [], [0]
work = queue.Queue()
def worker():
    while True:
        port = work.get()
        try:
            body = urllib.request.urlopen(f"{base}/snmp?module=kilowatch_host&target=127.0.0.1:{port}", timeout=30).read().decode()
            m = re.search(r"^snmp_scrape_duration_seconds (\S+)$", body, re.M)
            with lock:
                if m and "ifOperStatus" in body:
                    samples.append(float(m.group(1))); done[0] += 1
        finally:
            with lock:
                busy.discard(port)
for _ in range(concurrency):
    threading.Thread(target=worker, daemon=True).start()
def schedule(until):
    while time.time() < until:
        t0 = time.time()
        for i, port in enumerate(ports):  # spread each round over the interval, as the collector does
            with lock:
                if port not in busy:
                    busy.add(port); work.put(port)
            time.sleep(max(0, t0 + (i + 1) * interval / len(ports) - time.time()))
schedule(time.time() + 5)  # warm-up
with lock:
    samples.clear(); done[0] = 0
start = time.time()
schedule(start + duration)
elapsed = time.time() - start
samples.sort()
q = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))] * 1000 if samples else float("nan")
print(f"snmp_exporter  devices/s {done[0] / elapsed:8.1f}   poll p50 {q(0.50):7.1f} ms   p99 {q(0.99):7.1f} ms   ({len(samples)} polls)")
PY
