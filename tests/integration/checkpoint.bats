#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# checkpoint and restore on the host: what is refused before criu would run (criu itself only
# runs in the guest: tests/vm/checkpoint.bats).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load lib

@test "checkpoint and restore: runc's options not supported yet are refused by name" {
	for o in --auto-dedup --lazy-pages "--page-server 1.2.3.4:5" "--status-fd 3" \
		"--empty-ns network"; do
		# shellcheck disable=SC2086
		run -2 hr checkpoint $o c1
		assert_output_contains "hardrun checkpoint: ${o%% *}: not supported yet"
	done
	for o in --lazy-pages --auto-dedup "--empty-ns network"; do
		# shellcheck disable=SC2086
		run -2 hr restore $o c1
		assert_output_contains "hardrun restore: ${o%% *}: not supported yet"
	done
	run -2 hr checkpoint --manage-cgroups-mode loose c1
	assert_output_contains 'unknown --manage-cgroups-mode "loose" (soft, full, strict or ignore)'
	run -0 "$HARDRUN" checkpoint --help
	assert_output_contains "--manage-cgroups-mode soft|full|strict|ignore"
	assert_output_contains "--parent-path DIR"
	run -0 "$HARDRUN" restore --help
	assert_output_contains "--image-path DIR"
}

@test "checkpoint: only a running container; a missing one is named" {
	run -1 hr checkpoint nosuch
	assert_output_contains "container nosuch does not exist"
	make_bundle
	update_config 'c["process"]["args"] = ["true"]; c["process"]["terminal"] = False'
	# the init holds its stdio until start: not bats' `run` pipe
	hr create --bundle "$BUNDLE" cr1 </dev/null >"$HR_TMP/cr1.log" 2>&1 || fail "create: $(cat "$HR_TMP/cr1.log")"
	run -1 hr checkpoint --image-path "$HR_TMP/img" cr1
	assert_output_contains "checkpoint container cr1: container cr1 is created, not running"
	[ ! -e "$HR_TMP/img" ] || fail "an image directory was made for a refused checkpoint"
	run -0 hr delete -f cr1
}

@test "checkpoint --parent-path: a missing directory, or one no pre-dump wrote, is refused before criu runs" {
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" pp
	mkdir -p "$HR_TMP/img" "$HR_TMP/empty"
	# /bin/true as criu: had it run, the checkpoint would have "succeeded"
	run -1 hr --criu /bin/true checkpoint --image-path "$HR_TMP/img" --parent-path ../nosuch pp
	assert_output_contains "checkpoint container pp: --parent-path ../nosuch (relative to --image-path $HR_TMP/img): a directory an earlier --pre-dump wrote: No such file or directory"
	run -1 hr --criu /bin/true checkpoint --image-path "$HR_TMP/img" --parent-path ../empty pp
	assert_output_contains "--parent-path ../empty (relative to --image-path $HR_TMP/img): no criu inventory.img: not the image path of an earlier --pre-dump: No such file or directory"
	run -1 hr --criu /bin/true checkpoint --image-path "$HR_TMP/img" --parent-path "" pp
	assert_output_contains "--parent-path: empty"
	[ -z "$(ls -A "$HR_TMP/img")" ] || fail "a refused checkpoint wrote: $(ls -A "$HR_TMP/img")"
	run -0 hr state pp
	assert_output_contains '"status": "running"'
	run -0 hr delete -f pp
}

@test "restore: a terminal without a console socket, a console socket without one, a joined namespace but the network one are refused before anything is made" {
	make_bundle
	mkdir -p "$HR_TMP/img"
	update_config 'c["process"]["terminal"] = True'
	run -1 hr restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" r1
	assert_output_contains "restore container r1: process.terminal is true: --console-socket is required to receive the restored terminal"
	update_config 'c["process"]["terminal"] = False'
	run -1 hr restore --console-socket "$HR_TMP/sock" --bundle "$BUNDLE" --image-path "$HR_TMP/img" r1
	assert_output_contains "restore container r1: --console-socket given but process.terminal is false"
	update_config 'c["process"]["terminal"] = False
c["linux"]["namespaces"] = [n if n["type"] != "ipc" else {"type": "ipc", "path": "/proc/1/ns/ipc"} for n in c["linux"]["namespaces"]]'
	run -1 hr restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" r1
	assert_output_contains "linux.namespaces: the ipc namespace is joined (/proc/1/ns/ipc): only a joined network namespace can be checkpointed yet"
	run -1 hr state r1
	assert_output_contains "container r1 does not exist"
}

# A root filesystem rebuilt from its image (Podman's restore --import) lacks the files and
# directories create made to mount on: restore makes them in-root before criu runs (criu does
# not), none below a tmpfs (criu restores its content), never outside through a symlink.
@test "restore: the missing mount points are made in the root filesystem before criu runs" {
	make_bundle
	mkdir -p "$HR_TMP/img" "$HR_TMP/vol" "$HR_TMP/outside"
	echo hosts >"$HR_TMP/hosts"
	printf '/dev/null\n/dev/null\n/dev/null\n' >"$HR_TMP/img/hardrun-stdio"
	ln -s "$HR_TMP/outside" "$BUNDLE/rootfs/esc"
	update_config "c['process']['terminal'] = False
c['mounts'] += [
    {'destination': '/etc/hr-hosts', 'type': 'bind', 'source': '$HR_TMP/hosts', 'options': ['bind']},
    {'destination': '/data/vol', 'type': 'bind', 'source': '$HR_TMP/vol', 'options': ['rbind']},
    {'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs'},
    {'destination': '/scratch/in', 'type': 'bind', 'source': '$HR_TMP/vol', 'options': ['bind']},
    {'destination': '/esc/dir', 'type': 'bind', 'source': '$HR_TMP/vol', 'options': ['bind']}]"
	# a criu that lists what the root filesystem holds when it runs, then fails
	cat >"$HR_TMP/criu" <<-EOF
		#!/bin/sh
		cd "$BUNDLE/rootfs" || exit 9
		for p in etc/hr-hosts data/vol scratch scratch/in esc/dir $HR_TMP/outside/dir; do
			if [ -f "\$p" ]; then echo "file \$p"
			elif [ -d "\$p" ]; then echo "dir \$p"
			else echo "none \$p"; fi
		done >"$HR_TMP/seen"
		exit 3
	EOF
	chmod +x "$HR_TMP/criu"
	run -1 hr --criu "$HR_TMP/criu" restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" r2
	assert_output_contains "criu restore failed with status 3"
	for want in "file etc/hr-hosts" "dir data/vol" "dir scratch" "none scratch/in" \
		"none esc/dir" "none $HR_TMP/outside/dir"; do
		grep -qx "$want" "$HR_TMP/seen" || fail "not \"$want\": $(cat "$HR_TMP/seen")"
	done
	# the symlink's target resolved inside the root filesystem
	[ -d "$BUNDLE/rootfs/$HR_TMP/outside/dir" ] || fail "no $HR_TMP/outside/dir in the rootfs"
	[ ! -e "$HR_TMP/outside/dir" ] || fail "a mount point was made outside the rootfs"
	run -1 hr state r2
	assert_output_contains "container r2 does not exist"
}

# fake_criu STATUS: $HR_TMP/criu, a criu that writes its arguments to $HR_TMP/args and, for
# each --inherit-fd=fd[N]:extRootNetNS, what its fd N is ("netns net:[INODE]"), then exits
# with STATUS
fake_criu() {
	cat >"$HR_TMP/criu" <<-EOF
		#!/bin/sh
		printf '%s\\n' "\$@" >"$HR_TMP/args"
		for a in "\$@"; do
			case \$a in
			--inherit-fd=fd*:extRootNetNS)
				n=\${a#--inherit-fd=fd?}
				n=\${n%%]*}
				echo "netns \$(readlink /proc/\$\$/fd/\$n)" >>"$HR_TMP/args" ;;
			esac
		done
		exit $1
	EOF
	chmod +x "$HR_TMP/criu"
}

# A joined network namespace (Podman's, by path) is not the container's: checkpoint saves it
# as criu's external one under runc's key, restore hands criu the one at the config's path.
@test "checkpoint and restore of a joined network namespace: criu's external one, extRootNetNS" {
	local netns
	netns=$(readlink /proc/1/ns/net)
	make_bundle
	update_config 'c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "/proc/1/ns/net"} for n in c["linux"]["namespaces"]]'
	hr run -d --bundle "$BUNDLE" jn </dev/null >"$HR_TMP/jn.log" 2>&1 || fail "run: $(cat "$HR_TMP/jn.log")"
	fake_criu 0
	run -0 hr --criu "$HR_TMP/criu" checkpoint --image-path "$HR_TMP/img" jn
	grep -qFx -- "--external=net[$(stat -L -c %i /proc/1/ns/net)]:extRootNetNS" "$HR_TMP/args" ||
		fail "no external network namespace ($netns): $(cat "$HR_TMP/args")"

	fake_criu 3
	run -1 hr --criu "$HR_TMP/criu" restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" jn
	assert_output_contains "criu restore failed with status 3"
	grep -qFx -- "netns $netns" "$HR_TMP/args" || fail "criu did not get $netns: $(cat "$HR_TMP/args")"

	# a path that is no network namespace is named before criu runs
	update_config 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "/proc/1/ns/ipc"} for n in c["linux"]["namespaces"]]'
	rm -f "$HR_TMP/args"
	run -1 hr --criu "$HR_TMP/criu" restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" jn
	assert_output_contains "linux.namespaces: /proc/1/ns/ipc is not a network namespace"
	[ ! -e "$HR_TMP/args" ] || fail "criu ran"
	run -1 hr state jn
	assert_output_contains "container jn does not exist"
}

# A terminal: checkpoint names the pty (its master outside, with the console socket's holder)
# as criu's external tty and the container's /dev/pts and /dev/console as external mounts;
# restore gives criu, as fd 100 under that key, the slave of pty 0 of a new devpts instance
# mounted in criu's own mount namespace, and its master to the console socket.
@test "checkpoint and restore of a container with a terminal: criu's external tty, a new pty through the console socket" {
	make_bundle
	update_config 'c["process"]["terminal"] = True
c["process"]["args"] = ["sleep", "1000"]'
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/recvtty.py" "$HR_TMP/c1.sock" "" 60 >"$HR_TMP/c1.out" 2>&1 3>&- &
	local first=$! i
	wait_socket "$HR_TMP/c1.sock"
	hr_bg run -d --console-socket "$HR_TMP/c1.sock" --bundle "$BUNDLE" tt
	fake_criu 0
	run -0 hr --criu "$HR_TMP/criu" checkpoint --leave-running --image-path "$HR_TMP/img" tt
	local key
	key=$(sed -n 's/^--external=\(tty\[[0-9a-f]*:[0-9a-f]*\]\)$/\1/p' "$HR_TMP/args")
	[ -n "$key" ] || fail "no external tty: $(cat "$HR_TMP/args")"
	[ "$(grep -c '^--external=tty' "$HR_TMP/args")" = 1 ] || fail "the tty named more than once"
	for want in "--ext-mount-map=/dev/pts:/dev/pts" "--ext-mount-map=/dev/console:/dev/console"; do
		grep -qFx -- "$want" "$HR_TMP/args" || fail "no $want: $(cat "$HR_TMP/args")"
	done
	[ "$(cat "$HR_TMP/img/hardrun-stdio")" = "$key /dev/pts/0
$key /dev/pts/0
$key /dev/pts/0" ] || fail "the record: $(cat "$HR_TMP/img/hardrun-stdio")"
	run -0 hr delete -f tt
	wait "$first" || true

	# restore: a criu that writes through fd 100 and says what it is and where it was made
	cat >"$HR_TMP/criu" <<-EOF
		#!/bin/sh
		printf '%s\\n' "\$@" >"$HR_TMP/args"
		stat -L -c 'fd100 %t:%T' /proc/\$\$/fd/100 >>"$HR_TMP/args"
		stat -f -c 'pts %T' "$HR_TMP/img/restore-pts" >>"$HR_TMP/args"
		echo hello-through-the-new-terminal >/proc/\$\$/fd/100
		exit 3
	EOF
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/recvtty.py" "$HR_TMP/c2.sock" "" 60 >"$HR_TMP/c2.out" 2>&1 3>&- &
	local second=$!
	wait_socket "$HR_TMP/c2.sock"
	run -1 hr --criu "$HR_TMP/criu" restore --console-socket "$HR_TMP/c2.sock" --bundle "$BUNDLE" --image-path "$HR_TMP/img" tt
	assert_output_contains "criu restore failed with status 3"
	for want in "--inherit-fd=fd[100]:$key" "--ext-mount-map=/dev/pts:$HR_TMP/img/restore-pts" \
		"--ext-mount-map=/dev/console:$HR_TMP/img/restore-pts/0" "fd100 88:0" "pts devpts"; do
		grep -qFx -- "$want" "$HR_TMP/args" || fail "criu did not see $want: $(cat "$HR_TMP/args")"
	done
	wait "$second" || true
	grep -q hello-through-the-new-terminal "$HR_TMP/c2.out" || fail "the console socket got no master: $(cat "$HR_TMP/c2.out")"
	# the devpts was criu's own: nothing mounted here, its directory gone
	[ ! -e "$HR_TMP/img/restore-pts" ] || fail "restore-pts is left"
	! grep -q "restore-pts" /proc/self/mountinfo || fail "a devpts was mounted in the caller's namespace"
	run -1 hr state tt
	assert_output_contains "container tt does not exist"

	# a record that is no tty key, or none, is refused before criu runs (a socket that only
	# listens: the connection is made, nothing is sent)
	"$HR_PYTHON" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(60)' "$HR_TMP/c3.sock" 3>&- &
	local listener=$!
	wait_socket "$HR_TMP/c3.sock"
	rm -f "$HR_TMP/args"
	printf 'tty[zz:1] /dev/pts/0\n' >"$HR_TMP/img/hardrun-stdio"
	run -1 hr --criu "$HR_TMP/criu" restore --console-socket "$HR_TMP/c3.sock" --bundle "$BUNDLE" --image-path "$HR_TMP/img" tt
	assert_output_contains "fd 0: not a tty[RDEV:DEV] key: tty[zz:1]"
	printf '/dev/null\n/dev/null\n/dev/null\n' >"$HR_TMP/img/hardrun-stdio"
	run -1 hr --criu "$HR_TMP/criu" restore --console-socket "$HR_TMP/c3.sock" --bundle "$BUNDLE" --image-path "$HR_TMP/img" tt
	assert_output_contains "process.terminal is true but the checkpoint's init had no terminal"
	[ ! -e "$HR_TMP/args" ] || fail "criu ran"
	kill "$listener"
}
