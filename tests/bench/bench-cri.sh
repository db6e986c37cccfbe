#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench-cri`: Kubernetes' path measured: pod start time (RunPodSandbox, CreateContainer,
# StartContainer) and ExecSync latency through containerd's CRI plugin, with hardrun, Debian's
# runc and Debian's crun (and ../shared/tools/crun-1.27.1 beside the checkout, when there) as
# the runtime handler, paired and rotated in one guest boot (tests/vm/clients/cri-bench.py;
# containerd as the cri group of make check-clients runs it, cgroupfs driver). Writes
# DIR/results.md (default DIR: bench-results-cri). The guest emulates its CPU in software: the
# times are slow, the ratios are what to read. Measurements, never assertions.
#
#   tests/bench/bench-cri.sh [--rounds N] [--execs N] [--out DIR] HARDRUN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rounds=5 execs=10 out=$PWD/bench-results-cri
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2 && shift ;;
	--execs) execs=$2 && shift ;;
	--out) out=$2 && shift ;;
	-*) echo "bench-cri: unknown option $1" >&2 && exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || {
	sed -n '11p' "$0" | sed 's/^# *//' >&2
	exit 2
}
hardrun=$(realpath "$1")
case $hardrun in
/tmp/* | /run/*)
	echo "bench-cri: $hardrun is under /tmp or /run, which the guest covers with a tmpfs" >&2
	exit 2
	;;
esac
for tool in runc crun containerd; do
	command -v "$tool" >/dev/null || {
		echo "bench-cri: $tool is missing: apt-get install $tool" >&2
		exit 2
	}
done
handlers="hardrun runc crun"
peer_1_27=""
if [ -x "$src/../shared/tools/crun-1.27.1/crun" ]; then
	peer_1_27=$(realpath "$src/../shared/tools/crun-1.27.1/crun")
	handlers="$handlers crun-1.27.1"
fi

work=$(mktemp -d /var/tmp/hardrun-bench-cri.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
export HR_CLIENTS_IMAGE=hardrun.test/busybox:1
"$src/tests/vm/clients/make-image.sh" "$work" "$HR_CLIENTS_IMAGE" >/dev/null
"$src/tests/vm/clients/cri-stubs.sh" "$work/cri-stubs" >/dev/null
export HARDRUN=$hardrun HR_CLIENTS_ROOTFS=$work/rootfs HR_CLIENTS_TAR=$work/rootfs.tar \
	HR_CLIENTS_IMAGE_TAR=$work/image.tar HR_CRI_STUBS=$work/cri-stubs \
	HR_CRI_BENCH="$rounds $execs $handlers" HR_CRI_BENCH_CRUN_1_27=$peer_1_27

mkdir -p "$out"
log=$out/guest.log
echo "bench-cri: booting the guest ($rounds rounds, handlers $handlers; its output in $log)" >&2
if ! "$src/tests/vm/run-in-vm.sh" --mem 3072 --timeout 3600 "$src/tests/vm/clients/guest.sh" \
	cri-bench >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "bench-cri: the guest failed" >&2
	exit 1
fi
sed -n '/^cri-bench: [0-9]* rounds/,$p' "$log" | grep -v '^clients-guest' | tr -d '\r' >"$out/results.md"
cat "$out/results.md"
