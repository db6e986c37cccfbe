#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Seccomp user notification (linux.seccomp listenerPath, SCMP_ACT_NOTIFY): hardrun hands each
# process's listener fd, with the ContainerProcessState JSON, to an agent (tests/helpers/
# seccomp-agent, built by `make check`) that answers mkdir/mkdirat with ENOTSUP.
# hr-guest: host only (seccomp listener hand-off, the same with any cgroup manager)

load lib

AGENT=${HR_SECCOMP_AGENT:-$(dirname "$HARDRUN")/tests/helpers/seccomp-agent}

setup() {
	hr_setup
	[ -x "$AGENT" ] || fail "$AGENT is missing: make tests/helpers/seccomp-agent (make check builds it)"
	# a unix socket path has 108 bytes at most: not under the (long) bats tmpdir
	AGENT_DIR=$(mktemp -d /tmp/hr-agent.XXXXXX)
	SOCK=$AGENT_DIR/agent.sock
	# fd 3 is bats' own: an agent holding it would keep the file from ending
	"$AGENT" "$SOCK" "$HR_TMP/agent.json" </dev/null >"$HR_TMP/agent.log" 2>&1 3>&- &
	AGENT_PID=$!
	for _ in $(seq 50); do
		[ -S "$SOCK" ] && break
		sleep 0.1
	done
	[ -S "$SOCK" ] || fail "the agent did not listen on $SOCK: $(cat "$HR_TMP/agent.log")"
	make_bundle
}

teardown() {
	# the agent serves each listener fd in a child of its own, which lives until no process
	# uses the filter; a container's killed init that nobody reaps (the pid namespace of
	# run.sh has no reaping init) still does: stop the servers with the agent
	if [ -n "${AGENT_PID:-}" ]; then
		pkill -KILL -P "$AGENT_PID" 2>/dev/null
		kill -KILL "$AGENT_PID" 2>/dev/null
	fi
	hr_teardown
	[ -n "${AGENT_DIR:-}" ] && rm -rf "$AGENT_DIR"
	return 0
}

# notify_config ARGS...: the container runs ARGS; mkdir and mkdirat go to the agent.
notify_config() {
	local args_json
	args_json=$(json_array "$@")
	update_config "c['process']['args'] = $args_json
c['process']['terminal'] = False
c['root']['readonly'] = False
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$SOCK',
    'listenerMetadata': 'team=blue',
    'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}"
}

wait_for_file() {
	for _ in $(seq 50); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 did not appear (agent log: $(cat "$HR_TMP/agent.log"))"
}

wait_for_log() {
	for _ in $(seq 50); do
		grep -q "$1" "$HR_TMP/container.log" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$1' not in the container's output: $(cat "$HR_TMP/container.log")"
}

agent_json() {
	json_get "$HR_TMP/agent.json.$1" "$2"
}

@test "seccomp notify: the agent gets the state and the fd, and answers mkdir for the container" {
	notify_config sh -c 'mkdir /tmp/x; [ -d /tmp/x ] && echo x-exists || echo x-absent; touch /tmp/y && echo touch-ok; echo done; sleep 1000'
	hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" nc1
	pid=$(cat "$HR_TMP/pid")
	# the fd went to the agent during create, with the state "creating"
	wait_for_file "$HR_TMP/agent.json.1"
	[ "$(agent_json 1 'd["ociVersion"]')" = "$(json_get <(hr state nc1) 'd["ociVersion"]')" ] || fail "ociVersion"
	[ "$(agent_json 1 'd["fds"]')" = '["seccompFd"]' ] || fail "fds: $(cat "$HR_TMP/agent.json.1")"
	[ "$(agent_json 1 'd["pid"]')" = "$pid" ] || fail "pid: $(cat "$HR_TMP/agent.json.1") vs $pid"
	[ "$(agent_json 1 'd["pid"]')" = "$(json_get <(hr state nc1) 'd["pid"]')" ] || fail "pid != state pid"
	[ "$(agent_json 1 'd["metadata"]')" = team=blue ] || fail "metadata"
	[ "$(agent_json 1 'd["state"]["id"]')" = nc1 ] || fail "state.id"
	[ "$(agent_json 1 'd["state"]["status"]')" = creating ] || fail "state.status"
	[ "$(agent_json 1 'd["state"]["bundle"]')" = "$BUNDLE" ] || fail "state.bundle"
	# hardrun kept no copy of the listener: the init holds only 0-2 and the exec fifo
	for fd in /proc/$pid/fd/*; do
		n=${fd##*/}
		case $n in
		0 | 1 | 2) ;;
		*) [[ "$(readlink "$fd")" == */nc1/exec.fifo ]] || fail "init fd $n -> $(readlink "$fd")" ;;
		esac
	done
	hr start nc1
	wait_for_log done
	# ENOTSUP (EOPNOTSUPP): "Not supported" with musl, "Operation not supported" with glibc
	grep -qi "mkdir: can't create directory '/tmp/x': .*not supported" "$HR_TMP/container.log" ||
		fail "mkdir was not answered by the agent: $(cat "$HR_TMP/container.log")"
	grep -q x-absent "$HR_TMP/container.log" || fail "/tmp/x exists"
	grep -q touch-ok "$HR_TMP/container.log" || fail "other system calls were affected"
	hr delete --force nc1
}

@test "seccomp notify: exec sends a second fd, with the state running" {
	notify_config sleep 1000
	hr_bg run -d --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" nc2
	wait_for_file "$HR_TMP/agent.json.1"
	run -1 hr exec nc2 mkdir /tmp/z
	[[ "$output" == *"can't create directory '/tmp/z': "*"ot supported"* ]] || fail "exec's mkdir: $output"
	wait_for_file "$HR_TMP/agent.json.2"
	[ "$(agent_json 2 'd["state"]["status"]')" = running ] || fail "state.status: $(cat "$HR_TMP/agent.json.2")"
	[ "$(agent_json 2 'd["state"]["id"]')" = nc2 ] || fail "state.id"
	[ "$(agent_json 2 'd["state"]["pid"]')" = "$(cat "$HR_TMP/pid")" ] || fail "state.pid is the init's"
	[ "$(agent_json 2 'd["pid"]')" != "$(cat "$HR_TMP/pid")" ] || fail "pid must be the exec'd process"
	[ "$(agent_json 2 'd["metadata"]')" = team=blue ] || fail "metadata"
	[ "$(agent_json 2 'd["fds"]')" = '["seccompFd"]' ] || fail "fds"
	run -0 hr exec nc2 sh -c 'mkdir -p /tmp; echo ok'
	hr delete --force nc2
}

@test "seccomp notify without noNewPrivileges: the filter goes in last, CAP_SYS_ADMIN held until execve" {
	notify_config sh -c 'mkdir /tmp/x; echo done'
	update_config 'c["process"]["noNewPrivileges"] = False'
	run -0 hr run --bundle "$BUNDLE" nc3 </dev/null
	[[ "$output" == *"can't create directory '/tmp/x': "*"ot supported"* ]] || fail "$output"
	wait_for_file "$HR_TMP/agent.json.1"
	[ "$(agent_json 1 'd["state"]["status"]')" = creating ] || fail "state.status"
}

@test "seccomp notify: a missing listener fails create, leaving no state and no process" {
	notify_config sleep 1000
	update_config "c['linux']['seccomp']['listenerPath'] = '$AGENT_DIR/none.sock'"
	run -1 --separate-stderr hr create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" nc4 </dev/null
	assert_stderr_contains "seccomp listener $AGENT_DIR/none.sock: connect: No such file or directory"
	[ ! -e "$HR_ROOT/nc4" ] || fail "the failed create left $HR_ROOT/nc4"
	[ ! -e "$HR_TMP/pid" ] || fail "the failed create wrote a pid file"
	[ -z "$(rootfs_processes)" ] || fail "processes left in the container: $(rootfs_processes)"
}

@test "seccomp notify: sendmsg, close and execve cannot be notified (the start would deadlock)" {
	notify_config true
	update_config "c['linux']['seccomp']['syscalls'].append({'names': ['sendmsg', 'close'], 'action': 'SCMP_ACT_NOTIFY'})"
	run -1 --separate-stderr hr create --bundle "$BUNDLE" nc5 </dev/null
	assert_stderr_contains "linux.seccomp.syscalls[1].names[0]: SCMP_ACT_NOTIFY cannot be used for sendmsg"
	assert_stderr_contains "(and 1 more problem)"
	[ ! -e "$HR_ROOT/nc5" ] || fail "a refused config left state"
	[ ! -e "$HR_TMP/agent.json.1" ] || fail "a refused config reached the agent"
}

@test "seccomp notify: two containers share one agent, each with its own listener" {
	notify_config sh -c 'mkdir /tmp/one 2>&1; echo one-done'
	run -0 hr run --bundle "$BUNDLE" share1 </dev/null
	[[ "$output" == *"/tmp/one': "*"ot supported"* ]] || fail "first: $output"
	notify_config sh -c 'mkdir /tmp/two 2>&1; echo two-done'
	run -0 hr run --bundle "$BUNDLE" share2 </dev/null
	[[ "$output" == *"/tmp/two': "*"ot supported"* ]] || fail "second: $output"
	wait_for_file "$HR_TMP/agent.json.2"
	[ "$(agent_json 1 'd["state"]["id"]')" = share1 ] || fail "first state"
	[ "$(agent_json 2 'd["state"]["id"]')" = share2 ] || fail "second state"
}

# fake_agent MODE SOCKET: an agent that is stuck. "backlog": it listens but never accepts, and
# its backlog is full; "noread": it accepts but never reads.
fake_agent() {
	cat >"$HR_TMP/fake-agent.py" <<'PY'
import socket, sys, time
mode, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(0)
held = []
if mode == "backlog":
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    held.append(c)
while True:
    if mode == "noread":
        held.append(s.accept()[0])
    else:
        time.sleep(60)
PY
	"$HR_PYTHON" "$HR_TMP/fake-agent.py" "$1" "$2" </dev/null >"$HR_TMP/fake-agent.log" 2>&1 3>&- &
	FAKE_PID=$!
	for _ in $(seq 50); do
		[ -S "$2" ] && return 0
		sleep 0.1
	done
	fail "the fake agent did not listen: $(cat "$HR_TMP/fake-agent.log")"
}

@test "seccomp notify: a stuck agent fails create within its timeout, naming it, leaving nothing" {
	notify_config sleep 1000
	fake_agent backlog "$AGENT_DIR/stuck.sock"
	update_config "c['linux']['seccomp']['listenerPath'] = '$AGENT_DIR/stuck.sock'"
	SECONDS=0
	run -1 --separate-stderr hr create --bundle "$BUNDLE" stuck </dev/null
	local took=$SECONDS
	assert_stderr_contains "seccomp listener $AGENT_DIR/stuck.sock: the agent did not accept the connection within 5 s"
	# the 5 s the message names, with room for a loaded machine, not ten times as much
	[ "$took" -lt 15 ] || fail "took ${took}s"
	[ ! -e "$HR_ROOT/stuck" ] || fail "the failed create left its state"
	[ -z "$(rootfs_processes)" ] || fail "processes left in the container: $(rootfs_processes)"
	# an agent that accepts but never reads a large state (1 MiB of annotations)
	kill "$FAKE_PID"
	fake_agent noread "$AGENT_DIR/noread.sock"
	update_config "
c['linux']['seccomp']['listenerPath'] = '$AGENT_DIR/noread.sock'
c['annotations'] = {'big': 'x' * (1 << 20)}"
	run -1 --separate-stderr hr create --bundle "$BUNDLE" noread </dev/null
	assert_stderr_contains "the agent did not take the state and the seccomp fd within 5 s"
	[ ! -e "$HR_ROOT/noread" ] || fail "the failed create left its state"
	kill "$FAKE_PID"
}
