#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh BZIMAGE [SET]: every check and test of zpci-clp on the base
# BASE selects, one line per test, closing with "N passed, N failed" (skips
# counted apart).  SET: the line of profiles/test-set that names the boots
# (default "profiles", the full set; ZPCI_TEST_PROFILES overrides both,
# ZPCI_PROFILE_QUEUE all three).  run-tests.sh --profiles SET prints the
# profiles that SET names (test-both.sh fills its queue with them).
# ZPCI_COUNT_LABEL: printed before the closing count (test-both.sh, whose
# own count of both bases is the only unlabelled one).
# Exit status 1 on any failure.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
profiles_of_set() { # SET: the boots of SET, or those of ZPCI_TEST_PROFILES
	printf '%s\n' "${ZPCI_TEST_PROFILES:-$(sed -n "s/^$1 *= *//p" tools/testing/zpci/profiles/test-set)}"
}
if [ "${1:-}" = --profiles ]; then
	profiles_of_set "${2:?SET}"
	exit
fi
BZIMAGE=${1:?bzImage}
SET=${2:-profiles}
# RESULTS_DIR, BASE_VERFILE: build/results and build/base-version for 6.12.
. tools/testing/zpci/base.sh
RES=$RESULTS_DIR/summary.txt
mkdir -p "$RESULTS_DIR"
: > "$RES"
echo "# base $(cat "$BASE_VERFILE") $(date -u +%FT%TZ)" > "$RESULTS_DIR/summary.hdr"
t0=$(date +%s)

record() { # STATUS NAME DETAIL
	echo "$1 $2 ${3:-}" | tee -a "$RES"
}

# 1. Shadow check: a new file with the path of a base file fails the build.
bash tools/testing/zpci/test-shadow-check.sh >"$RESULTS_DIR/shadow-check.log" 2>&1
if [ $? = 0 ]; then
	record PASS static/shadow-check "$(tail -n1 "$RESULTS_DIR/shadow-check.log")"
else
	record FAIL static/shadow-check "see $RESULTS_DIR/shadow-check.log"
fi

# 2. Static checks (make check): sparse, coccinelle, checkpatch, kernel-doc.
if [ -f tools/testing/zpci/check.sh ]; then
	bash tools/testing/zpci/check.sh "$RES"
fi

# 3. Guest boots, one per test profile; with ZPCI_PROFILE_QUEUE (a file
# of profile names, test-both.sh) taken one at a time from that file,
# which another runner shares.
if [ -n "${ZPCI_PROFILE_QUEUE:-}" ]; then
	BOOTS="--queue $ZPCI_PROFILE_QUEUE"
else
	BOOTS=$(profiles_of_set "$SET")
fi
if [ -z "$BOOTS" ]; then
	record FAIL boots "no line \"$SET = ...\" in tools/testing/zpci/profiles/test-set"
else
	# shellcheck disable=SC2086
	python3 tools/testing/zpci/zpci_run.py --kernel "$BZIMAGE" --results "$RES" \
		$BOOTS | grep --line-buffered -v '^\(PASS\|FAIL\|SKIP\) '
	# it exits 1 when a test failed; any other way out without a FAIL
	# line (a traceback) must not pass
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || grep -q '^FAIL ' "$RES" ||
		record FAIL boots "zpci_run.py exit status $rc, no test failed: see its output above"
fi
grep '^\(PASS\|FAIL\|SKIP\) ' "$RES" | grep -v '^[A-Z]* static/' || true

passed=$(grep -c '^PASS ' "$RES")
failed=$(grep -c '^FAIL ' "$RES")
skipped=$(grep -c '^SKIP ' "$RES")
echo "total time $(( $(date +%s) - t0 ))s, base $(cat "$BASE_VERFILE"), results in $RESULTS_DIR/"
if [ "$skipped" -gt 0 ]; then
	echo "${ZPCI_COUNT_LABEL:-}$passed passed, $failed failed, $skipped skipped"
else
	echo "${ZPCI_COUNT_LABEL:-}$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
