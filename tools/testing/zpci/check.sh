#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [RESULTS_FILE]: the static checks of make check and make test.
# One line per check, "PASS|FAIL static/<name> <detail>", appended to
# RESULTS_FILE when given; exit status 1 when any check failed.
#   series      make series without the per-commit build (SERIES_BUILD=0):
#               every file in a commit or listed as tooling, MAINTAINERS
#               covers the new files, git am applies the mails to the base
#               and gives the same tree
#   checkpatch-errors  --strict on those mails, without the allow-list:
#               0 ERRORs
#   checkpatch  every WARNING/CHECK of the mails is listed with a reason in
#               tools/testing/zpci/checkpatch-allow.txt, and every entry
#               there allows at least one (an entry that would only match
#               an ERROR allows nothing, so it fails as stale)
#   kernel-doc  -Wall on every new .c/.h file: 0 warnings
#   sparse      C=2 on every .c file the series adds (KUnit files aside)
#               or patches: no warning that the stock base does not have
#               for the same compiled file (a header's warning included)
#   coccicheck  every rule of scripts/coccinelle in report mode on
#               arch/s390/pci/*.c and drivers/iommu/s390-iommu.c: no finding
#               that the stock base does not have
#               (sparse, coccicheck and htmldocs run the stock base only on
#               what has findings in ours: the files, or the pages; with
#               none in ours there is nothing to compare and stock is not
#               run, nor prepared)
#   cocci-zpci-rule  scripts/coccinelle/misc/zpci_clp_values.cocci fires on
#               its sample and finds nothing unlisted on the series
#               (cocci-test.sh)
#   htmldocs    make htmldocs (the kernel's Sphinx configuration, Debian's
#               python3-sphinx) of every Documentation directory with a
#               page the series adds or patches: no warning that the stock
#               base does not have (a page missing from its index's
#               toctree is one)
#   abi         the Documentation/ABI entries the series adds: every entry
#               has the What/Date/KernelVersion/Contact/Description fields
#               of Documentation/ABI/README; scripts/get_abi.pl validate
#               finds nothing new; rendered as admin-guide/abi-testing.rst
#               renders them (kernel-abi directive), without a warning
#   runner-queue  zpci_run.py --queue fails a queued name whose profile
#               does not load, with a FAIL line, and goes on with the queue
#   bench-stats the statistics of make bench's report on synthetic data
#               (bench_report.py --selftest)
# BASE=7.2 (base.sh): the same checks on build/src/zpci72 against
# build/base/linux-source-7.2, results in build/results-7.2/check, the
# mails of the 7.2 series; sparse is reported as SKIP with the reason when
# the installed sparse fails the base's scripts/checker-valid.sh (Debian
# 12's 0.6.4 on 7.2), with which kbuild would run no checker at all.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
RES=${1:-}
# The trees and build directories of the base BASE selects (base.sh).
. tools/testing/zpci/base.sh
STOCK_SRC=$BASE_SRC
TREE=$ZPCI_TREE
VARIANT=${VARIANT:-test}
ALLOW=tools/testing/zpci/checkpatch-allow.txt
OUT=$RESULTS_DIR/check
mkdir -p "$OUT"
failed=0
. tools/testing/zpci/progress.sh
progress_start check "make series (no per-commit build)"

record() { # STATUS NAME DETAIL
	echo "$1 static/$2 $3"
	[ -n "$RES" ] && echo "$1 static/$2 $3" >> "$RES"
	[ "$1" = FAIL ] && failed=1
	return 0
}

new_code=$(git ls-files -co --exclude-standard -- arch drivers include \
	tools/testing/selftests/drivers/s390x/zpci | grep -E '\.(c|h)$')
# The patch files of the base's series (base.sh's base_patch: for 7.2
# patches/7.2/NAME where that exists, else patches/NAME).
series_patches=$(sed -n 's/^\([^#].*\.patch\)$/\1/p' "$SERIES_FILE" |
	while read -r n; do base_patch "$n"; done)

# The series as mails (make series without the per-commit build), and
# checkpatch --strict on them: what a maintainer receives and runs (the
# base's series: the backport on 6.12, the mainline series on 7.2).
rm -f "$OUT"/series/*.patch "$OUT/series/checkpatch.txt"
if SERIES_BUILD=0 SERIES_OUT=$OUT/series bash tools/testing/zpci/make-series.sh \
	> "$OUT/series.log" 2>&1; then
	record PASS series "$(tail -n1 "$OUT/series.log" | sed 's/^series: OK //')"
else
	grep 'ERROR' "$OUT/series.log" | sed 's/^/    /'
	record FAIL series "make series (SERIES_BUILD=0) failed: $OUT/series.log"
fi
CP=$OUT/series/checkpatch.txt
nmails=$(ls "$OUT"/series/0*.patch 2>/dev/null | grep -vc 0000-cover-letter)
if [ "$nmails" = 0 ] || [ ! -f "$CP" ]; then
	record FAIL checkpatch-errors "make series made no mails to check"
	record FAIL checkpatch "make series made no mails to check"
else
	errors=$(grep ' ERROR:' "$CP")
	if [ -z "$errors" ]; then
		record PASS checkpatch-errors "--strict on $nmails mails, no allow-list: 0 ERRORs"
	else
		echo "$errors" | sed 's/^/    /'
		record FAIL checkpatch-errors "--strict on $nmails mails: $(echo "$errors" | grep -c .) ERRORs ($CP)"
	fi
	left=$(grep ' unlisted ' "$CP")
	# an entry for the mail of a patch this base's series lacks is not stale
	stale=$(grep -Ev '^\s*(#|$)' "$ALLOW" | cut -d' ' -f1 | while read -r e; do
		case "${e%%:*}" in
		*.patch.mail) grep -qx "$(basename "${e%%:*}" .mail)" "$SERIES_FILE" || continue ;;
		esac
		grep -qF " allowed=$e " "$CP" || echo "$e"
	done)
	total=$(grep -c ' \(WARNING\|CHECK\):' "$CP")
	if [ -z "$left$stale" ]; then
		record PASS checkpatch "$nmails mails: $total WARNING/CHECK findings, all listed with a reason in $ALLOW, no stale entry"
	else
		echo "$left" | grep . | sed 's/^/    /'
		echo "$stale" | grep . | sed 's/^/    stale (allows no WARNING or CHECK): /'
		record FAIL checkpatch "$(echo "$left" | grep -c .) findings not in $ALLOW, $(echo "$stale" | grep -c .) stale entries ($CP)"
	fi
fi

# kernel-doc on the new kernel files; on 7.2 (whose kernel-doc is Python)
# on their copies in the tree, which the 7.2 series may adapt.
progress_step kernel-doc
KERNEL_DOC="perl $STOCK_SRC/scripts/kernel-doc"
KDOC_TREE=
if [ "$BASE" != 6.12 ]; then
	KERNEL_DOC="python3 $STOCK_SRC/scripts/kernel-doc"
	KDOC_TREE=$TREE/
fi
kd=$(for f in $new_code; do
	case "$f" in tools/*) continue ;; esac
	$KERNEL_DOC -none -Wall "$KDOC_TREE$f" 2>&1
done)
if [ -z "$kd" ]; then
	record PASS kernel-doc "-Wall on $(echo "$new_code" | grep -cv '^tools/') new kernel files: 0 warnings"
else
	echo "$kd" | sed 's/^/    /'
	record FAIL kernel-doc "$(echo "$kd" | grep -c .) warnings"
fi

# sparse: ours against the stock base, file by file.
progress_step "sparse, ours and stock"
sparse_run() { # SRC KBUILD FILE...: "FILE: where: warning" without line numbers
	local src=$1 kb=$2
	shift 2
	for f in "$@"; do
		[ -f "$src/$f" ] || continue
		make -s -C "$src" O="$TOP/$kb" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- \
			C=2 "${f%.c}.o" 2>&1 | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' |
			sed -E 's/^([^:]+):[0-9]+:[0-9]+:/\1:/' | sed "s|^$TOP/||; s|^$src/||; s|^|$f: |"
	done | sort
}
# KUnit files are left out: arch/s390/pci/tests/ is not C=2 material, and
# drivers/iommu/s390-iommu-kunit.c is compiled (and checked) as part of
# s390-iommu.c, which includes it.
touched=$( (echo "$new_code" | grep -E '^(arch|drivers)/.*\.c$' | grep -v -e '/tests/' -e '-kunit\.c$'
	    sed -n 's|^+++ b/\(.*\.c\)$|\1|p' $series_patches) | sort -u)
# A base with scripts/checker-valid.sh (7.2) turns C=2 off, with a make
# warning only, when sparse fails its probe: Debian 12's sparse 0.6.4 does
# not know __typeof_unqual__, and unstable's 0.6.5~rc1 needs glibc 2.38.
sparse_ok=1
if [ -f "$STOCK_SRC/scripts/checker-valid.sh" ] && command -v sparse >/dev/null &&
   [ "$(sh "$STOCK_SRC/scripts/checker-valid.sh" sparse --arch=s390 -mbig-endian -m64)" != 1 ]; then
	sparse_ok=0
fi
if ! command -v sparse >/dev/null; then
	record FAIL sparse "sparse is not installed (install-deps.sh installs it)"
elif [ "$sparse_ok" = 0 ]; then
	record SKIP sparse "$(sparse --version) fails $STOCK_SRC/scripts/checker-valid.sh (no __typeof_unqual__): kbuild would skip C=2"
elif [ ! -f "build/kbuild/zpci$BASE_TAG-$VARIANT/.config" ]; then
	record FAIL sparse "build/kbuild/zpci$BASE_TAG-$VARIANT is not configured: run make kernel first"
else
	sparse_run "$TREE" "build/kbuild/zpci$BASE_TAG-$VARIANT" $touched > "$OUT/sparse-zpci.txt"
	# stock: the files whose C=2 build warns in ours
	warned=$(cut -d: -f1 "$OUT/sparse-zpci.txt" | sort -u)
	: > "$OUT/sparse-stock.txt"
	if [ -n "$warned" ]; then
		# The stock tree needs only its configuration and generated headers.
		CONFIGURE_ONLY=1 bash tools/testing/zpci/build-kernel.sh stock "$VARIANT" > "$OUT/stock-prepare.log" 2>&1 ||
			{ tail "$OUT/stock-prepare.log"; record FAIL sparse "stock tree could not be prepared"; }
		sparse_run "$STOCK_SRC" "build/kbuild/stock$BASE_TAG-$VARIANT" $warned > "$OUT/sparse-stock.txt"
	fi
	new=$(comm -23 "$OUT/sparse-zpci.txt" "$OUT/sparse-stock.txt")
	counts="ours $(grep -c . "$OUT/sparse-zpci.txt") warnings on $(echo $touched | wc -w) files,"
	counts="$counts stock $(grep -c . "$OUT/sparse-stock.txt") on the $(echo $warned | wc -w) with a warning in ours"
	if [ -z "$new" ]; then
		record PASS sparse "$counts, none new"
	else
		echo "$new" | sed 's/^/    /'
		record FAIL sparse "$counts, $(echo "$new" | grep -c .) new"
	fi
fi

# coccicheck (report mode), ours against the stock base.
progress_step "coccicheck, ours and stock"
cocci_run() { # SRC FILE...: one line per finding, "rule file: message" without line numbers
	# the kernel's own rules (those of the base; ours runs in cocci-test.sh)
	local src=$1
	shift
	(cd "$src" && for rule in $(cd "$TOP/$STOCK_SRC" && ls scripts/coccinelle/*/*.cocci); do
		timeout 300 spatch -D report --very-quiet --no-show-diff --no-includes \
			--include-headers -I arch/s390/include -I include \
			--cocci-file "$rule" "$@" 2>/dev/null |
			grep -E '^[^ ]+\.[ch]:[0-9]+:' | sed "s|^|${rule#scripts/coccinelle/} |"
	done) | sed -E 's/^([^ ]+) ([^:]+):[0-9]+:[0-9-]*:?/\1 \2:/; s/line [0-9]+/line N/g' | sort
}
if ! command -v spatch >/dev/null; then
	record FAIL coccicheck "spatch is not installed (install-deps.sh installs coccinelle)"
else
	cocci_files=$(cd "$TREE" && ls arch/s390/pci/*.c drivers/iommu/s390-iommu.c)
	# shellcheck disable=SC2086
	cocci_run "$TREE" $cocci_files > "$OUT/cocci-zpci.txt"
	# stock: the files with a finding in ours and in the stock base
	found=$(cut -d' ' -f2 "$OUT/cocci-zpci.txt" | sed 's/:$//' | sort -u |
		while read -r f; do [ ! -f "$STOCK_SRC/$f" ] || echo "$f"; done)
	: > "$OUT/cocci-stock.txt"
	# shellcheck disable=SC2086
	[ -z "$found" ] || cocci_run "$STOCK_SRC" $found > "$OUT/cocci-stock.txt"
	new=$(comm -23 "$OUT/cocci-zpci.txt" "$OUT/cocci-stock.txt")
	counts="ours $(grep -c . "$OUT/cocci-zpci.txt") findings on $(echo $cocci_files | wc -w) files,"
	counts="$counts stock $(grep -c . "$OUT/cocci-stock.txt") on the $(echo $found | wc -w) of those with a finding in ours that stock has,"
	counts="$counts $(ls "$STOCK_SRC"/scripts/coccinelle/*/*.cocci | wc -l) rules"
	if [ -z "$new" ]; then
		record PASS coccicheck "$counts, none new"
	else
		echo "$new" | sed 's/^/    /'
		record FAIL coccicheck "$counts, $(echo "$new" | grep -c .) new"
	fi
fi

# This project's rule: raw CLP values and card constants outside the layer.
progress_step "the zpci coccinelle rule"
bash tools/testing/zpci/cocci-test.sh "$RES" || failed=1

progress_step "htmldocs, ours and stock"
# Documentation: the directories with a page the series adds or patches,
# built with the kernel's own configuration, ours against the stock base.
docs_run() { # SRC NAME: Sphinx findings, "file: message" without lines
	local out=$TOP/$OUT/htmldocs-$2
	rm -rf "$out"
	# YNL_*: htmldocs would first generate the netlink spec pages into the
	# source tree (Documentation/networking/netlink_spec); the trees stay
	# untouched, and SPHINXDIRS does not include those pages anyway.
	PYTHONDONTWRITEBYTECODE=1 make -s -C "$1" O="$out" SPHINXDIRS="$docdirs" \
		YNL_INDEX=/dev/null YNL_YAML_DIR=/nonexistent htmldocs > "$out.log" 2>&1 ||
		echo "make htmldocs failed (log: $out.log)"
	# 7.2's ABI parser names files by their full path inside a message.
	grep -E '(WARNING|ERROR|SEVERE|CRITICAL):' "$out.log" |
		sed -E "s|$TOP/$1/||g; s|^$TOP/||; s|^$1/||; s|^([^: ]+):[0-9]+:|\1:|" | sort -u
}
docdirs=$( (git ls-files -- 'Documentation/*.rst'
	    sed -n 's|^+++ b/\(Documentation/.*\.rst\)$|\1|p' $series_patches) |
	while read -r f; do
		d=$(dirname "$f")
		while [ "$d" != Documentation ] && [ ! -f "$TREE/$d/index.rst" ]; do
			d=$(dirname "$d")
		done
		echo "${d#Documentation/}"
	done | sort -u | tr '\n' ' ')
docdirs=${docdirs% }
if ! command -v sphinx-build >/dev/null; then
	record FAIL htmldocs "sphinx-build is missing (install-deps.sh installs python3-sphinx)"
elif [ -z "$docdirs" ]; then
	record PASS htmldocs "the series adds or patches no .rst page"
else
	t0=$(date +%s)
	docs_run "$TREE" zpci > "$OUT/htmldocs-zpci.txt"
	: > "$OUT/htmldocs-stock.txt"
	stock_run="not run"
	if [ -s "$OUT/htmldocs-zpci.txt" ]; then
		docs_run "$STOCK_SRC" stock > "$OUT/htmldocs-stock.txt"
		stock_run=$(grep -c . "$OUT/htmldocs-stock.txt")
	fi
	new=$(comm -23 "$OUT/htmldocs-zpci.txt" "$OUT/htmldocs-stock.txt")
	counts="SPHINXDIRS=$docdirs: ours $(grep -c . "$OUT/htmldocs-zpci.txt") warnings,"
	counts="$counts stock $stock_run"
	if [ -z "$new" ]; then
		record PASS htmldocs "$counts, none new ($(( $(date +%s) - t0 ))s)"
	else
		echo "$new" | sed 's/^/    /'
		record FAIL htmldocs "$counts, $(echo "$new" | grep -c .) new ($OUT/htmldocs-*.log)"
	fi
fi

progress_step "ABI entries"
# ABI entries: the fields of Documentation/ABI/README, get_abi.pl validate
# (ours against stock), and the reST that the kernel-abi directive of
# admin-guide/abi-testing.rst makes of them, built alone (a stub for each
# page they refer to).
abi_fields() { # FILE...: one line per missing or malformed field
	local months='January|February|March|April|May|June|July|August|September|October'
	awk -v months="$months|November|December" '
	function finish(  f) {
		for (f in need)
			if (what != "" && !(f in seen))
				printf "%s:%d: %s: no %s: field\n", file, line, what, f
	}
	function bad(why) { printf "%s:%d: %s: %s \"%s\" %s\n", FILENAME, FNR, what, tag, val, why }
	BEGIN { split("Date KernelVersion Contact Description", n); for (i in n) need[n[i]] }
	FNR == 1 { finish(); what = ""; prev = ""; file = FILENAME }
	/^What:/ {
		if (prev != "What") { finish(); split("", seen); what = $2; line = FNR; entries++ }
		prev = "What"
		next
	}
	/^[A-Z][A-Za-z]*:/ {
		tag = substr($1, 1, length($1) - 1)
		seen[tag]
		prev = tag
		val = $0
		sub(/^[^:]*:[ \t]*/, "", val)
		if (tag == "Date" && val !~ "^(" months ") [0-9][0-9][0-9][0-9]$")
			bad("is not \"Month YYYY\"")
		if (tag == "KernelVersion" && val !~ /^[0-9]+\.[0-9]+/)
			bad("is not a kernel version")
		if (tag == "Contact" && val !~ /@/)
			bad("has no mail address")
		next
	}
	!/^[ \t]*$/ { prev = "" }
	END { finish(); print entries + 0 > "/dev/stderr" }' "$@"
}
abi=$(git ls-files -- 'Documentation/ABI/*')
if [ -z "$abi" ]; then
	record PASS abi "the series adds no ABI entry"
else
	nfiles=$(echo "$abi" | grep -c .)
	fields=$(abi_fields $abi 2> "$OUT/abi-entries.txt")
	# get_abi.pl up to 6.14, tools/docs/get_abi.py on 7.2
	abi_tool=get_abi.pl
	[ -f "$STOCK_SRC/scripts/get_abi.pl" ] || abi_tool=get_abi.py
	validate() { # SRC
		if [ "$abi_tool" = get_abi.pl ]; then
			perl "$1/scripts/get_abi.pl" --dir "$1/Documentation/ABI" validate 2>&1
		else
			python3 "$1/tools/docs/get_abi.py" --dir "$1/Documentation/ABI" validate 2>&1
		fi | sed "s|$1/||g" | sort -u
	}
	validate "$TREE" > "$OUT/abi-validate-zpci.txt"
	validate "$STOCK_SRC" > "$OUT/abi-validate-stock.txt"
	vnew=$(comm -23 "$OUT/abi-validate-zpci.txt" "$OUT/abi-validate-stock.txt")
	# The reST build: a srctree with only our entries, the kernel's extension.
	D=$TOP/$OUT/abi-rest
	rm -rf "$D"
	mkdir -p "$D/src" "$D/srctree"
	ln -s "$TOP/$TREE/scripts" "$D/srctree/scripts"
	# 7.2's kernel_abi extension imports its parser from tools/lib/python,
	# takes the directory under Documentation/ABI and has no :rst: option.
	abi_dir() { echo "${1#Documentation/}"; }
	abi_opt=":rst:"
	if [ -d "$TREE/tools/lib/python" ]; then
		mkdir -p "$D/srctree/tools/lib"
		ln -s "$TOP/$TREE/tools/lib/python" "$D/srctree/tools/lib/python"
		abi_dir() { echo "${1#Documentation/ABI/}"; }
		abi_opt=
	fi
	for f in $abi; do
		mkdir -p "$D/srctree/$(dirname "$f")"
		cp "$f" "$D/srctree/$f"
	done
	printf 'import sys\nsys.path.insert(0, "%s")\nextensions = ["kernel_abi"]\n' \
		"$TOP/$TREE/Documentation/sphinx" > "$D/src/conf.py"
	{
		printf 'ABI entries of the series\n=========================\n\n'
		for d in $(dirname $abi | sort -u); do
			printf '.. kernel-abi:: %s\n' "$(abi_dir "$d")"
			if [ -n "$abi_opt" ]; then
				printf '   %s\n' "$abi_opt"
			fi
			printf '\n'
		done
		printf '.. toctree::\n   :hidden:\n\n'
	} > "$D/src/index.rst"
	missing=""
	for doc in $(grep -ho 'Documentation/[A-Za-z0-9_./-]*\.rst' $abi | sort -u); do
		[ -f "$TREE/$doc" ] || missing="$missing $doc"
		doc=${doc#Documentation/}
		mkdir -p "$D/src/$(dirname "$doc")"
		printf 'Stub\n====\n' > "$D/src/$doc"
		echo "   ${doc%.rst}" >> "$D/src/index.rst"
	done
	srctree=$D/srctree PYTHONDONTWRITEBYTECODE=1 sphinx-build -q -E -b html \
		"$D/src" "$D/out" > "$OUT/abi-rest.log" 2>&1 ||
		echo "sphinx-build failed" >> "$OUT/abi-rest.log"
	rest=$(grep -E '(WARNING|ERROR|SEVERE|CRITICAL|failed)' "$OUT/abi-rest.log")
	problems=$(printf '%s\n' "$fields" "$vnew" "$rest" \
		${missing:+"refers to missing pages:$missing"} | grep .)
	if [ -z "$problems" ]; then
		detail="$nfiles files, $(cat "$OUT/abi-entries.txt") entries: README fields"
		record PASS abi "$detail present, $abi_tool validate and the reST build clean"
	else
		echo "$problems" | sed 's/^/    /'
		detail="$(echo "$problems" | grep -c .) problems in $nfiles files"
		record FAIL abi "$detail (fields, $abi_tool validate, reST: $OUT/abi-rest.log)"
	fi
fi

# The runner with a queue (test-both.sh) fails a name whose profile it
# cannot load and takes the next: no other runner would boot it.
printf '[function f]\n' > "$OUT/no-profile-section.ini"
printf 'no-such-profile\nnegative.no-such-variant\n%s\n' "$OUT/no-profile-section.ini" > "$OUT/queue"
rq=$(python3 tools/testing/zpci/zpci_run.py --kernel /dev/null --queue "$OUT/queue" \
	--resdir "$OUT/queue-runs" 2>&1)
rc=$?
if [ $rc = 1 ] && [ "$(echo "$rq" | grep -c '^FAIL .*/zpci/runner profile .* not loaded: ')" = 3 ] &&
   [ "$(echo "$rq" | grep -c .)" = 3 ]; then
	record PASS runner-queue "three queued profiles that do not load: three FAIL lines, exit status 1"
else
	echo "$rq" | sed 's/^/    /'
	record FAIL runner-queue "three queued profiles that do not load: exit status $rc, not three FAIL lines alone"
fi

if st=$(python3 tools/testing/zpci/bench/bench_report.py --selftest 2>&1); then
	record PASS bench-stats "$st"
else
	record FAIL bench-stats "$st"
fi

exit $failed
