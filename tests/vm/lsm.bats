#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# AppArmor in the guest kernel (Debian's enables it; the host of the tests may not): the
# features document says so; `run` and `exec` put the process under process.apparmorProfile
# (exec: the config's, or --apparmor's), and the profile confines it; the shipped
# contrib/apparmor/hardrun-default denies what it says and leaves the runtime's own setup
# (sysctls) alone; `spec --profile production` names it once it is loaded, and `audit` passes
# CIS-5.1. The profiles are loaded with apparmor_parser -r into this kernel (never the host's)
# and removed when the file ends. Runs only inside the guest kernel:
#
#   tests/vm/check.sh ./hardrun tests/vm/lsm.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

HR_SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
AA_DEFAULT=$HR_SRC/contrib/apparmor/hardrun-default

# aa_test_profile NAME: a profile that allows everything but writing /w/denied*.
aa_test_profile() {
	cat <<-EOF
		abi <abi/3.0>,
		profile $1 flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  unix,
		  signal,
		  ptrace,
		  deny /w/denied* w,
		}
	EOF
}

setup_file() {
	guest_only || return 1
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || {
		echo "the guest kernel has no AppArmor enabled" >&2
		return 1
	}
	command -v apparmor_parser >/dev/null || {
		echo "apparmor_parser is not installed (contrib/dev deps installs the apparmor package)" >&2
		return 1
	}
	# the shell-init guest mounts no securityfs: apparmor_parser and `spec` need it (this
	# file runs in a mount namespace of its own)
	mountpoint -q /sys/kernel/security ||
		mount -t securityfs securityfs /sys/kernel/security || return 1
	aa_test_profile hardrun-test >"$BATS_FILE_TMPDIR/hardrun-test"
	aa_test_profile hardrun-test2 >"$BATS_FILE_TMPDIR/hardrun-test2"
	for p in "$BATS_FILE_TMPDIR/hardrun-test" "$BATS_FILE_TMPDIR/hardrun-test2" "$AA_DEFAULT"; do
		apparmor_parser -r -K "$p" || return 1
	done
}

teardown_file() {
	for p in "$BATS_FILE_TMPDIR/hardrun-test" "$BATS_FILE_TMPDIR/hardrun-test2" "$AA_DEFAULT"; do
		apparmor_parser -R -K "$p" 2>/dev/null || true
	done
}

# aa_bundle PROFILE ARGS...: the minimal config with a tmpfs on /w, the process ARGS under
# PROFILE ("" for none), without a terminal.
aa_bundle() {
	local profile=$1
	shift
	make_bundle
	local args
	args=$(printf '"%s", ' "$@")
	update_config "
c['process']['args'] = [${args%, }]
c['process']['terminal'] = False
c['mounts'].append({'destination': '/w', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'nodev']})
if '$profile':
    c['process']['apparmorProfile'] = '$profile'"
}

@test "features: apparmor.enabled is true when the kernel has AppArmor" {
	run -0 --separate-stderr "$HARDRUN" features
	[ "$(json_eval 'd["linux"]["apparmor"]["enabled"]' <<<"$output")" = true ] ||
		fail "apparmor.enabled is not true"
}

@test "run: the process is under process.apparmorProfile, which confines it" {
	# (one line: update_config takes the arguments into a Python string literal)
	aa_bundle hardrun-test sh -c 'cat /proc/self/attr/current; echo; echo yes >/w/allowed && echo allowed-written; echo no >/w/denied && echo denied-written; cat /proc/self/attr/apparmor/current'
	run -0 hr run --bundle "$BUNDLE" aa-run
	[ "${lines[0]}" = "hardrun-test (enforce)" ] || fail "attr/current: ${lines[0]}"
	assert_line_matches '^allowed-written$'
	assert_output_not_contains denied-written
	assert_output_contains "/w/denied: Permission denied"
	[ "${lines[-1]}" = "hardrun-test (enforce)" ] || fail "attr/apparmor/current: ${lines[-1]}"
}

@test "exec: the config's profile by default, --apparmor's instead" {
	aa_bundle hardrun-test sleep 1000
	hr run -d --bundle "$BUNDLE" aa-exec </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	run -0 hr exec aa-exec cat /proc/self/attr/current
	[ "$output" = "hardrun-test (enforce)" ] || fail "exec: $output"
	run -1 hr exec aa-exec sh -c 'echo no >/w/denied'
	assert_output_contains "Permission denied"
	run -0 hr exec --apparmor hardrun-test2 aa-exec cat /proc/self/attr/current
	[ "$output" = "hardrun-test2 (enforce)" ] || fail "exec --apparmor: $output"
	run -0 hr exec --apparmor unconfined aa-exec sh -c 'echo yes >/w/denied && cat /proc/self/attr/current'
	[ "$output" = unconfined ] || fail "exec --apparmor unconfined: $output"
	# --process: the document's own, replaced by --apparmor too
	run -0 hr exec --process - aa-exec <<<'{"args": ["cat", "/proc/self/attr/current"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "apparmorProfile": "hardrun-test2"}'
	[ "$output" = "hardrun-test2 (enforce)" ] || fail "exec --process: $output"
	run -1 hr exec --apparmor hr-no-such-profile aa-exec true
	assert_output_contains 'set AppArmor exec profile "hr-no-such-profile"'
	run -0 hr delete --force aa-exec
}

# The runtime's own safeguards off (masked and read-only paths) and CAP_SYS_ADMIN on, so that
# what fails fails because of the profile; the same process without it is the control.
hardened_script='cat /proc/self/attr/current; echo; cat /proc/sys/kernel/shmmni; mkdir /w/m && mount -t tmpfs t /w/m && echo mount-done; echo aa.example >/proc/sys/kernel/domainname && echo sysctl-written; echo done'

aa_default_bundle() {
	aa_bundle "$1" sh -c "$hardened_script"
	update_config "
c['linux']['maskedPaths'] = []
c['linux']['readonlyPaths'] = []
c['linux']['sysctl'] = {'kernel.shmmni': '1234'}
for s in ('bounding', 'effective', 'permitted'):
    c['process']['capabilities'][s].append('CAP_SYS_ADMIN')"
}

@test "hardrun-default: no mount, no sysctl write; linux.sysctl is applied before it" {
	aa_default_bundle ""
	run -0 hr run --bundle "$BUNDLE" aa-control
	[ "${lines[0]}" = unconfined ] || fail "control: ${lines[0]}"
	assert_line_matches '^mount-done$'
	assert_line_matches '^sysctl-written$'
	BUNDLE=$HR_TMP/bundle-default aa_default_bundle hardrun-default
	run -0 hr run --bundle "$HR_TMP/bundle-default" aa-default
	[ "${lines[0]}" = "hardrun-default (enforce)" ] || fail "attr/current: ${lines[0]}"
	# the runtime wrote the sysctl before the execve that applied the profile
	assert_line_matches '^1234$'
	assert_output_not_contains mount-done
	assert_output_not_contains sysctl-written
	assert_line_matches '^done$'
}

@test "hardrun-default: signals and ptrace within the profile; the runtime's signals reach it" {
	aa_bundle hardrun-default sleep 1000
	hr run -d --bundle "$BUNDLE" aa-sig </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	# in the foreground (in the background of this shell): hardrun reaps it once killed, where
	# an exec -d'd zombie would wait for a reaper outside the container and hold its pid
	# namespace open
	hr exec --apparmor unconfined aa-sig sh -c 'echo $$ >/w/pid; exec sleep 999' \
		</dev/null >"$HR_TMP/victim.log" 2>&1 &
	local victim=$!
	for _ in $(seq 50); do
		hr exec aa-sig test -s /w/pid && break
		sleep 0.2
	done
	run -0 hr exec aa-sig cat /w/pid
	local pid=$output
	# within the profile: a child of the exec'd process (the same profile, no transition)
	run -0 hr exec aa-sig sh -c 'sleep 998 & c=$!; cat /proc/$c/environ >/dev/null &&
kill -TERM $c && echo same-ok'
	[ "$output" = same-ok ] || fail "within the profile: $output"
	# an unconfined process in the same container is out of reach, but not for the unconfined
	run -1 hr exec aa-sig cat "/proc/$pid/environ"
	assert_output_contains "Permission denied"
	run -0 hr exec --apparmor unconfined aa-sig cat "/proc/$pid/environ"
	run -1 hr exec aa-sig kill -TERM "$pid"
	assert_output_contains "Permission denied"
	run -0 hr exec --apparmor unconfined aa-sig kill -TERM "$pid"
	wait "$victim" || true
	# the runtime, unconfined, signals the container's process
	run -0 hr kill aa-sig KILL
	for _ in $(seq 50); do
		[ "$(hr state aa-sig | json_eval 'd["status"]')" = stopped ] && break
		sleep 0.2
	done
	[ "$(hr state aa-sig | json_eval 'd["status"]')" = stopped ] ||
		fail "SIGKILL did not stop it: $(hr state aa-sig)"
	run -0 hr delete aa-sig
}

@test "spec --profile production names hardrun-default once loaded; the container runs under it" {
	[ "$(host_apparmor)" = loaded ] || fail "hardrun-default is not in the kernel's list"
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --args cat /proc/self/attr/current
	[ "$(json_get "$BUNDLE/config.json" 'd["process"]["apparmorProfile"]')" = hardrun-default ] ||
		fail "no apparmorProfile: $(cat "$BUNDLE/config.json")"
	run -0 hr run --bundle "$BUNDLE" aa-prod
	[ "$output" = "hardrun-default (enforce)" ] || fail "production: $output"
	run -0 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^CIS-5\.1 +PASS '
	assert_line_matches '^28 passed, 0 warnings, 0 failed, 0 skipped$'
	# without it, audit warns: this host has AppArmor
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --apparmor '' --force
	run -0 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^CIS-5\.1 +WARN '
}
