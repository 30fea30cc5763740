#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove the shadow check works: in a scratch copy of this repository, add a
# file with the path of a base file and check that prepare-tree.sh fails and
# names it.  The real build is the check that the repository itself passes.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$TOP"
. tools/testing/zpci/base.sh
git ls-files -co --exclude-standard | cpio -pdm --quiet "$tmp/repo"
mkdir -p "$tmp/repo/build"
ln -s "$TOP/build/base" "$tmp/repo/build/base"
victim=arch/s390/pci/pci_clp.c
[ -f "$BASE_SRC/$victim" ] || { echo "base tree missing"; exit 1; }
mkdir -p "$tmp/repo/$(dirname $victim)"
echo "/* shadow */" > "$tmp/repo/$victim"
if (cd "$tmp/repo" && bash tools/testing/zpci/prepare-tree.sh) > "$tmp/out" 2>&1; then
	cat "$tmp/out"
	echo "shadow check: FAILED: prepare-tree.sh accepted a shadowing file"
	exit 1
fi
cat "$tmp/out"
grep -q "ERROR: $victim shadows a file of the base tree" "$tmp/out" || {
	echo "shadow check: FAILED: the message does not name $victim"; exit 1; }
echo "shadow check: a shadowing $victim stops the build with a message naming it"
