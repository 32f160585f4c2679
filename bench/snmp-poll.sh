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
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/collector/target/kilowatch-collector.jar
COMMUNITY=kw-bench
for tool in snmpd snmpget prometheus-snmp-exporter python3 java; do
  command -v "$tool" >/dev/null || { echo "snmp-poll: needs $tool (apt-get install snmpd snmp prometheus-snmp-exporter python3)" >&2; exit 1; }
done
[ -f "$JAR" ] || { echo "snmp-poll: build the collector first: mvn -B -DskipTests package" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export MIBS= MIBDIRS=/nonexistent

free_ports() { # count kind(udp|tcp)
  python3 - "$1" "$2" <<'PY'
import socket, sys
n, kind = int(sys.argv[1]), sys.argv[2]
socks, ports = [], []
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0)); socks.append(s); ports.append(s.getsockname()[1])
print(" ".join(map(str, ports)))
PY
}

read -r -a ports <<< "$(free_ports "$N" udp)"
echo "snmp-poll: $N devices on $PROCS snmpd processes, polled every ${INTERVAL}s for ${DURATION}s, at most $CONCURRENCY at once"
per=$(( (N + PROCS - 1) / PROCS ))
for ((p = 0; p < PROCS; p++)); do
  slice=("${ports[@]:$((p * per)):$per}")
  [ ${#slice[@]} -eq 0 ] && continue
  listen=$(printf 'udp:127.0.0.1:%s,' "${slice[@]}")
  mkdir -p "$work/snmpd$p"
  printf 'rocommunity %s 127.0.0.1\nsysName bench-device\n' "$COMMUNITY" > "$work/snmpd$p/snmpd.conf"
  SNMP_PERSISTENT_DIR="$work/snmpd$p" snmpd -f -Lf "$work/snmpd$p/log" -C -c "$work/snmpd$p/snmpd.conf" "${listen%,}" &
  pids+=($!)
done
for port in "${ports[0]}" "${ports[-1]}"; do
  for _ in $(seq 50); do snmpget -t 0.2 -r 0 -v2c -c "$COMMUNITY" "127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.2; done
done

# ---- Kilowatch: the collector jar polling every device
printf '%s' "$COMMUNITY" > "$work/community"
{
  printf 'security:\n  read:\n    anonymous: true\nstorage:\n  refresh_interval: 1h\nhttp:\n  rate_limit:\n    requests_per_minute_per_device: 100000\n'
  printf 'snmp:\n  enabled: true\n  interval: %ss\n  max_concurrent_polls: %s\n' "$INTERVAL" "$CONCURRENCY"
  printf '  auths:\n    bench:\n      version: v2c\n      community_file: %s\n  targets:\n' "$work/community"
  for ((i = 0; i < N; i++)); do
    printf '    dev-%04d:\n      address: 127.0.0.1\n      port: %s\n      auth: bench\n      profile: host\n      class: switch\n' "$i" "${ports[$i]}"
  done
} > "$work/collector.yaml"
read -r http_port exporter_port <<< "$(free_ports 2 tcp)"
java -Xmx512m -jar "$JAR" --config "$work/collector.yaml" --http-port "$http_port" --data-dir "$work/data" > "$work/collector.log" 2>&1 &
kpid=$!
pids+=($kpid)
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break; sleep 0.5; done

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
kill "$kpid"; wait "$kpid" 2>/dev/null || true

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

python3 - "http://127.0.0.1:$exporter_port" "$DURATION" "$INTERVAL" "$CONCURRENCY" "${ports[@]}" <<'PY'
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
