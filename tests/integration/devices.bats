#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.devices: nodes made with their mode and owner, inside the rootfs whatever its symlinks
# say, and in a user namespace (no mknod there) the host's node bound once verified.

load lib

devices_bundle() {
	make_bundle
	update_config "
c['process']['terminal'] = False
c['linux']['devices'] = $1
c['process']['args'] = ['sh', '-c', '$2']"
}

@test "linux.devices: each node with its type, numbers, fileMode, uid and gid" {
	devices_bundle "[
 {'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 0o640, 'uid': 1001, 'gid': 1002},
 {'path': '/dev/sub/null2', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 0o606},
 {'path': '/dev/fifo', 'type': 'p', 'fileMode': 0o600}]" \
		'stat -c \"%n %F %t:%T %a %u:%g\" /dev/fuse /dev/sub/null2 /dev/fifo; echo x >/dev/sub/null2 && echo wrote'
	run -0 hr run --bundle "$BUNDLE" devs
	assert_line_matches '^/dev/fuse character special file a:e5 640 1001:1002$'
	assert_line_matches '^/dev/sub/null2 character special file 1:3 606 0:0$'
	assert_line_matches '^/dev/fifo fifo 0:0 600 0:0$'
	assert_line_matches '^wrote$'
}

@test "linux.devices: a symlink in the rootfs is followed inside it; nothing is made on the host" {
	mkdir "$HR_TMP/outside"
	devices_bundle "[{'path': '/devlink/fuse', 'type': 'c', 'major': 10, 'minor': 229}]" \
		'stat -c \"%t:%T\" /devlink/fuse'
	ln -s "$HR_TMP/outside" "$BUNDLE/rootfs/devlink"
	run -0 hr run --bundle "$BUNDLE" devlink
	assert_line_matches '^a:e5$'
	[ -z "$(ls -A "$HR_TMP/outside")" ] || fail "made on the host: $(ls -lA "$HR_TMP/outside")"
	[ -c "$BUNDLE/rootfs/$HR_TMP/outside/fuse" ] || fail "not made in the rootfs"
}

@test "linux.devices in a user namespace: the host's node is bound, verified, or refused by name" {
	devices_bundle "[{'path': '/dev/full', 'type': 'c', 'major': 1, 'minor': 7, 'fileMode': 0o600}]" \
		'stat -c \"%t:%T\" /dev/full; grep -c \" /dev/full \" /proc/self/mountinfo'
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	update_config "
m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = m
for mnt in c['mounts']:
    mnt['options'] = [o for o in mnt.get('options', []) if not o.startswith('gid=')]"
	run -0 hr run --bundle "$BUNDLE" usdev
	assert_line_matches '^1:7$'
	assert_line_matches '^1$'
	# the host's /dev/full is not 1:3: refused, not bound
	update_config "c['linux']['devices'] = [{'path': '/dev/full', 'type': 'c', 'major': 1, 'minor': 3}]"
	run -1 hr run --bundle "$BUNDLE" usdev2
	assert_output_contains "create device /dev/full in rootfs: no mknod in a user namespace: the host's /dev/full is not the same device (char 1:3)"
	update_config "c['linux']['devices'] = [{'path': '/dev/hr-no-such', 'type': 'c', 'major': 1, 'minor': 3}]"
	run -1 hr run --bundle "$BUNDLE" usdev3
	assert_output_contains "open host device /dev/hr-no-such: No such file or directory"
	[ ! -e "$HR_ROOT/usdev3" ] || fail "a refused container left its state behind"
}
