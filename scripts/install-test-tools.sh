#!/usr/bin/env bash
# Installs what the tests use beside Java and Maven, from Debian's packages, when it is missing:
#   chromium + chromium-driver  the dashboard's end-to-end test drives a real headless browser
#   prometheus                  `promtool check metrics` on /metrics, `promtool check/test rules` on deploy/prometheus,
#                               and the server the monitoring-stack test runs every dashboard and rule query on
#   fonts-liberation            text in the dashboard's screenshots
#   prometheus-alertmanager     `amtool check-config` on deploy/alertmanager
#   victoria-metrics            speaks InfluxDB's v2 write API: the InfluxDB output's outage test writes to it
#   openssl                     test certificates (TLS, probes of HTTPS with an expiring certificate)
#   snmp (snmpget, snmpwalk)    the agent's SNMP sub-agent is read with Net-SNMP's own tools; the collector's
#                               SNMP tests send traps and informs with snmptrap/snmpinform
#   snmpd                       the collector's SNMP tests poll real Net-SNMP agents
#   snmpsim (snmpsimd)          the SNMP compatibility corpus test serves recordings of real devices with it
#   smitools (smilint)          KILOWATCH-MIB must lint clean
#   erlang-snmp                 Debian keeps the IETF base MIB modules (SNMPv2-SMI, -TC, -CONF) out of main;
#                               this package ships them, so smilint and Net-SNMP can load KILOWATCH-MIB
#   python3-aiosmtpd            a real SMTP server (plain, STARTTLS with login, TLS) for the alert email tests
#   systemd (systemd-analyze)   the systemd units must pass `systemd-analyze verify` (SystemdUnitsIT, AgentPackagingIT)
#   haproxy                     `haproxy -c` checks the load balancer config of deploy/compose.yaml (ComposeFileTest)
#   adduser                     the agent's .deb makes its service user with it, installed and purged in that test
#   unzip                       deploy/debian/build-deb.sh reads the agent's version from its jar (AgentPackagingIT)
#   postgresql                  the store tests run against a real PostgreSQL too: they initdb a temporary cluster
#                               with its server binaries (/usr/lib/postgresql/*/bin) on a free loopback port
#   sqlite3                     migrate-store's test holds the SQLite store open from another process, as a
#                               running collector does, with SQLite's own shell
# Idempotent and quiet when everything is there. Needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
# Chromium only recommends a font; without one its screenshots show no text.
dpkg -s fonts-liberation >/dev/null 2>&1 || need+=(fonts-liberation)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v snmpget >/dev/null 2>&1 || need+=(snmp)
command -v snmpd >/dev/null 2>&1 || need+=(snmpd)
command -v snmpsimd >/dev/null 2>&1 || need+=(snmpsim)
command -v smilint >/dev/null 2>&1 || need+=(smitools)
compgen -G "/usr/lib/erlang/lib/snmp-*/mibs/SNMPv2-SMI.mib" >/dev/null || need+=(erlang-snmp)
# Tests start it with /usr/bin/python3: a python3 earlier on PATH may be another build without the module.
/usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 || need+=(python3-aiosmtpd)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v adduser >/dev/null 2>&1 || need+=(adduser)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-test-tools: need root to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-test-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends keeps the prometheus package to the server and promtool (no exporters, no web UI deps)
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The prometheus package starts a server on :9090 as a service where systemd runs; tests need only promtool.
# Tests start their own servers on free loopback ports; stop the packaged services.
for service in prometheus prometheus-alertmanager victoria-metrics snmpd postgresql haproxy; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    $sudo systemctl stop "$service" || true
  fi
done
