#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench-vm`: the benchmarks in a guest kernel (tests/vm/run-in-vm.sh), where cgroups may
# be made: cgroupfs, then systemd as PID 1 and its cgroup manager. Cases (bench.py --vm): run
# and create + start + delete with the production profile's limits, 50 sequential runs, and
# the memory.peak of a small container's cgroup (what the runtime's own pages cost it).
# Writes DIR/cgroupfs/ and DIR/systemd/ results.md and results.json (default DIR:
# bench-results-vm). The guest emulates its CPU in software: the times are slow, the ratios
# are what to read.
#
#   tests/bench/bench-vm.sh [--rounds N] [--out DIR] HARDRUN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rounds=5 out=$PWD/bench-results-vm
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2 && shift ;;
	--out) out=$2 && shift ;;
	-*) echo "bench-vm: unknown option $1" >&2 && exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || {
	sed -n '12p' "$0" | sed 's/^# *//' >&2
	exit 2
}
hardrun=$(realpath "$1")
case $hardrun in
/tmp/* | /run/*)
	echo "bench-vm: $hardrun is under /tmp or /run, which the guest covers with a tmpfs" >&2
	exit 2
	;;
esac
for manager in cgroupfs systemd; do
	mkdir -p "$out/$manager"
	log=$out/$manager/guest.log
	boot=(--mem 3072 --timeout 3600)
	[ "$manager" = cgroupfs ] || boot+=(--systemd)
	echo "bench-vm: $manager: booting the guest ($rounds rounds; its output in $log)" >&2
	if ! "$src/tests/vm/run-in-vm.sh" "${boot[@]}" "$here/vm-guest.sh" "$manager" "$hardrun" \
		"$rounds" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "bench-vm: $manager: the guest failed" >&2
		exit 1
	fi
	for f in results.md results.json; do
		sed -n "/^=== $f\$/,/^=== /p" "$log" | sed '1d;$d' | tr -d '\r' >"$out/$manager/$f"
	done
	echo "bench-vm: $manager:" >&2
	cat "$out/$manager/results.md"
done
