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

@test "restore: a terminal, a joined namespace but the network one, a console socket are refused before anything is made" {
	make_bundle
	mkdir -p "$HR_TMP/img"
	update_config 'c["process"]["terminal"] = True'
	run -1 hr restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" r1
	assert_output_contains "restore container r1: restore: process.terminal is true: a container with a terminal cannot be checkpointed or restored yet"
	update_config 'c["process"]["terminal"] = False
c["linux"]["namespaces"] = [n if n["type"] != "ipc" else {"type": "ipc", "path": "/proc/1/ns/ipc"} for n in c["linux"]["namespaces"]]'
	run -1 hr restore --bundle "$BUNDLE" --image-path "$HR_TMP/img" r1
	assert_output_contains "linux.namespaces: the ipc namespace is joined (/proc/1/ns/ipc): only a joined network namespace can be checkpointed yet"
	run -1 hr restore --console-socket "$HR_TMP/sock" --bundle "$BUNDLE" r1
	assert_output_contains "--console-socket: a container with a terminal cannot be restored yet"
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
