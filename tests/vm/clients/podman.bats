#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Podman 4.3 runs its containers through hardrun (--runtime, conmon in between; cgroupfs
# manager, file events, vfs storage, no network). conmon calls hardrun without --root (state
# in /run/hardrun) and without --log: create --bundle --pid-file [--console-socket], start,
# exec --pid-file --process --detach [--console-socket], pause, resume, update
# --resources=FILE, kill, delete --force; for checkpoint and restore (criu from the host),
# checkpoint --help, checkpoint --image-path --work-path [--leave-running], restore
# --image-path --work-path --bundle --pid-file --detach. The tests of c1 run in order.

load ../../integration/lib
load lib

NET=(--network none)

p() {
	t podman --runtime "$HARDRUN" --cgroup-manager cgroupfs --events-backend file \
		--storage-driver vfs "$@"
}

state_of() {
	"$HARDRUN" state "$1" >"$HR_TMP/state.json" || return 1
	json_get "$HR_TMP/state.json" 'd["status"]'
}

full_id() {
	p inspect -f '{{.Id}}' "$1"
}

@test "podman import makes bb:1 from the busybox tarball" {
	run -0 p import -q "$HR_CLIENTS_TAR" bb:1
	run -0 p image exists bb:1
}

@test "podman run --rm: the output and the exit status 5 come back" {
	run -5 --separate-stderr p run --rm "${NET[@]}" bb:1 sh -c 'echo hi-from-podman; echo to-stderr >&2; exit 5'
	assert_line_matches '^hi-from-podman$'
	assert_stderr_contains to-stderr
}

@test "podman run -it: the process gets a terminal, its status comes back" {
	# The repeated tty: Podman starts the container once conmon's attach socket has accepted
	# its connection, but conmon registers that client in its own event loop; output the process
	# writes before that (on a loaded one-CPU emulated guest, seconds later) goes only to the
	# log, so the terminal would show nothing although hardrun gave the process its terminal.
	run -6 in_tty "podman --runtime $HARDRUN --cgroup-manager cgroupfs --events-backend file --storage-driver vfs run --rm -it --network none bb:1 sh -c 'for i in 1 2 3 4 5; do sleep 1; tty; done; exit 6'"
	# script(1) turns its end of input into a NUL the terminal echoes as ^@: not anchored
	assert_line_matches '/dev/pts/[0-9]+'
}

@test "podman run -d: the container runs; hardrun's state says running" {
	p run -d --name c1 "${NET[@]}" bb:1 sh -c 'trap "echo got-term; exit 0" TERM; sleep 100000 & wait'
	[ "$(p inspect -f '{{.State.Status}}' c1)" = running ] || fail "podman: not running"
	[ "$(state_of "$(full_id c1)")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
}

@test "podman exec: the output and exit status of an exec'd process" {
	run -4 --separate-stderr p exec c1 sh -c 'echo exec-out; id -u; exit 4'
	assert_line_matches '^exec-out$'
	assert_line_matches '^0$'
}

@test "podman exec -it: the exec'd process gets a terminal" {
	# the repeated tty: the attach race of "podman run -it" above
	run -3 in_tty "podman --runtime $HARDRUN --cgroup-manager cgroupfs --events-backend file --storage-driver vfs exec -it c1 sh -c 'for i in 1 2 3 4 5; do sleep 1; tty; done; exit 3'"
	assert_line_matches '/dev/pts/[0-9]+'
}

@test "podman top: the container's processes" {
	run -0 p top c1
	assert_line_matches 'sleep 100000'
}

@test "podman pause / unpause: paused in Podman and in hardrun's state, then running" {
	run -0 p pause c1
	[ "$(p inspect -f '{{.State.Status}}' c1)" = paused ] || fail "podman: not paused"
	[ "$(state_of "$(full_id c1)")" = paused ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	run -0 p unpause c1
	[ "$(p inspect -f '{{.State.Status}}' c1)" = running ] || fail "podman: not running"
}

@test "podman update --memory 256m: memory.max inside the container changes" {
	run -0 p update --memory 256m c1
	run -0 --separate-stderr p exec c1 cat /sys/fs/cgroup/memory.max
	[ "$output" = 268435456 ] || fail "memory.max after the update: $output"
}

@test "hardrun verify: Podman's config of c1 holds while it runs, after podman update; not the production profile" {
	run -0 "$HARDRUN" verify "$(full_id c1)"
	assert_line_matches '^PASS +- +root\.readonly +config +observed '
	assert_line_matches '^PASS +[0-9]+ +linux\.seccomp +config +observed Seccomp 2'
	assert_line_matches '^PASS +- +linux\.resources\.memory\.limit +config +observed 268435456; '
	assert_line_matches '^[0-9]+ passed, 0 failed, 0 skipped$'
	run -1 "$HARDRUN" verify --profile production "$(full_id c1)"
	assert_line_matches '^FAIL +[0-9]+ +process\.user +production CIS-4\.1 +observed uid 0, gid 0; '
}

@test "podman stop: SIGTERM reaches the container, its status 0 comes back; rm leaves no state" {
	id=$(full_id c1)
	# status 0 is the trap's: a KILL after the timeout would be 137 (no wall clock asserted: on
	# a loaded emulated guest Podman's own work can take as long as the timeout)
	run -0 p stop -t 120 c1
	run -0 p inspect -f '{{.State.Status}} {{.State.ExitCode}}' c1
	[ "$output" = "exited 0" ] || fail "after stop: $output"
	run -0 p logs c1
	assert_line_matches '^got-term$'
	run -0 p rm c1
	run -1 "$HARDRUN" state "$id"
	assert_output_contains "does not exist"
}

@test "the production settings with Podman (tmpfs with its default copy-up), verified inside" {
	run -0 --separate-stderr p run --rm "${NET[@]}" --read-only --read-only-tmpfs=false \
		--tmpfs /tmp --tmpfs /var/tmp --user 1001:1001 --memory 512m \
		--memory-swap 512m --cpus 0.5 --security-opt no-new-privileges --cap-drop ALL \
		-v apptemp:/app/temp bb:1 sh -c "$PRODUCTION_PROBE"
	assert_production
}

# Podman adds tmpcopyup to --tmpfs and to --read-only's own /run, /tmp and /var/tmp: each
# tmpfs starts with the image's directory (the image has /etc/passwd, /tmp 1777 and /app/temp
# 0700 owned by 1001), and what is written there stays in the tmpfs.
@test "podman --tmpfs and --read-only with their default copy-up: the image's files are in the tmpfs" {
	run -0 --separate-stderr p run --rm "${NET[@]}" --read-only --tmpfs /etc --tmpfs /app \
		bb:1 sh -c '
		for d in /etc /app /run /tmp /var/tmp; do
			echo "mount $d=$(awk -v d=$d '"'"'$2 == d { print $3 }'"'"' /proc/mounts)"
		done
		grep "^app:" /etc/passwd
		stat -c "app/temp=%a %u %g" /app/temp
		stat -c "tmp=%a" /tmp
		touch /tmp/probe /app/new && echo "write=ok"'
	for want in "mount /etc=tmpfs" "mount /app=tmpfs" "mount /run=tmpfs" "mount /tmp=tmpfs" \
		"mount /var/tmp=tmpfs" "app:x:1001:1001:app:/app:/bin/false" "app/temp=700 1001 1001" \
		"tmp=1777" "write=ok"; do
		assert_line_matches "^${want}\$"
	done
	# a second container of the image: the files written in the first one's tmpfs are gone
	run -0 --separate-stderr p run --rm "${NET[@]}" --read-only --tmpfs /app bb:1 \
		sh -c 'ls -A /app'
	[ "$output" = temp ] || fail "/app of a new container: $output"
}

@test "podman run of a missing binary: the message and exit status 127" {
	run -127 --separate-stderr p run --rm "${NET[@]}" bb:1 /no/such/binary
	assert_stderr_contains 'exec: "/no/such/binary": stat /no/such/binary: no such file or directory'
}

@test "contrib/podman/containers.conf makes hardrun Podman's runtime" {
	sed "s|/usr/local/sbin/hardrun|$HARDRUN|" "$HR_CLIENTS_REPO/contrib/podman/containers.conf" \
		>"$HR_TMP/containers.conf"
	export CONTAINERS_CONF=$HR_TMP/containers.conf
	conf_p() {
		t podman --cgroup-manager cgroupfs --events-backend file --storage-driver vfs "$@"
	}
	run -0 --separate-stderr conf_p run -d --name conf1 "${NET[@]}" bb:1 sleep 1000
	run -0 --separate-stderr conf_p inspect -f '{{.OCIRuntime}}' conf1
	[ "$output" = hardrun ] || fail "runtime: $output"
	id=$(conf_p inspect -f '{{.Id}}' conf1)
	[ "$(state_of "$id")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	run -0 --separate-stderr conf_p rm -f -t 0 conf1
}

# Checkpoint and restore: Podman runs `hardrun checkpoint --help` to see whether the runtime
# can, then `checkpoint --image-path --work-path [--leave-running] ID` and, through conmon,
# `restore --image-path --work-path --bundle --pid-file --detach ID`; criu comes from the host
# (check-clients.sh requires it). The counter lives in the container's own /tmp, no volume:
# what Podman keeps of the container's storage between checkpoint and restore is on trial.
# /tmp/starts gets a line each time the shell starts: a restore must not start it again.
# The value is written beside and renamed, so a checkpoint never catches an empty /tmp/n.
COUNTER='echo started >>/tmp/starts; i=0
while :; do i=$((i+1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.2; done'

# must COMMAND...: runs COMMAND; when it fails, the test fails with its output and the errors
# of the criu logs Podman keeps (the guest's disk vanishes with the guest)
must() {
	"$@" >"$HR_TMP/must.out" 2>&1 && return 0
	fail "$* (status $?): $(cat "$HR_TMP/must.out")
$(find /var/lib/containers/storage -name dump.log -o -name restore.log | while read -r f; do
		echo "== $f"
		grep -B4 -m4 'Error' "$f"
	done)"
}

# run_counter NAME [RUN-OPTION...]: the counter in container NAME, run with the options given
# (default --network none)
run_counter() {
	local net=("${NET[@]}")
	[ $# -lt 2 ] || net=("${@:2}")
	t podman --runtime "$HARDRUN" --cgroup-manager cgroupfs --events-backend file \
		--storage-driver vfs run -d --name "$1" "${net[@]}" bb:1 sh -c "$COUNTER" \
		>"$HR_TMP/run-$1.log" 2>&1 || fail "podman run $1: $(cat "$HR_TMP/run-$1.log")"
}

# netns_of NAME: the inode of the network namespace of the container's init (hardrun's pid)
netns_of() {
	"$HARDRUN" state "$(full_id "$1")" >"$HR_TMP/state.json" || return 1
	stat -L -c %i "/proc/$(json_get "$HR_TMP/state.json" 'd["pid"]')/ns/net"
}

# count_in NAME: the counter of a running container, read with podman exec
count_in() {
	p exec "$1" cat /tmp/n 2>/dev/null
}

# wait_count_above NAME N: until the counter of NAME passes N (60 s at most: emulated CPU)
wait_count_above() {
	local v deadline=$((SECONDS + 60))
	while :; do
		v=$(count_in "$1")
		[ -n "$v" ] && [ "$v" -gt "$2" ] && return 0
		[ "$SECONDS" -lt "$deadline" ] || fail "the counter of $1 stayed at '$v', not above $2"
		sleep 0.5
	done
}

# saved_count NAME: /tmp/n in the root filesystem of the checkpointed container (podman
# mount), read twice a second apart: nothing may count while it is checkpointed
saved_count() {
	local dir a b
	dir=$(p mount "$1") || fail "podman mount $1"
	a=$(cat "$dir/tmp/n")
	sleep 1
	b=$(cat "$dir/tmp/n")
	p umount "$1" >/dev/null || fail "podman umount $1"
	[ -n "$a" ] || fail "no /tmp/n in the root filesystem of $1"
	[ "$a" = "$b" ] || fail "$1 counted while checkpointed: $a, then $b"
	echo "$a"
}

# init_fields NAME: what a restore must keep of the container's init (its pid 1)
init_fields() {
	p exec "$1" grep -E '^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/1/status
}

# assert_restored NAME SAVED FIELDS: NAME runs in Podman and in hardrun's state, its counter
# goes on from SAVED (never below it, then above it), the shell was not started again, and its
# pid 1 has the FIELDS it had before the checkpoint
assert_restored() {
	local name=$1 saved=$2 fields=$3 first
	[ "$(p inspect -f '{{.State.Status}} {{.State.Restored}}' "$name")" = "running true" ] ||
		fail "podman after the restore: $(p inspect -f '{{.State.Status}} {{.State.Restored}}' "$name")"
	[ "$(state_of "$(full_id "$name")")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	first=$(count_in "$name")
	[ -n "$first" ] && [ "$first" -ge "$saved" ] ||
		fail "the restored counter of $name started over: saved $saved, then '$first'"
	wait_count_above "$name" "$saved"
	run -0 p exec "$name" cat /tmp/starts
	[ "$output" = started ] || fail "the shell of $name was started again: $output"
	run -0 p exec "$name" cat /proc/1/cmdline
	assert_output_contains 'while :'
	[ "$(init_fields "$name")" = "$fields" ] ||
		fail "pid 1 of $name changed: before: $fields; after: $(init_fields "$name")"
}

@test "podman container checkpoint / restore: the counter goes on from its value, same credentials" {
	run_counter ck1
	wait_count_above ck1 5
	local id fields saved
	id=$(full_id ck1)
	fields=$(init_fields ck1)
	[ -n "$fields" ] || fail "no status fields of pid 1"

	must p container checkpoint ck1
	run -0 p inspect -f '{{.State.Status}} {{.State.Checkpointed}}' ck1
	[ "$output" = "exited true" ] || fail "podman after the checkpoint: $output"
	run -1 "$HARDRUN" state "$id"
	assert_output_contains "does not exist"
	saved=$(saved_count ck1)

	must p container restore ck1
	assert_restored ck1 "$saved" "$fields"
	run -0 --separate-stderr p rm -f -t 0 ck1
	run -1 "$HARDRUN" state "$id"
}

@test "podman container checkpoint --export / restore --import --name: a new container goes on counting" {
	run_counter ck2
	wait_count_above ck2 5
	local fields saved
	fields=$(init_fields ck2)

	must p container checkpoint --export="$HR_TMP/ck2.tar" ck2
	[ -s "$HR_TMP/ck2.tar" ] || fail "no exported checkpoint"
	[ "$(p inspect -f '{{.State.Status}}' ck2)" = exited ] || fail "ck2 still runs"
	saved=$(saved_count ck2)

	must p container restore --import="$HR_TMP/ck2.tar" --name ck3
	[ "$(full_id ck3)" != "$(full_id ck2)" ] || fail "ck3 has the id of ck2"
	assert_restored ck3 "$saved" "$fields"
	[ "$(p inspect -f '{{.State.Status}}' ck2)" = exited ] || fail "ck2 runs again"
	run -0 --separate-stderr p rm -f -t 0 ck2 ck3
}

@test "podman container checkpoint --leave-running: the container goes on counting, then restores from its export" {
	run_counter lr1
	wait_count_above lr1 3
	local id at fields
	id=$(full_id lr1)
	fields=$(init_fields lr1)
	at=$(count_in lr1)

	must p container checkpoint --leave-running --export="$HR_TMP/lr1.tar" lr1
	[ -s "$HR_TMP/lr1.tar" ] || fail "no exported checkpoint"
	[ "$(p inspect -f '{{.State.Status}}' lr1)" = running ] || fail "podman: lr1 stopped"
	[ "$(state_of "$id")" = running ] || fail "hardrun: $(cat "$HR_TMP/state.json")"
	wait_count_above lr1 "$at"
	[ "$(init_fields lr1)" = "$fields" ] || fail "pid 1 of lr1 changed: $(init_fields lr1)"

	# the export is a clone of lr1 as it was: it counts on from that value, lr1 too
	must p container restore --import="$HR_TMP/lr1.tar" --name lr2
	assert_restored lr2 "$at" "$fields"
	wait_count_above lr1 "$(count_in lr1)"
	run --separate-stderr p rm -f -t 0 lr1 lr2
	[ "$status" -eq 0 ] || fail "podman rm -f lr1 lr2: status $status: $stderr"
}

# A network namespace joined by path (what Podman's own networks give the runtime): criu's
# external one, the restored counter is in it again.
@test "podman container checkpoint / restore of a container with a terminal (-t): a new terminal, the counter goes on" {
	run_counter ck5 "${NET[@]}" -t
	wait_count_above ck5 5
	local fields saved
	fields=$(init_fields ck5)
	run -0 p exec ck5 stat -L -c %t:%T /proc/1/fd/0
	[ "$output" = 88:0 ] || fail "pid 1's stdin is not /dev/pts/0: $output"

	must p container checkpoint ck5
	saved=$(saved_count ck5)
	# conmon gets the new terminal's master through hardrun restore --console-socket
	must p container restore ck5
	assert_restored ck5 "$saved" "$fields"
	run -0 p exec ck5 sh -c 'stat -L -c %t:%T /proc/1/fd/0; ls /dev/pts'
	assert_line_matches '^88:0$'
	assert_line_matches '^0$'
	run -0 --separate-stderr p rm -f -t 0 ck5
}

@test "podman container checkpoint / restore with --network ns:PATH: the counter is back in that namespace" {
	ip netns add podck || fail "ip netns add podck"
	local ns fields saved
	ns=$(stat -L -c %i /run/netns/podck)
	run_counter ns1 --network=ns:/run/netns/podck
	wait_count_above ns1 3
	[ "$(netns_of ns1)" = "$ns" ] || fail "ns1 is not in podck"
	fields=$(init_fields ns1)

	must p container checkpoint ns1
	saved=$(saved_count ns1)
	must p container restore ns1
	assert_restored ns1 "$saved" "$fields"
	[ "$(netns_of ns1)" = "$ns" ] || fail "the restored ns1 is in another network namespace"
	run -0 --separate-stderr p rm -f -t 0 ns1
	ip netns del podck
}

# Podman's --sdnotify=container (what a Type=notify unit running podman uses): Podman gives
# hardrun a socket of its own as NOTIFY_SOCKET, hardrun binds it into the container, and the
# container's own READY=1 reaches the socket Podman was given (Podman sends conmon's pid as
# MAINPID: conmon is the unit's main process).
@test "podman run --sdnotify=container: the container's READY=1 reaches Podman's NOTIFY_SOCKET" {
	# Podman sends MAINPID once the container started, the container READY=1 on its own time:
	# the listener waits for both, in either order
	start_notify_listener "$HR_TMP/notify.sock" "$HR_TMP/got" READY=1 MAINPID=
	NOTIFY_SOCKET=$HR_TMP/notify.sock run -0 --separate-stderr p run -d --name sdn "${NET[@]}" \
		--sdnotify=container bb:1 sh -c 'sleep 0.5; sd-notify READY=1; sleep 1000'
	wait "$LISTENER_PID" || fail "no READY=1 reached the socket"
	run cat "$HR_TMP/got"
	assert_line_matches '^READY=1$'
	assert_line_matches "^MAINPID=$(p inspect -f '{{.State.ConmonPid}}' sdn)\$"
	run -0 --separate-stderr p rm -f -t 0 sdn
	# the READY=1 was the container's: one that never sends it gets none through
	rm -f "$HR_TMP/notify.sock" "$HR_TMP/got"*
	start_notify_listener "$HR_TMP/notify.sock" "$HR_TMP/got"
	# Podman waits for a READY=1 that never comes: cut off (the container may not exist yet)
	NOTIFY_SOCKET=$HR_TMP/notify.sock timeout 60 podman --runtime "$HARDRUN" --cgroup-manager cgroupfs \
		--events-backend file --storage-driver vfs run -d --name sdn2 "${NET[@]}" \
		--sdnotify=container bb:1 sleep 1000 >"$HR_TMP/sdn2.log" 2>&1 || true
	sleep 3
	[ ! -e "$HR_TMP/got" ] || fail "READY=1 without the container sending it: $(cat "$HR_TMP/got")"
	kill "$LISTENER_PID" 2>/dev/null || true
	run -0 --separate-stderr p rm -f --ignore -t 0 sdn2
}
