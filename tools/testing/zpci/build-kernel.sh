#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh KIND VARIANT
#   KIND     stock (pristine base) or zpci (base + series)
#   VARIANT  guest (guest essentials), test (+ KUnit, kmemleak, lockdep)
#            or kasan (test + KASAN)
# Both kinds use the same fragments from arch/s390/configs/ of this
# repository, so they compare like with like.  Output: build/kbuild/KIND-VARIANT,
# for BASE=7.2 build/kbuild/KIND72-VARIANT (base.sh).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
. tools/testing/zpci/base.sh
KIND=${1:?kind}
VARIANT=${2:?variant}
case "$KIND" in
stock) SRC=$BASE_SRC ;;
zpci) SRC=$ZPCI_TREE ;;
*) echo "build: unknown kind $KIND" >&2; exit 1 ;;
esac
FRAGS="arch/s390/configs/zpci_guest.config"
case "$VARIANT" in
guest) ;;
test) FRAGS="$FRAGS arch/s390/configs/zpci_test.config" ;;
kasan) FRAGS="$FRAGS arch/s390/configs/zpci_test.config arch/s390/configs/zpci_kasan.config" ;;
*) echo "build: unknown variant $VARIANT" >&2; exit 1 ;;
esac
OUT=$TOP/build/kbuild/$KIND$BASE_TAG-$VARIANT
mkdir -p "$OUT"
export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
CC="${CROSS_COMPILE}gcc"
command -v ccache >/dev/null && CC="ccache $CC"
export CCACHE_DIR=${CCACHE_DIR:-$TOP/build/ccache}
export CCACHE_BASEDIR=$TOP
JOBS=${JOBS:-$(nproc)}

echo "build: $KIND$BASE_TAG-$VARIANT kernel, base $(cat "$BASE_VERFILE") ($SRC -> $OUT)"
abs_frags=""
for f in $FRAGS; do abs_frags="$abs_frags $TOP/$f"; done
# Regenerate .config only when a fragment changed.
sum=$(cat $FRAGS | sha1sum | cut -d' ' -f1)
if [ ! -f "$OUT/.config" ] || [ "$(cat "$OUT/.fragsum" 2>/dev/null)" != "$sum" ]; then
	(cd "$SRC" && scripts/kconfig/merge_config.sh -n -O "$OUT" $abs_frags) \
		> "$OUT/merge_config.log" 2>&1 || { cat "$OUT/merge_config.log"; exit 1; }
	# Every requested option must have survived the merge.
	# The stock kernel lacks the options this series adds (Kconfig files
	# of this repository, "+config" lines of its patches): those are
	# expected to be missing there.
	series_syms=$( (find arch drivers -name 'Kconfig*' -exec sed -n 's/^config //p' {} + 2>/dev/null
		sed -n 's/^+config //p' patches/*.patch) | sort -u || true)
	missing=$(grep -h '^CONFIG_.*=[ym]' $FRAGS | while read -r l; do
		sym=${l%%=*}
		if [ "$KIND" = stock ] && grep -qx "${sym#CONFIG_}" <<< "$series_syms"; then
			continue
		fi
		grep -qx "$l" "$OUT/.config" || echo "$l"; done)
	if [ -n "$missing" ]; then
		echo "build: config options not taken: $missing" >&2
		exit 1
	fi
	echo "$sum" > "$OUT/.fragsum"
fi
# kmake TARGET LOG: make TARGET, the whole output in $OUT/LOG; kbuild's
# lines ("  CC      path") condensed into one, redrawn on a terminal and
# printed every 30 s otherwise (CI logs).
kmake() {
	local n=0 last=$SECONDS line msg tty=0 cols=80 rc=0
	[ -t 1 ] && tty=1 && cols=$(tput cols 2>/dev/null || echo 80)
	make -C "$SRC" O="$OUT" CC="$CC" -j"$JOBS" "$1" 2>&1 | tee "$OUT/$2" |
	while IFS= read -r line; do
		[[ $line == "  "[A-Z]* ]] || continue
		n=$((n + 1))
		msg="build: $KIND$BASE_TAG-$VARIANT $((SECONDS - start))s, $n steps: ${line#  }"
		if [ $tty = 1 ]; then
			printf '\r\033[K%s' "${msg:0:cols-1}"
		elif [ $((SECONDS - last)) -ge 30 ]; then
			echo "$msg"
			last=$SECONDS
		fi
	done || rc=$?
	[ $tty = 0 ] || printf '\r\033[K'
	[ $rc = 0 ] && return
	tail -n 40 "$OUT/$2" >&2
	echo "build: FAILED $KIND$BASE_TAG-$VARIANT (full log: $OUT/$2)" >&2
	exit 1
}
start=$SECONDS

if [ -n "${CONFIGURE_ONLY:-}" ]; then
	# Configuration and generated headers only (enough for sparse C=2).
	kmake prepare prepare.log
	echo "build: $KIND$BASE_TAG-$VARIANT configured and prepared in $OUT"
	exit 0
fi
kmake bzImage build.log
grep -i 'warning:' "$OUT/build.log" >&2 || true
echo "build: $KIND$BASE_TAG-$VARIANT done in $((SECONDS - start))s: $OUT/arch/s390/boot/bzImage"
