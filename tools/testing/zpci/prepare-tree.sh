#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the zpci-clp kernel tree:
#   build/base/linux-source-6.12  pristine base, unpacked from linux-source-6.12
#   build/src/zpci                base + patches/series + this repository's files
#
# Files whose content does not change keep their timestamps, so incremental
# kernel builds stay incremental.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
BASE=build/base/linux-source-6.12
TREE=build/src/zpci
STAGE=build/src/.stage
OVERLAY_DIRS="arch drivers include tools Documentation scripts"

# One preparation at a time (parallel make invocations share build/src).
mkdir -p build
exec 9>build/.prepare.lock
flock 9

if [ ! -f "$BASE/Makefile" ]; then
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "prepare: linux-source-6.12 is not installed" >&2; exit 1; }
	echo "prepare: unpacking $tarball"
	. "$(dirname "$0")/progress.sh"
	progress_start prepare "unpacking the base"
	mkdir -p build/base.tmp
	tar -xaf "$tarball" -C build/base.tmp
	progress_stop
	rm -rf build/base
	mv build/base.tmp build/base
fi
BASEVER=$(make -s -C "$BASE" kernelversion)
echo "prepare: base linux-source-6.12 version $BASEVER"
echo "$BASEVER" > build/base-version

# The files this repository adds to the tree.
if git rev-parse --git-dir >/dev/null 2>&1; then
	overlay=$(git ls-files -co --exclude-standard -- $OVERLAY_DIRS)
else
	overlay=$(find $OVERLAY_DIRS -type f 2>/dev/null || true)
fi

# Shadow check: a new file must never have the path of a base file.
shadow=0
for f in $overlay; do
	[ -f "$f" ] || continue
	if [ -e "$BASE/$f" ]; then
		echo "prepare: ERROR: $f shadows a file of the base tree;" \
		     "change base files through patches/ instead" >&2
		shadow=1
	fi
done
[ $shadow = 0 ] || exit 1

# Build the wanted tree in a hard-linked staging copy, then sync only
# changed content into the work tree.
rm -rf "$STAGE"
mkdir -p build/src
cp -al "$BASE" "$STAGE"
if [ -f patches/series ]; then
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		echo "prepare: applying patches/$p"
		if ! patch -s -p1 -F0 -N --no-backup-if-mismatch -d "$STAGE" < "patches/$p"; then
			echo "prepare: ERROR: patches/$p does not apply cleanly" >&2
			exit 1
		fi
	done < patches/series
fi
for f in $overlay; do
	[ -f "$f" ] || continue
	mkdir -p "$STAGE/$(dirname "$f")"
	cp "$f" "$STAGE/$f"
done
mkdir -p "$TREE"
rsync -r -l --checksum --delete --exclude=/.stage "$STAGE/" "$TREE/"
rm -rf "$STAGE"
echo "prepare: tree ready in $TREE ($(echo "$overlay" | grep -c . || true) new files," \
     "$(grep -cv '^\s*\(#\|$\)' patches/series 2>/dev/null || echo 0) patches)"
