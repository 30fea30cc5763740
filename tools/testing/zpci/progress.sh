# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# progress.sh, sourced: "progress_start LABEL [STEP]" prints
# "LABEL: Ns, STEP" every 30 s until "progress_stop" or the script's exit,
# so that no step is silent for long, in CI logs too; "progress_step STEP"
# names the step that runs.  The sleeps hold no pipe open: a reader of the
# script's output sees its end when the script ends.
progress_start() {
	PROGRESS_FILE=$(mktemp)
	echo "${2:-}" > "$PROGRESS_FILE"
	(
		t0=$SECONDS
		while sleep 30 > /dev/null 2>&1; do
			[ -f "$PROGRESS_FILE" ] || exit 0
			echo "$1: $((SECONDS - t0))s, $(cat "$PROGRESS_FILE")"
		done
	) &
	PROGRESS_PID=$!
	trap progress_stop EXIT
}

progress_step() {
	echo "$1" > "$PROGRESS_FILE"
}

progress_stop() {
	[ -n "${PROGRESS_PID:-}" ] || return 0
	kill "$PROGRESS_PID" 2>/dev/null || true
	rm -f "$PROGRESS_FILE"
	PROGRESS_PID=
}
