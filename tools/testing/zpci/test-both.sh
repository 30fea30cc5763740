#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-both.sh: `make test` without BASE, what CI runs - both bases in one
# run within the hour CI allows.  7.2 (mainline, the series as it is sent)
# gets every check and the full set of profiles/test-set, 6.12 (the LTS
# backport) every check and its "core" line.  Both kernels build first,
# each with every CPU (a build beside a boot slows the boot's wall-clock
# waits); then the two runs go side by side, two guests, each mostly on
# one CPU: 6.12's output in build/results/run-tests.log, printed at the
# end, 7.2's on the terminal as it comes.  Each base keeps its
# results directory and summary.txt.  A base whose build or run-tests.sh
# fails without a FAIL line of its own gets one, so that the totals of
# both, the last line ("N passed, N failed"), count every failure.  Exit
# status 1 when either base failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP" || exit 1
ZPCI=tools/testing/zpci
t0=$(date +%s)
V=${VARIANT:-test}
S612=build/results/summary.txt
S72=build/results-7.2/summary.txt
mkdir -p build/results build/results-7.2
rm -f "$S612" "$S72"

# fail_unless_failed SUMMARY RC WHAT: a FAIL line for a non-zero RC that
# left none in SUMMARY.
fail_unless_failed() {
	[ "$2" = 0 ] && return 0
	grep -q '^FAIL ' "$1" 2>/dev/null && return 0
	echo "FAIL $3 exit status $2" | tee -a "$1"
}

# Each run is a simple command in a process group of its own (set -m,
# stdin /dev/null), waited for with wait, which a trapped signal ends at
# once: stop_runs then stops both runs with their guests.  A build stops
# at a signal when make does.
stop_runs() {
	local pid

	for pid in $pid612 $pid72; do
		kill -- -"$pid" 2>/dev/null
	done
	pid612='' pid72=''
}
pid612='' pid72=''
trap stop_runs EXIT
trap 'stop_runs; exit 130' INT
trap 'stop_runs; exit 143' TERM

# Both kernels first, each with every CPU; then the two runs side by side.
ok612=0 ok72=0
make --no-print-directory initramfs BASE=6.12 VARIANT="$V" && ok612=1
[ $ok612 = 1 ] || fail_unless_failed "$S612" 1 "6.12/build make initramfs BASE=6.12:"
make --no-print-directory initramfs BASE=7.2 VARIANT="$V" && ok72=1
[ $ok72 = 1 ] || fail_unless_failed "$S72" 1 "7.2/build make initramfs BASE=7.2:"

if [ $ok612 = 1 ]; then
	echo "== 6.12: every check and the core boots, in the background (build/results/run-tests.log)"
	set -m
	BASE=6.12 bash $ZPCI/run-tests.sh "build/kbuild/zpci-$V/arch/s390/boot/bzImage" core \
		< /dev/null > build/results/run-tests.log 2>&1 &
	pid612=$!
	set +m
fi
if [ $ok72 = 1 ]; then
	echo "== 7.2: every check and the full set"
	set -m
	BASE=7.2 bash $ZPCI/run-tests.sh "build/kbuild/zpci72-$V/arch/s390/boot/bzImage" \
		< /dev/null &
	pid72=$!
	set +m
	wait "$pid72"
	rc=$?
	pid72=
	fail_unless_failed "$S72" "$rc" "7.2/run-tests run-tests.sh:"
fi

if [ -n "$pid612" ]; then
	wait "$pid612"
	rc=$?
	pid612=
	echo "== 6.12: every check and the core boots (build/results/run-tests.log)"
	if [ "$rc" = 0 ]; then
		grep '^\(PASS\|FAIL\|SKIP\) \|^total time' build/results/run-tests.log
	else
		cat build/results/run-tests.log
	fi
	fail_unless_failed "$S612" "$rc" "6.12/run-tests run-tests.sh:"
fi

count() { # STATUS: the lines of both summaries with that status
	cat "$S612" "$S72" 2>/dev/null | grep -c "^$1 "
}
passed=$(count PASS)
failed=$(count FAIL)
skipped=$(count SKIP)
echo "both bases: 6.12 $(cat build/base-version 2>/dev/null) core set, 7.2 $(cat build/base-version-7.2 2>/dev/null) full set, $(( $(date +%s) - t0 ))s"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
