#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs every Debian 12 package that building, testing and the demo need.
# Idempotent: packages already present are skipped without touching apt.
set -eu

BUILD_PKGS="make clang llvm libbpf-dev libxdp-dev bpftool libssl-dev libelf-dev
zlib1g-dev pkg-config libyaml-dev libclang-rt-14-dev libmicrohttpd-dev libxml2-dev"
TEST_PKGS="knot knot-dnsutils knot-dnssecutils ldnsutils unbound unbound-anchor
dnsperf bind9-dnsutils python3 python3-dnspython python3-cryptography iproute2
ethtool perl xdp-tools linux-perf
python3-yaml python3-prometheus-client yamllint vagrant vagrant-libvirt dns-root-data"

missing=""
for pkg in $BUILD_PKGS $TEST_PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
# The packaged services must not run on the host: the lab starts its own
# instances inside network namespaces.
for svc in knot unbound; do
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
		systemctl stop "$svc" || true
		systemctl disable "$svc" 2>/dev/null || true
	fi
done
exit 0
