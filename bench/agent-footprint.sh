#!/usr/bin/env bash
# Measures the agent's footprint over a run, side by side with two peers many teams already run (Prometheus
# node_exporter and zabbix_agent2, both Go, both from Debian), and prints RSS and CPU figures for all three.
# The agent runs as shipped: the self-contained agent's launcher, with the JVM flags of its lib/jvm.options
# (JDK_JAVA_OPTIONS=... adds flags to try a lever; it cannot undo one lib/jvm.options sets, which comes
# later on the command line: edit the copy's lib/jvm.options for that). Run on demand, not in CI:
#   bench/agent-footprint.sh [seconds=600] [interval=15s]
#   AGENT_SNMP=1 bench/agent-footprint.sh ...   the same with the agent's SNMP sub-agent on, walked by
#                                                Net-SNMP's snmpwalk (SNMPv3 SHA-256/AES) every interval
# Needs a built agent (mvn -B package) and a collector to send to (started here on a free port).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
interval=${2:-15s}
agent_home=agent/target/kilowatch-agent
collector_jar=collector/target/kilowatch-collector.jar
[ -x "$agent_home/bin/kilowatch-agent" ] && [ -f "$collector_jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 2; }

for peer in prometheus-node-exporter zabbix-agent2; do
  dpkg -s "$peer" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$peer" >/dev/null; }
done

work=$(mktemp -d)
# Copies, so a rebuild during the run cannot pull the agent or the collector from under the running JVMs.
cp -a "$agent_home" "$work/agent-home"; cp "$collector_jar" "$work/collector.jar"
agent_home=$work/agent-home; collector_jar=$work/collector.jar
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); nport=$(free_port)
# zabbix_agent2 takes ListenPort 1024-32767 only, below the kernel's range for port 0.
zport=$(python3 -c 'import random, socket
while True:
    p = random.randint(20000, 32767); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass')
java -jar "$collector_jar" --http-port "$port" --data-dir "$work/collector" --set security.read.anonymous=true >"$work/collector.log" 2>&1 &
collector=$!
agent=""; node=""; zabbix=""
trap 'kill $collector $agent $node $zabbix 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

snmp_args=()
if [ "${AGENT_SNMP:-0}" = 1 ]; then
  sport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  snmp_args=(--set snmp.enabled=true --set snmp.port="$sport" --set snmp.users.bench.auth_protocol=sha-256)
  export KILOWATCH_AGENT_SNMP_USERS_BENCH_AUTH_PASSWORD=bench-auth-pass KILOWATCH_AGENT_SNMP_USERS_BENCH_PRIV_PASSWORD=bench-priv-pass
fi
# exec in the launcher: this pid is the agent's JVM.
"$agent_home/bin/kilowatch-agent" --collector "http://127.0.0.1:$port" --interval "$interval" \
  --data-dir "$work/agent" --device-id bench-agent --set collector.enrolment_token_file="$work/collector/enrolment-token" \
  "${snmp_args[@]}" >"$work/agent.log" 2>&1 &
agent=$!
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" >"$work/node.log" 2>&1 &
node=$!
# zabbix_agent2 in passive mode only, on its own port, with no plugins beyond its built-in ones.
cat >"$work/zabbix_agent2.conf" <<ZABBIX
LogType=console
Server=127.0.0.1
ListenIP=127.0.0.1
ListenPort=$zport
Hostname=bench
ControlSocket=$work/zabbix.sock
ZABBIX
zabbix_agent2 -c "$work/zabbix_agent2.conf" -f >"$work/zabbix.log" 2>&1 &
zabbix=$!
# Both peers do their work when asked: scrape node_exporter and poll zabbix_agent2 for the items of
# Zabbix's "Linux by Zabbix agent" template that match what the agent reports, at the agent's interval.
interval_s=$(echo "$interval" | sed 's/s$//')
( while kill -0 $node 2>/dev/null; do curl -s "http://127.0.0.1:$nport/metrics" >/dev/null; sleep "$interval_s"; done ) &
( while kill -0 $zabbix 2>/dev/null; do
    python3 - "$zport" <<'POLL'
import socket, struct, sys
for key in ("agent.ping", "system.uptime", "system.cpu.util", "system.cpu.load[all,avg1]", "vm.memory.size[available]",
            "vm.memory.size[total]", "vfs.fs.size[/,pused]", "system.hostname", "system.sw.os", "net.if.in[lo]"):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
        data = key.encode()
        s.sendall(b"ZBXD\x01" + struct.pack("<II", len(data), 0) + data)
        while s.recv(4096):
            pass
POLL
    sleep "$interval_s"; done ) &
if [ "${AGENT_SNMP:-0}" = 1 ]; then
  # A manager walking everything the sub-agent serves, at the report interval.
  ( while kill -0 $agent 2>/dev/null; do
      snmpbulkwalk -v3 -l authPriv -u bench -a SHA-256 -A bench-auth-pass -x AES -X bench-priv-pass -On "127.0.0.1:$sport" .1.3.6.1 >/dev/null 2>&1
      sleep "$interval_s"; done ) &
fi

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

sleep 20 # let both start up; start-up cost is reported apart
a0=$(cpu_ticks $agent); n0=$(cpu_ticks $node); z0=$(cpu_ticks $zabbix); t0=$(date +%s.%N)
a_start=$a0
max_a=0; max_n=0; max_z=0; sum_a=0; sum_n=0; sum_z=0; samples=0
end=$(( $(date +%s) + seconds ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep 10
  a=$(rss_kib $agent); n=$(rss_kib $node); z=$(rss_kib $zabbix)
  (( a > max_a )) && max_a=$a; (( n > max_n )) && max_n=$n; (( z > max_z )) && max_z=$z
  sum_a=$((sum_a + a)); sum_n=$((sum_n + n)); sum_z=$((sum_z + z)); samples=$((samples + 1))
done
a1=$(cpu_ticks $agent); n1=$(cpu_ticks $node); z1=$(cpu_ticks $zabbix); t1=$(date +%s.%N)
elapsed=$(echo "$t1 - $t0" | bc -l)
reports=$(curl -s "http://127.0.0.1:$port/api/v1/devices/bench-agent" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_sequence"])' || echo "unknown (collector not answering)")
# One report, scrape or poll per interval: CPU per sample is the CPU time of one interval.
per_sample() { echo "($2-$1)/$ticks*1000/($elapsed/$interval_s)" | bc -l; }
row() { printf '%-28s %12.1f %12.1f %18.3f %16.1f\n' "$1" "$(echo "$2/$samples/1024" | bc -l)" "$(echo "$3/1024" | bc -l)" \
  "$(echo "($5-$4)/$ticks/$elapsed*100" | bc -l)" "$(per_sample "$4" "$5")"; }

printf 'measured over %.0f s, report interval %s, %d RSS samples\n' "$elapsed" "$interval" "$samples"
printf '%-28s %12s %12s %18s %16s\n' "process" "RSS mean MiB" "RSS max MiB" "CPU % of one core" "CPU ms/sample"
row "kilowatch-agent (JVM)" "$sum_a" "$max_a" "$a0" "$a1"
row "node_exporter (scraped)" "$sum_n" "$max_n" "$n0" "$n1"
row "zabbix_agent2 (polled)" "$sum_z" "$max_z" "$z0" "$z1"
printf 'agent RSS / node_exporter RSS: %.2f\n' "$(echo "$sum_a/$sum_n" | bc -l)"
echo "agent JVM flags: $(grep -v '^#' "$agent_home/lib/jvm.options" | tr '\n' ' ')${JDK_JAVA_OPTIONS:+ + JDK_JAVA_OPTIONS=$JDK_JAVA_OPTIONS}"
echo "agent runtime: $(sed -n 's/^JAVA_VERSION=//p' "$agent_home/runtime/release") (jlink'd, $(du -sh "$agent_home/runtime" | cut -f1))"
echo "SNMP sub-agent: $([ "${AGENT_SNMP:-0}" = 1 ] && echo "on, walked every $interval" || echo off)"
echo "agent start-up CPU (first 20 s): $(echo "$a_start/$ticks" | bc -l | cut -c1-5) s; reports stored: $reports"
