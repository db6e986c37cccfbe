#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Docker's default on a systemd host: the systemd cgroup driver. dockerd calls hardrun with
# --systemd-cgroup and cgroupsPath "system.slice:docker:ID"; hardrun makes the transient unit
# docker-ID.scope in system.slice. The guest boots systemd (run-in-vm.sh --systemd); guest.sh
# has started containerd and dockerd with native.cgroupdriver=systemd. The tests of s1 run in
# order.

load ../../integration/lib
load lib

ROOT=/run/docker/runtime-runc/moby
RT=(--runtime hardrun --network none)

d() {
	t /usr/bin/docker "$@"
}

state_of() {
	"$HARDRUN" --root "$ROOT" state "$1" >"$HR_TMP/state.json" || return 1
	json_get "$HR_TMP/state.json" 'd["status"]'
}

@test "docker import makes bb:1; dockerd uses the systemd cgroup driver" {
	run -0 d info --format '{{.CgroupDriver}}'
	[ "$output" = systemd ] || fail "cgroup driver: $output"
	run -0 d import "$HR_CLIENTS_TAR" bb:1
}

@test "docker run: the container's cgroup is the scope docker-ID.scope in system.slice, with its limits" {
	d run -d --name s1 "${RT[@]}" --memory 512m --cpus 0.5 bb:1 sh -c 'trap "exit 0" TERM; sleep 100000 & wait'
	id=$(d inspect -f '{{.Id}}' s1)
	echo "$id" >"$BATS_FILE_TMPDIR/s1.id"
	[ "$(state_of "$id")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	pid=$(d inspect -f '{{.State.Pid}}' s1)
	run -0 cat "/proc/$pid/cgroup"
	assert_line_matches "^0::/system\\.slice/docker-$id\\.scope\$"
	run -0 systemctl show -p ActiveState "docker-$id.scope"
	[ "$output" = ActiveState=active ] || fail "the scope: $output"
	assert_file_is "/sys/fs/cgroup/system.slice/docker-$id.scope/memory.max" 536870912
	assert_file_is "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.max" "50000 100000"
	run -0 d exec s1 cat /sys/fs/cgroup/memory.max
	[ "$output" = 536870912 ] || fail "memory.max inside: $output"
}

@test "AppArmor (systemd mounts securityfs): Docker's docker-default profile confines the process" {
	run -0 d exec s1 cat /proc/1/attr/current
	[ "$output" = "docker-default (enforce)" ] || fail "the init's AppArmor label: $output"
}

@test "docker pause / unpause and update with the systemd driver" {
	id=$(cat "$BATS_FILE_TMPDIR/s1.id")
	run -0 d pause s1
	[ "$(state_of "$id")" = paused ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	run -0 d unpause s1
	run -0 d update --memory 256m --memory-swap 256m s1
	assert_file_is "/sys/fs/cgroup/system.slice/docker-$id.scope/memory.max" 268435456
}

@test "docker stop and rm: the scope is gone, hardrun's state too" {
	id=$(cat "$BATS_FILE_TMPDIR/s1.id")
	run -0 d stop -t 30 s1
	run -0 d inspect -f '{{.State.ExitCode}}' s1
	[ "$output" = 0 ] || fail "exit code $output"
	run -0 d rm s1
	[ ! -e "/sys/fs/cgroup/system.slice/docker-$id.scope" ] || fail "scope cgroup left"
	run systemctl show -p ActiveState "docker-$id.scope"
	[ "$output" != ActiveState=active ] || fail "the scope is still active"
	run -1 "$HARDRUN" --root "$ROOT" state "$id"
}

@test "docker run with the systemd driver: the production settings, verified inside" {
	run -0 --separate-stderr d run --rm "${RT[@]}" --read-only --tmpfs /tmp --tmpfs /var/tmp \
		--user 1001:1001 --memory 512m --cpus 0.5 --security-opt no-new-privileges \
		--cap-drop ALL -v apptemp:/app/temp bb:1 sh -c "$PRODUCTION_PROBE"
	assert_production
}
