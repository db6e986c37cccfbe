#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Docker 20.10 runs its containers through hardrun (--runtime hardrun, from
# contrib/docker/daemon.json), cgroupfs driver; guest.sh has started containerd and dockerd.
# dockerd drives hardrun through containerd's runc shim with --root
# /run/docker/runtime-runc/moby, and `docker update` through `update --resources -`. The tests
# of c1 and c2 run in order.

load ../../integration/lib
load lib

ROOT=/run/docker/runtime-runc/moby
RT=(--runtime hardrun --network none)

d() {
	t /usr/bin/docker "$@"
}

hr_moby() {
	"$HARDRUN" --root "$ROOT" "$@"
}

# state_of ID: the status in hardrun's state of the container with the full ID
state_of() {
	hr_moby state "$1" >"$HR_TMP/state.json" || return 1
	json_get "$HR_TMP/state.json" 'd["status"]'
}

full_id() {
	d inspect -f '{{.Id}}' "$1"
}

@test "dockerd has the runtime hardrun of contrib/docker/daemon.json; docker import makes bb:1" {
	run -0 d info --format '{{json .Runtimes}}'
	assert_output_contains "\"hardrun\":{\"path\":\"$HARDRUN\"}"
	run -0 d import "$HR_CLIENTS_TAR" bb:1
	run -0 d image inspect -f '{{.Id}}' bb:1
}

@test "docker run: the output and the exit status 5 come back" {
	run -5 --separate-stderr d run --rm "${RT[@]}" bb:1 sh -c 'echo hi-from-docker; echo to-stderr >&2; exit 5'
	assert_line_matches '^hi-from-docker$'
	assert_stderr_contains to-stderr
}

@test "docker run -it: the process gets a terminal, its status comes back" {
	run -6 in_tty "/usr/bin/docker run --rm -it --runtime hardrun --network none bb:1 sh -c 'tty; exit 6'"
	# script(1) turns its end of input into a NUL the terminal echoes as ^@: not anchored
	assert_line_matches '/dev/pts/[0-9]+'
}

@test "docker run -d: the container runs; hardrun's state under $ROOT says running" {
	d run -d --name c1 "${RT[@]}" bb:1 sh -c 'trap "echo got-term; exit 0" TERM; sleep 100000 & wait'
	d run -d --name c2 "${RT[@]}" bb:1 sh -c 'trap "" TERM; sleep 100000 & wait'
	run -0 d inspect -f '{{.State.Status}}' c1
	[ "$output" = running ] || fail "docker says $output"
	[ "$(state_of "$(full_id c1)")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
}

@test "docker exec: the output and exit status of an exec'd process" {
	run -4 d exec c1 sh -c 'echo exec-out; id -u; exit 4'
	assert_line_matches '^exec-out$'
	assert_line_matches '^0$'
}

@test "docker exec -it: the exec'd process gets a terminal" {
	run -3 in_tty "/usr/bin/docker exec -it c1 sh -c 'tty; exit 3'"
	assert_line_matches '/dev/pts/[0-9]+'
}

@test "docker top: the container's processes (hardrun ps)" {
	run -0 d top c1
	assert_line_matches 'sh -c trap'
	assert_line_matches 'sleep 100000'
}

@test "docker pause / unpause: paused in Docker and in hardrun's state, then running" {
	run -0 d pause c1
	[ "$(d inspect -f '{{.State.Status}}' c1)" = paused ] || fail "docker: not paused"
	[ "$(state_of "$(full_id c1)")" = paused ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	run -0 d unpause c1
	[ "$(d inspect -f '{{.State.Status}}' c1)" = running ] || fail "docker: not running"
	[ "$(state_of "$(full_id c1)")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
}

@test "docker update --memory 256m: memory.max inside the container changes" {
	run -0 d exec c1 cat /sys/fs/cgroup/memory.max
	[ "$output" = max ] || fail "memory.max before the update: $output"
	run -0 d update --memory 256m --memory-swap 256m c1
	run -0 d exec c1 cat /sys/fs/cgroup/memory.max
	[ "$output" = 268435456 ] || fail "memory.max after the update: $output"
}

@test "hardrun verify: Docker's config of c1 holds while it runs, after docker update; not the production profile" {
	id=$(full_id c1)
	run -0 hr_moby verify "$id"
	# Docker's mounts, masked paths and default capabilities, and the memory.max of the
	# update (Docker's config sets no limit: any value passes)
	assert_line_matches '^PASS +- +mounts\[/etc/hostname\] +config +observed '
	assert_line_matches '^PASS +- +linux\.maskedPaths\[/proc/kcore\] +config '
	assert_line_matches '^PASS +[0-9]+ +process\.capabilities\.bounding +config +observed [A-Z_, ]*CAP_NET_BIND_SERVICE'
	assert_line_matches '^PASS +- +linux\.resources\.memory\.limit +config +observed 268435456; expected memory\.max any \(not in the config\)$'
	assert_line_matches '^[0-9]+ passed, 0 failed, 0 skipped$'
	run -1 hr_moby verify --profile production "$id"
	assert_line_matches '^FAIL +[0-9]+ +process\.user +production CIS-4\.1 +observed uid 0, gid 0; '
	assert_line_matches '^FAIL +- +root\.readonly +production CIS-5\.12 '
}

@test "docker stop: SIGTERM first, the container's handler runs and its status 0 comes back" {
	# status 0 is the trap's: a KILL after the timeout would be 137 (no wall clock asserted: on
	# a loaded emulated guest the engine's own work can take as long as the timeout)
	run -0 d stop -t 120 c1
	run -0 d inspect -f '{{.State.Status}} {{.State.ExitCode}}' c1
	[ "$output" = "exited 0" ] || fail "after stop: $output"
	run -0 d logs c1
	assert_line_matches '^got-term$'
}

@test "docker stop: SIGKILL when the container ignores SIGTERM (status 137)" {
	run -0 d stop -t 2 c2
	run -0 d inspect -f '{{.State.Status}} {{.State.ExitCode}}' c2
	[ "$output" = "exited 137" ] || fail "after stop: $output"
}

@test "docker rm: hardrun's state and the cgroups are gone" {
	id1=$(full_id c1) id2=$(full_id c2)
	run -0 d rm c1 c2
	for id in "$id1" "$id2"; do
		run -1 hr_moby state "$id"
		assert_output_contains "does not exist"
		[ ! -e "/sys/fs/cgroup/docker/$id" ] || fail "cgroup left: /sys/fs/cgroup/docker/$id"
	done
}

@test "the production settings of contrib/compose/compose.yaml (docker-compose), verified inside" {
	# the guest has no network: the service gets none (compose then creates no network)
	printf 'services:\n  app:\n    network_mode: none\n' >"$HR_TMP/no-network.yaml"
	export APP_IMAGE=bb:1
	run -0 --separate-stderr t docker-compose -p hrclients -f "$HR_CLIENTS_REPO/contrib/compose/compose.yaml" \
		-f "$HR_TMP/no-network.yaml" run --rm -T app sh -c "$PRODUCTION_PROBE"
	assert_production
	run -0 d volume ls -q
	assert_line_matches '^hrclients_app-temp$'
}

@test "the production settings as docker run flags, verified inside" {
	run -0 --separate-stderr d run --rm "${RT[@]}" --read-only --tmpfs /tmp --tmpfs /var/tmp \
		--user 1001:1001 --memory 512m --cpus 0.5 --security-opt no-new-privileges \
		--cap-drop ALL -v apptemp:/app/temp bb:1 sh -c "$PRODUCTION_PROBE"
	assert_production
}

@test "hardrun verify: a production container Docker launched passes the production profile" {
	d run -d --name cprod "${RT[@]}" --read-only --tmpfs /tmp:size=64m --tmpfs /var/tmp:size=64m \
		--user 1001:1001 --memory 512m --cpus 0.5 --pids-limit 256 \
		--security-opt no-new-privileges --cap-drop ALL -v apptemp:/app/temp bb:1 sleep 100000
	run -0 hr_moby verify --profile production "$(full_id cprod)"
	assert_line_matches '^PASS +[0-9]+ +process\.user +production CIS-4\.1 +observed uid 1001, gid 1001; '
	assert_line_matches '^PASS +[0-9]+ +linux\.seccomp +production CIS-5\.21 +observed Seccomp 2; '
	assert_line_matches '^PASS +- +linux\.resources\.memory\.limit +production CIS-5\.10 +observed 536870912; '
	assert_line_matches '^[0-9]+ passed, 0 failed, 0 skipped$'
	d rm -f cprod
}

@test "docker run of a missing binary: Docker's message and exit status 127 (from hardrun's JSON log)" {
	run -127 --separate-stderr d run --rm "${RT[@]}" bb:1 /no/such/binary
	assert_stderr_contains 'OCI runtime create failed'
	assert_stderr_contains 'exec: "/no/such/binary": stat /no/such/binary: no such file or directory'
}

@test "docker run of a file that is not executable: exit status 126" {
	run -126 --separate-stderr d run --rm "${RT[@]}" bb:1 /etc/passwd
	assert_stderr_contains 'permission denied'
}
