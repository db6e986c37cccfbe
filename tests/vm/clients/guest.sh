#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Inside the guest kernel (check-clients.sh boots it with run-in-vm.sh): starts the engine of
# GROUP as a real client of hardrun, runs GROUP's tests against it, prints the summary.
#
#   tests/vm/clients/guest.sh GROUP
#
# GROUP: containerd (runtime.bats, then containerd.bats), docker (docker.bats: containerd,
# then dockerd with the cgroupfs driver), docker-systemd (docker-systemd.bats: the same with
# the systemd cgroup driver; the guest must run systemd), podman (podman.bats, then
# podman-rootless.bats: Podman run by an unprivileged user), cri (cri.bats: containerd's CRI
# plugin with contrib/kubernetes/containerd.toml, driven by tests/vm/clients/cri.py as kubelet
# drives it, with the cgroupfs driver; cri-systemd: the same with the systemd driver),
# cri-bench (make bench-cri's guest: tests/vm/clients/cri-bench.py, with HR_CRI_BENCH).
# Environment (from check-clients.sh): HARDRUN, HR_CLIENTS_ROOTFS (a busybox root
# filesystem), HR_CLIENTS_TAR (the same as a tarball), HR_SCHEMA_DIR, HR_CLIENTS_TEST_TIMEOUT
# (seconds per test, default 300), HR_CLIENTS_FILTER (a regular expression: only the tests
# whose names match run, as bats --filter; for working on a few), CI (a skipped test counts as
# failed).
# Ends with "clients-guest[GROUP]: N passed, N failed"; exits non-zero when a test failed or
# none ran.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
group=${1:?usage: guest.sh containerd|docker|docker-systemd|podman|cri|cri-systemd|cri-bench}
: "${HARDRUN:?}" "${HR_CLIENTS_ROOTFS:?}" "${HR_CLIENTS_TAR:?}"
logs=/run/hardrun-clients
mkdir -p "$logs"
export HR_CLIENTS_LOGS=$logs HR_CLIENTS_REPO=$repo

# the engines' own binaries, never another docker CLI that PATH may hold first
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export BATS_TEST_TIMEOUT=${HR_CLIENTS_TEST_TIMEOUT:-300}

say() { echo "clients-guest[$group]: $*"; }

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every second
wait_for() {
	local limit=$1 what=$2 start=$SECONDS
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		if [ $((SECONDS - start)) -ge "$limit" ]; then
			say "FAILED: $what not ready after ${limit}s"
			return 1
		fi
		sleep 1
	done
	say "$what ready after $((SECONDS - start))s"
}

# containerd with contrib/containerd/config.toml (its BinaryName pointed at the hardrun under
# test), so that the shipped snippet is what containerd loads.
start_containerd() {
	local conf=$logs/containerd.toml
	sed "s|/usr/local/sbin/hardrun|$HARDRUN|" "$repo/contrib/containerd/config.toml" >"$conf"
	mkdir -p /run/containerd /var/lib/containerd
	containerd --config "$conf" >"$logs/containerd.log" 2>&1 &
	export HR_CLIENTS_CONTAINERD_CONFIG=$conf
	wait_for 90 containerd ctr version
}

# dockerd on that containerd, with contrib/docker/daemon.json plus what the guest needs (no
# network, vfs storage) and the cgroup driver asked for.
start_dockerd() {
	local driver=$1 conf=$logs/daemon.json
	/usr/bin/python3 - "$repo/contrib/docker/daemon.json" "$HARDRUN" "$driver" >"$conf" <<-'EOF'
		import json, sys
		conf = json.load(open(sys.argv[1]))
		conf["runtimes"]["hardrun"]["path"] = sys.argv[2]
		conf.update({"iptables": False, "bridge": "none", "storage-driver": "vfs",
		             "exec-opts": ["native.cgroupdriver=" + sys.argv[3]]})
		print(json.dumps(conf))
	EOF
	dockerd --config-file "$conf" --containerd=/run/containerd/containerd.sock \
		>"$logs/dockerd.log" 2>&1 &
	wait_for 180 dockerd /usr/bin/docker version
}

# containerd as a Kubernetes node runs it: contrib/kubernetes/containerd.toml with hardrun's
# path, the locally made image as the pod sandbox image and the cgroup driver DRIVER; a CNI
# bridge network for the pods (a cluster's network add-on writes one); the image imported into
# the k8s.io namespace, where the CRI plugin looks for it. (The CRI plugin brings up each pod's
# lo itself, with the CNI loopback plugin.)
start_cri() {
	local driver=$1 conf=$logs/containerd.toml systemd_cgroup=false
	[ "$driver" = cgroupfs ] || systemd_cgroup=true
	sed -e "s|/usr/local/sbin/hardrun|$HARDRUN|" \
		-e "s|^\( *sandbox_image = \).*|\1\"$HR_CLIENTS_IMAGE\"|" \
		-e "s|^\( *SystemdCgroup = \).*|\1$systemd_cgroup|" \
		"$repo/contrib/kubernetes/containerd.toml" >"$conf"
	# the overlayfs snapshotter cannot put its upper directories in the guest's overlay root
	mkdir -p /run/containerd /var/lib/containerd /etc/cni/net.d
	mount -t tmpfs -o mode=0711 tmpfs /var/lib/containerd || return 1
	cat >/etc/cni/net.d/10-hardrun-test.conflist <<-'EOF'
		{"cniVersion": "0.4.0", "name": "hardrun-test", "plugins": [
		  {"type": "bridge", "bridge": "hr-cni0", "isGateway": true, "ipMasq": false,
		   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.88.0.0/16"}]],
		            "routes": [{"dst": "0.0.0.0/0"}]}}]}
	EOF
	# the benchmark's peers (make bench-cri): runc is the file's own default handler
	if [ -n "${HR_CRI_BENCH:-}" ]; then
		add_handler "$conf" crun "${HR_CRI_BENCH_CRUN:-/usr/bin/crun}"
		[ -z "${HR_CRI_BENCH_CRUN_1_27:-}" ] || add_handler "$conf" crun-1.27.1 "$HR_CRI_BENCH_CRUN_1_27"
	fi
	containerd --config "$conf" >"$logs/containerd.log" 2>&1 &
	export HR_CLIENTS_CONTAINERD_CONFIG=$conf HR_CRI_DRIVER=$driver
	wait_for 90 containerd ctr version || return 1
	ctr --namespace k8s.io images import "$HR_CLIENTS_IMAGE_TAR" || return 1
	wait_for 60 "the CRI service" /usr/bin/python3 "$here/cri.py" version
}

# add_handler CONF NAME BINARY: one more CRI runtime handler, the runc shim with BinaryName
add_handler() {
	cat >>"$1" <<-EOF

		[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."$2"]
		  runtime_type = "io.containerd.runc.v2"
		  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes."$2".options]
		    BinaryName = "$3"
	EOF
}

daemon_logs() {
	local f
	for f in "$logs"/*.log; do
		[ -s "$f" ] || continue
		echo "---- last lines of $f"
		grep -v 'loading plugin\|\[core\]' "$f" | tail -n 40
	done
}

# pick_driver: the cgroup driver the group's name asks for, in $driver: systemd for GROUP-systemd
# (systemd must be PID 1: run-in-vm.sh --systemd), cgroupfs for the others
pick_driver() {
	driver=cgroupfs
	case $group in *-systemd) driver=systemd ;; esac
	if [ "$driver" = systemd ] && [ ! -d /run/systemd/system ]; then
		say "FAILED: systemd is not PID 1 (boot with run-in-vm.sh --systemd)"
		say "0 passed, 1 failed"
		exit 1
	fi
}

files=()
case $group in
containerd)
	start_containerd || { daemon_logs; say "0 passed, 1 failed"; exit 1; }
	files=("$here/runtime.bats" "$here/containerd.bats")
	;;
docker | docker-systemd)
	pick_driver
	{ start_containerd && start_dockerd "$driver"; } ||
		{ daemon_logs; say "0 passed, 1 failed"; exit 1; }
	files=("$here/$group.bats")
	;;
podman)
	files=("$here/podman.bats" "$here/podman-rootless.bats")
	;;
cri | cri-systemd)
	pick_driver
	start_cri "$driver" || { daemon_logs; say "0 passed, 1 failed"; exit 1; }
	files=("$here/cri.bats")
	;;
cri-bench)
	# make bench-cri (tests/bench/bench-cri.sh): measurements, no tests. Every runtime runs from
	# the guest's tmpfs: the host's files come over 9p, where reading a whole binary (hardrun's
	# sealed copy of itself, each command) costs far more than on a disk's page cache, and
	# mapping it (crun's, runc's re-exec) does not
	bin=/run/hardrun-bench-bin
	mkdir -p "$bin"
	cp "$HARDRUN" "$bin/hardrun" && cp "$(command -v runc)" "$bin/runc" && cp /usr/bin/crun "$bin/crun" ||
		exit 1
	if [ -n "${HR_CRI_BENCH_CRUN_1_27:-}" ]; then
		cp "$HR_CRI_BENCH_CRUN_1_27" "$bin/crun-1.27.1" || exit 1
		HR_CRI_BENCH_CRUN_1_27=$bin/crun-1.27.1
	fi
	# the runc handler has no BinaryName: the shim finds runc in containerd's PATH
	export HARDRUN=$bin/hardrun HR_CRI_BENCH_CRUN=$bin/crun PATH=$bin:$PATH
	start_cri cgroupfs || { daemon_logs; exit 1; }
	say "kernel $(uname -r), $(nproc) cpu, hardrun $("$HARDRUN" --version | head -n 1)"
	# shellcheck disable=SC2086 # "ROUNDS EXECS HANDLER..."
	/usr/bin/python3 "$here/cri-bench.py" $HR_CRI_BENCH || { daemon_logs; exit 1; }
	exit 0
	;;
*)
	echo "guest.sh: unknown group $group" >&2
	exit 2
	;;
esac

say "kernel $(uname -r), $(nproc) cpu, hardrun $("$HARDRUN" --version | head -n 1)"
tap=$logs/tap
filter=()
[ -z "${HR_CLIENTS_FILTER:-}" ] || filter=(--filter "$HR_CLIENTS_FILTER")
bats --formatter tap "${filter[@]}" "${files[@]}" 2>&1 | tee "$tap"
passed=$(grep '^ok ' "$tap" | grep -vc '# skip' || true)
skipped=$(grep '^ok ' "$tap" | grep -c '# skip' || true)
failed=$(grep -c '^not ok ' "$tap" || true)
if [ "$skipped" -gt 0 ]; then
	say "$skipped test(s) skipped"
	[ -z "${CI:-}" ] || failed=$((failed + skipped))
fi
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
if [ -z "$planned" ] || [ $((passed + failed + skipped)) -lt "$planned" ]; then
	say "FAILED: bats stopped before the end (planned ${planned:-?})"
	failed=$((failed + 1))
fi
[ "$failed" -eq 0 ] || daemon_logs
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
