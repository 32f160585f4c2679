#!/usr/bin/env bash
# Carbon reporting benchmark, run on demand (not in CI): a collector whose store holds N devices with a
# day rollup and an off-time row for each of D days (plus a target so the trajectory is worked out), and
# the time the carbon report (JSON, CSV), trajectory, summary, totals by site and embodied list take, and the collector's RSS.
#   bench/carbon-report.sh [devices="1000 5000"] [days=400]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-"1000 5000"}
days=${2:-400}
jar=collector/target/kilowatch-collector.jar
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
year=$(date -u +%Y)
for devices in $sizes; do
  rm -rf "$work/data"
  run() {
    java -Xmx1g -XX:+UseShenandoahGC -jar "$jar" --http-port "$port" --data-dir "$work/data" --set security.read.anonymous=true \
      --set sustainability.targets.baseline_year=$((year - 1)) --set sustainability.targets.annual_reduction_percent=3 \
      --set "sustainability.shared_services.Shared ICT.Council A=1" --set "sustainability.shared_services.Shared ICT.Council B=1" \
      >"$work/collector.log" 2>&1 &
    collector=$!
    for _ in $(seq 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.5; done
    echo "collector did not start" >&2; exit 1
  }
  run; kill $collector; wait $collector 2>/dev/null || true   # creates the schema
  java -cp "$jar" bench/CarbonReportLoad.java seed "$work/data" "$devices" "$days"
  run
  echo "== $devices devices, $days days"
  java bench/CarbonReportLoad.java time "http://127.0.0.1:$port"
  echo "collector RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$collector/status) / 1024 )) MiB"
  kill $collector; wait $collector 2>/dev/null || true
done
