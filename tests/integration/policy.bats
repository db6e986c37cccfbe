#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The policy end to end: `hardrun --policy F --cgroup-manager disabled create` with a config like
# the one Docker generates for a plain `docker run` (root, writable root, Docker's 14 default
# capabilities, its masked and read-only paths, no seccomp profile, no limits) in each mode:
# enforce refuses it, harden rewrites it (seen from /proc/PID/status and in the state's
# annotations), audit logs the findings, off says nothing; a malformed policy refuses every
# container and exec (fail closed); a missing policy file audits.
#
# The fixture is tests/unit/data/audit/docker-run.json. Docker's binds of /etc/hosts,
# /etc/hostname and /etc/resolv.conf are left out (their sources are Docker's files), and it
# carries inheritable capabilities as Docker did before 20.10.14 (CVE-2022-24769).

load lib

CONTRIB=$BATS_TEST_DIRNAME/../../contrib/policy
DOCKER_CONFIG=$BATS_TEST_DIRNAME/../unit/data/audit/docker-run.json
SECRET=planted-policy-secret-4711
# Docker's default capabilities as a mask: what harden leaves in the bounding set.
DOCKER_CAPS=00000000a80425fb

# docker_bundle ARGS...: BUNDLE with a busybox rootfs and the Docker-like config running ARGS.
docker_bundle() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	cp "$DOCKER_CONFIG" "$BUNDLE/config.json"
	local args_json
	args_json=$(json_array "$@")
	update_config "c['process']['args'] = $args_json"
}

# write_policy NAME JSON: $HR_TMP/NAME.json
write_policy() {
	printf '%s\n' "$2" >"$HR_TMP/$1.json"
}

state_field() {
	hr state "$1" | json_eval "d$2"
}

# status_of PID FIELD: the value of FIELD in /proc/PID/status
status_of() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# wait_exec PID COMM: until the container's process has executed COMM.
wait_exec() {
	local i
	for i in $(seq 50); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	fail "process $1 did not execute $2"
}

# hr_unconfigured ARGS...: hardrun with no policy configured: no --policy, no $HARDRUN_POLICY
# and no /etc/hardrun/policy.json (a host's own is hidden under an empty tmpfs, in a mount
# namespace of this command's).
hr_unconfigured() {
	local mask='[ ! -e /etc/hardrun ] || mount -t tmpfs hr-no-policy /etc/hardrun || exit 125
exec "$@"'
	env -u HARDRUN_POLICY unshare --mount --propagation private sh -c "$mask" sh \
		"$HARDRUN" --root "$HR_ROOT" --cgroup-manager "${HR_CGROUP_MANAGER:-disabled}" "$@"
}

# quiet_bundle: the Docker-like config running a process that writes "out" on stdout and "err"
# on stderr. Its device rules go: with cgroups disabled they would be warned about, which is
# not what the tests of stderr are about.
quiet_bundle() {
	docker_bundle sh -c 'echo out; echo err >&2'
	update_config "del c['linux']['resources']"
}

# aa_warns: 1 where the host has AppArmor (CIS-5.1 warns about a config without a profile),
# else 0.
aa_warns() {
	if [ "$(host_apparmor)" = off ]; then echo 0; else echo 1; fi
}

# log_lines FILE LEVEL: the msg of each JSON line of FILE at LEVEL, one a line.
log_lines() {
	"$HR_PYTHON" - "$1" "$2" <<-'EOF'
		import json, sys
		for line in open(sys.argv[1]):
		    d = json.loads(line)
		    assert set(d) == {"level", "msg", "time"}, d
		    if d["level"] == sys.argv[2]:
		        print(d["msg"])
	EOF
}

@test "enforce refuses the Docker config with the failed rules, and leaves nothing" {
	docker_bundle sleep 1000
	run -1 --separate-stderr hr --policy "$CONTRIB/production.json" --log "$HR_TMP/log.json" \
		--log-format json create --bundle "$BUNDLE" e1
	assert_stderr_contains "policy $CONTRIB/production.json (enforce) refuses the container: 10 required rules failed: CIS-4.1, CIS-5.12, HR-FS-01 (warning), CIS-5.25, HR-CAP-01 (warning), HR-CAP-02, CIS-5.21, CIS-5.10, CIS-5.11, CIS-5.28 (hardrun audit explains each)"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one line on stderr"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "state left behind: $(ls -A "$HR_ROOT")"
	run -1 --separate-stderr hr state e1
	run -0 log_lines "$HR_TMP/log.json" error
	assert_output_contains "refuses the container: 10 required rules failed: CIS-4.1,"
	# a production config passes the same policy, silently
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --force --args sleep 1000
	hr_bg --policy "$CONTRIB/production.json" --log "$HR_TMP/ok.json" --log-format json \
		create --bundle "$BUNDLE" e2
	[ "$(state_field e2 "['status']")" = created ] || fail "e2 not created"
	run -0 log_lines "$HR_TMP/ok.json" warning
	# but for CIS-5.1 where the host has AppArmor without hardrun-default loaded
	output=$(grep -v ': CIS-5\.1 WARN: ' <<<"$output" || true)
	assert_output_not_contains policy
	# exec is judged too: root is refused, the config's own user is not
	hr start e2
	run -1 --separate-stderr hr --policy "$CONTRIB/production.json" exec --user 0:0 e2 true
	assert_stderr_contains "(enforce) refuses the process to exec: 1 required rule failed: CIS-4.1"
	# (stderr apart: where the host has AppArmor, CIS-5.1 warns about the unconfined process)
	run -0 --separate-stderr hr --policy "$CONTRIB/production.json" exec e2 id -u
	[ "$output" = 1001 ] || fail "expected uid 1001"
	hr delete --force e2
}

@test "harden rewrites the Docker config: no_new_privs, seccomp, capabilities, annotations" {
	docker_bundle sleep 1000
	hr_bg --policy "$CONTRIB/development.json" --log "$HR_TMP/log.json" --log-format json \
		create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" h1
	hr start h1
	pid=$(cat "$HR_TMP/pid")
	wait_exec "$pid" sleep
	[ "$(status_of "$pid" NoNewPrivs)" = 1 ] || fail "NoNewPrivs is $(status_of "$pid" NoNewPrivs)"
	[ "$(status_of "$pid" Seccomp)" = 2 ] || fail "Seccomp is $(status_of "$pid" Seccomp)"
	[ "$(status_of "$pid" CapInh)" = 0000000000000000 ] || fail "CapInh $(status_of "$pid" CapInh)"
	[ "$(status_of "$pid" CapAmb)" = 0000000000000000 ] || fail "CapAmb $(status_of "$pid" CapAmb)"
	[ "$(status_of "$pid" CapBnd)" = "$DOCKER_CAPS" ] || fail "CapBnd $(status_of "$pid" CapBnd)"
	changes=$(state_field h1 "['annotations']['org.hardrun.policy.changes']")
	[ "$changes" = "noNewPrivileges,inheritableCapabilities,seccomp,memory,cpu,pids" ] ||
		fail "annotation: $changes"
	run -0 log_lines "$HR_TMP/log.json" info
	assert_output_contains "(harden): set noNewPrivileges"
	assert_output_contains "(harden): emptied the inheritable capabilities (CAP_CHOWN,"
	assert_output_contains "(harden): added the default seccomp profile"
	assert_output_contains "(harden): set the memory limit to 1073741824 bytes"
	# what harden cannot change is reported
	run -0 log_lines "$HR_TMP/log.json" warning
	assert_output_contains "(harden): CIS-4.1 FAIL"
	# a process exec'd into it is hardened the same way
	run -0 hr --policy "$CONTRIB/development.json" exec h1 \
		grep -E '^(NoNewPrivs|Seccomp|CapInh|CapAmb):' /proc/self/status
	assert_line_matches '^NoNewPrivs:[[:space:]]+1$'
	assert_line_matches '^Seccomp:[[:space:]]+2$'
	assert_line_matches '^CapInh:[[:space:]]+0000000000000000$'
	assert_line_matches '^CapAmb:[[:space:]]+0000000000000000$'
	hr delete --force h1
}

@test "audit creates the container and logs each finding, without secret values" {
	docker_bundle sleep 1000
	update_config "c['process']['env'] += ['API_TOKEN=$SECRET']"
	write_policy audit '{"mode": "audit"}'
	hr_bg --policy "$HR_TMP/audit.json" --log "$HR_TMP/log.json" --log-format json \
		create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" a1
	[ "$(state_field a1 "['status']")" = created ] || fail "a1 not created"
	run -0 log_lines "$HR_TMP/log.json" warning
	assert_output_contains "policy $HR_TMP/audit.json (audit): CIS-4.1 FAIL: the process runs as a non-root user: process.user.uid: runs as uid 0 (root)"
	assert_output_contains "(audit): CIS-5.21 FAIL: a seccomp profile that denies by default: linux.seccomp"
	assert_output_contains "(audit): HR-ENV-01 WARN: no secret in the environment: process.env[2]: 1 variable named like a secret: API_TOKEN (values not shown)"
	[ "$(grep -c '(audit): ' <<<"$output")" -eq $((12 + $(aa_warns))) ] || fail "expected 12 findings"
	! grep -q "$SECRET" "$HR_TMP/log.json" "$HR_TMP/container.log" || fail "a secret was logged"
	# nothing was changed
	hr start a1
	pid=$(cat "$HR_TMP/pid")
	wait_exec "$pid" sleep
	[ "$(status_of "$pid" NoNewPrivs)" = 0 ] || fail "audit must not harden"
	[ "$(state_field a1 ".get('annotations', {}).get('org.hardrun.policy.changes', 'absent')")" = absent ] ||
		fail "audit must not annotate"
	hr delete --force a1
}

@test "off creates the container silently" {
	docker_bundle sleep 1000
	write_policy off '{"mode": "off", "rules": {"CIS-4.1": {"required": true}}}'
	hr_bg --policy "$HR_TMP/off.json" --log "$HR_TMP/log.json" --log-format json \
		create --bundle "$BUNDLE" o1
	[ "$(state_field o1 "['status']")" = created ] || fail "o1 not created"
	! grep -q policy "$HR_TMP/log.json" "$HR_TMP/container.log" || fail "off must not log"
	hr delete --force o1
}

@test "a malformed policy refuses every container and exec, naming the file" {
	docker_bundle sleep 1000
	write_policy bad '{"mode": "enforce", "rules": {"CIS-5.10": {"max": "lots"}}}'
	run -1 --separate-stderr hr --policy "$HR_TMP/bad.json" create --bundle "$BUNDLE" m1
	assert_stderr_contains "invalid policy, refusing the container: $HR_TMP/bad.json: rules[\"CIS-5.10\"].max: invalid size \"lots\""
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "state left behind"
	write_policy syntax '{"mode": "harden",'
	run -1 --separate-stderr hr --policy "$HR_TMP/syntax.json" create --bundle "$BUNDLE" m2
	assert_stderr_contains "invalid policy, refusing the container: $HR_TMP/syntax.json: line "
	mkdir "$HR_TMP/dir.json"
	run -1 --separate-stderr hr --policy "$HR_TMP/dir.json" create --bundle "$BUNDLE" m3
	assert_stderr_contains "invalid policy, refusing the container: read $HR_TMP/dir.json: Is a directory"
	# through $HARDRUN_POLICY, and at exec
	write_policy off '{"mode": "off"}'
	hr_bg --policy "$HR_TMP/off.json" run -d --bundle "$BUNDLE" m4
	HARDRUN_POLICY=$HR_TMP/bad.json run -1 --separate-stderr hr exec m4 true
	assert_stderr_contains "invalid policy, refusing the exec: $HR_TMP/bad.json: rules[\"CIS-5.10\"]"
	hr delete --force m4
	HARDRUN_POLICY=$HR_TMP/bad.json run -1 --separate-stderr hr create --bundle "$BUNDLE" m5
	assert_stderr_contains "$HR_TMP/bad.json"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "state left behind"
}

@test "a missing policy file means audit" {
	docker_bundle sleep 1000
	hr_bg --policy "$HR_TMP/none.json" --log "$HR_TMP/log.json" --log-format json \
		create --bundle "$BUNDLE" n1
	[ "$(state_field n1 "['status']")" = created ] || fail "n1 not created"
	run -0 log_lines "$HR_TMP/log.json" warning
	assert_output_contains "policy $HR_TMP/none.json: no such file: auditing only"
	assert_output_contains "policy $HR_TMP/none.json (audit): CIS-4.1 FAIL"
	hr delete --force n1
	# the same through $HARDRUN_POLICY, which --policy overrides
	write_policy enforce '{"mode": "enforce", "rules": {"CIS-5.25": {"required": true}}}'
	HARDRUN_POLICY=$HR_TMP/enforce.json run -1 --separate-stderr hr create --bundle "$BUNDLE" n2
	assert_stderr_contains "policy $HR_TMP/enforce.json (enforce) refuses the container: 1 required rule failed: CIS-5.25"
	HARDRUN_POLICY=$HR_TMP/enforce.json hr_bg --policy "$HR_TMP/none.json" create --bundle "$BUNDLE" n3
	hr delete --force n3
}

@test "without a configured policy, run and exec keep the findings off the container's stderr" {
	quiet_bundle
	run -0 --separate-stderr hr_unconfigured run --bundle "$BUNDLE" q1
	[ "$output" = out ] || fail "stdout: $output"
	[ "$stderr" = err ] || fail "stderr is not just the container's: $stderr"
	# exec'd processes are judged too: their stderr is the same
	update_config "c['process']['args'] = ['sleep', '1000']"
	write_policy off '{"mode": "off"}'
	hr_bg --policy "$HR_TMP/off.json" run -d --bundle "$BUNDLE" q2
	run -0 --separate-stderr hr_unconfigured exec q2 sh -c 'echo out; echo err >&2'
	[ "$output" = out ] || fail "stdout: $output"
	[ "$stderr" = err ] || fail "stderr is not just the exec'd process's: $stderr"
	hr delete --force q2
}

@test "without a configured policy, the findings go to the --log file, and on stderr with --debug" {
	quiet_bundle
	run -0 --separate-stderr hr_unconfigured --log "$HR_TMP/log.json" --log-format json \
		run --bundle "$BUNDLE" q3
	[ "$stderr" = err ] || fail "stderr is not just the container's: $stderr"
	run -0 log_lines "$HR_TMP/log.json" warning
	assert_output_contains "policy /etc/hardrun/policy.json (audit): CIS-4.1 FAIL: the process runs as a non-root user"
	[ "$(grep -c '(audit): ' <<<"$output")" -eq $((11 + $(aa_warns))) ] || fail "expected 11 findings"
	run -0 --separate-stderr hr_unconfigured --debug run --bundle "$BUNDLE" q4
	assert_stderr_contains "hardrun: warning: policy /etc/hardrun/policy.json (audit): CIS-4.1 FAIL: the process runs as a non-root user"
	[ "$(grep -c '(audit): ' <<<"$stderr")" -eq $((11 + $(aa_warns))) ] || fail "expected 11 findings"
	[ "${stderr_lines[-1]}" = err ] || fail "the container's stderr is missing"
}

@test "a configured policy in audit mode warns on stderr without --log" {
	quiet_bundle
	write_policy audit '{"mode": "audit"}'
	run -0 --separate-stderr hr --policy "$HR_TMP/audit.json" run --bundle "$BUNDLE" w1
	assert_stderr_contains "hardrun: warning: policy $HR_TMP/audit.json (audit): CIS-4.1 FAIL: the process runs as a non-root user"
	[ "$(grep -c "^hardrun: warning: policy $HR_TMP/audit.json (audit): " <<<"$stderr")" -eq $((11 + $(aa_warns))) ] ||
		fail "expected 11 findings: $stderr"
	[ "${stderr_lines[-1]}" = err ] || fail "the container's stderr is missing"
	# named through $HARDRUN_POLICY, even missing: the operator asked for a policy
	HARDRUN_POLICY=$HR_TMP/none.json run -0 --separate-stderr hr run --bundle "$BUNDLE" w2
	assert_stderr_contains "hardrun: warning: policy $HR_TMP/none.json: no such file: auditing only"
	assert_stderr_contains "hardrun: warning: policy $HR_TMP/none.json (audit): CIS-4.1 FAIL"
}
