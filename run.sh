#!/usr/bin/env bash
# Builds Kilowatch and runs the main job on this machine: the collector with its embedded store and
# built-in dashboard, plus a local agent reporting to it. Needs only Java 17 and Maven. Ctrl-C stops both.
#   KILOWATCH_PORT   dashboard/collector port (default 8080)
#   KILOWATCH_DATA   where both keep their state (default ./run-data)
set -euo pipefail
cd "$(dirname "$0")"
port=${KILOWATCH_PORT:-8080}
data=${KILOWATCH_DATA:-run-data}

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "kilowatch: port $port is in use; run with KILOWATCH_PORT=<free port> $0" >&2
  exit 1
fi

echo "kilowatch: building (mvn -B -q package -DskipTests)..."
mvn -B -q package -DskipTests

# A first look on this machine: bound to loopback, so reading without a login is allowed explicitly here.
# Shenandoah keeps GC pauses short, so agents' reports are answered promptly (docs/deployment.md#jvm-options).
java -XX:+UseShenandoahGC -jar collector/target/kilowatch-collector.jar --config collector/kilowatch-collector.yaml \
  --http-port "$port" --data-dir "$data/collector" --set security.read.anonymous=true &
collector=$!
agent=""
trap 'kill $collector $agent 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

# The collector listens only once its store is open; bash's /dev/tcp needs no curl on the machine.
for _ in $(seq 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 $collector 2>/dev/null || { echo "kilowatch: the collector did not start; see its log above" >&2; exit 1; }
  sleep 0.5
done

# The self-contained agent, on its own runtime with its measured JVM flags (docs/agent-install.md).
agent/target/kilowatch-agent/bin/kilowatch-agent \
  --config agent/kilowatch-agent.yaml --collector "http://127.0.0.1:$port" --data-dir "$data/agent" \
  --set collector.enrolment_token_file="$data/collector/enrolment-token" &
agent=$!

echo
echo "kilowatch: dashboard at http://127.0.0.1:$port/   (metrics: /metrics, API: /api/v1/devices; Ctrl-C stops)"
echo
wait
