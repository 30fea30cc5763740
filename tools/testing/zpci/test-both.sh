#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-both.sh: `make test` without BASE, what CI runs - both bases in one
# run within the time CI allows.  7.2 (mainline, the series as it is sent)
# gets the full set, 6.12 (the LTS backport) the static checks and the
# "core" boots of profiles/test-set.  6.12 builds first, then its tests run
# in the background (output in build/results/run-tests.log) while 7.2
# builds and runs its full set in the foreground: on two cores the two
# guests' work overlaps.  Each base keeps its own results directory and
# summary.txt; the run ends with the totals of both, "N passed, N failed".
# Exit status 1 when either base failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP" || exit 1
ZPCI=tools/testing/zpci
t0=$(date +%s)
V=${VARIANT:-test}

make --no-print-directory initramfs BASE=6.12 VARIANT="$V" || exit 1
mkdir -p build/results
echo "== 6.12: static checks and the core boots, in the background (build/results/run-tests.log)"
BASE=6.12 bash $ZPCI/run-tests.sh "build/kbuild/zpci-$V/arch/s390/boot/bzImage" core \
	> build/results/run-tests.log 2>&1 &
pid612=$!

echo "== 7.2: static checks and the full set"
rm -f build/results-7.2/summary.txt
if make --no-print-directory initramfs BASE=7.2 VARIANT="$V"; then
	BASE=7.2 bash $ZPCI/run-tests.sh "build/kbuild/zpci72-$V/arch/s390/boot/bzImage"
else
	mkdir -p build/results-7.2
	echo "FAIL 7.2/build make initramfs BASE=7.2 failed" | tee build/results-7.2/summary.txt
fi
wait "$pid612"

echo "== 6.12: static checks and the core boots"
grep '^\(PASS\|FAIL\|SKIP\) \|^total time' build/results/run-tests.log

count() { # STATUS: the lines of both summaries with that status
	cat build/results/summary.txt build/results-7.2/summary.txt | grep -c "^$1 "
}
passed=$(count PASS)
failed=$(count FAIL)
skipped=$(count SKIP)
echo "both bases: 6.12 $(cat build/base-version) core set, 7.2 $(cat build/base-version-7.2 2>/dev/null) full set, $(( $(date +%s) - t0 ))s"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
