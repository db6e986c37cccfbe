#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# containerd 1.6 runs its containers through hardrun (guest.sh has started containerd with
# contrib/containerd/config.toml). `ctr --runc-binary` makes the runc shim call hardrun as it
# calls runc: --root /run/containerd/runc/NS --log BUNDLE/log.json --log-format json, then
# create --bundle --pid-file [--console-socket], start, state, exec --process --detach
# --pid-file, ps --format json, pause, resume, kill, delete. The tests of one container run in
# order (c-run, started by the third).

load ../../integration/lib
load lib

NS=clients
ROOT=/run/containerd/runc/$NS

ctr_() {
	t ctr --namespace "$NS" "$@"
}

# hardrun with the state directory the shim gives it
hr_shim() {
	"$HARDRUN" --root "$ROOT" "$@"
}

# state_of ID: the status in hardrun's state of container ID
state_of() {
	hr_shim state "$1" >"$HR_TMP/state.json" || return 1
	json_get "$HR_TMP/state.json" 'd["status"]'
}

task_status() {
	ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_pid() {
	ctr_ task ls | awk -v id="$1" '$1 == id { print $2 }'
}

@test "containerd loads contrib/containerd/config.toml: CRI runtime handler hardrun, BinaryName, the RuntimeClass's handler" {
	run -0 t containerd --config "$HR_CLIENTS_CONTAINERD_CONFIG" config dump
	assert_output_contains '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]'
	assert_output_contains 'runtime_type = "io.containerd.runc.v2"'
	assert_output_contains "BinaryName = \"$HARDRUN\""
	run -0 grep -E '^handler: hardrun$' "$HR_CLIENTS_REPO/contrib/kubernetes/runtimeclass.yaml"
	# the CRI plugin took the file (it refuses a runtime section it cannot use)
	run -0 ctr plugins ls
	assert_line_matches '^io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]].*[[:space:]]ok[[:space:]]*$'
}

@test "ctr run --rm: the output and the exit status 3 come back" {
	run -3 --separate-stderr ctr_ run --rm --runc-binary "$HARDRUN" --rootfs "$HR_CLIENTS_ROOTFS" \
		c-exit sh -c 'echo out-of-the-container; echo to-stderr >&2; exit 3'
	assert_line_matches '^out-of-the-container$'
	assert_stderr_contains to-stderr
	[ ! -e "$ROOT/c-exit" ] || fail "hardrun's state of c-exit is left in $ROOT"
}

@test "ctr run -t: the process gets a terminal (--console-socket), its status comes back" {
	run -4 in_tty "ctr --namespace $NS run -t --rm --runc-binary $HARDRUN --rootfs $HR_CLIENTS_ROOTFS c-tty sh -c 'tty; exit 4'"
	# script(1) turns its end of input into a NUL the terminal echoes as ^@: not anchored
	assert_line_matches '/dev/pts/[0-9]+'
}

@test "ctr run -d: the task runs in a cgroup of its own; hardrun state says running" {
	ctr_ run -d --runc-binary "$HARDRUN" --rootfs "$HR_CLIENTS_ROOTFS" c-run \
		sh -c 'trap "echo got-term; exit 7" TERM; sleep 100000 & wait'
	[ "$(task_status c-run)" = RUNNING ] || fail "task status: $(ctr_ task ls)"
	[ "$(state_of c-run)" = running ] || fail "hardrun state: $(cat "$HR_TMP/state.json")"
	pid=$(task_pid c-run)
	[ "$(json_get "$HR_TMP/state.json" 'd["pid"]')" = "$pid" ] || fail "state pid is not the task's $pid"
	cg=$(cgroup_dir "$pid")
	[ "$cg" != /sys/fs/cgroup ] && [ -e "$cg/cgroup.procs" ] || fail "no cgroup of its own: $cg"
	echo "$cg" >"$BATS_FILE_TMPDIR/c-run.cgroup"
}

@test "ctr task exec: the output and exit status of an exec'd process" {
	run -4 --separate-stderr ctr_ task exec --exec-id e1 c-run sh -c 'echo exec-out; id -u; exit 4'
	assert_line_matches '^exec-out$'
	assert_line_matches '^0$'
}

@test "ctr task exec -t: the exec'd process gets a terminal" {
	run -5 in_tty "ctr --namespace $NS task exec -t --exec-id e2 c-run sh -c 'tty; exit 5'"
	# script(1) turns its end of input into a NUL the terminal echoes as ^@: not anchored
	assert_line_matches '/dev/pts/[0-9]+'
}

@test "ctr task ps: the init, its child and a detached exec'd process, as hardrun ps lists them" {
	ctr_ task exec -d --exec-id sleeper c-run sleep 600
	for _ in $(seq 30); do
		ctr_ task ps c-run | grep -q 'ExecID:sleeper' && break
		sleep 1
	done
	run -0 ctr_ task ps c-run
	assert_line_matches "^$(task_pid c-run)[[:space:]]"
	assert_line_matches '^[0-9]+[[:space:]].*ExecID:sleeper'
	from_ctr=$(echo "$output" | awk 'NR > 1 { print $1 }' | sort -n | tr '\n' ' ')
	from_hardrun=$(hr_shim ps --format json c-run | tr -d '[]' | tr , '\n' | sort -n | tr '\n' ' ')
	[ "$from_ctr" = "$from_hardrun" ] || fail "ctr task ps: $from_ctr; hardrun ps: $from_hardrun"
	[ "$(echo "$from_ctr" | wc -w)" -eq 3 ] || fail "expected 3 processes (sh, sleep, the exec'd sleep)"
}

@test "ctr task pause / resume: PAUSED and RUNNING, the cgroup frozen and thawed" {
	cg=$(cgroup_dir "$(task_pid c-run)")
	run -0 ctr_ task pause c-run
	[ "$(task_status c-run)" = PAUSED ] || fail "after pause: $(ctr_ task ls)"
	assert_file_is "$cg/cgroup.freeze" 1
	[ "$(state_of c-run)" = paused ] || fail "hardrun state: $(cat "$HR_TMP/state.json")"
	run -0 ctr_ task resume c-run
	[ "$(task_status c-run)" = RUNNING ] || fail "after resume: $(ctr_ task ls)"
	assert_file_is "$cg/cgroup.freeze" 0
}

@test "ctr task metrics: the container's cgroup statistics" {
	run -0 ctr_ task metrics c-run
	assert_line_matches '^pids\.current[[:space:]]+[1-9]'
	assert_line_matches '^memory\.usage[[:space:]]+[1-9]'
}

@test "ctr task kill: SIGTERM reaches the process, the task stops with its status 7" {
	run -0 ctr_ task kill c-run
	for _ in $(seq 30); do
		[ "$(task_status c-run)" = STOPPED ] && break
		sleep 1
	done
	[ "$(task_status c-run)" = STOPPED ] || fail "not stopped: $(ctr_ task ls)"
	[ "$(state_of c-run)" = stopped ] || fail "hardrun state: $(cat "$HR_TMP/state.json")"
}

@test "ctr task delete, container rm: hardrun's state and the cgroup are gone" {
	cg=$(cat "$BATS_FILE_TMPDIR/c-run.cgroup")
	run -0 ctr_ task delete c-run
	assert_output_contains "exit code 7"
	run -0 ctr_ container rm c-run
	run -1 hr_shim state c-run
	assert_output_contains "does not exist"
	[ ! -e "$ROOT/c-run" ] || fail "state directory left"
	[ ! -e "$cg" ] || fail "cgroup left: $cg"
}

@test "ctr run of a missing binary: hardrun's error reaches the user through the JSON log" {
	run -1 ctr_ run --rm --runc-binary "$HARDRUN" --rootfs "$HR_CLIENTS_ROOTFS" c-missing /no/such/binary
	# the shim reads the last "error" line of --log: hardrun's message without "hardrun: "
	assert_output_contains 'OCI runtime create failed: create container c-missing: exec: "/no/such/binary": stat /no/such/binary: no such file or directory'
	[ ! -e "$ROOT/c-missing" ] || fail "state directory left"
	ctr_ container rm c-missing 2>/dev/null || true
}
