#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# `hardrun update` with the systemd cgroup manager sets the scope's properties (SetUnitProperties)
# as well as its cgroup files, so that systemd re-applying the unit (daemon-reload) keeps the new
# limits; the cgroupfs manager's update writes the files only. In a guest booted with systemd:
#
#   tests/vm/run-in-vm.sh --systemd "$(command -v bats)" --tap tests/vm/systemd/update.bats

load helpers

# limits_hold DIR: memory.max, pids.max and cpu.max hold the updated values, and keep them for
# three seconds (what systemd re-applies after a reload lands meanwhile).
limits_hold() {
	local i
	for i in $(seq 30); do
		[ "$(cat "$1/memory.max")" = 268435456 ] || fail "memory.max $(cat "$1/memory.max")"
		[ "$(cat "$1/pids.max")" = 50 ] || fail "pids.max $(cat "$1/pids.max")"
		[ "$(cat "$1/cpu.max")" = "20000 100000" ] || fail "cpu.max $(cat "$1/cpu.max")"
		[ "$i" -eq 30 ] || sleep 0.1
	done
}

# start_scope ID: the container ID (sleep) in the scope hardrun-ID.scope, with the production
# profile's limits (512M, 50000 100000, 256 tasks).
start_scope() {
	mini_bundle sleep 1000
	update_config "c['linux']['cgroupsPath'] = 'system.slice:hardrun:$1'"
	hr run -d "$1" </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	[ "$(cat $CG/system.slice/hardrun-"$1".scope/memory.max)" = 536870912 ] ||
		fail "memory.max at create"
}

# survives_reload ID: systemd shows the updated properties, and its reload keeps them.
survives_reload() {
	local scope=$CG/system.slice/hardrun-$1.scope
	limits_hold "$scope"
	run -0 systemctl show -p MemoryMax -p TasksMax -p CPUQuotaPerSecUSec hardrun-"$1".scope
	assert_line_matches '^MemoryMax=268435456$'
	assert_line_matches '^TasksMax=50$'
	assert_line_matches '^CPUQuotaPerSecUSec=200ms$'
	run -0 systemctl daemon-reload
	limits_hold "$scope"
	run -0 systemctl show -p MemoryMax hardrun-"$1".scope
	assert_line_matches '^MemoryMax=268435456$'
}

@test "update with options: the scope's properties change, a daemon-reload keeps the limits" {
	start_scope u1
	run -0 hr update --memory 256M --pids-limit 50 --cpu-quota 20000 --cpu-period 100000 u1
	survives_reload u1
	run -0 hr delete --force u1
}

@test "update --resources FILE: the scope's properties change, a daemon-reload keeps them" {
	start_scope u2
	cat >"$HR_TMP/res.json" <<-'JSON'
		{"memory": {"limit": 268435456}, "pids": {"limit": 50},
		 "cpu": {"quota": 20000, "period": 100000}}
	JSON
	run -0 hr update --resources "$HR_TMP/res.json" u2
	survives_reload u2
	run -0 hr delete --force u2
}

@test "update: every option systemd has a property for reaches the unit" {
	start_scope u3
	scope=$CG/system.slice/hardrun-u3.scope
	# memory + swap alone: the swap is counted from the memory limit the scope has (512M)
	run -0 hr update --memory-swap 1G u3
	[ "$(cat $scope/memory.swap.max)" = 536870912 ] || fail "memory.swap.max"
	run -0 systemctl show -p MemorySwapMax hardrun-u3.scope
	assert_line_matches '^MemorySwapMax=536870912$'
	# a CPU list the kernel would refuse: refused before systemd is told anything
	run -1 hr update --cpuset-cpus 3-1 u3
	assert_output_contains 'cpu.cpus "3-1"'
	run -0 systemctl show -p AllowedCPUs hardrun-u3.scope
	assert_line_matches '^AllowedCPUs=$'
	run -0 hr update --memory -1 --memory-swap -1 --memory-reservation 64M --cpu-shares 512 \
		--cpuset-cpus 0 --cpuset-mems 0 --blkio-weight 500 u3
	[ "$(cat $scope/memory.max)" = max ] || fail "memory.max $(cat $scope/memory.max)"
	[ "$(cat $scope/memory.swap.max)" = max ] || fail "memory.swap.max"
	run -0 systemctl show -p MemoryMax -p MemorySwapMax -p MemoryLow -p CPUWeight \
		-p AllowedCPUs -p AllowedMemoryNodes -p IOWeight hardrun-u3.scope
	assert_line_matches '^MemoryMax=infinity$'
	assert_line_matches '^MemorySwapMax=infinity$'
	assert_line_matches '^MemoryLow=67108864$'
	assert_line_matches '^CPUWeight=20$'
	assert_line_matches '^AllowedCPUs=0$'
	assert_line_matches '^AllowedMemoryNodes=0$'
	assert_line_matches '^IOWeight=4950$'
	run -0 systemctl daemon-reload
	[ "$(cat $scope/memory.max)" = max ] || fail "memory.max after the reload"
	[ "$(cat $scope/memory.low)" = 67108864 ] || fail "memory.low after the reload"
	[ "$(cat $scope/cpu.weight)" = 20 ] || fail "cpu.weight after the reload"
	run -0 hr delete --force u3
}

@test "the cgroupfs manager's update writes the files only: no unit, no drop-in" {
	HR_CGROUP_MANAGER=cgroupfs
	mini_bundle sleep 1000
	before=$(find /run/systemd/transient /run/systemd/system.control 2>/dev/null | sort)
	hr run -d f1 </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	[ -d $CG/f1 ] || fail "no cgroup $CG/f1"
	run -0 hr update --memory 256M --pids-limit 50 --cpu-quota 20000 --cpu-period 100000 f1
	limits_hold $CG/f1
	after=$(find /run/systemd/transient /run/systemd/system.control 2>/dev/null | sort)
	[ "$before" = "$after" ] || fail "systemd's unit files changed: $before // $after"
	# no daemon-reload here: systemd owns the root's cgroup.subtree_control, and a reload was
	# seen to take the cpu controller back from this cgroup beside its units (cpu.max gone),
	# which no cgroupfs update can prevent
	run -0 hr delete --force f1
}
