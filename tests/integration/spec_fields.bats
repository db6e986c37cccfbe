#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# No field of a config is silently dropped: a key the runtime-spec does not know is a warning
# naming its path, a section of another platform a warning that it is ignored, and a Linux
# field hardrun does not implement is refused by path and reason, by validate and create alike.

load lib

@test "unknown keys and other platforms' sections: one warning each, naming the path; the container runs" {
	make_bundle
	update_config '
c["process"]["terminal"] = False
c["process"]["args"] = ["echo", "ran"]
c["x-vendor"] = {"a": 1}
c["process"]["capabilities"]["bounding2"] = []
c["linux"]["resources"] = {"memory": {"limitt": 5}}
c["windows"] = {"layerFolders": ["C:\\\\layers"]}
c["mounts"][0]["sourceX"] = "typo"'
	run -0 --separate-stderr "$HARDRUN" validate --bundle "$BUNDLE"
	[ "$output" = ok ] || fail "$output"
	local cfg=$BUNDLE/config.json
	for path in x-vendor process.capabilities.bounding2 linux.resources.memory.limitt "mounts[0].sourceX"; do
		[[ $stderr == *"warning: $cfg: $path: not a field of the runtime-spec 1.3, ignored"* ]] ||
			fail "no warning for $path: $stderr"
	done
	[[ $stderr == *"warning: $cfg: windows: a field for Windows, ignored on Linux"* ]] || fail "$stderr"
	run -0 --separate-stderr hr run --bundle "$BUNDLE" unknown
	[ "$output" = ran ] || fail "$output"
	[ "$(grep -c 'not a field of the runtime-spec' <<<"$stderr")" = 4 ] || fail "said more than once: $stderr"
	# exec --process: the same check on a process document
	update_config 'c["process"]["args"] = ["sleep", "1000"]'
	hr run -d --bundle "$BUNDLE" unknown2 </dev/null >"$HR_TMP/out" 2>&1 || fail "$(cat "$HR_TMP/out")"
	run -0 --separate-stderr hr exec --process - unknown2 <<<'{"args": ["echo", "exec-ran"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "colour": "red"}'
	[ "$output" = exec-ran ] || fail "$output"
	[[ $stderr == *"warning: -: colour: not a field of the runtime-spec 1.3, ignored"* ]] || fail "$stderr"
	hr delete --force unknown2
}

@test "spec fields hardrun does not implement are refused by path and reason, by validate and run alike" {
	make_bundle
	update_config '
c["process"]["terminal"] = False
c["linux"]["intelRdt"] = {"closID": "guaranteed"}
c["linux"]["resources"] = {"network": {"classID": 1048577}}'
	local expected=(
		"linux.intelRdt: Intel RDT (resctrl) is not supported"
		"linux.resources.network: cgroup v2 has no net_cls or net_prio controller")
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	for e in "${expected[@]}"; do
		assert_output_contains "$e"
	done
	run -1 hr run --bundle "$BUNDLE" refused
	# the first problem in the document's order, and the count of the others
	assert_output_contains "linux.resources.network: cgroup v2 has no net_cls or net_prio controller"
	assert_output_contains "(and 1 more problem)"
	[ ! -e "$HR_ROOT/refused" ] || fail "a refused container left its state behind"
	# empty, they ask for nothing: accepted
	update_config '
c["linux"]["intelRdt"] = {}
c["linux"]["netDevices"] = {}
c["linux"]["resources"] = {"rdma": {}, "network": None}'
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
}

@test "cgroup v1's knobs: limits refused by validate and run alike, tuning warned about; mountLabel needs SELinux" {
	make_bundle
	update_config '
c["process"]["terminal"] = False
c["process"]["args"] = ["true"]
c["linux"]["resources"] = {"memory": {"kernel": 67108864, "disableOOMKiller": True},
    "cpu": {"realtimeRuntime": 950000}}'
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains "linux.resources.memory.kernel: cgroup v2 has no kernel memory limit of its own"
	assert_output_contains "linux.resources.memory.disableOOMKiller: cgroup v2 cannot turn the OOM killer off"
	assert_output_contains "linux.resources.cpu.realtimeRuntime: real-time CPU limits do not exist in cgroup v2"
	run -1 hr run --bundle "$BUNDLE" v1knobs
	assert_output_contains "linux.resources.memory.kernel: cgroup v2 has no kernel memory limit of its own"
	[ ! -e "$HR_ROOT/v1knobs" ] || fail "a refused container left its state behind"
	# what engines send when nothing is asked: accepted; a swappiness only warns
	update_config '
c["linux"]["resources"] = {"memory": {"kernel": -1, "disableOOMKiller": False, "swappiness": 10},
    "cpu": {"realtimeRuntime": 0}}'
	run -0 --separate-stderr "$HARDRUN" validate --bundle "$BUNDLE"
	[[ $stderr == *"warning: "*"linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness"*"ignored"* ]] || fail "$stderr"
	# mountLabel: the container's filesystems would run unlabelled without SELinux
	update_config 'c["linux"].pop("resources"); c["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2"'
	if [ -d /sys/fs/selinux ] && grep -qw selinuxfs /proc/filesystems; then
		run -0 hr run --bundle "$BUNDLE" labelled
	else
		run -1 hr run --bundle "$BUNDLE" labelled
		assert_output_contains "linux.mountLabel is set but SELinux is not enabled on this host"
		[ ! -e "$HR_ROOT/labelled" ] || fail "a refused container left its state behind"
	fi
}
