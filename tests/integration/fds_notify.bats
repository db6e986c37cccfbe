#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# File descriptors and sockets the caller hands to the container: --preserve-fds (closed fds in
# the range are skipped, hardrun's own never get in), socket activation (LISTEN_FDS) and
# sd_notify (NOTIFY_SOCKET), as runc passes them. What the process sees is checked from inside.

load lib

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

# hardrun as the caller's process itself (exec), so that LISTEN_PID=$$ names it.
hr_activated() {
	local nfds=$1
	shift
	LISTEN_FDS=$nfds LISTEN_FDNAMES=a:b sh -c 'LISTEN_PID=$$ exec "$@"' sh \
		"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled "$@"
}

@test "run with LISTEN_FDS: its fds reach the process with LISTEN_FDS and LISTEN_PID=1, the preserved ones after them" {
	echo l3 >"$HR_TMP/l3"
	echo l4 >"$HR_TMP/l4"
	echo p5 >"$HR_TMP/p5"
	make_fd_bundle sh -c 'echo "env $LISTEN_FDS $LISTEN_PID"; for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; read -r a <&3; read -r b <&4; read -r c <&5; echo "read $a $b $c"'
	# fd 6 is open but beyond the 2 + 1 fds passed on
	run -0 hr_activated 2 run --bundle "$BUNDLE" --preserve-fds 1 act \
		3<"$HR_TMP/l3" 4<"$HR_TMP/l4" 5<"$HR_TMP/p5" 6<"$HR_TMP/l3"
	assert_line_matches '^env 2 1$'
	[ "$(open_fds)" = "3 4 5 " ] || fail "expected fds 3 to 5 open inside, and no other"
	assert_line_matches '^read l3 l4 p5$'
}

@test "create and start with LISTEN_FDS: the init gets the fds and LISTEN_FDS, LISTEN_PID=1" {
	echo l3 >"$HR_TMP/l3"
	make_fd_bundle sh -c 'echo "env $LISTEN_FDS $LISTEN_PID"; for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; read -r a <&3; echo "read $a"'
	hr_activated 1 create --bundle "$BUNDLE" actc 3<"$HR_TMP/l3" 4<"$HR_TMP/l3" \
		</dev/null >"$HR_TMP/out" 2>&1 || fail "create: $(cat "$HR_TMP/out")"
	hr start actc
	for _ in $(seq 50); do
		grep -q '^read' "$HR_TMP/out" && break
		sleep 0.1
	done
	run cat "$HR_TMP/out"
	assert_line_matches '^env 1 1$'
	[ "$(open_fds)" = "3 " ] || fail "expected only fd 3 open inside"
	assert_line_matches '^read l3$'
}

@test "LISTEN_FDS meant for another process (LISTEN_PID not hardrun's) is ignored, as runc does" {
	echo l3 >"$HR_TMP/l3"
	make_fd_bundle sh -c 'echo "env [$LISTEN_FDS] [$LISTEN_PID]"; for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; echo done'
	LISTEN_FDS=1 LISTEN_PID=1 run -0 hr run --bundle "$BUNDLE" other 3<"$HR_TMP/l3"
	assert_line_matches '^env \[\] \[\]$'
	[ "$(open_fds)" = "" ] || fail "expected no fd above 2 inside"
	assert_line_matches '^done$'
}

@test "exec ignores LISTEN_FDS, as runc does: only --preserve-fds counts" {
	echo l3 >"$HR_TMP/l3"
	make_fd_bundle sleep 1000
	hr_bg run -d --bundle "$BUNDLE" actx
	run -0 hr_activated 1 exec actx sh -c 'echo "env [$LISTEN_FDS]"; for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; echo done' 3<"$HR_TMP/l3"
	assert_line_matches '^env \[\]$'
	[ "$(open_fds)" = "" ] || fail "expected no fd above 2 inside"
}

# make_notify_bundle ARGS...: a bundle whose rootfs has /bin/sd-notify (helpers/sd-notify.c,
# built static: busybox cannot send to a unix datagram socket).
make_notify_bundle() {
	make_fd_bundle "$@"
	"${CC:-cc}" -static -O2 -o "$BUNDLE/rootfs/bin/sd-notify" "$HR_LIB_DIR/../helpers/sd-notify.c" ||
		fail "cannot build a static sd-notify"
}

@test "run with NOTIFY_SOCKET: the process gets a socket of its own, its READY=1 reaches the caller's socket" {
	make_notify_bundle sh -c 'echo "env $NOTIFY_SOCKET"; [ -S "$NOTIFY_SOCKET" ] && echo "is a socket"; grep " /run/notify " /proc/self/mounts; sd-notify "READY=1" && echo sent'
	start_notify_listener "$HR_TMP/host.sock" "$HR_TMP/got"
	NOTIFY_SOCKET=$HR_TMP/host.sock run -0 hr run --bundle "$BUNDLE" nfy
	assert_line_matches '^env /run/notify/notify.sock$'
	assert_line_matches '^is a socket$'
	assert_line_matches '^[^ ]+ /run/notify [^ ]+ ro,nosuid,nodev,noexec'
	assert_line_matches '^sent$'
	wait "$LISTENER_PID" || fail "the listener got nothing"
	run cat "$HR_TMP/got"
	assert_line_matches '^READY=1$'
	assert_line_matches '^MAINPID=[0-9]+$'
}

@test "create and start with NOTIFY_SOCKET: start returns once the container's READY=1 is forwarded" {
	make_notify_bundle sh -c 'sleep 1; sd-notify "STATUS=up
READY=1"; sleep 1000'
	start_notify_listener "$HR_TMP/host.sock" "$HR_TMP/got"
	NOTIFY_SOCKET=$HR_TMP/host.sock hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" nfc
	[ -d "$HR_ROOT/nfc/notify" ] || fail "no notify directory in the state directory"
	local began=$EPOCHREALTIME
	NOTIFY_SOCKET=$HR_TMP/host.sock run -0 hr start nfc
	# the process sleeps 1 s before READY=1: a start that waited for it cannot return sooner
	# (the listener writes what it got on its own time, so that file proves no order)
	local waited_ms=$(((${EPOCHREALTIME/./} - ${began/./}) / 1000))
	[ "$waited_ms" -ge 950 ] || fail "start returned after $waited_ms ms, before READY=1 was forwarded"
	wait "$LISTENER_PID" || fail "the listener got nothing"
	run cat "$HR_TMP/got"
	assert_line_matches '^READY=1$'
	assert_line_matches '^STATUS=up$'
	assert_line_matches "^MAINPID=$(cat "$HR_TMP/pid")\$"
	hr delete --force nfc
	[ ! -e "$HR_ROOT/nfc" ] || fail "the state directory is left"
}

@test "without NOTIFY_SOCKET nothing is bound and the process gets none" {
	make_fd_bundle sh -c 'echo "env [$NOTIFY_SOCKET]"; grep -c " /run/notify " /proc/self/mounts'
	run -1 env -u NOTIFY_SOCKET "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" nonfy
	assert_line_matches '^env \[\]$'
	assert_line_matches '^0$'
}

@test "NOTIFY_SOCKET with a user namespace: the parent clones the state directory's notify/, the mapped root attaches it" {
	make_notify_bundle sh -c 'echo "env $NOTIFY_SOCKET"; [ -S "$NOTIFY_SOCKET" ] && echo "is a socket"; sd-notify "READY=1" && echo sent'
	# the mapped root cannot search hardrun's state directory: only the parent can reach it
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	chmod 0700 "$HR_ROOT"
	# the mount point exists: the unmapped rootfs is not the mapped root's to write
	mkdir -p "$BUNDLE/rootfs/run/notify"
	update_config "
m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = m
for mnt in c['mounts']:
    mnt['options'] = [o for o in mnt.get('options', []) if not o.startswith('gid=')]"
	start_notify_listener "$HR_TMP/host.sock" "$HR_TMP/got"
	NOTIFY_SOCKET=$HR_TMP/host.sock run -0 hr run --bundle "$BUNDLE" nfu
	assert_line_matches '^env /run/notify/notify.sock$'
	assert_line_matches '^is a socket$'
	assert_line_matches '^sent$'
	wait "$LISTENER_PID" || fail "the listener got nothing"
	run cat "$HR_TMP/got"
	assert_line_matches '^READY=1$'
}
