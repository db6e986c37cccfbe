#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun against crun, paired and interleaved (tests/bench/README.md).
#
#   tests/bench/bench.sh [--quick] [--rounds N] [--out DIR] HARDRUN
#
# As root, in a mount namespace of its own, cgroups disabled for every runtime. The peers:
# Debian's crun when installed, ../shared/tools/crun-1.27.1/crun beside the checkout when
# present, or HR_BENCH_PEERS ("NAME=BINARY ..."). Writes DIR/results.md and DIR/results.json
# (default DIR: bench-results). --quick: a smoke run (three rounds, no slopes), for CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
quick=() rounds=30 out=$PWD/bench-results
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=(--quick) ;;
	--rounds) rounds=$2 && shift ;;
	--out) out=$2 && shift ;;
	-*) echo "bench: unknown option $1" >&2 && exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || {
	sed -n '5p' "$0" | sed 's/^# *//' >&2
	exit 2
}
hardrun=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || {
	echo "bench: runs containers: as root" >&2
	exit 1
}
if [ -z "${HR_BENCH_NS:-}" ]; then
	exec unshare --mount --propagation private env HR_BENCH_NS=1 "$0" "${quick[@]}" \
		--rounds "$rounds" --out "$out" "$hardrun"
fi
# crun refuses a hybrid cgroup layout even with its manager disabled: in this mount namespace
# only, the unified hierarchy alone, read-only, at /sys/fs/cgroup (no runtime creates a cgroup)
if [ -d /sys/fs/cgroup/unified ] && [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
	mount --bind -o ro /sys/fs/cgroup/unified /sys/fs/cgroup
fi
peers=()
if [ -n "${HR_BENCH_PEERS:-}" ]; then
	read -r -a peers <<<"$HR_BENCH_PEERS"
else
	if command -v crun >/dev/null; then
		peers+=("crun-$(crun --version | sed -n 's/^crun version //p')=$(command -v crun)")
	fi
	if [ -x "$src/../shared/tools/crun-1.27.1/crun" ]; then
		peers+=("crun-1.27.1=$(realpath "$src/../shared/tools/crun-1.27.1/crun")")
	fi
fi
[ ${#peers[@]} -gt 0 ] || echo "bench: no crun found (apt-get install crun): hardrun alone" >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/hardrun-bench.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
args=()
for p in "${peers[@]}"; do args+=(--peer "$p"); done
/usr/bin/python3 "$here/bench.py" --hardrun "$hardrun" "${args[@]}" "${quick[@]}" \
	--rounds "$rounds" --out "$out" --work "$work"
echo "bench: $out/results.md, $out/results.json"
