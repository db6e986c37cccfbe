#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# run/create --seccomp-record FILE, spec --seccomp-from FILE, and audit's grade: a busybox
# script recorded, re-run under the recorded profile, a system call outside it failing with
# EPERM; what the config's own filter denies is not recorded; a detached recorder holds none
# of the caller's pipes; refusals leave nothing behind.
# hr-guest: host only (seccomp recording, the same with any cgroup manager)

load lib

SCRIPT='echo recorded; cat /etc/passwd >/dev/null; ls /tmp >/dev/null'

# record_bundle ARGS...: the production profile running ARGS, terminal off.
record_bundle() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --force --args "$@"
}

# names FILE: the allowed names of a recorded profile, one a line.
names() {
	json_get "$1" '"\n".join(d["syscalls"][0]["names"])'
}

@test "seccomp-record: a foreground run records its system calls into a profile that allows exactly those" {
	record_bundle sh -c "$SCRIPT; exit 3"
	run -3 hr run --seccomp-record "$HR_TMP/rec.json" --bundle "$BUNDLE" r1
	assert_line_matches '^recorded$'
	[ -f "$HR_TMP/rec.json" ] || fail "no profile written"
	[ "$(json_get "$HR_TMP/rec.json" 'd["defaultAction"]')" = SCMP_ACT_ERRNO ] || fail "defaultAction"
	[ "$(json_get "$HR_TMP/rec.json" 'd["defaultErrnoRet"]')" = 1 ] || fail "defaultErrnoRet"
	[ "$(json_get "$HR_TMP/rec.json" 'd["syscalls"][0]["action"]')" = SCMP_ACT_ALLOW ] || fail "action"
	[ "$(json_get "$HR_TMP/rec.json" 'len(d["syscalls"])')" = 1 ] || fail "one rule"
	run -0 names "$HR_TMP/rec.json"
	for call in execve exit_group write openat; do
		assert_line_matches "^$call\$"
	done
	# sorted, no duplicates, and nothing the script never made
	[ "$output" = "$(sort -u <<<"$output")" ] || fail "not sorted and unique"
	assert_output_not_contains mkdir
	assert_output_not_contains mount
	[ "${#lines[@]}" -lt 80 ] || fail "${#lines[@]} system calls for a three-command script"
	json_get "$HR_TMP/rec.json" 'd["architectures"]' | grep -q 'SCMP_ARCH_' || fail "no architecture"
	# the container itself is gone, as after any foreground run
	[ ! -e "$HR_ROOT/r1" ] || fail "state left: $(ls -A "$HR_ROOT")"
}

@test "seccomp-record: spec --seccomp-from enforces the recording: the script runs, a call outside fails with EPERM" {
	record_bundle sh -c "$SCRIPT"
	hr run --seccomp-record "$HR_TMP/rec.json" --bundle "$BUNDLE" r1 >/dev/null
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --force \
		--seccomp-from "$HR_TMP/rec.json" --args sh -c "$SCRIPT"
	[ "$(json_get "$BUNDLE/config.json" 'd["linux"]["seccomp"]["syscalls"][0]["names"]')" = \
		"$(json_get "$HR_TMP/rec.json" 'd["syscalls"][0]["names"]')" ] || fail "not the recorded names"
	[ "$(json_get "$BUNDLE/config.json" 'd["annotations"]["org.hardrun.seccomp.from"]')" = rec.json ] ||
		fail "no annotation"
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	run -0 hr run --bundle "$BUNDLE" r2
	assert_line_matches '^recorded$'
	# mkdir(2) was never recorded: denied with EPERM, the script goes on
	update_config 'c["process"]["args"] = ["sh", "-c", "echo recorded; mkdir /tmp/x; echo status=$?"]'
	run -0 hr run --bundle "$BUNDLE" r3
	assert_line_matches "^mkdir: can't create directory '/tmp/x': Operation not permitted$"
	assert_line_matches '^status=1$'
	# audit: the recorded allowlist is least privilege, the production profile's is generic
	run -0 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^CIS-5\.21 +PASS '
	run -0 "$HARDRUN" audit --bundle "$BUNDLE" --format json
	assert_output_contains "system calls recorded from the workload (rec.json): least privilege, the strongest grade"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --force
	run -0 "$HARDRUN" audit --bundle "$BUNDLE" --format json
	assert_output_contains "a generic allowlist of"
}

@test "seccomp-record: what the config's filter denies is not recorded; without NNP the admin capability is gone at exec" {
	record_bundle sh -c 'mount -t tmpfs none /tmp 2>/dev/null; grep ^CapEff: /proc/self/status'
	run -0 hr run --seccomp-record "$HR_TMP/rec.json" --bundle "$BUNDLE" r1
	run -0 names "$HR_TMP/rec.json"
	assert_output_not_contains mount
	# no seccomp in the config and no no_new_privs: the recording filter goes in with
	# CAP_SYS_ADMIN held until execve, which drops it
	update_config 'del c["linux"]["seccomp"]; c["process"]["noNewPrivileges"] = False'
	run -0 hr run --seccomp-record "$HR_TMP/rec2.json" --bundle "$BUNDLE" r2
	assert_line_matches '^CapEff:[[:space:]]+0000000000000000$'
	run -0 names "$HR_TMP/rec2.json"
	assert_line_matches '^mount$'
}

@test "seccomp-record: a detached container's recorder holds none of the caller's pipes, and writes when it stops" {
	record_bundle sh -c 'read line; echo "got $line"; exec sleep 300'
	mkfifo "$HR_TMP/out.fifo"
	cat "$HR_TMP/out.fifo" >"$HR_TMP/out" &
	reader=$!
	hr create --seccomp-record "$HR_TMP/rec.json" --bundle "$BUNDLE" d1 \
		<<<"hello" >"$HR_TMP/out.fifo" 2>&1 || fail "create: $(cat "$HR_TMP/out")"
	# the recorder: a process of hardrun's that is not the container's init (which, until
	# start, still has hardrun's command line)
	init=$(json_get <(hr state d1) 'd["pid"]')
	recorder=$(pgrep -f -- "create --seccomp-record $HR_TMP/rec.json" | grep -vx "$init") ||
		fail "no recorder running"
	[ "$(wc -l <<<"$recorder")" = 1 ] || fail "recorders: $recorder"
	[ -d "/proc/$recorder/fd" ] || fail "no /proc/$recorder/fd"
	for fd in /proc/"$recorder"/fd/*; do
		target=$(readlink "$fd") || continue
		case $target in
		"$HR_TMP/out.fifo" | /dev/pts/* | socket:*) fail "the recorder holds $fd -> $target" ;;
		esac
	done
	hr start d1
	wait_out() { grep -q '^got hello$' "$HR_TMP/out"; }
	for _ in $(seq 100); do wait_out && break; sleep 0.1; done
	wait_out || fail "output: $(cat "$HR_TMP/out")"
	[ ! -e "$HR_TMP/rec.json" ] || fail "written while the container runs"
	hr kill d1 KILL
	for _ in $(seq 100); do [ -e "$HR_TMP/rec.json" ] && break; sleep 0.1; done
	[ -e "$HR_TMP/rec.json" ] || fail "no profile after the container stopped"
	run -0 names "$HR_TMP/rec.json"
	assert_line_matches '^read$'
	assert_line_matches '^nanosleep$|^clock_nanosleep$'
	# nothing holds the container's output any more: the reader saw end of file
	wait_exit "$reader" || fail "the output pipe is still held open"
	hr delete d1
}

@test "seccomp-record: refusals name the cause and leave nothing behind" {
	record_bundle true
	run -1 hr run --seccomp-record "$HR_TMP/no/such/dir/rec.json" --bundle "$BUNDLE" r1
	assert_output_contains "--seccomp-record $HR_TMP/no/such/dir/rec.json: directory $HR_TMP/no/such/dir"
	[ ! -e "$HR_ROOT/r1" ] || fail "state left: $(ls -A "$HR_ROOT")"
	update_config 'c["linux"]["seccomp"]["listenerPath"] = "/run/agent.sock"'
	run -1 hr run --seccomp-record "$HR_TMP/rec.json" --bundle "$BUNDLE" r1
	assert_output_contains "--seccomp-record: linux.seccomp.listenerPath is set"
	[ ! -e "$HR_ROOT/r1" ] || fail "state left: $(ls -A "$HR_ROOT")"
	[ ! -e "$HR_TMP/rec.json" ] || fail "a profile was written"
	# spec --seccomp-from checks the file as linux.seccomp, by JSON path
	printf '{"defaultAction": "SCMP_ACT_NOPE"}\n' >"$HR_TMP/bad.json"
	run -1 "$HARDRUN" spec --bundle "$HR_TMP" --seccomp-from "$HR_TMP/bad.json"
	assert_output_contains "linux.seccomp.defaultAction"
	assert_output_contains "SCMP_ACT_NOPE"
	run -1 "$HARDRUN" spec --bundle "$HR_TMP" --seccomp-from "$HR_TMP/none.json"
	assert_output_contains "--seccomp-from"
	assert_output_contains "$HR_TMP/none.json"
	[ ! -e "$HR_TMP/config.json" ] || fail "spec wrote a config"
}
