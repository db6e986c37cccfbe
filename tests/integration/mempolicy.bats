#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.memoryPolicy: the container's processes (init and exec'd ones) start with the NUMA
# memory policy of the config, seen in /proc/self/numa_maps ("bind:0", "interleave:0", ...: the
# policy of each mapping, the process's own for mappings without one); a bad policy is refused
# with its JSON path by validate and create alike, before anything is left behind. The host has
# one NUMA node (0); tests/vm/numa.bats runs in a guest with two.

load lib

# What the policy of a process in the container looks like: the first line of its numa_maps
# (its executable's first mapping, which has no policy of its own) without the address:
# "POLICY file=/bin/busybox ...", POLICY being "bind:0", "prefer (many):0", ...
POLICY_CMD='head -n 1 /proc/self/numa_maps | cut -d " " -f 2-'
POLICY_ARGS='["sh", "-c", "head -n 1 /proc/self/numa_maps | cut -d \" \" -f 2-"]'

# assert_policy WHAT EXPECTED: $output is such a line with the policy EXPECTED.
assert_policy() {
	[[ $output == "$2 file="* ]] || fail "$1: expected the policy \"$2\", got \"$output\""
}

make_policy_bundle() {
	make_bundle
	# no linux.resources: with the cgroup manager disabled, hardrun warns about them on stderr
	update_config "c['process']['terminal'] = False; c['process']['args'] = $POLICY_ARGS
c['linux'].pop('resources', None)"
}

# run_policy POLICY_JSON EXPECTED: run with linux.memoryPolicy = POLICY_JSON (python literal);
# the container's process must report EXPECTED.
run_policy() {
	update_config "c['linux']['memoryPolicy'] = $1"
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	run -0 hr run --bundle "$BUNDLE" "mp$((++n_policy))"
	assert_policy "memoryPolicy $1" "$2"
}

# refused POLICY_JSON MESSAGE: linux.memoryPolicy POLICY_JSON refused with MESSAGE.
refused() {
	assert_config_refused "c['linux']['memoryPolicy'] = $1" "$2"
}

@test "linux.memoryPolicy: each mode is in effect in the container's process" {
	make_policy_bundle
	n_policy=0
	run -0 hr run --bundle "$BUNDLE" none
	assert_policy "no memoryPolicy" default
	run_policy '{"mode": "MPOL_BIND", "nodes": "0"}' "bind:0"
	run_policy '{"mode": "MPOL_INTERLEAVE", "nodes": "0"}' "interleave:0"
	run_policy '{"mode": "MPOL_PREFERRED", "nodes": "0"}' "prefer:0"
	run_policy '{"mode": "MPOL_PREFERRED_MANY", "nodes": "0"}' "prefer (many):0"
	run_policy '{"mode": "MPOL_LOCAL"}' "local"
	run_policy '{"mode": "MPOL_DEFAULT", "nodes": ""}' "default"
	run_policy '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}' \
		"bind=static:0"
	run_policy '{"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_RELATIVE_NODES"]}' \
		"interleave=relative:0"
}

@test "linux.memoryPolicy: create+start and exec'd processes have it too" {
	make_policy_bundle
	update_config 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}
c["process"]["args"] = ["sleep", "1000"]'
	hr_bg create --bundle "$BUNDLE" ct
	hr_bg start ct
	run -0 hr exec ct sh -c 'head -n 1 /proc/1/numa_maps | cut -d " " -f 2-'
	assert_policy "init (sleep)" "interleave:0"
	run -0 hr exec ct sh -c "$POLICY_CMD"
	assert_policy exec "interleave:0"
	run -0 hr exec --process - ct <<<"{\"args\": $POLICY_ARGS, \"cwd\": \"/\"}"
	assert_policy "exec --process" "interleave:0"
}

@test "linux.memoryPolicy: MPOL_WEIGHTED_INTERLEAVE where the kernel has it, refused by name where not" {
	make_policy_bundle
	update_config 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_WEIGHTED_INTERLEAVE", "nodes": "0"}'
	# validate checks the config, not this machine
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
		run -0 hr run --bundle "$BUNDLE" wi
		assert_policy MPOL_WEIGHTED_INTERLEAVE "weighted interleave:0"
	else
		run -1 hr run --bundle "$BUNDLE" wi
		assert_output_contains "linux.memoryPolicy.mode: MPOL_WEIGHTED_INTERLEAVE is not supported by this kernel"
		[ -z "$(ls -A "$HR_ROOT")" ] || fail "a refused container left $(ls -A "$HR_ROOT") behind"
	fi
}

@test "linux.memoryPolicy: bad modes, flags and node lists are refused with their JSON path by validate and run" {
	make_policy_bundle
	refused '{"mode": "MPOL_FASTEST", "nodes": "0"}' \
		'linux.memoryPolicy.mode: unknown mode "MPOL_FASTEST"'
	refused '{"nodes": "0"}' 'linux.memoryPolicy.mode: required property is missing'
	refused '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_SOON"]}' \
		'linux.memoryPolicy.flags[1]: unknown flag "MPOL_F_SOON"'
	refused '{"mode": "MPOL_BIND", "nodes": "0-"}' \
		'linux.memoryPolicy.nodes: "0-" is not a node list'
	refused '{"mode": "MPOL_BIND", "nodes": "1,a"}' \
		'linux.memoryPolicy.nodes: "1,a" is not a node list'
	refused '{"mode": "MPOL_BIND", "nodes": "3-1"}' \
		'linux.memoryPolicy.nodes: "3-1": the range 3-1 goes backwards'
	refused '{"mode": "MPOL_BIND"}' 'linux.memoryPolicy.nodes: required: MPOL_BIND'
	refused '{"mode": "MPOL_LOCAL", "nodes": "0"}' \
		'linux.memoryPolicy.nodes: must be empty: MPOL_DEFAULT and MPOL_LOCAL take no nodes'
	refused '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}' \
		'linux.memoryPolicy.flags[1]: MPOL_F_RELATIVE_NODES: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other'
	refused '{"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING"]}' \
		'linux.memoryPolicy.flags[0]: MPOL_F_NUMA_BALANCING: MPOL_F_NUMA_BALANCING goes only with MPOL_BIND'
}

@test "linux.memoryPolicy: a node that is not online is refused by run, by name; validate does not look" {
	make_policy_bundle
	# a node above every online one (the guest has 0-1, most hosts 0)
	local off
	off=$(($(tr ',-' '\n\n' </sys/devices/system/node/online | sort -n | tail -1) + 1))
	update_config "c['linux']['memoryPolicy'] = {'mode': 'MPOL_BIND', 'nodes': '0,$off'}"
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	run -1 hr run --bundle "$BUNDLE" off
	assert_output_contains "linux.memoryPolicy.nodes: node $off is not online on this machine"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "a refused container left $(ls -A "$HR_ROOT") behind"
	# relative node numbers are not node IDs: the kernel folds them onto the allowed nodes
	update_config 'c["linux"]["memoryPolicy"]["flags"] = ["MPOL_F_RELATIVE_NODES"]'
	run -0 hr run --bundle "$BUNDLE" rel
	assert_policy MPOL_F_RELATIVE_NODES "bind=relative:0"
}
