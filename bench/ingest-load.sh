#!/usr/bin/env bash
# Ingest benchmark, run on demand (not in CI): a fresh collector with its embedded store, then
# bench/LoadGen.java simulating 1k, 10k and 50k agents reporting every 15 s over loopback.
# Prints stored reports/s, p50/p99 acknowledgement latency, the collector's peak RSS and its slowest /metrics
# scrape per size, with /metrics scraped every 15 s meanwhile, as Prometheus would.
# Agent credentials are switched off here: simulated agents would otherwise have to enrol first.
#   bench/ingest-load.sh [seconds per size=60] [sizes="1000 10000 50000"]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
sizes=${2:-"1000 10000 50000"}
[ -f collector/target/kilowatch-collector.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
cp collector/target/kilowatch-collector.jar "$work/collector.jar"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for agents in $sizes; do
  rm -rf "$work/data"
  java -Xmx1g -XX:+UseShenandoahGC -jar "$work/collector.jar" --http-port "$port" --data-dir "$work/data" \
    --set http.rate_limit.burst=1000 --set security.agents.require_credentials=false --set security.read.anonymous=true >"$work/collector.log" 2>&1 &
  collector=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
  java bench/LoadGen.java --collector "http://127.0.0.1:$port" --agents "$agents" --seconds "$seconds" --collector-pid "$collector" --scrape-every 15
  kill $collector; wait $collector 2>/dev/null || true
done
rm -rf "$work"
