#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the zpci-clp build and tests need on a Debian 12 host.
# Skips what is present; says what it installs.  Run as root.
set -euo pipefail

PKGS="gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-system-misc linux-source-6.12 sparse coccinelle
bc flex bison libelf-dev libssl-dev cpio python3 ccache quilt make gcc
xz-utils rsync dpkg-dev kmod gnuplot-nox python3-docutils python3-sphinx
python3-yaml"
BUSYBOX_DIR=${BUSYBOX_DIR:-build/busybox-s390x}

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	. "$(dirname "$0")/progress.sh"
	progress_start deps "apt-get install"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
	progress_stop
else
	echo "deps: all host packages present"
fi

# busybox-static for s390x: downloaded as a .deb and unpacked, not installed.
if [ ! -x "$BUSYBOX_DIR/bin/busybox" ]; then
	echo "deps: fetching busybox-static:s390x"
	if ! dpkg --print-foreign-architectures | grep -qx s390x; then
		$SUDO dpkg --add-architecture s390x
		$SUDO apt-get update -qq
	fi
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -qq busybox-static:s390x)
	mkdir -p "$BUSYBOX_DIR"
	dpkg-deb -x "$tmp"/busybox-static_*_s390x.deb "$BUSYBOX_DIR"
	rm -rf "$tmp"
else
	echo "deps: busybox-static:s390x present"
fi
