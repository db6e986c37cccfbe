#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Container IDs and hooks as runc treats them: an ID runc refuses is refused by every command,
# before anything is created; delete takes several IDs; a failing poststart hook fails the start
# and deletes the container; a failing poststop hook is a warning and the later ones still run.

load lib

# The rule every refusal names.
ID_RULE="letters, digits and _+-."

# hook_writing FILE TEXT: a hook (JSON) that appends TEXT to FILE.
hook_writing() {
	echo "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo $2 >> $1\"]}"
}

# assert_root_empty DIR: DIR (a state directory) does not exist or holds nothing.
assert_root_empty() {
	[ ! -e "$1" ] || [ -z "$(ls -A "$1")" ] || fail "created under $1: $(ls -A "$1")"
}

@test "IDs runc refuses are refused by run before anything is created, naming the ID and the rule" {
	make_bundle_running true
	long=$(printf 'x%.0s' {1..1025})
	root=$HR_TMP/fresh-root
	for id in .. . ../x a/b /abs "" "a b" "a:b" 'a*' "é" "$long"; do
		run -1 --separate-stderr "$HARDRUN" --root "$root" --cgroup-manager disabled \
			run --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" "$id"
		assert_stderr_contains "invalid container ID"
		assert_stderr_contains "$ID_RULE"
		# the ID itself, or its start when it is too long to quote in full
		assert_stderr_contains "\"${id:0:64}"
		# refused first: nothing read or warned about before
		[[ "$stderr" != *warning* ]] || fail "ID '$id': a warning before the refusal"
		[ ! -e "$root" ] || fail "ID '$id': the state directory $root was created"
		[ ! -e "$HR_TMP/pid" ] || fail "ID '$id': the pid file was written"
		[ ! -e "$HR_TMP/x" ] && [ ! -e "$HR_TMP/a" ] || fail "ID '$id': created beside the root"
	done
	# the ID is checked first: a bad bundle does not hide it
	run -1 --separate-stderr hr create --bundle "$HR_TMP/no-such-bundle" ../x
	assert_stderr_contains "invalid container ID \"../x\""
	assert_root_empty "$HR_ROOT"
	# the whole allowed set is accepted
	run -0 --separate-stderr hr run --bundle "$BUNDLE" aZ09_+-.x
}

@test "every command that takes an ID refuses a bad one the same way" {
	for cmd in "start" "state" "kill" "delete" "delete --force" "pause" "resume" "ps" \
		"events --stats" "update --pids-limit 10" "exec" ; do
		# shellcheck disable=SC2086
		set -- $cmd
		if [ "$1" = exec ]; then
			run -1 --separate-stderr hr exec .. true
		else
			run -1 --separate-stderr hr "$@" ..
		fi
		assert_stderr_contains "invalid container ID \"..\""
		assert_stderr_contains "$ID_RULE"
	done
	assert_root_empty "$HR_ROOT"
}

@test "delete takes several IDs: a missing one is reported, the others are deleted" {
	make_bundle_running true
	run -0 hr run --keep --bundle "$BUNDLE" a
	run -0 hr run --keep --bundle "$BUNDLE" c
	[ -d "$HR_ROOT/a" ] && [ -d "$HR_ROOT/c" ] || fail "kept containers missing"
	run -1 --separate-stderr hr delete a b c
	assert_stderr_contains "container b does not exist"
	[ ! -e "$HR_ROOT/a" ] || fail "a was not deleted"
	[ ! -e "$HR_ROOT/c" ] || fail "c was not deleted after the failure on b"
	run -0 hr list -q
	[ -z "$output" ] || fail "containers left: $output"
	# a refused ID among them: reported, the rest still deleted
	run -0 hr run --keep --bundle "$BUNDLE" d
	run -1 --separate-stderr hr delete ../x d
	assert_stderr_contains "invalid container ID \"../x\""
	[ ! -e "$HR_ROOT/d" ] || fail "d was not deleted after the refused ID"
	# with --force, missing ones are fine (as runc)
	run -0 hr run --keep --bundle "$BUNDLE" e
	run -0 hr run --keep --bundle "$BUNDLE" f
	run -0 --separate-stderr hr delete --force e gone f
	[ ! -e "$HR_ROOT/e" ] && [ ! -e "$HR_ROOT/f" ] || fail "delete --force left a container"
	run -0 hr list -q
	[ -z "$output" ] || fail "containers left: $output"
}

@test "a failing poststart hook fails run -d; the container is killed and deleted, poststop runs" {
	make_bundle_running sleep 1000
	update_config "c['hooks'] = {
 'poststart': [{'path': '/bin/false'}, $(hook_writing "$HR_TMP/marks" poststart-1)],
 'poststop': [$(hook_writing "$HR_TMP/marks" poststop)]}"
	rc=0
	hr run -d --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" ps1 </dev/null >"$HR_TMP/out" 2>&1 || rc=$?
	output=$(cat "$HR_TMP/out")
	[ "$rc" -eq 1 ] || fail "run -d exited $rc, expected 1"
	assert_output_contains "poststart hook #0 (/bin/false): exited with status 1"
	pid=$(cat "$HR_TMP/pid")
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ] ||
		fail "the container's init $pid is still alive"
	[ ! -e "$HR_ROOT/ps1" ] || fail "state directory left"
	run -0 hr list -q
	[ -z "$output" ] || fail "container still listed: $output"
	run cat "$HR_TMP/marks"
	[ "$output" = poststop ] || fail "expected only the poststop hook to have run"
}

@test "a failing poststart hook fails start and foreground run; the container is deleted" {
	make_bundle_running sleep 1000
	update_config "c['hooks'] = {
 'poststart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 7']}],
 'poststop': [$(hook_writing "$HR_TMP/marks" poststop)]}"
	hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" st1
	pid=$(cat "$HR_TMP/pid")
	run -1 --separate-stderr hr start st1
	assert_stderr_contains "container st1: poststart hook #0 (/bin/sh): exited with status 7"
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ] ||
		fail "the container's init $pid is still alive"
	[ ! -e "$HR_ROOT/st1" ] || fail "state directory left"
	[ "$(cat "$HR_TMP/marks")" = poststop ] || fail "poststop did not run once"
	# foreground, even with --keep: as runc, the container does not outlive the failure
	rm -f "$HR_TMP/marks"
	update_config "c['process']['args'] = ['sleep', '2']"
	run -1 --separate-stderr hr run --keep --bundle "$BUNDLE" st2 </dev/null
	assert_stderr_contains "poststart hook #0 (/bin/sh): exited with status 7"
	[ ! -e "$HR_ROOT/st2" ] || fail "state directory left"
	[ "$(cat "$HR_TMP/marks")" = poststop ] || fail "poststop did not run once"
	run -0 hr list -q
	[ -z "$output" ] || fail "containers left: $output"
}

@test "a failing poststop hook is a warning: the later ones run and delete succeeds" {
	make_bundle_running true
	update_config "c['hooks'] = {'poststop': [
 $(hook_writing "$HR_TMP/marks" first),
 {'path': '/bin/false'},
 {'path': '$HR_TMP/no-such-hook'},
 $(hook_writing "$HR_TMP/marks" last)]}"
	run -0 hr run --keep --bundle "$BUNDLE" pst
	run -0 --separate-stderr hr delete pst
	assert_stderr_contains "poststop hook #1 (/bin/false): exited with status 1"
	assert_stderr_contains "poststop hook #2 ($HR_TMP/no-such-hook): could not be executed"
	[ "$(cat "$HR_TMP/marks")" = "$(printf 'first\nlast')" ] || fail "hooks after the failing one did not run"
	[ ! -e "$HR_ROOT/pst" ] || fail "state directory left"
	run -0 hr list -q
	[ -z "$output" ] || fail "container still listed: $output"
	# run deletes the container the same way: warning, exit status of the process kept
	rm -f "$HR_TMP/marks"
	run -0 --separate-stderr hr run --bundle "$BUNDLE" pst2
	assert_stderr_contains "poststop hook #1 (/bin/false)"
	[ "$(cat "$HR_TMP/marks")" = "$(printf 'first\nlast')" ] || fail "hooks after the failing one did not run"
	[ ! -e "$HR_ROOT/pst2" ] || fail "state directory left"
}
