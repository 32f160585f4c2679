#!/usr/bin/env bash
# The Devices page with 20,000 devices in the store (not in CI): runs DeviceListIT (a real collector
# over a seeded store, headless Chromium) and prints the time from navigation to the first rows beside
# the goal. Needs the collector built and the test tools installed (scripts/install-test-tools.sh).
#   bench/dashboard-devices.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -pl collector -am verify -Dit.test=DeviceListIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
printf '%-44s %14s %14s\n' "Devices page, 20,000 devices" kilowatch goal
printf '%-44s %14s %14s\n' "first rows shown, ms (fresh browser)" "$(cat collector/target/device-list/first-render-ms.txt)" "<= 1000"
