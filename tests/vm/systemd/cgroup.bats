#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd cgroup manager in a guest booted with systemd as PID 1 (hence not among
# tests/vm/*.bats, which check.sh runs in a shell-init guest):
#
#   tests/vm/run-in-vm.sh --systemd "$(command -v bats)" --tap tests/vm/systemd/cgroup.bats

load helpers

@test "a transient scope with Delegate=yes holds the container, with its limits" {
	mini_bundle sleep 1000
	update_config 'c["linux"]["cgroupsPath"] = "system.slice:hardrun:c1"'
	hr run -d c1 </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	scope=$CG/system.slice/hardrun-c1.scope
	[ "$(cat $scope/memory.max)" = 536870912 ] || fail "memory.max $(cat $scope/memory.max)"
	[ "$(cat $scope/cpu.max)" = "50000 100000" ] || fail "cpu.max $(cat $scope/cpu.max)"
	[ "$(cat $scope/pids.max)" = 256 ] || fail "pids.max"
	# only the init is in the scope: the scope was started with its pid, hardrun never entered
	[ "$(wc -l <$scope/cgroup.procs)" -eq 1 ] || fail "procs: $(cat $scope/cgroup.procs)"
	run -0 systemctl show -p Delegate -p MemoryMax -p TasksMax hardrun-c1.scope
	assert_output_contains "Delegate=yes"
	assert_output_contains "MemoryMax=536870912"
	assert_output_contains "TasksMax=256"
	run -0 hr pause c1
	[ "$(cat $scope/cgroup.freeze)" = 1 ] || fail "not frozen"
	run -0 hr resume c1
	run -0 hr delete --force c1
	for _ in $(seq 50); do [ -e $scope ] || break; sleep 0.1; done
	[ ! -e $scope ] || fail "$scope left"
}

@test "restore: the scope starts with hardrun in it for criu; the restored init stays, hardrun leaves" {
	command -v criu >/dev/null || fail "criu is not installed (apt-get install criu)"
	mini_bundle sleep 1000
	update_config 'c["linux"]["cgroupsPath"] = "system.slice:hardrun:ck"'
	hr run -d ck </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	scope=$CG/system.slice/hardrun-ck.scope
	hr checkpoint --image-path "$HR_TMP/img" ck >"$HR_TMP/ck.log" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/ck.log"; grep -m3 -B5 Error "$HR_TMP/img/dump.log")"
	for _ in $(seq 50); do [ -e $scope ] || break; sleep 0.1; done
	[ ! -e $scope ] || fail "the checkpointed container's scope is left"
	hr restore -d --bundle "$BUNDLE" --image-path "$HR_TMP/img" ck </dev/null >"$HR_TMP/rs.log" 2>&1 ||
		fail "restore: $(cat "$HR_TMP/rs.log"; grep -m3 -B5 Error "$HR_TMP/img/restore.log" 2>/dev/null)"
	[ "$(cat $scope/memory.max)" = 536870912 ] || fail "memory.max $(cat $scope/memory.max)"
	pid=$(hr state ck | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$')
	[ -n "$pid" ] || fail "no pid in the state: $(hr state ck)"
	# criu and hardrun are gone from the scope: only the restored init is left
	[ "$(cat $scope/cgroup.procs)" = "$pid" ] || fail "procs: $(cat $scope/cgroup.procs), init $pid"
	run -0 hr delete --force ck
}

@test "a cgroupsPath that is not slice:prefix:name is refused" {
	mini_bundle true
	update_config 'c["linux"]["cgroupsPath"] = "/not/systemd"'
	run -1 hr run c1
	assert_output_contains 'the systemd cgroup manager expects "slice:prefix:name"'
}
