#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# checkpoint and restore through criu(8), which needs a kernel of its own and root: a counter
# is checkpointed (criu's images and hardrun's record in the image directory, the container
# gone), then restored into a new container, where it goes on from where it was with the same
# credentials, capabilities and seccomp. Runs only inside the guest kernel:
#
#   tests/vm/check.sh ./hardrun tests/vm/checkpoint.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout). criu must be installed
# (apt-get install criu): without it the file fails, it is not skipped.

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

setup_file() {
	guest_only || return 1
	command -v criu >/dev/null || {
		echo "checkpoint.bats needs criu: apt-get install criu" >&2
		return 1
	}
}

# The counter writes its value to /shared/n, a bind mount of $HR_TMP/shared (an external mount
# for criu), every 0.2 s.
COUNTER='["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/shared/n; sleep 0.2; done"]'

make_counter_bundle() {
	make_bundle
	mkdir -p "$HR_TMP/shared"
	update_config "c['process']['terminal'] = False
c['process']['args'] = $COUNTER
c['mounts'].append({'destination': '/shared', 'type': 'bind', 'source': '$HR_TMP/shared', 'options': ['rbind', 'rw']})"
}

# The counter's value; the file is empty for a moment while the shell rewrites it.
counter() {
	local v="" deadline=$((SECONDS + 5))
	while [ -z "$v" ] && [ "$SECONDS" -lt "$deadline" ]; do
		v=$(cat "$HR_TMP/shared/n" 2>/dev/null)
		[ -n "$v" ] || sleep 0.05
	done
	echo "${v:-0}"
}

# wait_counter_above N: until the counter passes N (20 s at most).
wait_counter_above() {
	local deadline=$((SECONDS + 20))
	until [ "$(counter)" -gt "$1" ]; do
		[ "$SECONDS" -lt "$deadline" ] || fail "the counter stayed at $(counter), not above $1"
		sleep 0.2
	done
}

init_pid() {
	hr state "$1" >"$HR_TMP/state.json" || fail "state $1"
	json_get "$HR_TMP/state.json" 'd["pid"]'
}

# What must survive a restore: credentials, capabilities, no_new_privs, seccomp.
status_fields() {
	grep -E '^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$1/status"
}

@test "guest: checkpoint saves the counter and deletes the container; restore goes on from its value" {
	make_counter_bundle
	hr run -d --bundle "$BUNDLE" ck </dev/null >"$HR_TMP/ck.log" 2>&1 || fail "run: $(cat "$HR_TMP/ck.log")"
	wait_counter_above 3
	local pid before
	pid=$(init_pid ck)
	before=$(status_fields "$pid")

	hr checkpoint --image-path "$HR_TMP/img" ck >"$HR_TMP/ck.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/ck.out"; grep -B5 -m3 Error "$HR_TMP/img/dump.log")"
	for f in inventory.img pstree.img dump.log hardrun-config.json hardrun-state.json hardrun-stdio; do
		[ -s "$HR_TMP/img/$f" ] || fail "no $f in the image directory: $(ls "$HR_TMP/img")"
	done
	ls "$HR_TMP/img" | grep -q '^pages-[0-9]*\.img$' || fail "no memory pages saved"
	run -1 hr state ck
	assert_output_contains "container ck does not exist"
	[ "$(json_get "$HR_TMP/img/hardrun-state.json" 'd["id"]')" = ck ] || fail "the record is not ck's"
	local saved
	saved=$(counter)
	sleep 1
	[ "$(counter)" = "$saved" ] || fail "the counter went on after the checkpoint: $saved, $(counter)"

	hr restore -d --bundle "$BUNDLE" --image-path "$HR_TMP/img" ck </dev/null >"$HR_TMP/rs.log" 2>&1 ||
		fail "restore: $(cat "$HR_TMP/rs.log"; grep -B5 -m3 Error "$HR_TMP/img/restore.log")"
	init_pid ck >/dev/null
	[ "$(json_get "$HR_TMP/state.json" 'd["status"]')" = running ] ||
		fail "restored, not running: $(cat "$HR_TMP/state.json")"
	# the next value after the restore is the saved one plus one: it did not start over
	local deadline=$((SECONDS + 20))
	while [ "$(counter)" = "$saved" ]; do
		[ "$SECONDS" -lt "$deadline" ] || fail "the restored counter does not count"
		sleep 0.1
	done
	[ "$(counter)" -gt "$saved" ] || fail "the counter started over: $saved, then $(counter)"
	pid=$(init_pid ck)
	[ "$(status_fields "$pid")" = "$before" ] ||
		fail "status changed: before: $before; after: $(status_fields "$pid")"
	run -0 hr delete -f ck
}

@test "guest: checkpoint --leave-running keeps the container running" {
	make_counter_bundle
	hr run -d --bundle "$BUNDLE" lr </dev/null >"$HR_TMP/lr.log" 2>&1 || fail "run: $(cat "$HR_TMP/lr.log")"
	wait_counter_above 2
	hr checkpoint --leave-running --image-path "$HR_TMP/img" --work-path "$HR_TMP/work" lr \
		>"$HR_TMP/lr.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/lr.out"; grep -B5 -m3 Error "$HR_TMP/work/dump.log")"
	[ -s "$HR_TMP/work/dump.log" ] || fail "no dump.log in the work directory"
	[ -s "$HR_TMP/img/pstree.img" ] || fail "no images"
	local saved
	saved=$(counter)
	wait_counter_above "$saved"
	run -0 hr state lr
	assert_output_contains '"status": "running"'
	run -0 hr delete -f lr
}

# The sum of the sizes of criu's memory pages in image directory $1.
pages_bytes() {
	cat "$1"/pages-*.img | wc -c
}

# The length of the big value the container pd holds, as its shell reports it on SIGUSR1.
big_length() {
	rm -f "$HR_TMP/shared/len"
	hr kill pd USR1 || fail "kill pd USR1"
	# in $(...) fail cannot end the test: the caller finds the length empty
	wait_until 10 test -s "$HR_TMP/shared/len" || {
		fail "pd did not write its length on SIGUSR1"
		return 1
	}
	cat "$HR_TMP/shared/len"
}

@test "guest: checkpoint --pre-dump, then --parent-path: the last dump saves only what changed; restore has it all" {
	make_counter_bundle
	# 8 MB the process holds and never touches again (not even to read: ash copies a value it
	# expands), its length written to /shared/len on SIGUSR1. It forks nothing while it holds
	# them (its one sleep is forked at the start): a child caught between fork and exec by the
	# last dump would share all 8 MB and have them saved again. The counter is a subshell forked
	# before them, so it runs before the trap is set: /shared/holding says it is.
	update_config "c['process']['args'] = ['sh', '-c', '(i=0; while :; do i=\$((i+1)); echo \$i >/shared/n; sleep 0.2; done) & big=\$(yes aaaaaaa | head -c 8000000); trap \"echo \\\\\${#big} >/shared/len\" USR1; echo >/shared/holding; sleep 100000 & while :; do wait; done']"
	hr run -d --bundle "$BUNDLE" pd </dev/null >"$HR_TMP/pd.log" 2>&1 || fail "run: $(cat "$HR_TMP/pd.log")"
	wait_counter_above 2
	wait_until 60 test -e "$HR_TMP/shared/holding" || fail "pd never set its trap"
	local len
	len=$(big_length)
	[ "$len" -gt 7000000 ] || fail "the process holds ${len} bytes, not 8 MB"

	hr checkpoint --pre-dump --image-path "$HR_TMP/ck/pre" pd >"$HR_TMP/pre.out" 2>&1 ||
		fail "pre-dump: $(cat "$HR_TMP/pre.out"; grep -B5 -m3 Error "$HR_TMP/ck/pre/pre-dump.log")"
	[ -s "$HR_TMP/ck/pre/pre-dump.log" ] || fail "no pre-dump.log: $(ls "$HR_TMP/ck/pre")"
	[ ! -e "$HR_TMP/ck/pre/hardrun-config.json" ] || fail "a pre-dump has no record to restore from"
	local pre
	pre=$(pages_bytes "$HR_TMP/ck/pre")
	[ "$pre" -gt 8000000 ] || fail "the pre-dump saved $pre bytes of pages, not the 8 MB"
	# the container runs on: the counter goes on
	run -0 hr state pd
	assert_output_contains '"status": "running"'
	wait_counter_above "$(counter)"

	hr checkpoint --parent-path ../pre --image-path "$HR_TMP/ck/last" pd >"$HR_TMP/last.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/last.out"; grep -B5 -m3 Error "$HR_TMP/ck/last/dump.log")"
	[ "$(readlink "$HR_TMP/ck/last/parent")" = ../pre ] ||
		fail "criu's parent link: $(ls -l "$HR_TMP/ck/last")"
	local last
	last=$(pages_bytes "$HR_TMP/ck/last")
	[ "$last" -lt $((pre / 4)) ] || fail "the last dump saved $last bytes of pages, the pre-dump $pre: not only the changes"
	run -1 hr state pd
	assert_output_contains "container pd does not exist"
	local saved
	saved=$(counter)

	hr restore -d --bundle "$BUNDLE" --image-path "$HR_TMP/ck/last" pd </dev/null >"$HR_TMP/rs.log" 2>&1 ||
		fail "restore: $(cat "$HR_TMP/rs.log"; grep -B5 -m3 Error "$HR_TMP/ck/last/restore.log")"
	wait_counter_above "$saved"
	# the 8 MB came from the pre-dump's pages: the restored process still holds them
	[ "$(big_length)" = "$len" ] || fail "after the restore the process holds $(big_length) bytes, before $len"
	run -0 hr delete -f pd
}

# start_console NAME INPUT TIMEOUT: a console socket $HR_TMP/NAME.sock held by recvtty.py
# (the pty master it receives; what the terminal writes goes to $HR_TMP/NAME.out when the pty
# closes or TIMEOUT seconds pass); its pid in CONSOLE_PID.
start_console() {
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/../integration/helpers/recvtty.py" "$HR_TMP/$1.sock" \
		"$2" "$3" >"$HR_TMP/$1.out" 2>&1 3>&- &
	CONSOLE_PID=$!
	wait_socket "$HR_TMP/$1.sock"
}

# settled FILE: what FILE holds once it is not empty (up to 30 s): the counter truncates it
# before each rewrite, so what is tested is what was read (a test -s, then a cat, could read
# the file truncated again in between); each rewrite is one write, whole or not yet there.
settled() {
	local content deadline=$((SECONDS + 30))
	while :; do
		content=$(cat "$1" 2>/dev/null)
		[ -z "$content" ] && [ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.1
	done
	printf '%s\n' "$content"
}

@test "guest: a container with a terminal: checkpoint, then restore --console-socket gives it a new one" {
	make_counter_bundle
	# the counter also writes its value to its terminal, and what its terminal is
	update_config "c['process']['terminal'] = True
c['process']['args'] = ['sh', '-c', 'i=0; while :; do i=\$((i+1)); echo \$i >/shared/n; echo n=\$i; tty >/shared/tty; [ -t 0 ] && echo stdin-tty >/shared/t0; sleep 0.2; done']"
	start_console first "" 120
	local first=$CONSOLE_PID
	hr run -d --console-socket "$HR_TMP/first.sock" --bundle "$BUNDLE" tt </dev/null >"$HR_TMP/tt.log" 2>&1 ||
		fail "run: $(cat "$HR_TMP/tt.log")"
	wait_counter_above 2
	[ "$(settled "$HR_TMP/shared/tty")" = /dev/pts/0 ] || fail "the terminal inside: $(cat "$HR_TMP/shared/tty")"

	hr checkpoint --image-path "$HR_TMP/img" tt >"$HR_TMP/ck.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/ck.out"; grep -B5 -m3 Error "$HR_TMP/img/dump.log")"
	grep -q '^tty\[[0-9a-f]*:[0-9a-f]*\] /dev/pts/0$' "$HR_TMP/img/hardrun-stdio" ||
		fail "the record of the terminal: $(cat "$HR_TMP/img/hardrun-stdio")"
	# the old terminal's slave went with the processes: its holder sees it close
	wait "$first" || true
	grep -q '^n=[0-9]' "$HR_TMP/first.out" || fail "the first terminal got nothing: $(cat "$HR_TMP/first.out")"
	local saved
	saved=$(counter)
	# /shared/tty and /shared/t0 stay until the restore: the dump may have caught the counter
	# while it held one open, and criu reopens such a file by its path

	run -1 hr restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" tt
	assert_output_contains "process.terminal is true: --console-socket is required"
	# the console holds the new master until the container is deleted (at most 300 s)
	start_console second "" 300
	hr restore -d --console-socket "$HR_TMP/second.sock" --bundle "$BUNDLE" --image-path "$HR_TMP/img" tt \
		</dev/null >"$HR_TMP/rs.log" 2>&1 ||
		fail "restore: $(cat "$HR_TMP/rs.log"; grep -B5 -m3 Error "$HR_TMP/img/restore.log")"
	wait_counter_above "$saved"
	# what a round begun after the restore finds: stdin a terminal, /dev/pts/0 of its devpts
	local now pid
	now=$(counter)
	rm -f "$HR_TMP/shared/tty" "$HR_TMP/shared/t0"
	wait_counter_above $((now + 1))
	[ "$(settled "$HR_TMP/shared/tty")" = /dev/pts/0 ] || fail "the terminal inside after the restore: $(cat "$HR_TMP/shared/tty" 2>&1)"
	[ "$(settled "$HR_TMP/shared/t0")" = stdin-tty ] || fail "stdin is not a terminal after the restore"
	pid=$(init_pid tt)
	[ "$(stat -L -c %t "/proc/$pid/fd/0")" = 88 ] || fail "fd 0 of the restored init is not a pty slave: $(stat -L -c '%t:%T' "/proc/$pid/fd/0")"
	[ ! -e "$HR_TMP/img/restore-pts" ] || fail "restore left its devpts directory"
	# and it writes to the new terminal, from where it was (the console prints what it got
	# when the pty closes with the container)
	run -0 hr delete -f tt
	wait "$CONSOLE_PID" || true
	grep -qE "^n=$((saved + 1))\s*$" "$HR_TMP/second.out" || fail "the new terminal did not get n=$((saved + 1)): $(head -c 300 "$HR_TMP/second.out")"
}

@test "guest: restore without -d waits for the restored process, returns its status and deletes the container" {
	make_counter_bundle
	update_config 'c["process"]["args"] = ["sh", "-c", "echo start >>/shared/starts; i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo $i >/shared/n; sleep 0.2; done; exit 7"]'
	hr run -d --bundle "$BUNDLE" fg </dev/null >"$HR_TMP/fg.log" 2>&1 || fail "run: $(cat "$HR_TMP/fg.log")"
	wait_counter_above 2
	hr checkpoint --image-path "$HR_TMP/img" fg >"$HR_TMP/fg.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/fg.out"; grep -B5 -m3 Error "$HR_TMP/img/dump.log")"
	local saved rc=0
	saved=$(counter)
	[ "$saved" -lt 30 ] || fail "the counter ended before the checkpoint"
	hr restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" fg </dev/null >"$HR_TMP/fgr.log" 2>&1 || rc=$?
	[ "$rc" = 7 ] || fail "restore returned $rc, not the process's 7: $(cat "$HR_TMP/fgr.log")"
	[ "$(counter)" = 30 ] || fail "the restored counter ended at $(counter), not 30"
	# restored, not run again from the bundle
	[ "$(cat "$HR_TMP/shared/starts")" = start ] || fail "started again: $(cat "$HR_TMP/shared/starts")"
	run -1 hr state fg
	assert_output_contains "container fg does not exist"
}

# The network namespace joined by path (as Podman's with a network) is criu's external one:
# the restored counter is in that same namespace again, not in a new one.
@test "guest: a joined network namespace: checkpoint and restore keep the counter in it" {
	ip netns add hrck || fail "ip netns add hrck"
	local ns pid saved
	ns=$(stat -L -c %i /run/netns/hrck)
	make_counter_bundle
	update_config 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "/run/netns/hrck"} for n in c["linux"]["namespaces"]]'
	hr run -d --bundle "$BUNDLE" jn </dev/null >"$HR_TMP/jn.log" 2>&1 || fail "run: $(cat "$HR_TMP/jn.log")"
	wait_counter_above 2
	pid=$(init_pid jn)
	[ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$ns" ] || fail "the counter is not in hrck"

	hr checkpoint --image-path "$HR_TMP/img" jn >"$HR_TMP/jn.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/jn.out"; grep -B5 -m3 Error "$HR_TMP/img/dump.log")"
	saved=$(counter)
	hr restore -d --bundle "$BUNDLE" --image-path "$HR_TMP/img" jn </dev/null >"$HR_TMP/jr.log" 2>&1 ||
		fail "restore: $(cat "$HR_TMP/jr.log"; grep -B5 -m3 Error "$HR_TMP/img/restore.log")"
	wait_counter_above "$saved"
	pid=$(init_pid jn)
	[ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$ns" ] ||
		fail "the restored counter is in another network namespace: $(readlink "/proc/$pid/ns/net")"
	run -0 hr delete -f jn
	ip netns del hrck
}

@test "guest: a production-profile container comes back as hardened as it was, its /tmp with it" {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production \
		--args sh -c 'echo start >>/tmp/starts; i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.2; done' >/dev/null
	update_config "c['process']['terminal'] = False"
	hr run -d --bundle "$BUNDLE" pc </dev/null >"$HR_TMP/pc.log" 2>&1 || fail "run: $(cat "$HR_TMP/pc.log")"
	local deadline=$((SECONDS + 20)) pid before cg limits
	until [ "$(hr exec pc cat /tmp/n 2>/dev/null || echo 0)" -gt 3 ]; do
		[ "$SECONDS" -lt "$deadline" ] || fail "the counter does not count"
		sleep 0.2
	done
	run -0 hr exec pc sh -c 'echo kept >/tmp/marker'
	pid=$(init_pid pc)
	before=$(status_fields "$pid")
	[[ "$before" == *"Uid:	1001	1001	1001	1001"* ]] || fail "not uid 1001 before: $before"
	cg=$(cgroup_dir "$pid") || fail "no cgroup for $pid"
	limits="$(cat "$cg/memory.max" "$cg/cpu.max" "$cg/pids.max")"
	[ "$limits" = "536870912
50000 100000
256" ] || fail "the production limits before: $limits"

	hr checkpoint --image-path "$HR_TMP/img" pc >"$HR_TMP/pc.out" 2>&1 ||
		fail "checkpoint: $(cat "$HR_TMP/pc.out"; grep -B5 -m3 Error "$HR_TMP/img/dump.log")"
	hr restore -d --bundle "$BUNDLE" --image-path "$HR_TMP/img" pc </dev/null >"$HR_TMP/pcr.log" 2>&1 ||
		fail "restore: $(cat "$HR_TMP/pcr.log"; grep -B5 -m3 Error "$HR_TMP/img/restore.log")"
	pid=$(init_pid pc)
	[ "$(status_fields "$pid")" = "$before" ] ||
		fail "status changed: before: $before; after: $(status_fields "$pid")"
	# the tmpfs came back with its contents, and the shell was not started again
	run -0 hr exec pc cat /tmp/marker /tmp/starts
	[ "$output" = "kept
start" ] || fail "/tmp after the restore: $output"
	# the root is still mounted read-only: even the container's root cannot write there
	run -1 hr exec -u 0 pc touch /written-after-restore
	assert_output_contains "Read-only file system"
	run -0 hr exec pc awk '$5 == "/" { print "root-options", $6 }' /proc/self/mountinfo
	assert_line_matches '^root-options ro,'
	cg=$(cgroup_dir "$pid") || fail "no cgroup for $pid"
	[ "$(cat "$cg/memory.max" "$cg/cpu.max" "$cg/pids.max")" = "$limits" ] ||
		fail "the limits after the restore: $(cat "$cg/memory.max" "$cg/cpu.max" "$cg/pids.max")"
	run -0 hr delete -f pc
}
