#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The guest harness itself (tests/vm/check.sh runs this inside the guest kernel): cgroup v2 with
# the controllers the cgroup tests need, a usable hardrun, a hardened container run, and no
# cgroup left behind by it.

load ../integration/lib

# every cgroup directory below the root, one a line
cgroup_tree() {
	find /sys/fs/cgroup -mindepth 1 -type d | LC_ALL=C sort
}

@test "the guest has cgroup2 at /sys/fs/cgroup with memory, cpu and pids enabled" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
		fail "/sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup), not cgroup2: not in the guest?"
	run -0 cat /sys/fs/cgroup/cgroup.controllers
	for c in memory cpu pids; do
		[[ " $output " == *" $c "* ]] || fail "controller $c not available"
	done
	run -0 cat /sys/fs/cgroup/cgroup.subtree_control
	for c in memory cpu pids; do
		[[ " $output " == *" $c "* ]] || fail "controller $c not enabled for children of the root"
	done
}

@test "the guest can create a cgroup and set its limits" {
	cg=/sys/fs/cgroup/vm-harness-probe.$$
	mkdir "$cg"
	echo 268435456 >"$cg/memory.max" && echo "50000 100000" >"$cg/cpu.max" && echo 64 >"$cg/pids.max"
	run -0 cat "$cg/memory.max" "$cg/cpu.max" "$cg/pids.max"
	rmdir "$cg"
	assert_output_contains "268435456"
	assert_output_contains "50000 100000"
	assert_line_matches '^64$'
}

@test "hardrun --version runs in the guest" {
	run -0 "$HARDRUN" --version
	assert_line_matches '^hardrun version [0-9]'
}

@test "a production-profile busybox container runs (cgroups disabled) and leaves no cgroup" {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production >/dev/null
	update_config 'c["process"]["args"] = ["sh", "-c", "echo hello-from-the-guest; id -u; grep -c . /proc/self/cgroup"]'
	before=$(cgroup_tree)
	run -0 --separate-stderr "$HARDRUN" --root "$HR_ROOT" --cgroup-manager=disabled \
		run --bundle "$BUNDLE" vm-smoke
	assert_output_contains hello-from-the-guest
	assert_line_matches '^1001$'
	after=$(cgroup_tree)
	[ "$before" = "$after" ] ||
		fail "cgroups changed across the run:" "$(diff <(echo "$before") <(echo "$after"))"
	run find /sys/fs/cgroup -mindepth 1 -type d \( -iname '*hardrun*' -o -name '*vm-smoke*' \)
	[ -z "$output" ] || fail "cgroups left behind: $output"
	[ -z "$(ls "$HR_ROOT")" ] || fail "state left behind: $(ls "$HR_ROOT")"
}

@test "the demo (contrib/demo.sh, README's first command) shows the production limits applied" {
	before=$(cgroup_tree)
	run -0 "$BATS_TEST_DIRNAME/../../contrib/demo.sh" "$HARDRUN"
	assert_output_contains "cgroup manager: cgroupfs"
	assert_line_matches '^memory\.max: +536870912$'
	assert_line_matches '^cpu\.max: +50000 100000$'
	assert_line_matches '^NoNewPrivs: 1$'
	assert_line_matches '^root fs: +read-only$'
	assert_output_contains "done: nothing left behind"
	after=$(cgroup_tree)
	[ "$before" = "$after" ] ||
		fail "cgroups changed across the demo:" "$(diff <(echo "$before") <(echo "$after"))"
}
