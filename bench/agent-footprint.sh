#!/usr/bin/env bash
# Measures the agent's footprint over a run, side by side with a peer (Prometheus node_exporter, a Go
# agent many teams already run), and prints RSS and CPU figures. Run on demand, not in CI:
#   bench/agent-footprint.sh [seconds=600] [interval=15s]
#   AGENT_SNMP=1 bench/agent-footprint.sh ...   the same with the agent's SNMP sub-agent on, walked by
#                                                Net-SNMP's snmpwalk (SNMPv3 SHA-256/AES) every interval
# Needs a built agent (mvn -B package) and a collector to send to (started here on a free port).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
interval=${2:-15s}
agent_jar=agent/target/kilowatch-agent.jar
collector_jar=collector/target/kilowatch-collector.jar
[ -f "$agent_jar" ] && [ -f "$collector_jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 2; }
# JVM flags the README recommends for the agent: a small heap, the serial collector, C1 only.
agent_jvm_flags=${AGENT_JVM_FLAGS:--Xmx48m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1}

if ! command -v prometheus-node-exporter >/dev/null; then
  apt-get install -y -qq prometheus-node-exporter >/dev/null 2>&1 || apt-get update -qq && apt-get install -y -qq prometheus-node-exporter >/dev/null
fi

work=$(mktemp -d)
# Copies, so a rebuild during the run cannot pull the jars from under the running JVMs.
cp "$agent_jar" "$work/agent.jar"; cp "$collector_jar" "$work/collector.jar"
agent_jar=$work/agent.jar; collector_jar=$work/collector.jar
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -jar "$collector_jar" --http-port "$port" --data-dir "$work/collector" >"$work/collector.log" 2>&1 &
collector=$!
trap 'kill $collector $agent $node 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

snmp_args=()
if [ "${AGENT_SNMP:-0}" = 1 ]; then
  sport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  snmp_args=(--set snmp.enabled=true --set snmp.port="$sport" --set snmp.users.bench.auth_protocol=sha-256)
  export KILOWATCH_AGENT_SNMP_USERS_BENCH_AUTH_PASSWORD=bench-auth-pass KILOWATCH_AGENT_SNMP_USERS_BENCH_PRIV_PASSWORD=bench-priv-pass
fi
# shellcheck disable=SC2086
java $agent_jvm_flags -jar "$agent_jar" --collector "http://127.0.0.1:$port" --interval "$interval" \
  --data-dir "$work/agent" --device-id bench-agent --set collector.enrolment_token_file="$work/collector/enrolment-token" \
  "${snmp_args[@]}" >"$work/agent.log" 2>&1 &
agent=$!
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" >"$work/node.log" 2>&1 &
node=$!
# node_exporter does its work when scraped: scrape it at the agent's interval, as Prometheus would.
interval_s=$(echo "$interval" | sed 's/s$//')
( while kill -0 $node 2>/dev/null; do curl -s "http://127.0.0.1:$nport/metrics" >/dev/null; sleep "$interval_s"; done ) &
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
a0=$(cpu_ticks $agent); n0=$(cpu_ticks $node); t0=$(date +%s.%N)
a_start=$a0
max_a=0; max_n=0; sum_a=0; sum_n=0; samples=0
end=$(( $(date +%s) + seconds ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep 10
  a=$(rss_kib $agent); n=$(rss_kib $node)
  (( a > max_a )) && max_a=$a; (( n > max_n )) && max_n=$n
  sum_a=$((sum_a + a)); sum_n=$((sum_n + n)); samples=$((samples + 1))
done
a1=$(cpu_ticks $agent); n1=$(cpu_ticks $node); t1=$(date +%s.%N)
elapsed=$(echo "$t1 - $t0" | bc -l)
reports=$(curl -s "http://127.0.0.1:$port/api/v1/devices/bench-agent" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_sequence"])' || echo "unknown (collector not answering)")

printf 'measured over %.0f s, report interval %s, %d RSS samples\n' "$elapsed" "$interval" "$samples"
printf '%-28s %12s %12s %18s\n' "process" "RSS mean MiB" "RSS max MiB" "CPU % of one core"
printf '%-28s %12.1f %12.1f %18.3f\n' "kilowatch-agent (JVM)" "$(echo "$sum_a/$samples/1024" | bc -l)" "$(echo "$max_a/1024" | bc -l)" \
  "$(echo "($a1-$a0)/$ticks/$elapsed*100" | bc -l)"
printf '%-28s %12.1f %12.1f %18.3f\n' "node_exporter (scraped)" "$(echo "$sum_n/$samples/1024" | bc -l)" "$(echo "$max_n/1024" | bc -l)" \
  "$(echo "($n1-$n0)/$ticks/$elapsed*100" | bc -l)"
echo "agent JVM flags: $agent_jvm_flags"
echo "SNMP sub-agent: $([ "${AGENT_SNMP:-0}" = 1 ] && echo "on, walked every $interval" || echo off)"
echo "agent start-up CPU (first 20 s): $(echo "$a_start/$ticks" | bc -l | cut -c1-5) s; reports stored: $reports"
