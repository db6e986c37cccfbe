#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Podman 4.3 runs its containers through hardrun (--runtime, conmon in between; cgroupfs
# manager, file events, vfs storage, no network). conmon calls hardrun without --root (state
# in /run/hardrun) and without --log: create --bundle --pid-file [--console-socket], start,
# exec --pid-file --process --detach [--console-socket], pause, resume, update
# --resources=FILE, kill, delete --force. The tests of c1 run in order.

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
	run -6 in_tty "podman --runtime $HARDRUN --cgroup-manager cgroupfs --events-backend file --storage-driver vfs run --rm -it --network none bb:1 sh -c 'tty; exit 6'"
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
	run -3 in_tty "podman --runtime $HARDRUN --cgroup-manager cgroupfs --events-backend file --storage-driver vfs exec -it c1 sh -c 'tty; exit 3'"
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

@test "podman stop: SIGTERM reaches the container, its status 0 comes back; rm leaves no state" {
	id=$(full_id c1)
	start=$SECONDS
	run -0 p stop -t 30 c1
	[ $((SECONDS - start)) -lt 30 ] || fail "stop waited for its timeout: TERM did not arrive"
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
