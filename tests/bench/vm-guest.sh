#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the guest kernel for tests/bench/bench-vm.sh: bench.py's guest cases with one cgroup
# manager, hardrun against Debian's crun, ../shared/tools/crun-1.27.1 when the checkout has it
# beside it, and runc when installed (here, where it cannot touch the host's cgroups). The
# guest's writes vanish: the results come back on stdout between "=== FILE" markers.
#
#   tests/bench/vm-guest.sh MANAGER HARDRUN ROUNDS
set -euo pipefail
[ $# -eq 3 ] || {
	sed -n '8p' "$0" | sed 's/^# *//' >&2
	exit 2
}
manager=$1 hardrun=$2 rounds=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
peers=()
if command -v crun >/dev/null; then
	peers+=(--peer "crun-$(crun --version | sed -n 's/^crun version //p')=$(command -v crun)")
fi
if [ -x "$src/../shared/tools/crun-1.27.1/crun" ]; then
	peers+=(--peer "crun-1.27.1=$(realpath "$src/../shared/tools/crun-1.27.1/crun")")
fi
if command -v runc >/dev/null; then
	peers+=(--peer "runc=$(command -v runc)")
fi
work=$(mktemp -d /tmp/hardrun-bench.XXXXXX)
/usr/bin/python3 "$here/bench.py" --hardrun "$hardrun" "${peers[@]}" --vm "$manager" \
	--rounds "$rounds" --out "$work/out" --work "$work" >/dev/null
for f in results.md results.json; do
	echo "=== $f"
	cat "$work/out/$f"
done
echo "=== end"
