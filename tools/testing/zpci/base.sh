# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034
#
# base.sh, sourced from the top of the repository: the paths of the base
# that BASE selects (the Makefile exports it; default 6.12).
#
#   BASE=6.12  Debian 12's linux-source-6.12 (apt-get install), QEMU 7.2 of
#              the system; patches/series.  The paths of the 6.12 flow are
#              those it always had.
#   BASE=7.2   Debian unstable's linux-source-7.2 and QEMU 10.0.2 from
#              bookworm-backports, both unpacked under build/ by
#              install-deps.sh, never installed; patches/7.2/series (a name
#              there is patches/7.2/NAME when that exists, else patches/NAME).
#
# BASE_SRC      the pristine base tree
# BASE_VERFILE  its kernel version, written by prepare-tree.sh
# BASE_TAG      "" for 6.12, "72" for 7.2: build/kbuild/KIND$BASE_TAG-VARIANT
# ZPCI_TREE     base + series + this repository's files
# SERIES_FILE   the quilt series for this base
# QEMU_BIN, QEMU_DATA  the emulator and its data directory (-L; empty: the system's)
# RESULTS_DIR   where zpci_run.py writes, INITRD the initramfs of make initramfs
BASE=${BASE:-6.12}
case "$BASE" in
6.12)
	BASE_SRC=build/base/linux-source-6.12
	BASE_VERFILE=build/base-version
	BASE_TAG=
	ZPCI_TREE=build/src/zpci
	SERIES_FILE=patches/series
	QEMU_BIN=qemu-system-s390x
	QEMU_DATA=
	RESULTS_DIR=build/results
	INITRD=build/initramfs.cpio.gz
	;;
7.2)
	BASE_SRC=build/base/linux-source-7.2
	BASE_VERFILE=build/base-version-7.2
	BASE_TAG=72
	ZPCI_TREE=build/src/zpci72
	SERIES_FILE=patches/7.2/series
	QEMU_BIN=build/qemu-10/usr/bin/qemu-system-s390x
	QEMU_DATA=build/qemu-10/usr/share/qemu
	RESULTS_DIR=build/results-7.2
	INITRD=build/initramfs-7.2.cpio.gz
	;;
*)
	echo "BASE=$BASE: unknown base (6.12 or 7.2)" >&2
	exit 1
	;;
esac
# The tarball of a base unpacked from its .deb (7.2) or installed (6.12).
BASE_TARBALL_GLOB="/usr/src/linux-source-$BASE.tar.*"
[ "$BASE" = 6.12 ] || BASE_TARBALL_GLOB="build/pkg/linux-source-$BASE/usr/src/linux-source-$BASE.tar.*"

# base_patch NAME: the file of patch NAME for this base.
base_patch() {
	if [ "$BASE" != 6.12 ] && [ -f "patches/$BASE/$1" ]; then
		echo "patches/$BASE/$1"
	else
		echo "patches/$1"
	fi
}
