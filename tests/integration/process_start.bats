#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# How a container's process starts: it leads its own session and process group inside the
# container (as with runc), and process.ioPriority is in effect for run, create+start and exec.

load lib

# assert_leader LINE: LINE is "PGRP SID PID" of one process, which must lead both.
assert_leader() {
	local pgrp sid pid
	read -r pgrp sid pid <<<"$1"
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "expected \"pgrp sid pid\", got: $1"
	[ "$pgrp" -gt 0 ] || fail "process group $pgrp: outside the container's pid namespace"
	[ "$pgrp" = "$pid" ] || fail "process group $pgrp, expected the process's own $pid"
	[ "$sid" = "$pid" ] || fail "session $sid, expected the process's own $pid"
}

# What a shell in the container prints about itself: "PGRP SID PID" (fields 5 and 6 of its
# /proc/PID/stat, then $$).
self_ids='echo "$(cut -d" " -f5,6 /proc/$$/stat) $$"'

@test "exec: the process leads its own process group and session in the container" {
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" pg
	# in the foreground, as runc's: hardrun waits and forwards signals
	run -0 hr exec pg sh -c "$self_ids"
	assert_leader "$output"
	# the form of the issue: cut inherits the shell's process group
	run -0 hr exec pg sh -c 'cut -d" " -f5 /proc/self/stat; echo $$'
	[ "${lines[0]}" = "${lines[1]}" ] || fail "pgrp ${lines[0]} != pid ${lines[1]}"
	[ "${lines[0]}" -gt 0 ] || fail "pgrp ${lines[0]}"
	run -0 hr exec --process - pg <<<"{\"args\": $(json_array sh -c "$self_ids"), \"cwd\": \"/\"}"
	assert_leader "$output"
	# the signals hardrun receives still reach it
	# (hardrun itself in the background, not the hr function's subshell)
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled exec pg \
		sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done' \
		</dev/null >"$HR_TMP/exec.out" 2>&1 &
	local exec_pid=$!
	wait_ready "$HR_TMP/exec.out"
	kill -TERM "$exec_pid"
	local rc=0
	wait "$exec_pid" || rc=$?
	[ "$rc" -eq 7 ] || fail "exec exited with $rc: $(cat "$HR_TMP/exec.out")"
	grep -q got-term "$HR_TMP/exec.out" || fail "TERM not forwarded: $(cat "$HR_TMP/exec.out")"
	# with a terminal: the pty is the session's controlling terminal, the shell in its
	# foreground (field 8, tpgid), for job control
	local sock=$HR_TMP/console.sock
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/recvtty.py" "$sock" \
		'echo "ids $(cut -d" " -f5,6,8 /proc/$$/stat) $$"; exit'$'\n' >"$HR_TMP/tty.out" 3>&- &
	local helper=$!
	wait_socket "$sock"
	# in the foreground: hardrun reaps it (orphaned, it would wait for a reaper outside)
	hr exec --tty --console-socket "$sock" pg sh </dev/null >>"$HR_TMP/container.log" 2>&1 ||
		fail "exec --tty: $(cat "$HR_TMP/container.log")"
	wait "$helper"
	grep -Eq '^ids ([0-9]+) \1 \1 \1'$'\r''?$' "$HR_TMP/tty.out" ||
		fail "with a terminal: $(cat "$HR_TMP/tty.out")"
}

@test "run and create+start: the init leads its own process group and session in the container" {
	make_bundle_running sh -c "$self_ids"
	run -0 --separate-stderr hr run --bundle "$BUNDLE" fg
	assert_leader "$output"
	[ "$output" = "1 1 1" ] || fail "expected the init to be 1 1 1, got: $output"
	update_config "c['process']['args'] = ['sleep', '1000']"
	hr_bg create --bundle "$BUNDLE" cs
	run -0 hr start cs
	run -0 hr exec cs cut -d" " -f1,5,6 /proc/1/stat
	[ "$output" = "1 1 1" ] || fail "expected the init to be 1 1 1, got: $output"
}

@test "process.ioPriority: in effect for run, create+start and exec (--process and the config's)" {
	make_bundle_running sh -c 'ionice -p $$'
	update_config 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" io1
	[ "$output" = "best-effort: prio 6" ] || fail "run: $output"
	# the realtime class needs CAP_SYS_ADMIN: set before the capabilities are dropped
	update_config 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_RT", "priority": 3}
c["process"]["args"] = ["sleep", "1000"]'
	hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" io2
	run -0 hr start io2
	run -0 hr exec --process - io2 <<<'{"args": ["ionice", "-p", "1"], "cwd": "/"}'
	[ "$output" = "realtime: prio 3" ] || fail "create+start: $output"
	if command -v ionice >/dev/null; then
		run -0 ionice -p "$(cat "$HR_TMP/pid")"
		[ "$output" = "realtime: prio 3" ] || fail "create+start, from the host: $output"
	fi
	# exec without --process: the config's process, its ioPriority included
	run -0 hr exec io2 sh -c 'ionice -p $$'
	[ "$output" = "realtime: prio 3" ] || fail "exec: $output"
	# exec --process: its own
	run -0 hr exec --process - io2 <<<'{"args": ["sh", "-c", "ionice -p $$"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_IDLE"}}'
	[ "$output" = "idle" ] || fail "exec --process: $output"
	run -0 hr exec --process - io2 <<<'{"args": ["sh", "-c", "ionice -p $$"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 0}}'
	[ "$output" = "best-effort: prio 0" ] || fail "exec --process: $output"
}

@test "process.ioPriority: a bad class or priority is refused with its JSON path by validate, run and exec, nothing left behind" {
	make_bundle_running true
	update_config 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_FAST", "priority": 1}'
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains 'process.ioPriority.class: unknown class "IOPRIO_CLASS_FAST"'
	run -1 hr run --bundle "$BUNDLE" bad1
	assert_output_contains 'process.ioPriority.class: unknown class "IOPRIO_CLASS_FAST"'
	[ ! -e "$HR_ROOT/bad1" ] || fail "a refused container left its state behind"
	update_config 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 8}'
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains "process.ioPriority.priority: 8 is out of range (0..7)"
	run -1 hr create --bundle "$BUNDLE" bad2
	assert_output_contains "process.ioPriority.priority: 8 is out of range (0..7)"
	[ ! -e "$HR_ROOT/bad2" ] || fail "a refused container left its state behind"
	update_config 'c["process"]["ioPriority"] = {"priority": 1}'
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains "process.ioPriority.class: required property is missing"
	# exec --process: refused before anything runs
	update_config 'c["process"].pop("ioPriority"); c["process"]["args"] = ["sleep", "1000"]'
	hr_bg run -d --bundle "$BUNDLE" ok
	run -1 hr exec --process - ok <<<'{"args": ["true"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_NONE"}}'
	assert_output_contains '-: ioPriority.class: unknown class "IOPRIO_CLASS_NONE"'
}
