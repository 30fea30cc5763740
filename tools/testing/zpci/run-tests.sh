#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh BZIMAGE: every check and test of zpci-clp, one line per test,
# closing with "N passed, N failed" (skips counted apart).  Exit status 1 on
# any failure.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
BZIMAGE=${1:?bzImage}
# 6.12 only so far (README, "Two bases").
[ "${BASE:-6.12}" = 6.12 ] || { echo "run-tests: BASE=$BASE: 6.12 only so far" >&2; exit 1; }
RES=build/results/summary.txt
mkdir -p build/results
: > "$RES"
echo "# base $(cat build/base-version) $(date -u +%FT%TZ)" > build/results/summary.hdr
t0=$(date +%s)

record() { # STATUS NAME DETAIL
	echo "$1 $2 ${3:-}" | tee -a "$RES"
}

# 1. Shadow check: a new file with the path of a base file fails the build.
bash tools/testing/zpci/test-shadow-check.sh >build/results/shadow-check.log 2>&1
if [ $? = 0 ]; then
	record PASS static/shadow-check "$(tail -n1 build/results/shadow-check.log)"
else
	record FAIL static/shadow-check "see build/results/shadow-check.log"
fi

# 2. Static checks (make check): sparse, coccinelle, checkpatch, kernel-doc.
if [ -f tools/testing/zpci/check.sh ]; then
	bash tools/testing/zpci/check.sh "$RES"
fi

# 3. Guest boots, one per test profile.
PROFILES=${ZPCI_TEST_PROFILES:-$(sed -n 's/^profiles *= *//p' tools/testing/zpci/profiles/test-set)}
python3 tools/testing/zpci/zpci_run.py --kernel "$BZIMAGE" --results "$RES" \
	$PROFILES | grep --line-buffered -v '^\(PASS\|FAIL\|SKIP\) ' || true
grep '^\(PASS\|FAIL\|SKIP\) ' "$RES" | grep -v '^[A-Z]* static/' || true

passed=$(grep -c '^PASS ' "$RES")
failed=$(grep -c '^FAIL ' "$RES")
skipped=$(grep -c '^SKIP ' "$RES")
echo "total time $(( $(date +%s) - t0 ))s, base $(cat build/base-version), results in build/results/"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
