#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the zpci-clp kernel tree of the base BASE selects (base.sh):
#   build/base/linux-source-6.12  pristine base, unpacked from linux-source-6.12
#   build/src/zpci                base + patches/series + this repository's files
# and for BASE=7.2 build/base/linux-source-7.2 and build/src/zpci72 (base +
# patches/7.2/series + the same files).
#
# Files whose content does not change keep their timestamps, so incremental
# kernel builds stay incremental.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
. tools/testing/zpci/base.sh
TREE=$ZPCI_TREE
STAGE=build/src/.stage
OVERLAY_DIRS="arch drivers include tools Documentation scripts"

# One preparation at a time (parallel make invocations share build/src).
mkdir -p build
exec 9>build/.prepare.lock
flock 9

if [ ! -f "$BASE_SRC/Makefile" ]; then
	# shellcheck disable=SC2086
	tarball=$(ls $BASE_TARBALL_GLOB 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "prepare: linux-source-$BASE is not installed" \
		"(BASE=$BASE make deps)" >&2; exit 1; }
	echo "prepare: unpacking $tarball"
	. "$(dirname "$0")/progress.sh"
	progress_start prepare "unpacking the base"
	rm -rf build/base.tmp
	mkdir -p build/base.tmp build/base
	tar -xaf "$tarball" -C build/base.tmp
	progress_stop
	rm -rf "$BASE_SRC"
	mv "build/base.tmp/linux-source-$BASE" "$BASE_SRC"
	rm -rf build/base.tmp
fi
BASEVER=$(make -s -C "$BASE_SRC" kernelversion)
echo "prepare: base linux-source-$BASE version $BASEVER"
echo "$BASEVER" > "$BASE_VERFILE"

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
	if [ -e "$BASE_SRC/$f" ]; then
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
cp -al "$BASE_SRC" "$STAGE"
for f in $overlay; do
	[ -f "$f" ] || continue
	mkdir -p "$STAGE/$(dirname "$f")"
	cp "$f" "$STAGE/$f"
done
# The series after the new files: a patch of patches/7.2/ may adapt a new
# file to that base (no patch of patches/series touches one).
if [ -f "$SERIES_FILE" ]; then
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		pf=$(base_patch "$p")
		# Only a patch of another base's series may adapt a new file: the
		# mailed series takes the new files as this repository holds them.
		if [ "$pf" = "patches/$p" ]; then
			for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$pf"); do
				if echo "$overlay" | grep -qxF "$f"; then
					echo "prepare: ERROR: $pf changes $f, a new file of this" \
					     "repository: change the file itself" >&2
					exit 1
				fi
			done
		fi
		echo "prepare: applying $pf"
		if ! patch -s -p1 -F0 -N --no-backup-if-mismatch -d "$STAGE" < "$pf"; then
			echo "prepare: ERROR: $pf does not apply cleanly" >&2
			exit 1
		fi
	done < "$SERIES_FILE"
fi
mkdir -p "$TREE"
rsync -r -l --checksum --delete --exclude=/.stage "$STAGE/" "$TREE/"
rm -rf "$STAGE"
echo "prepare: tree ready in $TREE ($(echo "$overlay" | grep -c . || true) new files," \
     "$(grep -cv '^\s*\(#\|$\)' "$SERIES_FILE" 2>/dev/null || echo 0) patches)"
