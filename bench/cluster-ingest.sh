#!/usr/bin/env bash
# Ingest with several collectors, in one run (not in CI): 1 collector on SQLite, then 1, 2 and 3 collectors on
# one PostgreSQL (a temporary cluster from Debian's postgresql package on a free loopback port, one fresh database
# per setup), each setup behind HAProxy (round robin) so every setup gets the same generators the same way:
#   - saturation: wrk (2 threads x 64 connections) POSTs unique reports with bench/ingest-wrk.lua, after a
#     warm-up run of its own (the JIT, the devices enrolled);
#   - a fixed offered rate: bench/LoadGen.java, AGENTS agents each reporting every 15 s.
# Prints one table: acknowledged reports/s, p50/p99 acknowledgement latency and errors for both, the CPU the
# collectors and PostgreSQL spent per acknowledged report in the saturation run (a figure that holds when other
# work shares the machine), the load average when the setup started, and stored - acknowledged (the collectors'
# stored counters less the 2xx answers counted): below 0 a report was acknowledged and not stored; up to 128
# (2 wrk runs x 64 connections) are the requests in flight when wrk stops, stored but not counted. Collectors run as ingest-wrk.sh's do:
# agent credentials and the per-device rate limit off (wrk's devices report far faster than agents may),
# storage.sync=full (each acknowledgement after a commit that reached the disk, on SQLite and on PostgreSQL).
#   bench/cluster-ingest.sh    (WRK_SECONDS=30 WARMUP_SECONDS=15 AGENTS=10000 LOADGEN_SECONDS=45
#                               SETUPS="sqlite:1 postgresql:1 postgresql:2 postgresql:3" to change)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
WRK_SECONDS=${WRK_SECONDS:-30}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
AGENTS=${AGENTS:-10000}
LOADGEN_SECONDS=${LOADGEN_SECONDS:-45}
SETUPS=${SETUPS:-"sqlite:1 postgresql:1 postgresql:2 postgresql:3"}
for tool in wrk haproxy psql java python3; do command -v $tool >/dev/null || { echo "cluster-ingest: needs $tool" >&2; exit 2; }; done
settings=(--set http.rate_limit.requests_per_minute_per_device=1000000 --set http.rate_limit.burst=1000000
          --set security.agents.require_credentials=false --set security.read.anonymous=true --set storage.sync=full)
field() { sed -n "s/.*[ ^]$1=\([0-9.]*\).*/\1/p" <<<" $2"; }
wrk_run() { RUN=$run FIRST_SEQUENCE=$2 wrk -t2 -c64 -d"${3}s" --timeout 10s -s bench/ingest-wrk.lua "$1" | tail -1; }
run=$RANDOM

case " $SETUPS " in *postgresql*) pg_start ;; esac
rows=()
for setup in $SETUPS; do
  store=${setup%%:*} n=${setup##*:}
  where=sqlite
  if [ "$store" = postgresql ]; then pg_database "kw_bench_$n"; where=postgresql:kw_bench_$n; fi
  echo "cluster-ingest: $n collector(s) on $store" >&2
  for ((i = 1; i <= n; i++)); do collector_start "$store-$n-$i" "$where" "${settings[@]}"; done
  lb_start
  base=http://127.0.0.1:$lb_port
  warm=$(wrk_run "$base" 1 "$WARMUP_SECONDS")
  load=$(load_average)
  busy=("${collectors[@]}")
  [ "$store" = postgresql ] && busy+=($(pg_pids))
  cpu_before=$(cpu_ms "${busy[@]}")
  sat=$(wrk_run "$base" 100000 "$WRK_SECONDS")
  cpu=$(awk -v a="$cpu_before" -v b="$(cpu_ms "${busy[@]}")" 'BEGIN { print b - a }')
  fixed=$(java bench/LoadGen.java --collector "$base" --agents "$AGENTS" --seconds "$LOADGEN_SECONDS")
  stored=$(metric_sum 'kilowatch_ingest_reports_total{outcome="stored"')
  acked=$(awk -v w1="$(field requests "$warm")" -v e1="$(field non2xx "$warm")" -v w2="$(field requests "$sat")" \
              -v e2="$(field non2xx "$sat")" -v l="$(field ok "$fixed")" 'BEGIN { print w1 - e1 + w2 - e2 + l }')
  rows+=("$(awk -v setup="$n x $store" -v s="$(field ok_per_s "$sat")" -v s50="$(field p50_ms "$sat")" -v s99="$(field p99_ms "$sat")" \
      -v se="$(( $(field non2xx "$sat") + $(field socket_errors "$sat") ))" -v req="$(field requests "$sat")" -v nok="$(field non2xx "$sat")" \
      -v fo="$(field offered "$fixed")" -v fs="$(field stored "$fixed")" -v f50="$(field p50 "$fixed")" -v f99="$(field p99 "$fixed")" \
      -v fe="$(( $(field failed "$fixed") + $(field skipped "$fixed") ))" -v cpu="$cpu" -v load="$load" -v acked="$acked" -v stored="$stored" \
      'BEGIN { printf "%-14s %9.0f %8.1f %8.1f %6d | %8.0f %8.0f %8.1f %8.1f %6d | %8.0f | %-14s | %6d\n", setup, s, s50, s99, se,
               fo, fs, f50, f99, fe, cpu * 1000 / (req - nok), load, stored - acked }')")
  lb_stop
  collectors_stop
done

echo
echo "$(date -u +%FT%TZ), $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 )) MiB," \
     "$(java -version 2>&1 | head -1), ${pg_bin:+PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') (package defaults),} haproxy in front of every setup"
echo "saturation: wrk 2x64 for ${WRK_SECONDS}s after ${WARMUP_SECONDS}s warm-up; fixed: $AGENTS agents every 15 s for ${LOADGEN_SECONDS}s"
printf '%-14s %9s %8s %8s %6s | %8s %8s %8s %8s %6s | %8s | %-14s | %s\n' "" "saturated" "" "" "" "fixed" "" "" "" "" "CPU us" "load average" "stored"
printf '%-14s %9s %8s %8s %6s | %8s %8s %8s %8s %6s | %8s | %-14s | %s\n' setup "acked/s" "p50 ms" "p99 ms" errors "offered/s" "acked/s" "p50 ms" "p99 ms" errors \
  "/report" "1 5 15 min" "-acked"
printf '%s\n' "${rows[@]}"
