#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KBUILD_DIR
# Build build/initramfs.cpio.gz (BASE=7.2: build/initramfs-7.2.cpio.gz, from
# build/src/zpci72): busybox-static (s390x), the guest init, the guest
# scripts and this project's kselftests, cross-built statically against the
# UAPI headers of the kernel built in KBUILD_DIR and installed with
# kselftest's own install target into /kselftest (run_kselftest.sh,
# kselftest-list.txt, drivers/s390x/zpci/), as a user installs them.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
. tools/testing/zpci/base.sh
KBUILD=$(cd "${1:?kernel build dir}" && pwd)
TREE=$TOP/$ZPCI_TREE
OUT=$TOP/build/initramfs$BASE_TAG
BUSYBOX=$TOP/build/busybox-s390x/bin/busybox
export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-

[ -x "$BUSYBOX" ] || { echo "initramfs: $BUSYBOX missing: run install-deps.sh" >&2; exit 1; }
make -s -C "$TREE" O="$KBUILD" headers >/dev/null
rm -rf "$OUT/root"
mkdir -p "$OUT/root"/{bin,sbin,etc/zpci,tests,proc,sys,dev,tmp,mnt}
# O= makes kselftest build in KBUILD/kselftest against KBUILD/usr/include.
make -s -C "$TREE/tools/testing/selftests" O="$KBUILD" \
	TARGETS=drivers/s390x/zpci INSTALL_PATH="$OUT/root/kselftest" install >/dev/null
KSFT=$OUT/root/kselftest/drivers/s390x/zpci
[ -x "$OUT/root/kselftest/run_kselftest.sh" ] && [ -x "$KSFT/zpci_functions" ] ||
	{ echo "initramfs: kselftest install incomplete in $OUT/root/kselftest" >&2; exit 1; }
cp "$BUSYBOX" "$OUT/root/bin/busybox"
cp tools/testing/zpci/guest/init "$OUT/root/init"
cp tools/testing/zpci/guest/lib.sh "$OUT/root/etc/zpci/lib.sh"
cp tools/testing/zpci/guest/zpci_report tools/testing/zpci/guest/hotplug_cycle \
	tools/testing/zpci/guest/clp_expect tools/testing/zpci/guest/dma_stress \
	tools/testing/zpci/guest/net_traffic tools/testing/zpci/guest/msi_rebind \
	tools/testing/zpci/guest/clp_fail_nth tools/testing/zpci/guest/hotplug_soak \
	tools/testing/zpci/guest/refused_unplug tools/testing/zpci/guest/blk_safe \
	"$OUT/root/tests/"
# The guest scripts call the kselftest programs as /tests/NAME.
for p in "$KSFT"/*; do
	[ -x "$p" ] && [ -f "$p" ] && ln -s "/kselftest/drivers/s390x/zpci/${p##*/}" "$OUT/root/tests/"
done
(cd "$OUT/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner 0:0) |
	gzip -9 > "$TOP/$INITRD.tmp"
mv "$TOP/$INITRD.tmp" "$TOP/$INITRD"
echo "initramfs: $INITRD ($(du -k "$INITRD" | cut -f1) KiB; kselftests: $(sed 's/.*://' "$OUT/root/kselftest/kselftest-list.txt" | tr '\n' ' ')guest scripts: $(find "$OUT/root/tests" -type f -printf '%f ' | sed 's/ $//'))"
