# Shared by bench/cluster-ingest.sh, bench/cluster-snmp.sh and bench/snmp-poll.sh (sourced, not run): a work
# directory and a trap that stops everything started and deletes it all, free loopback ports, a temporary
# PostgreSQL cluster from Debian's postgresql package (as collector/.../store/TestPostgres.java makes one),
# collectors on SQLite or on that cluster, HAProxy in front of them, and Net-SNMP snmpd devices.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/collector/target/kilowatch-collector.jar
[ -f "$JAR" ] || { echo "build the collector first: mvn -B -o -q package -DskipTests -pl collector -am" >&2; exit 2; }
work=$(mktemp -d)
pgdir=""
pids=()
collectors=()
collector_ports=()
# SIGTERM, then SIGKILL for what has not exited 20 s later (said on stderr: a collector should stop in time)
stop_pids() {
  local p alive mine=()
  for p in "$@"; do [ "$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)" = $$ ] && mine+=("$p"); done  # ours, not a reused pid
  set -- "${mine[@]}"
  [ $# -eq 0 ] && return 0
  kill "$@" 2>/dev/null || true
  for _ in $(seq 40); do
    alive=()
    for p in "$@"; do case $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) in ''|Z) ;; *) alive+=("$p") ;; esac; done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.5
  done
  for p in "${alive[@]}"; do echo "$(tr '\0' ' ' < "/proc/$p/cmdline" | cut -c1-120) (pid $p) did not stop 20 s after SIGTERM: SIGKILL" >&2; kill -9 "$p"; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}
cleanup() {
  [ ${#pids[@]} -eq 0 ] || stop_pids "${pids[@]}"
  if [ -n "$pgdir" ]; then as_pg "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_ports() { # count udp|tcp
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
wait_up() { for _ in $(seq 240); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ s += ($14 + $15) * 1000 / hz } END { print s + 0 }' $(printf '/proc/%s/stat ' "$@") 2>/dev/null; }
# A metric's value summed over the running collectors, e.g. metric_sum 'kilowatch_ingest_reports_total{outcome="stored"'
metric_sum() {
  for port in "${collector_ports[@]}"; do curl -fs "http://127.0.0.1:$port/metrics"; done |
    awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.0f\n", s }'
}

# ---- PostgreSQL: initdb refuses root, so as root the cluster belongs to the package's postgres user.
pg_user=kilowatch
export PGPASSWORD=bench-password-not-secret KILOWATCH_COLLECTOR_STORE_POSTGRESQL_PASSWORD=bench-password-not-secret
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() { # sets pg_port; server settings are the package's defaults but for where it listens
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ -x "$pg_bin/initdb" ] || { echo "needs Debian's postgresql (apt-get install postgresql)" >&2; exit 2; }
  pgdir=$(mktemp -d)
  [ "$(id -u)" = 0 ] && chown postgres "$pgdir"
  printf '%s' "$PGPASSWORD" > "$pgdir/password"
  [ "$(id -u)" = 0 ] && chown postgres "$pgdir/password"
  pg_port=$(free_ports 1 tcp)
  as_pg "$pg_bin/initdb" -D "$pgdir/data" -U "$pg_user" --pwfile="$pgdir/password" --auth=scram-sha-256 -E UTF8 --locale=C >"$work/initdb.log"
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$pg_port" "$pgdir" >> "$pgdir/data/postgresql.conf"
  as_pg "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 start >/dev/null
}
pg_pids() { local main; main=$(head -1 "$pgdir/data/postmaster.pid"); echo "$main" $(ps -o pid= --ppid "$main"); }
pg_database() { psql -q "host=127.0.0.1 port=$pg_port user=$pg_user dbname=postgres" -c "CREATE DATABASE $1"; }

# ---- collectors: collector_start ID STORE(sqlite|postgresql:<database>) [--set key=value ...]; one enrolment token for all
export KILOWATCH_COLLECTOR_SECURITY_AGENTS_ENROLMENT_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
collector_start() {
  local id=$1 store=$2 port
  shift 2
  port=$(free_ports 1 tcp)
  local where=(--set store.type=sqlite)
  [ "$store" = sqlite ] || where=(--set store.type=postgresql --set "store.postgresql.url=jdbc:postgresql://127.0.0.1:$pg_port/${store#postgresql:}"
                                 --set store.postgresql.user=$pg_user)
  java -Xmx512m -XX:+UseShenandoahGC -jar "$JAR" --http-port "$port" --data-dir "$work/$id" --set "cluster.collector_id=$id" "${where[@]}" "$@" \
    >"$work/$id.log" 2>&1 &
  pids+=($!)
  collectors+=($!)
  collector_ports+=("$port")
  wait_up "http://127.0.0.1:$port/health" || { tail -20 "$work/$id.log" >&2; exit 1; }
}
collectors_stop() {
  stop_pids "${collectors[@]}"
  collectors=()
  collector_ports=()
}

# ---- HAProxy in front of the running collectors, round robin, as deploy/haproxy/haproxy.cfg; sets lb_port and lb_pid
lb_start() {
  lb_port=$(free_ports 1 tcp)
  {
    printf 'global\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n'
    printf 'frontend collectors\n  bind 127.0.0.1:%s\n  default_backend collectors\nbackend collectors\n  balance roundrobin\n' "$lb_port"
    for i in "${!collector_ports[@]}"; do printf '  server c%s 127.0.0.1:%s\n' "$i" "${collector_ports[$i]}"; done
  } > "$work/haproxy.cfg"
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  lb_pid=$!
  pids+=($lb_pid)
  wait_up "http://127.0.0.1:$lb_port/health" || { cat "$work/haproxy.log" >&2; exit 1; }
}
lb_stop() { stop_pids "$lb_pid"; }

# ---- SNMP devices: snmpd_start N PROCS COMMUNITY starts PROCS Net-SNMP snmpd processes answering on N loopback
# UDP ports (every port is one device); sets snmp_ports. snmp_targets INTERVAL CONCURRENCY prints the collector
# config that polls them all with the built-in "host" profile.
snmpd_start() {
  local n=$1 procs=$2 community=$3 per p port
  export MIBS= MIBDIRS=/nonexistent
  read -r -a snmp_ports <<< "$(free_ports "$n" udp)"
  per=$(( (n + procs - 1) / procs ))
  for ((p = 0; p < procs; p++)); do
    local slice=("${snmp_ports[@]:$((p * per)):$per}")
    [ ${#slice[@]} -eq 0 ] && continue
    local listen
    listen=$(printf 'udp:127.0.0.1:%s,' "${slice[@]}")
    mkdir -p "$work/snmpd$p"
    printf 'rocommunity %s 127.0.0.1\nsysName bench-device\n' "$community" > "$work/snmpd$p/snmpd.conf"
    SNMP_PERSISTENT_DIR="$work/snmpd$p" snmpd -f -Lf "$work/snmpd$p/log" -C -c "$work/snmpd$p/snmpd.conf" "${listen%,}" &
    pids+=($!)
  done
  for port in "${snmp_ports[0]}" "${snmp_ports[-1]}"; do
    for _ in $(seq 50); do snmpget -t 0.2 -r 0 -v2c -c "$community" "127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.2; done
  done
  printf '%s' "$community" > "$work/community"
}
snmp_targets() {
  printf 'security:\n  read:\n    anonymous: true\nstorage:\n  refresh_interval: 1h\nhttp:\n  rate_limit:\n    requests_per_minute_per_device: 100000\n'
  printf 'snmp:\n  enabled: true\n  interval: %ss\n  max_concurrent_polls: %s\n' "$1" "$2"
  printf '  auths:\n    bench:\n      version: v2c\n      community_file: %s\n  targets:\n' "$work/community"
  for i in "${!snmp_ports[@]}"; do
    printf '    dev-%04d:\n      address: 127.0.0.1\n      port: %s\n      auth: bench\n      profile: host\n      class: switch\n' "$i" "${snmp_ports[$i]}"
  done
}
