#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Idmapped bind mounts: a mount's uidMappings/gidMappings, or the idmap/ridmap options with the
# user namespace's mapping. What the container sees is checked from inside (stat, mountinfo),
# what it writes from the host (the owner on disk).

load lib

# idmap_volume: $VOL, a directory on a filesystem that can be idmapped, holding root-file
# (0:0) and user-file (1000:1000): in $HR_TMP when its filesystem can (ext4, xfs, btrfs;
# tmpfs from Linux 6.3), else on an ext4 image made for the test (the guest's /tmp is a tmpfs
# of Linux 6.1).
idmap_volume() {
	local fstype major minor
	fstype=$(stat -f -c %T "$HR_TMP")
	IFS=. read -r major minor _ <<<"$(uname -r)"
	VOL=$HR_TMP/vol
	mkdir "$VOL"
	case $fstype in
	ext2/ext3 | xfs | btrfs) ;;
	tmpfs) [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 3 ]; } || ext4_image "$VOL" ;;
	*) ext4_image "$VOL" ;;
	esac
	touch "$VOL/root-file" "$VOL/user-file"
	chown 1000:1000 "$VOL/user-file"
}

ext4_image() {
	modprobe -q loop 2>/dev/null || true
	modprobe -q ext4 2>/dev/null || true
	truncate -s 16M "$HR_TMP/vol.img"
	mkfs.ext4 -q -F "$HR_TMP/vol.img" || fail "mkfs.ext4 failed"
	mount -o loop "$HR_TMP/vol.img" "$1" || fail "cannot mount an ext4 image"
}

idmap_bundle() {
	make_bundle
	update_config "c['process']['terminal'] = False
c['linux'].pop('resources', None)
c['process']['args'] = ['sh', '-c', '''$1''']"
}

@test "mount uidMappings/gidMappings: files show the mapped owner, writes land unmapped, mountinfo says idmapped" {
	idmap_volume
	idmap_bundle 'stat -c "%n %u:%g" /vol/root-file /vol/user-file /plain/root-file; touch /vol/new && echo wrote; grep " /vol " /proc/self/mountinfo'
	update_config "
m = [{'containerID': 0, 'hostID': 5000, 'size': 2000}]
c['process']['user'] = {'uid': 5000, 'gid': 5000}
c['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$VOL', 'options': ['bind'],
    'uidMappings': m, 'gidMappings': m})
c['mounts'].append({'destination': '/plain', 'type': 'bind', 'source': '$VOL', 'options': ['bind']})"
	run -0 hr run --bundle "$BUNDLE" idm1
	assert_line_matches '^/vol/root-file 5000:5000$'
	assert_line_matches '^/vol/user-file 6000:6000$'
	# the same file through a plain bind: the mapping belongs to the mount, not to the file
	assert_line_matches '^/plain/root-file 0:0$'
	assert_line_matches '^wrote$'
	assert_line_matches ' /vol .*idmapped'
	# uid 5000 in the container is 0 on the disk
	[ "$(stat -c %u:%g "$VOL/new")" = 0:0 ] || fail "the new file is $(stat -c %u:%g "$VOL/new") on disk"
}

@test "mount option idmap without a mapping takes the user namespace's: its root owns the host root's files" {
	idmap_volume
	# the user namespace's root reaches the bundle as "others"
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	idmap_bundle 'stat -c "%n %u:%g" /vol/root-file /plain/root-file; touch /vol/new-in-userns && echo wrote'
	update_config "
m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = m
c['process']['user'] = {'uid': 0, 'gid': 0}
for mnt in c['mounts']:
    mnt['options'] = [o for o in mnt.get('options', []) if not o.startswith('gid=')]
c['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$VOL', 'options': ['bind', 'idmap']})
c['mounts'].append({'destination': '/plain', 'type': 'bind', 'source': '$VOL', 'options': ['bind']})"
	# the rootfs belongs to the host's root: the user namespace cannot make mount points in it
	mkdir "$BUNDLE/rootfs/vol" "$BUNDLE/rootfs/plain"
	run -0 hr run --bundle "$BUNDLE" idm2
	assert_line_matches '^/vol/root-file 0:0$'
	# without the idmap, the host's root is nobody in the user namespace
	assert_line_matches '^/plain/root-file 65534:65534$'
	assert_line_matches '^wrote$'
	[ "$(stat -c %u:%g "$VOL/new-in-userns")" = 0:0 ] ||
		fail "the new file is $(stat -c %u:%g "$VOL/new-in-userns") on disk"
}

@test "ridmap maps every mount of an rbind's tree, idmap only its top" {
	idmap_volume
	mkdir "$VOL/sub" "$VOL/subsource"
	touch "$VOL/subsource/f"
	mount --bind "$VOL/subsource" "$VOL/sub"
	idmap_bundle 'stat -c "%n %u:%g" /top/root-file /top/sub/f /all/root-file /all/sub/f'
	update_config "
m = [{'containerID': 0, 'hostID': 7000, 'size': 10}]
c['mounts'].append({'destination': '/top', 'type': 'bind', 'source': '$VOL', 'options': ['rbind', 'idmap'],
    'uidMappings': m, 'gidMappings': m})
c['mounts'].append({'destination': '/all', 'type': 'bind', 'source': '$VOL', 'options': ['rbind', 'ridmap'],
    'uidMappings': m, 'gidMappings': m})"
	run -0 hr run --bundle "$BUNDLE" idm3
	assert_line_matches '^/top/root-file 7000:7000$'
	assert_line_matches '^/top/sub/f 0:0$'
	assert_line_matches '^/all/root-file 7000:7000$'
	assert_line_matches '^/all/sub/f 7000:7000$'
}

@test "idmapped mounts: a filesystem that cannot be idmapped, a non-bind and a missing mapping fail clearly, nothing left behind" {
	idmap_bundle 'true'
	update_config "
m = [{'containerID': 0, 'hostID': 5000, 'size': 10}]
c['mounts'].append({'destination': '/k', 'type': 'bind', 'source': '/sys/kernel', 'options': ['bind'],
    'uidMappings': m, 'gidMappings': m})"
	run -1 hr run --bundle "$BUNDLE" idm4
	assert_output_contains "mount to /k: the filesystem of /sys/kernel cannot be idmapped"
	[ ! -e "$HR_ROOT/idm4" ] || fail "the failed container left its state behind"
	update_config "c['mounts'][-1] = {'destination': '/t', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['idmap']}"
	run -1 hr run --bundle "$BUNDLE" idm5
	assert_output_contains "mount to /t: only bind mounts can be idmapped"
	update_config "c['mounts'][-1] = {'destination': '/v', 'type': 'bind', 'source': '/tmp', 'options': ['bind', 'idmap']}"
	run -1 hr run --bundle "$BUNDLE" idm6
	assert_output_contains "mount to /v: idmap without uidMappings and gidMappings takes the user namespace's mapping"
	update_config "c['mounts'][-1]['options'] = ['bind', 'idmap=uids=0-5000-10']"
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains "idmap takes no value"
	[ -z "$(ls "$HR_ROOT")" ] || fail "state left behind: $(ls "$HR_ROOT")"
}

# userns_rootfs_config: a user namespace mapping 0 to 100000, its root as the process, the
# rootfs at $1 (writable), the annotation set to $2 ("" leaves it out).
userns_rootfs_config() {
	update_config "
m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user'] + [{'type': 'user'}]
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = m
c['process']['user'] = {'uid': 0, 'gid': 0}
c['root'] = {'path': '$1', 'readonly': False}
for mnt in c['mounts']:
    mnt['options'] = [o for o in mnt.get('options', []) if not o.startswith('gid=')]
c['annotations'] = {'org.hardrun.rootfs.idmap': '$2'} if '$2' else {}"
}

@test "annotation org.hardrun.rootfs.idmap: a rootfs owned by the host's root is the user namespace root's" {
	idmap_volume
	idmap_bundle 'stat -c "%n %u:%g" / /bin/busybox; touch /by-userns-root && echo wrote; grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo'
	cp -a "$BUNDLE/rootfs" "$VOL/rootfs"
	chown -R 0:0 "$VOL/rootfs"
	# the user namespace's root reaches the rootfs's directory as "others"
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	# without the annotation the rootfs is nobody's in the user namespace: its root cannot write
	userns_rootfs_config "$VOL/rootfs" ""
	run hr run --bundle "$BUNDLE" idm-root0
	assert_line_matches '^/ 65534:65534$'
	assert_output_not_contains wrote
	userns_rootfs_config "$VOL/rootfs" true
	run -0 hr run --bundle "$BUNDLE" idm-root1
	assert_line_matches '^/ 0:0$'
	assert_line_matches '^/bin/busybox 0:0$'
	assert_line_matches '^wrote$'
	assert_line_matches ' / .*idmapped'
	# the user namespace's root is 100000 on the host, and its file 0:0 on the disk
	[ "$(stat -c %u:%g "$VOL/rootfs/by-userns-root")" = 0:0 ] ||
		fail "the new file is $(stat -c %u:%g "$VOL/rootfs/by-userns-root") on disk"
}

@test "annotation org.hardrun.rootfs.idmap: refused by its path without a new user namespace or with another value" {
	idmap_bundle 'true'
	update_config "c['annotations'] = {'org.hardrun.rootfs.idmap': 'true'}"
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains 'org.hardrun.rootfs.idmap'
	assert_output_contains 'requires a new user namespace'
	run -1 hr run --bundle "$BUNDLE" idm-root2
	assert_output_contains 'requires a new user namespace'
	update_config "c['annotations'] = {'org.hardrun.rootfs.idmap': 'yes'}"
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains 'must be "true" or "false"'
	update_config "c['annotations'] = {'org.hardrun.rootfs.idmap': 'false'}"
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	[ -z "$(ls "$HR_ROOT")" ] || fail "state left behind: $(ls "$HR_ROOT")"
}

@test "features and --version announce idmapped mounts" {
	run -0 "$HARDRUN" features
	[ "$(json_eval 'str(d["linux"]["mountExtensions"]["idmap"]["enabled"]).lower()' <<<"$output")" = true ] || fail "$output"
	[ "$(json_eval 'str("idmap" in d["mountOptions"] and "ridmap" in d["mountOptions"]).lower()' <<<"$output")" = true ] || fail "$output"
	run -0 "$HARDRUN" --version
	assert_output_contains "+IDMAP"
}
