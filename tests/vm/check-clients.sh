#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check-clients`: real clients run their containers through hardrun: containerd 1.6
# (ctr and the runc shim), Docker 20.10 (cgroupfs and systemd cgroup drivers), Podman 4.3
# (conmon), and Kubernetes' path: containerd's CRI plugin driven as kubelet drives it, with
# hardrun as a RuntimeClass handler (cri and cri-systemd: the two cgroup drivers). Each group
# boots its own guest kernel (run-in-vm.sh, where the engines may start and own cgroups; never
# on the host) and runs tests/vm/clients/GROUP tests there through tests/vm/clients/guest.sh.
#
#   tests/vm/check-clients.sh [HARDRUN_BINARY]      (default: the hardrun of this checkout)
#
# Environment: HR_CLIENTS (the groups, default "containerd docker docker-systemd podman cri
# cri-systemd"), HR_CLIENTS_TIMEOUT (seconds per boot, default 900), HR_VM_MEM (MiB, default
# 3072), HR_SCHEMA_DIR (as for tests/integration/run.sh), HR_CLIENTS_FILTER (only the tests
# whose names match this regular expression), CI (a skipped test fails), HR_CRI_CACHE (as for
# tests/vm/clients/cri-stubs.sh).
# Ends with "clients: N passed, N failed"; exits non-zero when a test failed.
set -u

me=clients
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${1:-$repo/hardrun}
case $binary in
/*) ;;
*) binary=$PWD/$binary ;;
esac
if [ ! -x "$binary" ]; then
	echo "$me: $binary is not an executable: build hardrun first (make)" >&2
	exit 2
fi
case $binary in
/tmp/* | /run/*)
	echo "$me: $binary is under /tmp or /run, which the guest covers with a tmpfs" >&2
	exit 2
	;;
esac
# shellcheck source=tests/schema/schema-dir.sh
. "$repo/tests/schema/schema-dir.sh"
hr_schema_dir_check "$me" || exit 2
groups=${HR_CLIENTS:-containerd docker docker-systemd podman cri cri-systemd}
timeout_s=${HR_CLIENTS_TIMEOUT:-900}
mem=${HR_VM_MEM:-3072}

passed=0
failed=0
report=()
start_all=$(date +%s)

# What each group needs on the host (the guest runs the host's binaries). A missing one is a
# failure, not a skip: CI must install them (.ci/run).
need_for() {
	case $1 in
	containerd) echo "containerd:containerd ctr:containerd containerd-shim-runc-v2:containerd" ;;
	docker | docker-systemd)
		echo "containerd:containerd /usr/sbin/dockerd:docker.io /usr/bin/docker:docker.io docker-compose:docker-compose"
		[ "$1" = docker ] || echo "/usr/sbin/apparmor_parser:apparmor"
		;;
	podman) echo "podman:podman conmon:conmon /usr/sbin/criu:criu newuidmap:uidmap" ;;
	cri | cri-systemd)
		echo "containerd:containerd containerd-shim-runc-v2:containerd /usr/lib/cni/bridge:containernetworking-plugins"
		echo "/usr/lib/python3/dist-packages/grpc_tools:python3-grpc-tools"
		echo "/usr/lib/python3/dist-packages/grpc:python3-grpcio"
		echo "/usr/lib/python3/dist-packages/websocket:python3-websocket"
		echo "/usr/share/gocode/src/github.com/gogo/protobuf/gogoproto/gogo.proto:golang-github-gogo-protobuf-dev"
		;;
	esac
	# a GROUP-systemd guest boots the host's systemd as PID 1
	case $1 in *-systemd) echo "/lib/systemd/systemd:systemd dbus-daemon:dbus" ;; esac
	echo "bats:bats script:bsdutils python3:python3 qemu-system-x86_64:qemu-system-x86"
}

missing_for() {
	local item tool pkg out=""
	for item in $(need_for "$1"); do
		tool=${item%%:*} pkg=${item#*:}
		command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || [ -r "$tool" ] || out="$out $pkg"
	done
	echo "$out"
}

# The image (make-image.sh): busybox as a directory, a tarball and an image archive.
work=$(mktemp -d /var/tmp/hardrun-clients.XXXXXX) || exit 2
trap 'rm -rf --one-file-system "$work"' EXIT
make_image() {
	"$here/clients/make-image.sh" "$work" "$HR_CLIENTS_IMAGE"
}
export HR_CLIENTS_IMAGE=hardrun.test/busybox:1
if ! make_image; then
	echo "$me: 0 passed, 1 failed"
	exit 1
fi
export HARDRUN=$binary HR_SCHEMA_DIR HR_CLIENTS_ROOTFS=$work/rootfs HR_CLIENTS_TAR=$work/rootfs.tar \
	HR_CLIENTS_IMAGE_TAR=$work/image.tar HR_CRI_STUBS=$work/cri-stubs

for group in $groups; do
	echo "== $me: $group"
	missing=$(missing_for "$group")
	if [ -n "$missing" ]; then
		echo "$me: FAILED: $group needs, on the host: apt-get install$missing"
		failed=$((failed + 1))
		report+=("$group: not run, missing$missing")
		continue
	fi
	if [[ $group == cri* ]] && ! "$here/clients/cri-stubs.sh" "$HR_CRI_STUBS"; then
		echo "$me: FAILED: $group: no CRI client (see above)"
		failed=$((failed + 1))
		report+=("$group: not run, no CRI client")
		continue
	fi
	opts=(--mem "$mem" --timeout "$timeout_s")
	case $group in *-systemd) opts+=(--systemd) ;; esac
	log=$work/$group.log
	start=$(date +%s)
	"$here/run-in-vm.sh" "${opts[@]}" "$here/clients/guest.sh" "$group" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	took=$(($(date +%s) - start))
	line=$(grep -aE "^clients-guest\[$group\]: [0-9]+ passed, [0-9]+ failed\$" "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$me: FAILED: $group: the guest did not finish (run-in-vm.sh status $rc, see above)"
		failed=$((failed + 1))
		report+=("$group: did not finish (status $rc) after ${took}s")
		continue
	fi
	p=${line#*: }
	p=${p%% *}
	f=${line#*passed, }
	f=${f%% *}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$me: FAILED: $group: the guest exited with status $rc"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	report+=("$group: $p passed, $f failed in ${took}s")
done

echo
for r in "${report[@]}"; do
	echo "$me: $r"
done
echo "$me: took $(($(date +%s) - start_all))s"
echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
