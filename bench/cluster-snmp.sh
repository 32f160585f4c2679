#!/usr/bin/env bash
# SNMP polling with several collectors, in one run (not in CI): the N emulated devices of bench/snmp-poll.sh
# (Net-SNMP snmpd processes, every loopback port one device, Kilowatch's built-in "host" profile), every one
# offered once an interval, polled by 1 collector on SQLite, then by 1 and 3 collectors on one PostgreSQL (a
# temporary cluster from Debian's postgresql package, a fresh database per setup) sharing the targets by leases.
# Waits until every target is held by a collector and none holds more than its fair share, lets DURATION
# seconds pass, and prints polls stored a second (the sum of the collectors' stored-report counters: each SNMP
# poll is stored as one report), how the targets were shared, the CPU the collectors and PostgreSQL spent per
# poll (a figure that holds when other work shares the machine; snmpd's is not counted), and the load average.
#   bench/cluster-snmp.sh   (N=500 PROCS=4 DURATION=30 CONCURRENCY=64 INTERVAL=1
#                            SETUPS="sqlite:1 postgresql:1 postgresql:3" to change)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-500}
PROCS=${PROCS:-4}
DURATION=${DURATION:-30}
CONCURRENCY=${CONCURRENCY:-64}
INTERVAL=${INTERVAL:-1}
SETUPS=${SETUPS:-"sqlite:1 postgresql:1 postgresql:3"}
for tool in snmpd snmpget psql java python3; do command -v $tool >/dev/null || { echo "cluster-snmp: needs $tool" >&2; exit 2; }; done

snmpd_start "$N" "$PROCS" kw-bench
snmp_targets "$INTERVAL" "$CONCURRENCY" > "$work/collector.yaml"
case " $SETUPS " in *postgresql*) pg_start ;; esac
stored='kilowatch_ingest_reports_total{outcome="stored"'
held='kilowatch_collector_leases_held{duty="snmp"'
rows=()
for setup in $SETUPS; do
  store=${setup%%:*} n=${setup##*:}
  where=sqlite
  if [ "$store" = postgresql ]; then pg_database "kw_snmp_$n"; where=postgresql:kw_snmp_$n; fi
  echo "cluster-snmp: $n collector(s) on $store polling $N devices every ${INTERVAL}s" >&2
  for ((i = 1; i <= n; i++)); do collector_start "snmp-$store-$n-$i" "$where" --config "$work/collector.yaml"; done
  share=$(( (N + n - 1) / n ))
  for _ in $(seq 120); do  # every target claimed, none beyond its collector's fair share
    split=$(for port in "${collector_ports[@]}"; do curl -fs "http://127.0.0.1:$port/metrics" | awk -v m="$held" 'index($0, m) == 1 { printf "%.0f\n", $NF }'; done)
    [ "$(awk '{ s += $1 } END { print s + 0 }' <<<"$split")" -eq "$N" ] && [ "$(sort -n <<<"$split" | tail -1)" -le "$share" ] && break
    sleep 1
  done
  sleep 5  # warm-up: every target polled since it was claimed, the JIT warm
  load=$(load_average)
  busy=("${collectors[@]}")
  [ "$store" = postgresql ] && busy+=($(pg_pids))
  cpu_before=$(cpu_ms "${busy[@]}") polls_before=$(metric_sum "$stored") start=$(date +%s.%N)
  sleep "$DURATION"
  polls=$(( $(metric_sum "$stored") - polls_before ))
  cpu=$(awk -v a="$cpu_before" -v b="$(cpu_ms "${busy[@]}")" 'BEGIN { print b - a }')
  rows+=("$(awk -v setup="$n x $store" -v polls="$polls" -v s="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
      -v offered="$(awk -v n="$N" -v i="$INTERVAL" 'BEGIN { print n / i }')" -v cpu="$cpu" -v load="$load" -v held_by="$(paste -sd/ <<<"$split")" \
      'BEGIN { printf "%-14s %10.0f %10.1f %12s %10.0f | %s\n", setup, offered, polls / s, held_by, cpu * 1000 / polls, load }')")
  collectors_stop
done

echo
echo "$(date -u +%FT%TZ), $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 )) MiB," \
     "$(java -version 2>&1 | head -1), ${pg_bin:+PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') (package defaults),} $N snmpd devices on $PROCS processes"
echo "every device offered once every ${INTERVAL}s, at most $CONCURRENCY polls at once per collector, measured over ${DURATION}s"
printf '%-14s %10s %10s %12s %10s | %s\n' setup "offered/s" "devices/s" "targets" "CPU us" "load average"
printf '%-14s %10s %10s %12s %10s | %s\n' "" "" "" "each holds" "/poll" "1 5 15 min"
printf '%s\n' "${rows[@]}"
