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

# BASE=7.2: linux-source-7.2 from Debian unstable (the 7.2.x it offers) and
# QEMU 10.0.2 from bookworm-backports, downloaded as .debs with a private apt
# configuration under build/apt (the system's sources stay untouched) and
# unpacked under build/ with dpkg-deb -x, never installed.  apt-get download
# checks each .deb against the signed index; the SHA256 is checked here once
# more and recorded with the versions in build/deps-7.2.txt.
[ "${BASE:-6.12}" = 7.2 ] || exit 0
QEMU10_VERSION=1:10.0.2+ds-2+deb13u1~bpo12+1
PKG72_DIR=build/pkg/linux-source-7.2
QEMU10_DIR=build/qemu-10
if [ -f build/deps-7.2.txt ] && [ -x "$QEMU10_DIR/usr/bin/qemu-system-s390x" ] && ls $PKG72_DIR/usr/src/linux-source-7.2.tar.* >/dev/null 2>&1; then
	echo "deps: linux-source-7.2 and QEMU 10 present ($(cut -d' ' -f2 build/deps-7.2.txt 2>/dev/null | tr '\n' ' '))"
	exit 0
fi
apt_dir=$PWD/build/apt
mkdir -p "$apt_dir"/lists/partial "$apt_dir"/cache/archives/partial "$apt_dir"/parts \
	"$apt_dir"/prefs build/debs
cat > "$apt_dir/sources.list" <<EOT
deb [arch=amd64,all] http://deb.debian.org/debian unstable main
deb [arch=amd64,all] http://deb.debian.org/debian bookworm-backports main
EOT
APT_OPTS=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=$apt_dir/parts"
	-o "Dir::Etc::preferencesparts=$apt_dir/prefs" -o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache")
echo "deps: BASE=7.2: index of unstable and bookworm-backports (private apt configuration in build/apt)"
apt-get "${APT_OPTS[@]}" update -qq
# The version patches/7.2 applies to: another 7.2.y is a new base to port to.
k72=7.2.13-1
apt-cache "${APT_OPTS[@]}" show "linux-source-7.2=$k72" >/dev/null 2>&1 || {
	echo "deps: unstable no longer offers linux-source-7.2 $k72 (offered:" \
	     "$(apt-cache "${APT_OPTS[@]}" show linux-source-7.2 2>/dev/null |
		sed -n 's/^Version: //p' | tr '\n' ' ')): port patches/7.2 to it" \
	     "and set k72 in $0" >&2
	exit 1
}
# apt-get download drops root privileges to the _apt user
chown _apt build/debs 2>/dev/null || chmod 777 build/debs
rm -f build/deps-7.2.txt.tmp
for spec in "linux-source-7.2=$k72" "qemu-system-s390x=$QEMU10_VERSION" "qemu-system-data=$QEMU10_VERSION"; do
	name=${spec%%=*} ver=${spec#*=}
	# The stanza of exactly this version: its file name and SHA256.
	stanza=$(apt-cache "${APT_OPTS[@]}" show "$spec" | awk -v RS= 'NR == 1')
	sha=$(sed -n 's/^SHA256: //p' <<< "$stanza")
	# apt-get download names the file with the epoch (1%3a10.0.2...).
	# (no such file yet on a fresh machine: not an error under pipefail)
	file=$(ls build/debs/"${name}_"*"${ver#*:}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$file" ] || [ "$(sha256sum "$file" | cut -d' ' -f1)" != "$sha" ]; then
		echo "deps: downloading $name $ver"
		(cd build/debs && apt-get "${APT_OPTS[@]}" download -qq "$spec")
		file=$(ls build/debs/"${name}_"*"${ver#*:}_"*.deb | head -n1)
	fi
	if [ "$(sha256sum "$file" | cut -d' ' -f1)" != "$sha" ]; then
		echo "deps: $file: SHA256 does not match the index ($sha)" >&2
		exit 1
	fi
	echo "$name $ver $sha" >> build/deps-7.2.txt.tmp
done
mv build/deps-7.2.txt.tmp build/deps-7.2.txt
. "$(dirname "$0")/progress.sh"
progress_start deps "unpacking linux-source-7.2 and QEMU 10"
rm -rf "$PKG72_DIR" "$QEMU10_DIR"
mkdir -p "$PKG72_DIR" "$QEMU10_DIR"
dpkg-deb -x "$(ls build/debs/linux-source-7.2_"$k72"_all.deb)" "$PKG72_DIR"
for p in qemu-system-s390x qemu-system-data; do
	dpkg-deb -x "$(ls build/debs/${p}_*10.0.2*.deb)" "$QEMU10_DIR"
done
progress_stop
echo "deps: linux-source-7.2 $k72 in $PKG72_DIR, $("$QEMU10_DIR/usr/bin/qemu-system-s390x" --version | head -n1) in $QEMU10_DIR"
