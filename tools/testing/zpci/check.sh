#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [RESULTS_FILE]: the static checks of make check and make test.
# One line per check, "PASS|FAIL static/<name> <detail>", appended to
# RESULTS_FILE when given; exit status 1 when any check failed.
#   checkpatch  --strict on every new .c/.h file and every patch (as the
#               mail make series sends), 0 findings beyond
#               tools/testing/zpci/checkpatch-allow.txt
#   kernel-doc  -Wall on every new .c/.h file: 0 warnings
#   sparse      C=2 on every .c file the series adds or patches: no warning
#               that the stock base does not have for the same file
#   coccicheck  every rule of scripts/coccinelle in report mode on
#               arch/s390/pci and drivers/iommu/s390-iommu.c: no finding
#               that the stock base does not have
#   cocci-zpci-rule  scripts/coccinelle/misc/zpci_clp_values.cocci fires on
#               its sample and finds nothing unlisted on the series
#               (cocci-test.sh)
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
RES=${1:-}
BASE=build/base/linux-source-6.12
TREE=build/src/zpci
VARIANT=${VARIANT:-test}
ALLOW=tools/testing/zpci/checkpatch-allow.txt
OUT=build/results/check
mkdir -p "$OUT"
failed=0

record() { # STATUS NAME DETAIL
	echo "$1 static/$2 $3"
	[ -n "$RES" ] && echo "$1 static/$2 $3" >> "$RES"
	[ "$1" = FAIL ] && failed=1
	return 0
}

new_code=$(git ls-files -co --exclude-standard -- arch drivers include \
	tools/testing/selftests/drivers/s390x/zpci | grep -E '\.(c|h)$')

# checkpatch on the new files and on the patches in mail form.
: > "$OUT/checkpatch.txt"
for f in $new_code; do
	perl $BASE/scripts/checkpatch.pl --strict --no-tree --show-types --terse -q -f "$f" |
		grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' >> "$OUT/checkpatch.txt"
done
while read -r p _; do
	case "$p" in ''|'#'*) continue ;; esac
	python3 tools/testing/zpci/patch2mail.py "patches/$p" > "$OUT/$p.mail"
	perl $BASE/scripts/checkpatch.pl --strict --no-tree --show-types --terse -q "$OUT/$p.mail" |
		grep -E ': (ERROR|WARNING|CHECK):' | sed "s|^$OUT/||" >> "$OUT/checkpatch.txt"
done < patches/series
left=$(while read -r line; do
	file=${line%%:*}
	type=$(echo "$line" | sed -E 's/^[^ ]+ (ERROR|WARNING|CHECK):([A-Z_0-9]+):.*/\2/')
	grep -q "^$file:$type " "$ALLOW" || echo "$line"
done < "$OUT/checkpatch.txt")
total=$(grep -c . "$OUT/checkpatch.txt")
if [ -z "$left" ]; then
	record PASS checkpatch "$(echo $new_code | wc -w) files, $(grep -cv '^\s*\(#\|$\)' patches/series) patches: $total findings, all listed with a reason in $ALLOW"
else
	echo "$left" | sed 's/^/    /'
	record FAIL checkpatch "$(echo "$left" | grep -c .) findings not in $ALLOW (of $total; list in $OUT/checkpatch.txt)"
fi

# kernel-doc on the new kernel files.
kd=$(for f in $new_code; do
	case "$f" in tools/*) continue ;; esac
	perl $BASE/scripts/kernel-doc -none -Wall "$f" 2>&1
done)
if [ -z "$kd" ]; then
	record PASS kernel-doc "-Wall on $(echo "$new_code" | grep -cv '^tools/') new kernel files: 0 warnings"
else
	echo "$kd" | sed 's/^/    /'
	record FAIL kernel-doc "$(echo "$kd" | grep -c .) warnings"
fi

# sparse: ours against the stock base, file by file.
sparse_run() { # SRC KBUILD FILE...
	local src=$1 kb=$2
	shift 2
	for f in "$@"; do
		[ -f "$src/$f" ] || continue
		make -s -C "$src" O="$TOP/$kb" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- \
			C=2 "${f%.c}.o" 2>&1 | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' |
			sed -E 's/^([^:]+):[0-9]+:[0-9]+:/\1:/' | sed "s|^$TOP/||; s|^$src/||"
	done | sort
}
touched=$( (echo "$new_code" | grep -E '^(arch|drivers)/.*\.c$' | grep -v '/tests/'
	    sed -n 's|^+++ b/\(.*\.c\)$|\1|p' patches/*.patch) | sort -u)
if ! command -v sparse >/dev/null; then
	record FAIL sparse "sparse is not installed (install-deps.sh installs it)"
elif [ ! -f "build/kbuild/zpci-$VARIANT/.config" ]; then
	record FAIL sparse "build/kbuild/zpci-$VARIANT is not configured: run make kernel first"
else
	# The stock tree needs only its configuration and generated headers.
	CONFIGURE_ONLY=1 bash tools/testing/zpci/build-kernel.sh stock "$VARIANT" > "$OUT/stock-prepare.log" 2>&1 ||
		{ tail "$OUT/stock-prepare.log"; record FAIL sparse "stock tree could not be prepared"; }
	sparse_run "$TREE" "build/kbuild/zpci-$VARIANT" $touched > "$OUT/sparse-zpci.txt"
	sparse_run "$BASE" "build/kbuild/stock-$VARIANT" $touched > "$OUT/sparse-stock.txt"
	new=$(comm -23 "$OUT/sparse-zpci.txt" "$OUT/sparse-stock.txt")
	counts="stock $(grep -c . "$OUT/sparse-stock.txt"), ours $(grep -c . "$OUT/sparse-zpci.txt") warnings on $(echo $touched | wc -w) files"
	if [ -z "$new" ]; then
		record PASS sparse "$counts, none new"
	else
		echo "$new" | sed 's/^/    /'
		record FAIL sparse "$counts, $(echo "$new" | grep -c .) new"
	fi
fi

# coccicheck (report mode), ours against the stock base.
cocci_run() { # SRC: one line per finding, "file: message" without line numbers
	# the kernel's own rules (those of the base; ours runs in cocci-test.sh)
	(cd "$1" && for rule in $(cd "$TOP/$BASE" && ls scripts/coccinelle/*/*.cocci); do
		# shellcheck disable=SC2046
		timeout 300 spatch -D report --very-quiet --no-show-diff --no-includes \
			--include-headers -I arch/s390/include -I include \
			--cocci-file "$rule" $(ls arch/s390/pci/*.c) \
			drivers/iommu/s390-iommu.c 2>/dev/null |
			grep -E '^[^ ]+\.[ch]:[0-9]+:' | sed "s|^|${rule#scripts/coccinelle/} |"
	done) | sed -E 's/^([^ ]+) ([^:]+):[0-9]+:[0-9-]*:?/\1 \2:/; s/line [0-9]+/line N/g' | sort
}
if ! command -v spatch >/dev/null; then
	record FAIL coccicheck "spatch is not installed (install-deps.sh installs coccinelle)"
else
	cocci_run "$TREE" > "$OUT/cocci-zpci.txt"
	cocci_run "$BASE" > "$OUT/cocci-stock.txt"
	new=$(comm -23 "$OUT/cocci-zpci.txt" "$OUT/cocci-stock.txt")
	counts="stock $(grep -c . "$OUT/cocci-stock.txt"), ours $(grep -c . "$OUT/cocci-zpci.txt") findings, $(ls "$BASE"/scripts/coccinelle/*/*.cocci | wc -l) rules"
	if [ -z "$new" ]; then
		record PASS coccicheck "$counts, none new"
	else
		echo "$new" | sed 's/^/    /'
		record FAIL coccicheck "$counts, $(echo "$new" | grep -c .) new"
	fi
fi

# This project's rule: raw CLP values and card constants outside the layer.
bash tools/testing/zpci/cocci-test.sh "$RES" || failed=1

exit $failed
