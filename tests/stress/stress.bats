#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Load and faults: lifecycles side by side, two creates of one ID, hardrun killed with SIGKILL
# at random points of each command, a state root that is full, and failures after the
# container's process was cloned. After each: nothing left behind (state, processes, the
# caller's pipes held open). Run by tests/integration/run.sh (a mount and PID namespace of its
# own). Sizes from the environment: HR_STRESS_WORKERS (default 8), HR_STRESS_CYCLES (cycles a
# worker, default 1000), HR_STRESS_KILLS (kill trials, default 500); `make check-stress` runs a
# reduced set (CI), `make stress` the defaults.

load ../integration/lib

WORKERS=${HR_STRESS_WORKERS:-8}
CYCLES=${HR_STRESS_CYCLES:-1000}
KILLS=${HR_STRESS_KILLS:-500}

# stress_bundle: a bundle whose process sleeps, without a terminal.
stress_bundle() {
	make_bundle
	update_config 'c["process"]["terminal"] = False; c["process"]["args"] = ["sleep", "1000"]'
}

# The cgroups there are (the guest's cgroupfs run of this file creates them; the host's
# creates none).
cgroup_dirs() {
	find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort
}

setup() {
	hr_setup
	cgroup_dirs >"$HR_TMP/cgroups.before"
}

# leftovers: what a finished container must not leave: state directories, processes in the
# bundle's rootfs, hardrun processes, zombies that a hardrun process should have reaped,
# cgroups.
leftovers() {
	local p ppid state
	ls -A "$HR_ROOT" 2>/dev/null | sed 's/^/state: /'
	comm -13 "$HR_TMP/cgroups.before" <(cgroup_dirs) | sed 's/^/cgroup: /'
	rootfs_processes | sed 's/^/container process: /'
	pgrep -f -- "$HARDRUN --root $HR_ROOT" | sed 's/^/hardrun process: /'
	for p in /proc/[0-9]*; do
		read -r state ppid < <(awk '/^State:/ {s = $2} /^PPid:/ {print s, $2}' "$p/status" 2>/dev/null) || continue
		# zombies of PID 1 (the namespace's timeout, which reaps nobody) are orphaned inits
		# that the kernel handed to it; one with another parent was not reaped by hardrun
		[ "$state" = Z ] && [ "$ppid" != 1 ] && echo "zombie ${p#/proc/} of $ppid: $(cat "$p/comm")"
	done
	return 0
}

assert_nothing_left() {
	local left
	left=$(leftovers)
	[ -z "$left" ] || fail "left behind: $left"
}

@test "stress: $WORKERS workers x $CYCLES create/start/kill/delete cycles leave nothing behind" {
	stress_bundle
	local mounts_before w
	mounts_before=$(wc -l </proc/self/mountinfo)
	for w in $(seq "$WORKERS"); do
		(
			for c in $(seq "$CYCLES"); do
				id=w$w-c$c
				hr create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>"$HR_TMP/w$w.err" &&
					hr start "$id" 2>>"$HR_TMP/w$w.err" &&
					hr kill "$id" KILL 2>>"$HR_TMP/w$w.err" &&
					hr delete --force "$id" 2>>"$HR_TMP/w$w.err" ||
					{ echo "cycle $id failed: $(cat "$HR_TMP/w$w.err")"; exit 1; }
			done
		) >"$HR_TMP/w$w.out" 2>&1 &
	done
	local failed=0
	for w in $(seq "$WORKERS"); do
		wait -n || failed=$((failed + 1))
	done
	[ "$failed" -eq 0 ] || fail "$failed workers failed: $(cat "$HR_TMP"/w*.out)"
	[ "$(wc -l </proc/self/mountinfo)" = "$mounts_before" ] || fail "the mount table changed"
	assert_nothing_left
}

@test "stress: two creates of one ID at once: exactly one wins and its container is whole" {
	stress_bundle
	local trial a b
	for trial in $(seq 20); do
		hr create --bundle "$BUNDLE" same </dev/null >/dev/null 2>"$HR_TMP/a.err" &
		a=$!
		hr create --bundle "$BUNDLE" same </dev/null >/dev/null 2>"$HR_TMP/b.err" &
		b=$!
		wait "$a" && ra=0 || ra=$?
		wait "$b" && rb=0 || rb=$?
		[ $((ra == 0)) -ne $((rb == 0)) ] ||
			fail "trial $trial: statuses $ra and $rb: $(cat "$HR_TMP/a.err" "$HR_TMP/b.err")"
		grep -q "container same already exists" "$HR_TMP/a.err" "$HR_TMP/b.err" ||
			fail "trial $trial: the loser says $(cat "$HR_TMP/a.err" "$HR_TMP/b.err")"
		[ "$(hr state same | json_eval 'd["status"]')" = created ] || fail "trial $trial: not created"
		hr start same
		[ "$(hr state same | json_eval 'd["status"]')" = running ] || fail "trial $trial: not running"
		hr delete --force same
	done
	assert_nothing_left
}

# kill_during OP ID DELAY_MS: hardrun OP on ID, SIGKILLed after DELAY_MS (maybe after it ended).
kill_during() {
	local op=$1 id=$2 ms=$3 pid
	case $op in
	create) hr create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 & ;;
	start) hr start "$id" >/dev/null 2>&1 & ;;
	run) hr run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 & ;;
	exec) hr exec "$id" true </dev/null >/dev/null 2>&1 & ;;
	delete) hr delete --force "$id" >/dev/null 2>&1 & ;;
	esac
	pid=$!
	sleep "$(printf '0.%03d' "$ms")"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

@test "stress: hardrun killed at random points of create, start, run, exec and delete: delete --force always cleans up" {
	stress_bundle
	local trial op id ms
	local ops=(create start run exec delete)
	for trial in $(seq "$KILLS"); do
		op=${ops[trial % 5]} id=k$trial
		# spread over the whole command: each takes about 5 to 30 ms here
		ms=$((RANDOM % 40))
		case $op in
		start) hr create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 || fail "create $id" ;;
		exec | delete) hr run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 || fail "run $id" ;;
		esac
		kill_during "$op" "$id" "$ms"
		run hr delete --force "$id"
		[ "$status" -eq 0 ] || fail "trial $trial ($op killed after $ms ms): delete --force: $output"
		[ ! -e "$HR_ROOT/$id" ] || fail "trial $trial ($op, $ms ms): $HR_ROOT/$id is still there"
		run -0 hr list -q
		[[ $'\n'$output$'\n' != *$'\n'$id$'\n'* ]] || fail "trial $trial ($op, $ms ms): still listed"
		[ -z "$(rootfs_processes)" ] ||
			fail "trial $trial ($op, $ms ms): processes left: $(rootfs_processes)"
	done
	assert_nothing_left
}

@test "stress: a full state root gives a clear error and leaves nothing half-written" {
	stress_bundle
	local root=$HR_TMP/tiny
	mkdir -p "$root"
	# this file runs in a mount namespace of its own (run.sh)
	mount -t tmpfs -o size=64k tmpfs "$root"
	# full to the last block: nothing can be created
	dd if=/dev/zero of="$root/fill" bs=4k 2>/dev/null || true
	run "$HARDRUN" --root "$root" --cgroup-manager disabled create --bundle "$BUNDLE" full1 </dev/null
	[ "$status" -ne 0 ] || fail "create succeeded on a full file system"
	[[ $output == *"No space left on device"* ]] || fail "no clear error: $output"
	[ "$(ls -A "$root")" = fill ] || fail "left: $(ls -A "$root")"
	# room for the directory, not for the state: still nothing half-written
	rm "$root/fill"
	dd if=/dev/zero of="$root/fill" bs=1k count=$((64 - 8)) 2>/dev/null || true
	run "$HARDRUN" --root "$root" --cgroup-manager disabled create --bundle "$BUNDLE" full2 </dev/null
	if [ "$status" -eq 0 ]; then
		# it fitted after all: a whole container, which delete removes
		"$HARDRUN" --root "$root" --cgroup-manager disabled delete --force full2
	else
		[[ $output == *"No space left on device"* ]] || fail "no clear error: $output"
	fi
	[ "$(ls -A "$root")" = fill ] || fail "left: $(ls -A "$root")"
	[ -z "$(rootfs_processes)" ] || fail "processes left: $(rootfs_processes)"
	umount "$root"
}

# A failure once the container's process exists (here a createRuntime or prestart hook, run by
# hardrun after the clone): the process is killed and reaped before hardrun exits, so a caller
# that reads hardrun's output through a pipe, as every engine does, sees end of file.
@test "stress: a failure after the clone leaves no process holding the caller's pipe" {
	stress_bundle
	local hook
	for hook in createRuntime prestart; do
		update_config "c['hooks'] = {'$hook': [{'path': '/bin/false'}]}"
		run -1 timeout 60 bash -c "set -o pipefail; \"$HARDRUN\" --root \"$HR_ROOT\" --cgroup-manager disabled run -d --bundle \"$BUNDLE\" h-$hook </dev/null 2>&1 | cat"
		assert_output_contains "$hook"
		[ ! -e "$HR_ROOT/h-$hook" ] || fail "$hook: the failed run left its container"
		run -1 timeout 60 bash -c "set -o pipefail; \"$HARDRUN\" --root \"$HR_ROOT\" --cgroup-manager disabled create --bundle \"$BUNDLE\" c-$hook </dev/null 2>&1 | cat"
		assert_output_contains "$hook"
		[ ! -e "$HR_ROOT/c-$hook" ] || fail "$hook: the failed create left its container"
	done
	assert_nothing_left
}
