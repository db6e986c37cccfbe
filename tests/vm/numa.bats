#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.memoryPolicy on a machine with two NUMA nodes (the host has one): the policy the
# container's processes start with names the nodes of the config, and their memory comes from
# those nodes. Runs only inside the guest kernel, booted with two nodes (check.sh's default,
# run-in-vm.sh --numa 2):
#
#   tests/vm/check.sh ./hardrun tests/vm/numa.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

setup_file() {
	guest_only || return 1
	if [ "$(cat /sys/devices/system/node/online)" != 0-1 ]; then
		echo "numa.bats needs a guest with NUMA nodes 0-1 (run-in-vm.sh --numa 2), not:" \
			"$(cat /sys/devices/system/node/online)" >&2
		return 1
	fi
}

# The first line of the process's numa_maps without its address: its executable's first
# mapping, which has no policy of its own: "POLICY file=/bin/busybox ...".
POLICY_ARGS='["sh", "-c", "head -n 1 /proc/self/numa_maps | cut -d \" \" -f 2-"]'

make_policy_bundle() {
	make_bundle
	update_config "c['process']['terminal'] = False; c['process']['args'] = $POLICY_ARGS"
}

# run_policy POLICY_JSON EXPECTED: the container's process starts with the policy EXPECTED.
run_policy() {
	update_config "c['linux']['memoryPolicy'] = $1"
	run -0 hr run --bundle "$BUNDLE" "mp$((++n_policy))"
	[[ ${lines[-1]} == "$2 file="* ]] ||
		fail "memoryPolicy $1: expected the policy \"$2\", got \"${lines[-1]}\""
}

@test "guest: MPOL_INTERLEAVE, MPOL_BIND, MPOL_PREFERRED and MPOL_PREFERRED_MANY name the nodes of the config" {
	make_policy_bundle
	n_policy=0
	run_policy '{"mode": "MPOL_INTERLEAVE", "nodes": "0-1"}' "interleave:0-1"
	run_policy '{"mode": "MPOL_BIND", "nodes": "1"}' "bind:1"
	run_policy '{"mode": "MPOL_BIND", "nodes": "0,1", "flags": ["MPOL_F_STATIC_NODES"]}' \
		"bind=static:0-1"
	run_policy '{"mode": "MPOL_PREFERRED", "nodes": "1"}' "prefer:1"
	run_policy '{"mode": "MPOL_PREFERRED_MANY", "nodes": "0-1"}' "prefer (many):0-1"
	run_policy '{"mode": "MPOL_LOCAL"}' "local"
}

@test "guest: MPOL_BIND to node 1: the container's memory comes from node 1, for init and exec alike" {
	make_bundle
	update_config 'c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
c["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "1"}'
	hr run -d --bundle "$BUNDLE" b1 </dev/null >"$HR_TMP/b1.log" 2>&1 ||
		fail "run -d: $(cat "$HR_TMP/b1.log")"
	# the heap of a process started by exec: its pages on node 1 (N1=), none on node 0 (lines
	# are "ADDRESS POLICY heap anon=N ... N1=N ...")
	run -0 hr exec b1 grep -F ' heap ' /proc/self/numa_maps
	[[ ${lines[-1]} == *" bind:1 heap "* ]] || fail "exec: expected a heap bound to 1: ${lines[-1]}"
	[[ ${lines[-1]} == *" N1="* && ${lines[-1]} != *" N0="* ]] ||
		fail "exec: heap pages not (only) on node 1: ${lines[-1]}"
	run -0 hr exec b1 grep -F ' stack' /proc/1/numa_maps
	[[ ${lines[-1]} == *" bind:1 stack "* && ${lines[-1]} == *" N1="* && ${lines[-1]} != *" N0="* ]] ||
		fail "init: expected its stack bound to and on node 1: ${lines[-1]}"
}

@test "guest: a node that is not online, a mode or flag this kernel lacks: refused by run, by name" {
	make_policy_bundle
	update_config 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_INTERLEAVE", "nodes": "0-2"}'
	run -1 hr run --bundle "$BUNDLE" off
	assert_output_contains "linux.memoryPolicy.nodes: node 2 is not online on this machine"
	update_config 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_WEIGHTED_INTERLEAVE", "nodes": "0-1"}'
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
		run -0 hr run --bundle "$BUNDLE" wi
		[[ ${lines[-1]} == "weighted interleave:0-1 file="* ]] || fail "got: ${lines[-1]}"
	else
		run -1 hr run --bundle "$BUNDLE" wi
		assert_output_contains "linux.memoryPolicy.mode: MPOL_WEIGHTED_INTERLEAVE is not supported by this kernel ($(uname -r))"
	fi
	# MPOL_F_NUMA_BALANCING: with MPOL_BIND since Linux 5.12; with MPOL_PREFERRED_MANY only later
	update_config 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0-1", "flags": ["MPOL_F_NUMA_BALANCING"]}'
	run -0 hr run --bundle "$BUNDLE" nb
	# numa_maps spells the flag as mpol_to_str does: "bind=balancing"
	[[ ${lines[-1]} == "bind=balancing:0-1 file="* ]] || fail "MPOL_F_NUMA_BALANCING: got ${lines[-1]}"
	update_config 'c["linux"]["memoryPolicy"]["mode"] = "MPOL_PREFERRED_MANY"'
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	run hr run --bundle "$BUNDLE" nbpm
	if [ "$status" -ne 0 ]; then
		assert_output_contains "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING with MPOL_PREFERRED_MANY is not supported by this kernel"
	else
		[[ ${lines[-1]} == "prefer (many)=balancing:0-1 file="* ]] || fail "got ${lines[-1]}"
	fi
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "containers left behind: $(ls -A "$HR_ROOT")"
}
