#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-series.sh (make series): this repository as a git format-patch series
# against the pristine base, checked the way a maintainer would apply it.
#
#   1. build/series/linux (7.2: build/series72/linux): a git repository of
#      the pristine base (commit tagged "base", made once per base
#      version).  One commit per patch of the base's series (patches/series,
#      patches/7.2/series), in order, each with the new files that
#      tools/testing/zpci/series-map assigns to it, plus the map's own
#      commits; branch "series" (tools/testing/zpci/series_plan.py).  The
#      new files are taken as make prepare's tree holds them: on 7.2 with
#      what a patch of patches/7.2/ adapts, in the commit of that patch.  Fails when a tracked file under arch
#      drivers include tools Documentation scripts is in no commit and not
#      listed as the project's tooling (the QEMU harness: never mailed).
#      A new file reads at each commit without what arrives later: the
#      blocks of Kconfig options not defined yet, the prototypes of
#      functions not defined yet (tools/testing/zpci/series_view.py).
#   2. Every file the series adds is in the S390 PCI SUBSYSTEM entry of the
#      series' MAINTAINERS (scripts/get_maintainer.pl --sections), and
#      every F: line the series adds matches a file of the series.
#   3. $SERIES_OUT (default build/series/out): git format-patch with a cover
#      letter (tools/testing/zpci/series_cover.py): what, why, base
#      version, how it differs from the series on the other base, the
#      per-commit build, test and benchmark results (read from the base's
#      results directory, never written in here).
#   4. git am of those mails onto the base (branch "am") must apply every
#      patch, without a whitespace warning, and give the tree of the
#      series.  checkpatch --strict findings
#      of the mails are listed in $SERIES_OUT/checkpatch.txt, each marked
#      "error" (an ERROR, which no allow-list entry covers), "unlisted" or
#      "allowed=ENTRY" (the checkpatch-allow.txt entry); check.sh judges.
#   5. Unless SERIES_BUILD=0: the kernel (ARCH=s390, allnoconfig + this
#      repository's zpci_guest.config + zpci_test.config, bzImage) built at
#      every commit of "am", incrementally in one build directory
#      (build/series/kbuild, ccache): "ok|FAIL N SUBJECT" per commit in
#      $SERIES_OUT/build.txt.  SERIES_BUILD=K (K > 1) builds from commit K
#      on, to resume a per-commit build that stopped (build.txt then holds
#      commits K and later); the summary and the cover letter say which
#      commits were built.
# The last line printed is a one-line summary.  Exit status 1 on any
# failure.  The files are those of the working tree that git tracks; a
# warning names uncommitted changes and untracked files left out.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
. tools/testing/zpci/base.sh
STOCK_SRC=$TOP/$BASE_SRC
S=$TOP/build/series$BASE_TAG
W=$S/linux
KB=$S/kbuild
OUT=$(mkdir -p "${SERIES_OUT:-$S/out}" && cd "${SERIES_OUT:-$S/out}" && pwd)
MAP=tools/testing/zpci/series-map
OVERLAY_DIRS="arch drivers include tools Documentation scripts"
SECTION="S390 PCI SUBSYSTEM"
SERIES_BUILD=${SERIES_BUILD:-1}
[[ $SERIES_BUILD =~ ^[0-9]{1,4}$ ]] ||
	{ echo "series: SERIES_BUILD=$SERIES_BUILD: 0, 1 or the first commit to build" >&2; exit 2; }
SERIES_BUILD=$((10#$SERIES_BUILD))
JOBS=${JOBS:-$(nproc)}
t_start=$(date +%s)

die() { echo "series: ERROR: $*" >&2; exit 1; }
[ -f "$STOCK_SRC/Makefile" ] || die "no pristine base in $STOCK_SRC: run make prepare first"
[ -f "$ZPCI_TREE/Makefile" ] || die "no prepared tree in $ZPCI_TREE: run make prepare first"
BASEVER=$(cat "$BASE_VERFILE" 2>/dev/null || make -s -C "$STOCK_SRC" kernelversion)

mkdir -p "$S"
exec 8>"$S/.lock"
flock 8

dirty=$(git status --porcelain -- patches $OVERLAY_DIRS)
if [ -n "$dirty" ]; then
	echo "series: warning: uncommitted changes (tracked files are taken as they are" \
	     "in the working tree, untracked ones are left out):"
	echo "$dirty" | sed 's/^/    /'
fi

# ---- the plan: commits in order, with their files and messages ----------
PLAN=$S/plan
rm -rf "$PLAN"
mkdir -p "$PLAN"
git ls-files -- $OVERLAY_DIRS > "$PLAN/files"
python3 tools/testing/zpci/series_plan.py "$MAP" "$PLAN" "$SERIES_FILE" "$BASE"
untracked=$(git ls-files -o --exclude-standard -- $OVERLAY_DIRS)
echo "series: $(grep -c . "$PLAN/tooling") tracked files are the project's tooling ($MAP), not mailed"
[ -z "$untracked" ] || echo "series: warning: untracked, not in the series:" $untracked

# ---- the base repository (once per base version) --------------------------
export GIT_AUTHOR_NAME="zpci-clp developers" GIT_AUTHOR_EMAIL=zpci-clp@localhost
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
g() { git -C "$W" -c core.autocrlf=false -c advice.detachedHead=false "$@"; }
if [ "$(g tag -l "base-$BASEVER" 2>/dev/null)" != "base-$BASEVER" ]; then
	echo "series: creating the base repository ($BASEVER) in $W"
	t0=$(date +%s)
	rm -rf "$W" "$KB"
	mkdir -p "$W"
	cp -a "$STOCK_SRC/." "$W/"
	git -C "$W" init -q -b pristine
	g add -A -f .
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		g commit -q -m "Linux $BASEVER (Debian linux-source-$BASE)"
	g tag "base-$BASEVER"
	g tag base
	echo "series: base repository ready ($(( $(date +%s) - t0 ))s)"
fi
# Fixed dates: the same repository state gives the same mails.
GIT_AUTHOR_DATE=$(git log -1 --format=%cI)
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE

# ---- one commit per step ----------------------------------------------------
g am --abort >/dev/null 2>&1 || true
g checkout -q -f -B series base
g clean -q -fdx
: > "$PLAN/added"
nsteps=$(wc -l < "$PLAN/steps")
[ "$SERIES_BUILD" -le "$nsteps" ] || die "SERIES_BUILD=$SERIES_BUILD: the series has $nsteps commits"
echo "series: base $BASEVER, $nsteps commits"
# The new files come from make prepare's tree: not while it is rewritten
# (prepare-tree.sh holds this lock), and on 6.12, where no patch may
# change a new file, only if it holds the working tree's.
exec 7>build/.prepare.lock
flock 7
while read -r i kind name; do
	if [ "$kind" = patch ]; then
		patch -s -p1 -F0 -N --no-backup-if-mismatch -d "$W" < "$PLAN/$i.patch" ||
			die "$(base_patch "$name") does not apply at step $i"
	fi
	while read -r f; do
		[ "$BASE" != 6.12 ] || cmp -s "$f" "$ZPCI_TREE/$f" ||
			die "$ZPCI_TREE/$f is not $f: run make prepare"
		mkdir -p "$W/$(dirname "$f")"
		cp "$ZPCI_TREE/$f" "$W/$f"
	done < "$PLAN/$i.files"
	# every new file so far as it reads at this commit (series_view.py)
	cat "$PLAN/$i.files" >> "$PLAN/added"
	partial=$(python3 tools/testing/zpci/series_view.py --from "$ZPCI_TREE" "$W" \
		$(cat "$PLAN/added"))
	# Only what the step may change is looked at, the files its patch
	# names and the new ones, and the commit is made from the index, its
	# message cleaned up as git commit -F does with no commit.cleanup
	# set: both without a scan of the whole tree at every step.  The scan
	# after the last step finds what a patch changed that was not staged.
	# shellcheck disable=SC2046
	g add -A -f -- $( { [ "$kind" != patch ] ||
		sed -n 's#^\(---\|+++\) [ab]/\([^\t]*\).*#\2#p' "$PLAN/$i.patch"
		cat "$PLAN/added"; } | sort -u)
	tree=$(g write-tree)
	[ "$tree" != "$(g rev-parse 'HEAD^{tree}')" ] || die "step $i ($name) changes nothing"
	g update-ref HEAD "$(git stripspace < "$PLAN/$i.msg" | g commit-tree "$tree" -p HEAD)"
	printf '  %2d %-42s %2d new files  %s\n' "$i" "$name" \
		"$(grep -c . "$PLAN/$i.files")" "$(g log -1 --format=%s)"
	[ -z "$partial" ] || echo "       without what arrives later:" $partial
done < "$PLAN/steps"
[ -z "$partial" ] || die "the last commit does not hold the final form of: $partial"
left=$(g status --porcelain --ignored)
[ -z "$left" ] || die "changes in $W that no commit holds: $(echo $left)"
flock -u 7

# ---- MAINTAINERS covers every new file ------------------------------------
added=$(g diff --name-only --diff-filter=A base series)
nadded=$(echo "$added" | grep -c .)
uncovered=$(cd "$W" && for f in $added; do
	perl scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$f" 2>&1 |
		grep -xF "$SECTION" >/dev/null || echo "$f"
done)
for f in $uncovered; do
	echo "series: ERROR: $f is not in the $SECTION entry of MAINTAINERS:" \
	     "add an F: line to patches/maintainers-zpci-clp.patch" >&2
done
while read -r pat; do
	[ -n "$(g ls-files -- "$pat" | head -n1)" ] || { uncovered="$uncovered $pat"
		echo "series: ERROR: MAINTAINERS: F: $pat matches no file of the series" >&2; }
done < <(g diff base series -- MAINTAINERS | sed -n 's/^+F:[[:space:]]*//p')
[ -z "$uncovered" ] || exit 1
echo "series: MAINTAINERS: all $nadded new files are in $SECTION, every new F: line matches"

# ---- format-patch ------------------------------------------------------------
rm -f "$OUT"/*.patch
g format-patch -q --cover-letter --no-signature -o "$OUT" base..series
ncommits=$(g rev-list --count base..series)

# ---- git am onto the base ----------------------------------------------------
g checkout -q -f --detach base
mails=("$OUT"/0*.patch)
# LC_ALL=C: the whitespace warning counted below is git's English one
if ! LC_ALL=C g am -q --whitespace=warn "${mails[@]:1}" > "$OUT/am.log" 2>&1; then
	cat "$OUT/am.log" >&2
	g am --abort >/dev/null 2>&1 || true
	die "git am of $OUT onto the base $BASEVER failed (log: $OUT/am.log)"
fi
g branch -q -f am HEAD
[ "$(g rev-parse 'am^{tree}')" = "$(g rev-parse 'series^{tree}')" ] ||
	die "git am gave a tree that differs from the series (git -C $W diff series am)"
ws=$(sed -En 's/^warning: ([0-9]+) lines? adds? whitespace errors.*/\1/p' "$OUT/am.log" |
	awk '{ n += $1 } END { print n + 0 }')
# what git am warns a maintainer about fails the series
[ "$ws" = 0 ] || die "git am: whitespace errors in $ws line(s) (${OUT#"$TOP"/}/am.log)"
echo "series: git am: $ncommits patches apply to $BASEVER and give the tree of the series" \
	"(no whitespace errors)"

# ---- checkpatch --strict on the mails, each finding marked (check.sh judges):
# an ERROR is never allowed; a WARNING or CHECK is allowed by the entry of
# checkpatch-allow.txt naming its type and its file or quilt patch ("NAME.mail")
ALLOW=tools/testing/zpci/checkpatch-allow.txt
: > "$OUT/checkpatch.txt"
for p in "${mails[@]:1}"; do
	n=${p##*/}
	step=$(awk -v n="$((10#${n%%-*}))" '$1 == n { print $3 }' "$PLAN/steps")
	perl "$W/scripts/checkpatch.pl" --strict --no-tree --show-types --terse --showfile -q "$p" |
		grep -E ': (ERROR|WARNING|CHECK):' | while read -r pos type msg; do
		file=${pos%%:*}
		t=${type#*:}
		l=$(grep -m1 -oE "^($file|$step.mail):${t%:} " "$ALLOW" || true)
		l=${l:+allowed=${l% }}
		[ "${type%%:*}" != ERROR ] || l=error
		echo "$n ${l:-unlisted} $pos $type $msg"
	done >> "$OUT/checkpatch.txt" || true
done
cp_counts=$(awk '{ n++ } $2 == "error" { e++ } $2 == "unlisted" { u++ } END {
	printf "%d findings, %d ERROR, %d not in checkpatch-allow.txt", n, e, u }' "$OUT/checkpatch.txt")
echo "series: checkpatch --strict on the mails: $cp_counts, ${OUT#"$TOP"/}/checkpatch.txt"

# ---- the kernel built at every commit ----------------------------------------
failed=0
if [ "$SERIES_BUILD" != 0 ]; then
	export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
	CC="${CROSS_COMPILE}gcc"
	command -v ccache >/dev/null && CC="ccache $CC"
	export CCACHE_DIR=${CCACHE_DIR:-$TOP/build/ccache} CCACHE_BASEDIR=$TOP
	frags="$TOP/arch/s390/configs/zpci_guest.config $TOP/arch/s390/configs/zpci_test.config"
	n=$(g rev-list --count base..am)
	mkdir -p "$KB"
	: > "$OUT/build.txt"
	echo "series: building every commit (bzImage, -j$JOBS, nice 19, $KB)"
	tb=$(date +%s)
	i=0
	. "$TOP/tools/testing/zpci/progress.sh"
	progress_start series
	for c in $(g rev-list --reverse base..am); do
		i=$((i + 1))
		[ $i -ge "$SERIES_BUILD" ] || continue
		progress_step "building commit $i of $n"
		g checkout -q -f --detach "$c"
		t0=$(date +%s)
		log=$KB/build-$i.log
		# (Re)configure at the first commit built and where a Kconfig changes.
		cfg=0
		if [ $i = "$SERIES_BUILD" ] || [ ! -f "$KB/.config" ] ||
		   grep -q 'Kconfig' <<< "$(g diff --name-only "$c^" "$c")"; then
			(cd "$W" && scripts/kconfig/merge_config.sh -n -O "$KB" $frags) \
				> "$log" 2>&1 || cfg=1
		fi
		if [ $cfg = 0 ] && nice -n 19 make -s -k -C "$W" O="$KB" CC="$CC" -j"$JOBS" \
				bzImage >> "$log" 2>&1; then
			st=ok
		else
			st=FAIL
			failed=1
		fi
		nw=$(grep -c 'warning:' "$log" || true)
		line="$st $i $(g log -1 --format=%s "$c") ($(( $(date +%s) - t0 ))s, $nw warnings)"
		echo "  $line"
		echo "$line" >> "$OUT/build.txt"
		if [ $st != ok ] || [ "$nw" != 0 ]; then
			grep -E '(error|warning):|undefined reference|\*\*\* No rule' "$log" |
				awk '!seen[$0]++ { print "      " $0 }' | head -n 20 || true
		fi
	done
	progress_stop
	nok=$(grep -c '^ok ' "$OUT/build.txt" || true)
	nbuilt=$(grep -c . "$OUT/build.txt" || true)
	build_summary="$nok of $nbuilt commits build ($(( $(date +%s) - tb ))s)"
	which="every commit"
	[ "$SERIES_BUILD" = 1 ] || which="commits $SERIES_BUILD to $n (not 1 to $((SERIES_BUILD - 1)) in this run)"
	echo "series: built at $which: $build_summary (logs: $KB/build-N.log)"
	buildtxt="Built at $which (ARCH=s390, allnoconfig + zpci_guest.config +
zpci_test.config, bzImage): $nok of $nbuilt commits build."
	[ $failed = 0 ] || buildtxt="$buildtxt  Patches that do not build:
$(grep '^FAIL ' "$OUT/build.txt" | cut -d' ' -f2 | paste -sd, | sed 's/,/, /g')."
else
	build_summary="not built commit by commit (SERIES_BUILD=0)"
	buildtxt="Not built commit by commit in this run."
fi

# ---- the cover letter ------------------------------------------------------------
python3 tools/testing/zpci/series_cover.py "$OUT/0000-cover-letter.patch" "$BASE" "$BASEVER" \
	"$buildtxt" "$RESULTS_DIR"

summary="$ncommits patches + cover letter in ${OUT#"$TOP"/}: git am applies them to $BASEVER"
summary="$summary and gives the series' tree; MAINTAINERS ($SECTION) covers the $nadded new"
summary="$summary files; checkpatch of the mails: $cp_counts; per-commit build: $build_summary"
if [ $failed = 0 ]; then
	echo "series: OK ($(( $(date +%s) - t_start ))s): $summary"
else
	echo "series: FAILED ($(( $(date +%s) - t_start ))s): $summary"
fi
exit $failed
