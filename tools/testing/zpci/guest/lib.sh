# SPDX-License-Identifier: GPL-2.0
#
# Shell functions the guest tests share; sourced from /etc/zpci/lib.sh.

# find_fn [FID]: the sysfs directory of the PCI function with function id
# FID (hexadecimal, with or without 0x; default: $fid), nothing if absent
find_fn() {
	_want=${1:-$fid}
	case "$_want" in
	0x*) ;;
	*) _want=0x$_want ;;
	esac
	_want=$(printf '0x%08x' "$_want")
	for _d in /sys/bus/pci/devices/*; do
		[ "$(cat "$_d/function_id" 2>/dev/null)" = "$_want" ] && echo "$_d"
	done
}

# wait_for present|gone [SECONDS]: wait until function $fid is bound to a
# driver (present) or has left the bus (gone); default 60 s.  Status 1 on
# timeout.
wait_for() {
	_i=0
	while [ $_i -lt $((${2:-60} * 10)) ]; do
		_d=$(find_fn)
		[ "$1" = gone ] && [ -z "$_d" ] && return 0
		[ "$1" = present ] && [ -n "$_d" ] && [ -e "$_d/driver" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
