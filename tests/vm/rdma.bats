#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.resources.rdma against a real kernel: rdma.max of the container's cgroup, at create and
# by update, on a soft-RoCE device (rdma_rxe over a veth pair made in the guest); a device the
# kernel does not know, and a cgroup the rdma controller is not available to, are refused by
# JSON path. Runs only inside the guest kernel:
#
#   tests/vm/check.sh ./hardrun tests/vm/rdma.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

CG=/sys/fs/cgroup
DEV=hrrxe0

# A soft-RoCE device over a veth pair: Debian's kernel has rdma_rxe, and without a device
# rdma.max could not be checked at all, so a guest without one fails.
setup_file() {
	guest_only || return 1
	if ! modinfo rdma_rxe >/dev/null 2>&1; then
		echo "no rdma_rxe for this kernel: no RDMA device to test rdma.max with" >&2
		return 1
	fi
	[ -e /sys/class/infiniband/$DEV ] && return 0
	modprobe rdma_rxe &&
		ip link add hrrdma0 type veth peer name hrrdma1 &&
		ip link set hrrdma0 up && ip link set hrrdma1 up &&
		rdma link add $DEV type rxe netdev hrrdma0 || {
		echo "rdma_rxe is there but no soft-RoCE device could be made" >&2
		return 1
	}
}

have_device() { [ -e /sys/class/infiniband/$DEV ]; }

# rdma.max's line for a device, without the space the kernel ends it with.
rdma_line() {
	sed -n "s/ *\$//; /^$2 /p" "$CG/$1/rdma.max"
}

sleeper_bundle() {
	make_bundle
	update_config "c['process']['terminal'] = False; c['process']['args'] = ['sleep', '1000']
c['linux']['resources']['rdma'] = $1"
}

@test "rdma: rdma.max has the configured line, update changes it, an unknown device is named" {
	have_device || fail "no RDMA device $DEV"
	sleeper_bundle "{'$DEV': {'hcaHandles': 2}}"
	hr_bg run -d --bundle "$BUNDLE" r1
	[ "$(rdma_line r1 $DEV)" = "$DEV hca_handle=2 hca_object=max" ] ||
		fail "rdma.max: $(cat $CG/r1/rdma.max)"
	# the container sees its own cgroup's file
	run -0 hr exec r1 cat /sys/fs/cgroup/rdma.max
	assert_output_contains "$DEV hca_handle=2 hca_object=max"
	run -0 hr update --resources - r1 <<<"{\"rdma\": {\"$DEV\": {\"hcaHandles\": 5, \"hcaObjects\": 100}}}"
	[ "$(rdma_line r1 $DEV)" = "$DEV hca_handle=5 hca_object=100" ] ||
		fail "rdma.max after update: $(cat $CG/r1/rdma.max)"
	# both unset: back to no limit
	run -0 hr update --resources - r1 <<<"{\"rdma\": {\"$DEV\": {}}}"
	[ "$(rdma_line r1 $DEV)" = "$DEV hca_handle=max hca_object=max" ] ||
		fail "rdma.max after update: $(cat $CG/r1/rdma.max)"
	run -1 hr update --resources - r1 <<<'{"rdma": {"nosuchdev0": {"hcaHandles": 1}}}'
	assert_output_contains "linux.resources.rdma.nosuchdev0: the kernel has no such RDMA device"
	run -1 hr update --resources - r1 <<<"{\"rdma\": {\"$DEV\": {\"hcaHandles\": 2147483648}}}"
	assert_output_contains "rdma.$DEV.hcaHandles: 2147483648 is out of range (0..2147483647)"
	run -0 hr delete --force r1
	[ ! -e $CG/r1 ] || fail "cgroup r1 left behind"
}

@test "rdma: a device the kernel does not know fails create by JSON path, leaves nothing" {
	sleeper_bundle "{'nosuchdev0': {'hcaHandles': 1, 'hcaObjects': 10}}"
	run -1 hr create --bundle "$BUNDLE" r2
	assert_output_contains "linux.resources.rdma.nosuchdev0: the kernel has no such RDMA device"
	assert_output_contains 'set rdma.max to "nosuchdev0 hca_handle=1 hca_object=10"'
	[ ! -e $CG/r2 ] || fail "cgroup r2 left behind"
	[ ! -e "$HR_ROOT/r2" ] || fail "state directory left"
}

# In a mount namespace where /sys/fs/cgroup is a cgroup whose parent does not give it rdma:
# the container's cgroup cannot have the controller, whatever hardrun writes.
create_without_rdma() {
	local view=$CG/hrt-nordma
	mkdir -p $view/view
	echo "+cpu +cpuset +io +memory +pids +hugetlb +misc" >$view/cgroup.subtree_control
	run -1 unshare -m sh -c 'mount --bind "$1" /sys/fs/cgroup && shift && exec "$@"' sh \
		$view/view "$HARDRUN" --root "$HR_ROOT" --cgroup-manager cgroupfs create \
		--bundle "$BUNDLE" r3 </dev/null
	[ ! -e $view/view/r3 ] || fail "cgroup r3 left behind"
	rmdir $view/view $view
}

@test "rdma, unified: a controller the container's cgroup cannot have is refused by JSON path" {
	grep -qw rdma $CG/cgroup.controllers || fail "the guest has no rdma controller"
	sleeper_bundle "{'$DEV': {'hcaHandles': 1}}"
	create_without_rdma
	assert_output_contains "linux.resources.rdma: the rdma cgroup controller is not available"
	assert_output_contains "/sys/fs/cgroup/cgroup.controllers"
	update_config "c['linux']['resources'] = {'unified': {'rdma.max': '$DEV hca_handle=1'}}"
	create_without_rdma
	assert_output_contains 'linux.resources.unified["rdma.max"]: the rdma cgroup controller is not available'
}
