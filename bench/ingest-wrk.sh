#!/usr/bin/env bash
# Ingest against its floor, in one run (not in CI): wrk (2 threads x 64 connections) POSTs unique
# agent reports first to bench/NoopServer.java (a Vert.x 5 handler that stores nothing), then to a
# fresh collector with its embedded store; then bench/LoadGen.java offers 10k agents every 15 s to each, after
# warming itself up on GET /health. The p99 after the first 15 s leaves out the devices' first reports: each
# device is new to the collector then (its row is made), as in a roll-out, not in a collector's steady state.
# Prints each figure beside the peer's and the ratio, and the CPU each process spent per request in the
# measured run (a figure that holds even when other work shares the machine). Agent credentials and the
# per-device rate limit are switched off: wrk's devices report far faster than an agent may.
#   bench/ingest-wrk.sh [seconds=30] [loadgen seconds=60] [storage.sync=full|normal]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
loadgen_seconds=${2:-60}
sync=${3:-full}
jar=collector/target/kilowatch-collector.jar
[ -f $jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 2; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cp $jar "$work/collector.jar"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; exit 1; }
cpu_ms() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
run=$RANDOM
# $2: the first sequence; the warm-up run enrols the devices, the measured one (from 100000) reports as they do
load() { RUN=$run FIRST_SEQUENCE=$2 wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s bench/ingest-wrk.lua "$1" | tail -1; }

port=$(free_port)
java -Xmx1g -cp "$work/collector.jar" bench/NoopServer.java "$port" >"$work/noop.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$port/"
load "http://127.0.0.1:$port" 1 >/dev/null # warm-up: the JIT, as the collector gets in its own run below
peer_cpu=$(cpu_ms "${pids[-1]}")
peer=$(load "http://127.0.0.1:$port" 100000)
peer_cpu=$(( $(cpu_ms "${pids[-1]}") - peer_cpu ))
peer_lg=$(java bench/LoadGen.java --collector "http://127.0.0.1:$port" --agents 10000 --seconds "$loadgen_seconds" --scrape-every 15 --collector-pid "${pids[-1]}")
kill "${pids[-1]}"

port=$(free_port)
java -Xmx1g -XX:+UseShenandoahGC -jar "$work/collector.jar" --http-port "$port" --data-dir "$work/data" \
  --set http.rate_limit.requests_per_minute_per_device=1000000 --set http.rate_limit.burst=1000000 \
  --set security.agents.require_credentials=false --set security.read.anonymous=true --set storage.sync="$sync" >"$work/collector.log" 2>&1 &
collector=$!
pids+=($collector)
wait_up "http://127.0.0.1:$port/health"
load "http://127.0.0.1:$port" 1 >/dev/null
kw_cpu=$(cpu_ms $collector)
kw=$(load "http://127.0.0.1:$port" 100000)
kw_cpu=$(( $(cpu_ms $collector) - kw_cpu ))
stored=$(curl -s "http://127.0.0.1:$port/metrics" | grep "^kilowatch_ingest_reports_total{outcome=\"stored\"" | awk "{print \$2}")
lg=$(java bench/LoadGen.java --collector "http://127.0.0.1:$port" --agents 10000 --seconds "$loadgen_seconds" --scrape-every 15 --collector-pid "$collector")

echo "peer (no-op Vert.x 5 handler): $peer"
echo "kilowatch (storage.sync=$sync): $kw   (stored_total after both wrk runs: $stored)"
echo "loadgen 10k agents / 15 s:     $lg"
echo "  peer (no-op) under the same:   $peer_lg"
printf '%-44s %14s %14s %8s\n' "wrk 2x64, unique reports" kilowatch peer ratio
awk -v k="$(field ok_per_s "$kw")" -v p="$(field ok_per_s "$peer")" \
  'BEGIN { printf "%-44s %14.0f %14.0f %8.3f   (goal >= 0.20)\n", "acknowledged requests/s", k, p, k / p }'
awk -v k="$(field p99_ms "$kw")" -v p="$(field p99_ms "$peer")" \
  'BEGIN { printf "%-44s %14.2f %14.2f %8.1f\n", "p99 latency ms", k, p, k / p }'
awk -v k="$kw_cpu" -v kn="$(field requests "$kw")" -v p="$peer_cpu" -v pn="$(field requests "$peer")" \
  'BEGIN { printf "%-44s %14.0f %14.0f %8.1f\n", "process CPU us per request", k * 1000 / kn, p * 1000 / pn, (k / kn) / (p / pn) }'
p99() { sed -n "s/.* $1=\([0-9.]*\)ms.*/\1/p" <<<"$2"; }
awk -v k="$(p99 p99 "$lg")" -v p="$(p99 p99 "$peer_lg")" \
  'BEGIN { printf "%-44s %14.1f %14.1f %8.1f   (goal <= 50 ms)\n", "10k agents every 15 s: p99 ms", k, p, k / p }'
awk -v k="$(p99 p99_after_first_interval "$lg")" -v p="$(p99 p99_after_first_interval "$peer_lg")" \
  'BEGIN { printf "%-44s %14.1f %14.1f %8.1f\n", "  the same after the first 15 s", k, p, k / p }'
