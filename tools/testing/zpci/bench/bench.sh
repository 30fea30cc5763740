#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [STEP...]: make bench - the stock kernel against ours, same
# configuration, same QEMU, same workloads, one run.
#
# Steps (default: all, in this order):
#   trees    copy the pristine base and the prepared tree (build/src/zpci)
#            to build/bench/src-stock and build/bench/src-zpci, add the
#            counters of kernel/ to both and apply the hooks of
#            count-intercepts.patch (7.2: 7.2/count-intercepts.patch) to
#            both, with no fuzz: both kernels count the zPCI instructions
#            they issue in the same places
#   kernels  build both with the same fragments (BENCH_FRAGS, default
#            arch/s390/configs/zpci_guest.config: no lockdep, kmemleak or
#            KUnit, which would weigh on the timings) into
#            build/kbuild/stock-bench and build/kbuild/zpci-bench; ours
#            also with zpci-only.config (the CLP override, which stock
#            does not have, for profile iova1m)
#   initrd   build/bench/initramfs.cpio.gz: busybox, the guest init, the
#            bench guest script and the static bench tools
#   run      BENCH_REPS (default 7) repetitions of every profile in
#            tools/testing/zpci/bench/profiles; within a repetition each
#            profile boots both kernels back to back, the order alternating
#            (stock first in odd repetitions, ours first in even ones);
#            with BENCH_CONTROL=1 the stock kernel boots a second time as
#            "control" (stock zpci control, then control zpci stock), the
#            report's stock-against-stock comparison
#   report   build/results/bench.md and bench.png from the console logs
#            (and bench/summary.txt, the goals in plain text, which make
#            series puts in the cover letter)
#
# BASE (6.12 or 7.2, tools/testing/zpci/base.sh) chooses the base, its
# QEMU and the names: the paths above are those of 6.12; for 7.2 they are
# build/bench72, build/kbuild/{stock,zpci}72-bench and build/results-7.2.
#
# Variables: BASE; BENCH_REPS; BENCH_CONTROL (1: the control); BENCH_ICOUNT
# (default 4: under TCG the guests run with QEMU -icount shift=4, their
# clock advancing 16 ns per instruction they execute, so that a time
# measures the guest's own work, not the load of the host; "off": host
# time; with the 2 vCPUs of the profiles and QEMU 7.2, the QEMU of base
# 6.12, zpci_run.py ends the running vCPU's turn every 0.2 s: QEMU before
# 8.1 can starve one vCPU of an -icount guest for good, and the guest hung
# so at 2-thread DMA points, stock and ours alike; the kick does not move
# the guest clock, both kernels get it, the report says so); BENCH_PROFILES
# (names without "bench-", e.g. "clp1 1g"; default every profile);
# BENCH_FRAGS; JOBS; BENCH_NICE
# (default 10: builds and guests run niced, the machine is shared);
# BENCH_START (epoch seconds make bench started, for the report).
# Everything stays below build/bench, build/kbuild/*-bench and
# build/results/bench* (per base); the trees and builds of make and make
# test are only read.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$TOP"
HERE=tools/testing/zpci/bench
. tools/testing/zpci/base.sh
BENCH=build/bench$BASE_TAG
PATCH=$HERE/count-intercepts.patch
[ "$BASE" = 6.12 ] || PATCH=$HERE/$BASE/count-intercepts.patch
STOCK_SRC=$BASE_SRC
TREE=$ZPCI_TREE
KBUILD=build/kbuild
REPS=${BENCH_REPS:-7}
ICOUNT=${BENCH_ICOUNT:-4}
ICOUNT_ARGS=()
[ "$ICOUNT" = off ] || ICOUNT_ARGS=(--icount "$ICOUNT")
FRAGS=${BENCH_FRAGS:-arch/s390/configs/zpci_guest.config}
ZPCI_FRAGS="$FRAGS $HERE/zpci-only.config"
JOBS=${JOBS:-$(nproc)}
NICE="nice -n ${BENCH_NICE:-10}"
STEPS=${*:-trees kernels initrd run report}
export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-

mkdir -p "$BENCH" "$RESULTS_DIR"
# The report states how long make bench took: from BENCH_START (set by
# the Makefile before its prerequisites) or from here; a run of single
# steps keeps the start of the last full run.
if [ -z "${*:-}" ]; then
	echo "${BENCH_START:-$(date +%s)}" > "$BENCH/start"
fi

# snapshot SRC DEST: DEST = SRC + the counters + their hooks; files whose
# content does not change keep their timestamps (incremental builds stay
# so).
snapshot() {
	local src=$1 dest=$2 stage

	stage=$BENCH/.stage-$(basename "$dest")
	rm -rf "$stage"
	# build/src/zpci is rewritten by prepare-tree.sh under this lock
	flock build/.prepare.lock cp -al "$src" "$stage"
	# new files only: the stage's other files are links to SRC's
	(cd "$HERE/kernel" && find . -type f) | while read -r f; do
		if [ -e "$stage/$f" ]; then
			echo "bench: ERROR: $src has $f: the counters would replace it" >&2
			exit 1
		fi
		mkdir -p "$(dirname "$stage/$f")"
		cp "$HERE/kernel/$f" "$stage/$f"
	done
	if ! patch -s -p1 -F0 -N --no-backup-if-mismatch -d "$stage" < "$PATCH"; then
		echo "bench: ERROR: $PATCH does not apply to $src with no fuzz" >&2
		exit 1
	fi
	mkdir -p "$dest"
	rsync -r -l --checksum --delete "$stage/" "$dest/"
	rm -rf "$stage"
	echo "bench: $dest = $src + $HERE/kernel + $PATCH"
}

step_trees() {
	[ -f "$STOCK_SRC/Makefile" ] || { echo "bench: $STOCK_SRC missing: run make prepare" >&2; exit 1; }
	[ -f "$TREE/Makefile" ] || { echo "bench: $TREE missing: run make prepare" >&2; exit 1; }
	snapshot "$STOCK_SRC" "$BENCH/src-stock"
	snapshot "$TREE" "$BENCH/src-zpci"
}

# build KIND FRAGS: build/kbuild/KIND-bench (7.2: KIND72-bench) from
# build/bench/src-KIND.
build_kernel() {
	local kind=$1 frags=$2 src=$TOP/$BENCH/src-$1 out=$TOP/$KBUILD/$1$BASE_TAG-bench
	local cc="${CROSS_COMPILE}gcc" abs="" f sum start missing

	command -v ccache >/dev/null && cc="ccache $cc"
	export CCACHE_DIR=${CCACHE_DIR:-$TOP/build/ccache}
	mkdir -p "$out"
	for f in $frags; do abs="$abs $TOP/$f"; done
	sum=$(cat $frags | sha1sum | cut -d' ' -f1)
	if [ ! -f "$out/.config" ] || [ "$(cat "$out/.fragsum" 2>/dev/null)" != "$sum" ]; then
		(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$out" $abs) \
			> "$out/merge_config.log" 2>&1 ||
			{ cat "$out/merge_config.log"; exit 1; }
		missing=$(grep -h '^CONFIG_.*=[ym]' $frags | while read -r l; do
			grep -qx "$l" "$out/.config" || echo "$l"; done)
		if [ -n "$missing" ]; then
			echo "bench: $kind: config options not taken: $missing" >&2
			exit 1
		fi
		echo "$sum" > "$out/.fragsum"
	fi
	echo "bench: building $kind-bench (base $(cat "$BASE_VERFILE"), $frags)"
	start=$(date +%s)
	if ! $NICE make -s -C "$src" O="$out" CC="$cc" -j"$JOBS" bzImage \
			> "$out/build.log" 2>&1; then
		tail -n 40 "$out/build.log" >&2
		echo "bench: FAILED $kind-bench (log: $out/build.log)" >&2
		exit 1
	fi
	echo "bench: $kind-bench built in $(( $(date +%s) - start ))s"
}

step_kernels() {
	build_kernel stock "$FRAGS"
	build_kernel zpci "$ZPCI_FRAGS"
	# Same fragments, so the same configuration but for the options only
	# the series has (and zpci-only.config): record the difference.
	diff <(grep '^CONFIG_' "$KBUILD/stock$BASE_TAG-bench/.config") \
	     <(grep '^CONFIG_' "$KBUILD/zpci$BASE_TAG-bench/.config") \
		> "$BENCH/config.diff" || true
}

step_initrd() {
	local root=$BENCH/initramfs/root cflags="-Wall -Werror -O2 -static"
	local t

	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,etc/zpci,tests,proc,sys,dev,tmp,mnt}
	cp build/busybox-s390x/bin/busybox "$root/bin/busybox"
	cp tools/testing/zpci/guest/init "$root/init"
	install -m 755 "$HERE/guest/bench_guest" "$root/tests/"
	for t in bench_dma bench_blk; do
		${CROSS_COMPILE}gcc $cflags \
			-iquote "$STOCK_SRC/include/linux" \
			-iquote "$STOCK_SRC/include/uapi/linux" \
			-iquote tools/testing/selftests/drivers/s390x/zpci \
			-o "$root/tests/$t" "$HERE/$t.c"
	done
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner 0:0) |
		gzip -9 > "$BENCH/initramfs.cpio.gz"
	echo "bench: $BENCH/initramfs.cpio.gz ($(ls "$root/tests" | tr '\n' ' '))"
}

step_run() {
	local profiles=${BENCH_PROFILES:-} rep p k order log status image ctl=

	[ "${BENCH_CONTROL:-0}" = 1 ] && ctl=control

	if [ -z "$profiles" ]; then
		profiles=$(cd "$HERE/profiles" && ls *.ini |
			sed 's/^bench-//; s/\.ini$//' | LC_ALL=C sort -V)
	fi
	rm -rf "$BENCH/runs"
	mkdir -p "$BENCH/runs"
	log=$BENCH/runs/runner.log
	for rep in $(seq 1 "$REPS"); do
		for p in $profiles; do
			order="stock zpci $ctl"
			[ $((rep % 2)) = 0 ] && order="$ctl zpci stock"
			for k in $order; do
				echo "bench: repetition $rep/$REPS, $p, $k"
				status=0
				image=$KBUILD/${k/control/stock}$BASE_TAG-bench/arch/s390/boot/bzImage
				$NICE python3 tools/testing/zpci/zpci_run.py \
					--kernel "$image" \
					--kernel-name "$k" --initrd "$BENCH/initramfs.cpio.gz" \
					"${ICOUNT_ARGS[@]}" \
					--resdir "$BENCH/runs/rep$rep" \
					"$HERE/profiles/bench-$p.ini" >> "$log" 2>&1 || status=$?
				# A stock failure is a result, not an error: the report
				# shows it.  Keep the runner's verdict next to the log.
				echo "$status" > "$BENCH/runs/rep$rep/bench-$p-$k/runner-status"
			done
		done
	done
}

step_report() {
	python3 "$HERE/bench_report.py" --runs "$BENCH/runs" \
		--start "$(cat "$BENCH/start" 2>/dev/null || date +%s)" --frags "$FRAGS" \
		--zpci-frags "$HERE/zpci-only.config" \
		--out "$RESULTS_DIR/bench.md" --plot "$RESULTS_DIR/bench.png" \
		--summary "$RESULTS_DIR/bench/summary.txt"
}

for s in $STEPS; do
	case "$s" in
	trees|kernels|initrd|run|report) "step_$s" ;;
	*) echo "bench: unknown step $s" >&2; exit 1 ;;
	esac
done
