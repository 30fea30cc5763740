#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cocci-test.sh [RESULTS_FILE]: this project's coccinelle rule,
# scripts/coccinelle/misc/zpci_clp_values.cocci, must
#   - report every violation of tools/testing/zpci/cocci/zpci_clp_sample.c
#     (7) in report mode, and mark them in context mode;
#   - report on the series (arch/s390/pci, drivers/iommu/s390-iommu.c,
#     drivers/vfio/pci/vfio_pci_zdev.c of build/src/zpci, build/src/zpci72
#     for BASE=7.2) nothing but the findings listed with a reason in
#     tools/testing/zpci/cocci-allow.txt;
# and it counts the findings on the stock base: what the series removed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
RES=${1:-}
RULE=$TOP/scripts/coccinelle/misc/zpci_clp_values.cocci
SAMPLE=tools/testing/zpci/cocci/zpci_clp_sample.c
ALLOW=tools/testing/zpci/cocci-allow.txt
. tools/testing/zpci/base.sh
OUT=$RESULTS_DIR/check
mkdir -p "$OUT"
SPATCH="spatch --very-quiet --no-includes --include-headers --cocci-file $RULE"

record() { # STATUS DETAIL
	echo "$1 static/cocci-zpci-rule $2"
	[ -n "$RES" ] && echo "$1 static/cocci-zpci-rule $2" >> "$RES"
	return 0
}

on_tree() { # SRC: report-mode findings, "file: message" without positions
	(cd "$1" && $SPATCH -D report --no-show-diff -I arch/s390/include -I include \
		arch/s390/pci/*.c drivers/iommu/s390-iommu.c \
		drivers/vfio/pci/vfio_pci_zdev.c 2>/dev/null) |
		grep -E '^[^ ]+:[0-9]+:' | sort
}

sample_report=$($SPATCH -D report --no-show-diff "$SAMPLE" 2>&1 | grep -c ': WARNING')
sample_context=$($SPATCH -D context "$SAMPLE" 2>&1 | grep -c '^-[^-]')
on_tree "$ZPCI_TREE" > "$OUT/cocci-zpci-rule-series.txt"
on_tree "$BASE_SRC" > "$OUT/cocci-zpci-rule-stock.txt"
ours=$(grep -c . "$OUT/cocci-zpci-rule-series.txt")
stock=$(grep -c . "$OUT/cocci-zpci-rule-stock.txt")
left=$(while read -r line; do
	file=${line%%:*}
	grep -q "^$file " "$ALLOW" || echo "$line"
done < "$OUT/cocci-zpci-rule-series.txt")
detail="sample $sample_report/7 reported, $sample_context/7 in context; stock $stock findings, series $ours (all in $ALLOW): $((stock - ours)) removed"
if [ "$sample_report" != 7 ] || [ "$sample_context" != 7 ]; then
	record FAIL "the rule misses violations of $SAMPLE: $detail"
	exit 1
elif [ -n "$left" ]; then
	echo "$left" | sed 's/^/    /'
	record FAIL "$(echo "$left" | grep -c .) findings on the series not in $ALLOW"
	exit 1
fi
record PASS "$detail"
