#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-both.sh: `make test` without BASE, what CI runs - both bases in one
# run, meant to fit the hour (from a cold compiler cache it does not yet:
# tools/testing/zpci/README, "Two bases").  7.2 (mainline, as it is sent)
# gets every check and the full set of profiles/test-set, 6.12 (the LTS
# backport) every check and its "core" line.  Both kernels build first,
# each with every CPU (a build beside a boot slows the boot's wall-clock
# waits); then two runners go side by side, two guests, each mostly on
# one CPU: the 6.12 run, its output in build/results/run-tests.log,
# printed at the end, and the 7.2 run on the terminal as it comes.  The
# 7.2 profiles wait in a queue (build/results-7.2/profile-queue): the
# 7.2 run takes them one at a time, and the 6.12 runner, once its own
# run is done, takes the rest with it (its output in
# build/results-7.2/second-runner.log), so that both end together.  Each
# base keeps its results directory and summary.txt.  A base whose build or run-tests.sh
# fails without a FAIL line of its own gets one, so that the totals of
# both, the last line ("N passed, N failed", the only one unlabelled:
# ZPCI_COUNT_LABEL of run-tests.sh), count every failure.  Exit status 1
# when either base failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP" || exit 1
ZPCI=tools/testing/zpci
t0=$(date +%s)
V=${VARIANT:-test}
S612=build/results/summary.txt
S72=build/results-7.2/summary.txt
mkdir -p build/results build/results-7.2
rm -f "$S612" "$S72" build/results-7.2/second-runner.log

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

BZ72=build/kbuild/zpci72-$V/arch/s390/boot/bzImage
QUEUE=build/results-7.2/profile-queue
bash $ZPCI/run-tests.sh --profiles profiles > "$QUEUE"
# An empty queue would pass the 7.2 run with no boot at all (its FAIL
# line is written after the runs: run-tests.sh empties the summary).
queue_empty=0
grep -q '[^[:space:]]' "$QUEUE" || queue_empty=1

# second_runner: the 7.2 profiles the 7.2 run has not taken yet, one at a
# time, after the 6.12 run; exit status that of the 6.12 run.
second_runner() {
	local rc612

	BASE=6.12 ZPCI_COUNT_LABEL="6.12: " \
		bash $ZPCI/run-tests.sh "build/kbuild/zpci-$V/arch/s390/boot/bzImage" core
	rc612=$?
	if [ $ok72 = 1 ]; then
		BASE=7.2 python3 $ZPCI/zpci_run.py --kernel "$BZ72" --results "$S72" \
			--queue "$QUEUE" > build/results-7.2/second-runner.log 2>&1
		fail_unless_failed "$S72" $? "7.2/boots second runner: zpci_run.py"
	fi
	return $rc612
}

if [ $ok612 = 1 ]; then
	echo "== 6.12: every check and the core boots, then 7.2 profiles from the queue, in the background (build/results/run-tests.log)"
	set -m
	second_runner < /dev/null > build/results/run-tests.log 2>&1 &
	pid612=$!
	set +m
fi
if [ $ok72 = 1 ]; then
	echo "== 7.2: every check and the full set (profiles from the queue, shared with the 6.12 runner)"
	set -m
	BASE=7.2 ZPCI_PROFILE_QUEUE="$QUEUE" ZPCI_COUNT_LABEL="7.2 so far: " \
		bash $ZPCI/run-tests.sh "$BZ72" < /dev/null &
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
	if [ -f build/results-7.2/second-runner.log ]; then
		echo "== 7.2: the profiles the 6.12 runner took (build/results-7.2/second-runner.log)"
		grep '^\(PASS\|FAIL\|SKIP\) ' build/results-7.2/second-runner.log
	fi
fi

[ $queue_empty = 0 ] ||
	echo "FAIL 7.2/boots no profile to boot: no \"profiles = ...\" line in $ZPCI/profiles/test-set" | tee -a "$S72"

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
