#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless with --cgroup-manager=systemd: hardrun run by an unprivileged user (sdrl, created
# here, with linger so that its systemd user manager runs) talks to that user manager, which
# makes the container's transient scope below user@UID.service with Delegate=yes and the
# limits of the controllers systemd delegates to it (Debian 12's systemd 252: cpu, memory,
# pids). What the user sees through hardrun and systemctl --user, and what root sees of the
# scope. In a guest booted with systemd:
#
#   tests/vm/run-in-vm.sh --systemd "$(command -v bats)" --tap tests/vm/systemd/rootless.bats

load helpers

SD_USER=sdrl

setup_file() {
	if ! grep -q HARDRUN_VM_CMD /proc/cmdline || [ ! -d /run/systemd/system ]; then
		echo "tests/vm/systemd/rootless.bats runs only in a guest booted with --systemd" >&2
		return 1
	fi
	id -u "$SD_USER" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$SD_USER" 3>&-
	SD_UID=$(id -u "$SD_USER")
	loginctl enable-linger "$SD_USER" 3>&- || return 1
	local i
	for i in $(seq 150); do
		[ -S "/run/user/$SD_UID/bus" ] &&
			systemctl is-active -q "user@$SD_UID.service" && return 0
		sleep 0.2
	done
	echo "no user manager or user bus for $SD_USER (apt-get install dbus-user-session):" \
		"$(systemctl status "user@$SD_UID.service" 2>&1)" >&2
	return 1
}

setup() {
	hr_setup
	SD_UID=$(id -u "$SD_USER")
	SD_XDG=/run/user/$SD_UID
	SD_CG=$CG/user.slice/user-$SD_UID.slice/user@$SD_UID.service
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	SD_BUNDLE=$HR_TMP/user/bundle
	# the binary under test may sit in a directory the user cannot enter: a copy in its reach
	SD_HARDRUN=$HR_TMP/hardrun
	cp "$HARDRUN" "$SD_HARDRUN"
	chmod 0755 "$SD_HARDRUN"
	mkdir -p "$SD_BUNDLE"
	make_busybox_rootfs "$SD_BUNDLE/rootfs"
	chown -R "$SD_USER:$SD_USER" "$HR_TMP/user"
	export SD_UID SD_XDG SD_CG SD_BUNDLE SD_HARDRUN
}

teardown() {
	local dir
	for dir in "$SD_XDG"/hardrun/*/; do
		[ -d "$dir" ] || continue
		dir=${dir%/}
		hru delete --force "${dir##*/}" >/dev/null 2>&1 || true
	done
	hr_teardown
}

# as_user CMD...: CMD as the test user, with its XDG_RUNTIME_DIR (where its user bus is).
as_user() {
	setpriv --reuid="$SD_USER" --regid="$SD_USER" --init-groups \
		env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$SD_XDG" "$@"
}

# hru ARG...: hardrun as the test user with the systemd cgroup manager.
hru() {
	as_user "$SD_HARDRUN" --cgroup-manager=systemd "$@"
}

# user_show UNIT PROP...: `systemctl --user show` of the user's manager.
user_show() {
	local unit=$1
	shift
	as_user systemctl --user show "${@/#/-p}" "$unit"
}

# user_bundle CMD [RESOURCES]: the user's bundle of `spec --rootless` running sh -c CMD, with
# linux.resources RESOURCES (a Python literal) when given.
user_bundle() {
	rm -f "$SD_BUNDLE/config.json"
	as_user "$SD_HARDRUN" spec --rootless --bundle "$SD_BUNDLE" --args sh -c "$1" ||
		fail "spec --rootless failed"
	update_config "c['process']['terminal'] = False" "$SD_BUNDLE"
	[ -z "${2:-}" ] || update_config "c['linux']['resources'] = $2" "$SD_BUNDLE"
}

# run_d ID: `run -d` of the user's bundle as ID; its output in $output (a file: the container
# keeps the descriptors it got, which would hold `run`'s pipe open).
run_d() {
	local rc=0
	hru run -d --bundle "$SD_BUNDLE" "$1" </dev/null >"$HR_TMP/run.out" 2>&1 || rc=$?
	output=$(cat "$HR_TMP/run.out")
	return "$rc"
}

# state_of ID: the user's view of the container's status.
state_of() {
	hru state "$1" | json_eval 'd["status"]'
}

LIMITS="{'memory': {'limit': 104857600}, 'pids': {'limit': 20},
	'cpu': {'quota': 50000, 'period': 100000}}"

@test "rootless systemd: the init in a Delegate=yes scope of the user manager, with the limits" {
	local pid scope
	user_bundle 'exec sleep 1000' "$LIMITS"
	run_d rl1 || fail "run -d rl1: $output"
	# hardrun could not go back to this test's cgroup (root's): said in --debug only
	[ -z "$output" ] || fail "run -d said: $output"
	pid=$(hru state rl1 | json_eval 'd["pid"]')
	scope=$SD_CG/user.slice/hardrun-rl1.scope
	# root's view: the init lives in the scope under user@UID.service, its files the user's
	[ "$(cat "/proc/$pid/cgroup")" = "0::${scope#"$CG"}" ] ||
		fail "init's cgroup: $(cat "/proc/$pid/cgroup")"
	[ "$(stat -c %u "$scope/cgroup.procs")" = "$SD_UID" ] || fail "scope not delegated"
	[ "$(cat "$scope/memory.max")" = 104857600 ] || fail "memory.max $(cat "$scope/memory.max")"
	[ "$(cat "$scope/pids.max")" = 20 ] || fail "pids.max $(cat "$scope/pids.max")"
	[ "$(cat "$scope/cpu.max")" = "50000 100000" ] || fail "cpu.max $(cat "$scope/cpu.max")"
	# the user manager's view
	run -0 user_show hardrun-rl1.scope Delegate MemoryMax TasksMax CPUQuotaPerSecUSec \
		ActiveState
	assert_output_contains "Delegate=yes"
	assert_output_contains "MemoryMax=104857600"
	assert_output_contains "TasksMax=20"
	assert_output_contains "CPUQuotaPerSecUSec=500ms"
	assert_output_contains "ActiveState=active"
	# the user's state records the scope
	grep -qF "\"cgroupPath\":\"$scope\"" "$SD_XDG/hardrun/rl1/state.json" ||
		fail "state.json: $(cat "$SD_XDG/hardrun/rl1/state.json")"
	run -0 hru ps rl1
	assert_line_matches "^$pid +sleep 1000\$"
	# exec from outside the user's tree (this test runs in a system service): the user
	# manager attaches the process to the scope, as it put hardrun there for create
	run hru exec rl1 cat /proc/self/cgroup
	[ "$status" -eq 0 ] || fail "exec: $output"
	[ "$output" = "0::/" ] || fail "exec's cgroup (in the container's cgroup namespace): $output"
}

@test "rootless systemd: update, pause, resume, kill and delete act on the user's scope" {
	local scope=$SD_CG/user.slice/hardrun-rl2.scope
	user_bundle 'exec sleep 1000' "$LIMITS"
	run_d rl2 || fail "run -d rl2: $output"
	run -0 hru update --memory 200M --pids-limit 30 --cpu-quota 20000 rl2
	[ "$(cat "$scope/memory.max")" = 209715200 ] || fail "memory.max $(cat "$scope/memory.max")"
	[ "$(cat "$scope/pids.max")" = 30 ] || fail "pids.max $(cat "$scope/pids.max")"
	[ "$(cat "$scope/cpu.max")" = "20000 100000" ] || fail "cpu.max $(cat "$scope/cpu.max")"
	run -0 user_show hardrun-rl2.scope MemoryMax TasksMax CPUQuotaPerSecUSec
	assert_output_contains "MemoryMax=209715200"
	assert_output_contains "TasksMax=30"
	assert_output_contains "CPUQuotaPerSecUSec=200ms"
	run -0 hru pause rl2
	[ "$(cat "$scope/cgroup.freeze")" = 1 ] || fail "cgroup.freeze $(cat "$scope/cgroup.freeze")"
	[ "$(state_of rl2)" = paused ] || fail "state $(state_of rl2)"
	run -0 hru resume rl2
	[ "$(cat "$scope/cgroup.freeze")" = 0 ] || fail "cgroup.freeze after resume"
	[ "$(state_of rl2)" = running ] || fail "state $(state_of rl2)"
	run -0 hru kill --all rl2 KILL
	for _ in $(seq 50); do [ "$(state_of rl2)" = stopped ] && break; sleep 0.1; done
	[ "$(state_of rl2)" = stopped ] || fail "not stopped after kill: $(state_of rl2)"
	run -0 hru delete rl2
	[ ! -e "$scope" ] || fail "delete left $scope"
	for _ in $(seq 50); do
		user_show hardrun-rl2.scope ActiveState | grep -q '=active$' || break
		sleep 0.1
	done
	run -0 user_show hardrun-rl2.scope ActiveState
	assert_output_not_contains "=active"
}

@test "rootless systemd: a cgroupsPath slice:prefix:name, and delete --force of a running one" {
	local scope=$SD_CG/rl.slice/rlp-rl3.scope
	user_bundle 'exec sleep 1000' "$LIMITS"
	update_config "c['linux']['cgroupsPath'] = 'rl.slice:rlp:rl3'" "$SD_BUNDLE"
	run_d rl3 || fail "run -d rl3: $output"
	[ "$(cat "$scope/pids.max")" = 20 ] || fail "no $scope/pids.max"
	run -0 user_show rlp-rl3.scope Delegate Slice
	assert_output_contains "Delegate=yes"
	assert_output_contains "Slice=rl.slice"
	run -0 hru delete --force rl3
	[ ! -e "$scope" ] || fail "delete --force left $scope"
}

@test "rootless systemd: a limit on a controller systemd does not delegate fails by name" {
	[ "$(cat "$SD_CG/cgroup.controllers")" = "cpu memory pids" ] ||
		fail "Debian 12 delegates cpu memory pids, this guest: $(cat "$SD_CG/cgroup.controllers")"
	user_bundle 'exec sleep 1000' "{'cpu': {'cpus': '0'}, 'memory': {'limit': 104857600}}"
	! run_d rl4 || fail "run -d rl4 succeeded"
	assert_output_contains "linux.resources.cpu.cpus needs the cpuset cgroup controller"
	assert_output_contains "user@$SD_UID.service has \"cpu memory pids\""
	assert_output_contains "Delegate=cpu memory pids cpuset"
	# nothing was made: no scope, no state
	[ ! -e "$SD_CG/user.slice/hardrun-rl4.scope" ] || fail "a scope was left"
	run -1 hru state rl4
	# the same for update, before systemd is told anything
	user_bundle 'exec sleep 1000' "$LIMITS"
	run_d rl5 || fail "run -d rl5: $output"
	run -1 hru update --blkio-weight 500 rl5
	assert_output_contains "linux.resources.blockIO.weight needs the io cgroup controller"
	[ "$(cat "$SD_CG/user.slice/hardrun-rl5.scope/pids.max")" = 20 ] || fail "pids.max changed"
}

@test "rootless systemd: without the user's bus the error names it and linger" {
	local xdg=$HR_TMP/user/xdg
	mkdir -p "$xdg"
	chown "$SD_USER:" "$xdg"
	chmod 0700 "$xdg"
	user_bundle 'exec sleep 1000'
	SD_XDG=$xdg
	! run_d rl6 || fail "run -d rl6 succeeded"
	assert_output_contains "connect to the systemd user manager of uid $SD_UID"
	assert_output_contains "\$XDG_RUNTIME_DIR/bus $xdg/bus, nor $xdg/systemd/private): No such file or directory"
	assert_output_contains "is \`loginctl enable-linger $SD_UID\` set?"
	[ ! -e "$xdg/hardrun/rl6" ] || fail "state left for rl6"
}
