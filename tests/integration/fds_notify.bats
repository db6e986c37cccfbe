#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# File descriptors and sockets the caller hands to the container: --preserve-fds (closed fds in
# the range are skipped, hardrun's own never get in), socket activation (LISTEN_FDS) and
# sd_notify (NOTIFY_SOCKET), as runc passes them. What the process sees is checked from inside.

load lib

# create and run -d leave a process that holds their stdio: never capture it with `run`.
hr_bg() {
	hr "$@" </dev/null >>"$HR_TMP/container.log" 2>&1 ||
		fail "hardrun $* failed: $(cat "$HR_TMP/container.log")"
}

# The shell's fds 3..9 that are open, one "open N" line each, then FIRST's first line.
fds_script() {
	printf '%s' 'for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; '
	printf 'read -r l <&%s; echo "read $l"' "$1"
}

# The "open N" lines of $output, space-separated.
open_fds() {
	local line out=""
	for line in "${lines[@]}"; do
		[[ $line == "open "* ]] && out+="${line#open } "
	done
	printf '%s' "$out"
}

make_fd_bundle() {
	make_bundle
	local args_json
	args_json=$(json_array "$@")
	update_config "c['process']['terminal'] = False
c['process']['args'] = $args_json"
}

@test "run --preserve-fds: open fds in the range reach the process, a closed one is skipped" {
	echo three >"$HR_TMP/three"
	echo five >"$HR_TMP/five"
	make_fd_bundle sh -c "$(fds_script 3); read -r l <&5; echo \"read5 \$l\""
	# fd 4 is closed: the log hardrun opens lands there, and must not reach the container
	run -0 hr --log "$HR_TMP/hr.log" run --bundle "$BUNDLE" --preserve-fds 3 pfd \
		3<"$HR_TMP/three" 4<&- 5<"$HR_TMP/five"
	[ "$(open_fds)" = "3 5 " ] || fail "expected fds 3 and 5 open inside, fd 4 closed"
	assert_line_matches '^read three$'
	assert_line_matches '^read5 five$'
}

@test "run --preserve-fds with every fd of the range closed: none reaches the process" {
	make_fd_bundle sh -c 'for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; echo done'
	run -0 hr run --bundle "$BUNDLE" --preserve-fds 4 pnone 3<&- 4<&- 5<&- 6<&-
	[ "$(open_fds)" = "" ] || fail "expected no fd above 2 inside"
	assert_line_matches '^done$'
}

@test "exec --preserve-fds: a closed fd in the range is skipped" {
	echo four >"$HR_TMP/four"
	make_fd_bundle sleep 1000
	hr_bg run -d --bundle "$BUNDLE" pex
	run -0 hr exec --preserve-fds 2 pex sh -c "$(fds_script 4)" 3<&- 4<"$HR_TMP/four"
	[ "$(open_fds)" = "4 " ] || fail "expected only fd 4 open inside"
	assert_line_matches '^read four$'
}
