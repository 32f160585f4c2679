#!/usr/bin/env bash
# Builds kilowatch-agent_<version>_<arch>.deb from the self-contained agent (mvn -B package lays it out in
# agent/target/kilowatch-agent): /opt/kilowatch-agent with its own Java runtime, the systemd unit from
# deploy/systemd with its tmpfiles.d rule letting it read RAPL, /etc/kilowatch-agent/kilowatch-agent.yaml as a
# conffile, a system user kilowatch-agent and /var/lib/kilowatch-agent made on install and removed on purge. docs/agent-install.md
#   deploy/debian/build-deb.sh [OUTDIR=agent/target]     prints the path of the .deb
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$repo/agent/target/kilowatch-agent
out=${1:-$repo/agent/target}
[ -x "$dist/runtime/bin/java" ] || { echo "no runtime in $dist: build first (mvn -B package -DskipTests) with a JDK that has jlink and jmods/" >&2; exit 2; }
version=$(unzip -p "$dist/lib/kilowatch-agent.jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *//p' | tr -d '\r')
deb_version=${version//-/\~} # 0.1.0-SNAPSHOT sorts before 0.1.0
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -d "$stage/opt/kilowatch-agent/docs" "$stage/lib/systemd/system" "$stage/usr/lib/tmpfiles.d" "$stage/etc/kilowatch-agent" "$stage/DEBIAN"
cp -a "$dist/bin" "$dist/lib" "$dist/runtime" "$stage/opt/kilowatch-agent/"
rm -f "$stage/opt/kilowatch-agent/bin/"*.cmd "$stage/opt/kilowatch-agent/bin/"*.ps1
cp "$repo/docs/agent-install.md" "$stage/opt/kilowatch-agent/docs/"
install -m 0644 "$repo/deploy/systemd/kilowatch-agent.service" "$stage/lib/systemd/system/"
install -m 0644 "$repo/deploy/systemd/kilowatch-agent.tmpfiles" "$stage/usr/lib/tmpfiles.d/kilowatch-agent.conf"
install -m 0640 "$repo/agent/kilowatch-agent.yaml" "$stage/etc/kilowatch-agent/kilowatch-agent.yaml"
echo /etc/kilowatch-agent/kilowatch-agent.yaml >"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: kilowatch-agent
Version: $deb_version
Architecture: $arch
Maintainer: Kilowatch <kilowatch@localhost>
Depends: adduser
Section: admin
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: Kilowatch agent: energy, carbon and availability of this machine
 Reads utilisation, uptime, inventory and power on a desktop or server and reports to a Kilowatch
 collector. Ships its own Java runtime; runs as the systemd service kilowatch-agent.
CONTROL
install -m 0755 "$repo/deploy/debian/postinst" "$repo/deploy/debian/prerm" "$repo/deploy/debian/postrm" "$stage/DEBIAN/"
deb=$out/kilowatch-agent_${deb_version}_${arch}.deb
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "$deb"
