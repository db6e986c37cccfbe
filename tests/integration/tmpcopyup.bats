#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The tmpcopyup mount option (crun, runc, Podman's default on every tmpfs): a tmpfs mounted
# over a directory of the rootfs starts with a copy of the directory, seen from inside the
# container; the rootfs on the host is never written, and a symlink of the rootfs is copied
# as a symlink, never followed to the host.

load lib

# tmpfs_on_data OPTION...: the config mounts a tmpfs on /data with these options.
tmpfs_on_data() {
	local opts
	opts=$(json_array "$@")
	update_config "c['mounts'].append({'destination': '/data', 'type': 'tmpfs',
		'source': 'tmpfs', 'options': $opts})"
}

# in_container SCRIPT: the process runs sh -c SCRIPT, without a terminal (its output as is).
in_container() {
	local args
	args=$(json_array sh -c "$1")
	update_config "c['process']['args'] = $args; c['process']['terminal'] = False"
}

@test "tmpcopyup: the files, directories and symlinks of the image are in the tmpfs, with their modes and owners" {
	make_bundle
	local r=$BUNDLE/rootfs
	mkdir -p "$r/data/sub" "$r/data/empty"
	printf 'from-the-image\n' >"$r/data/sub/file"
	chown 1001:1001 "$r/data/sub/file"
	chmod 0640 "$r/data/sub/file"
	touch -h -d @1000000000 "$r/data/sub/file"
	ln -s sub/file "$r/data/link"
	chown -h 1002:1002 "$r/data/link"
	chown 1002:1003 "$r/data/empty"
	chmod 0755 "$r/data/empty"
	chown 1001:1004 "$r/data"
	chmod 0750 "$r/data"
	tmpfs_on_data nosuid nodev size=1m tmpcopyup
	# the process has no capability: the modes and owners copied are the ones it is held to
	update_config "c['process']['user'] = {'uid': 1001, 'gid': 1004}"
	in_container '
		echo "fstype=$(stat -f -c %T /data)"
		grep -q " /data .* - tmpfs " /proc/self/mountinfo && echo mountinfo=tmpfs
		stat -c "file=%a %u %g %Y" /data/sub/file
		echo "content=$(cat /data/sub/file)"
		stat -c "link=%F %u %g" /data/link
		echo "target=$(readlink /data/link)"
		echo "through-link=$(cat /data/link)"
		stat -c "empty=%F %a %u %g" /data/empty
		entries=$(ls -A /data/empty) && echo "empty-entries=[$entries]"
		stat -c "root=%a %u %g" /data
		echo changed >/data/sub/file && echo new >/data/new && echo written'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" copyup
	for want in "fstype=tmpfs" "mountinfo=tmpfs" "file=640 1001 1001 1000000000" \
		"content=from-the-image" "link=symbolic link 1002 1002" "target=sub/file" \
		"through-link=from-the-image" "empty=directory 755 1002 1003" "empty-entries=\[\]" \
		"root=750 1001 1004" "written"; do
		assert_line_matches "^${want}\$"
	done
	# the copy was written, never the image
	[ "$(cat "$r/data/sub/file")" = from-the-image ] || fail "the rootfs's file changed"
	[ ! -e "$r/data/new" ] || fail "a file written in the tmpfs landed in the rootfs"
	[ "$(stat -c '%a %u %g' "$r/data")" = "750 1001 1004" ] || fail "the rootfs's /data changed"
}

@test "tmpcopyup: symlinks out of the rootfs are copied as symlinks, nothing of the host is read" {
	make_bundle
	local r=$BUNDLE/rootfs
	mkdir -p "$r/data" "$HR_TMP/outside"
	echo host-secret >"$HR_TMP/outside/secret"
	ln -s /etc "$r/data/evil"
	ln -s /../../../etc/passwd "$r/data/abs"
	ln -s "$HR_TMP/outside" "$r/data/hostdir"
	ln -s ../../../../../../../../../.."$HR_TMP/outside/secret" "$r/data/up"
	tmpfs_on_data size=1m tmpcopyup
	in_container '
		for l in evil abs hostdir up; do stat -c "$l=%F" /data/$l; done
		echo "regular-files=$(find /data -type f | wc -l)"
		echo "abs-lines=$(wc -l </data/abs)"
		cat /data/hostdir/secret /data/up 2>&1 || true'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" escape
	for l in evil abs hostdir up; do
		assert_line_matches "^$l=symbolic link\$"
	done
	assert_line_matches "^regular-files=0\$"
	# /data/abs leads to the container's own /etc/passwd (two lines), not the host's
	assert_line_matches "^abs-lines=2\$"
	assert_output_not_contains host-secret
	[ "$(cat "$HR_TMP/outside/secret")" = host-secret ] && [ "$(ls "$HR_TMP/outside")" = secret ] ||
		fail "the host directory changed"
}

@test "notmpcopyup, later, turns the copy off; without the option the tmpfs starts empty" {
	make_bundle
	mkdir -p "$BUNDLE/rootfs/data"
	echo x >"$BUNDLE/rootfs/data/file"
	in_container 'echo "entries=$(ls -A /data | wc -l)"'
	tmpfs_on_data tmpcopyup notmpcopyup
	run -0 --separate-stderr hr run --bundle "$BUNDLE" off
	assert_line_matches '^entries=0$'
	update_config "c['mounts'][-1]['options'] = ['size=1m']"
	run -0 --separate-stderr hr run --bundle "$BUNDLE" default
	assert_line_matches '^entries=0$'
	update_config "c['mounts'][-1]['options'] = ['notmpcopyup', 'tmpcopyup']"
	run -0 --separate-stderr hr run --bundle "$BUNDLE" on
	assert_line_matches '^entries=1$'
}

@test "tmpcopyup with ro: the copy is complete and the tmpfs read-only" {
	make_bundle
	mkdir -p "$BUNDLE/rootfs/data/a/b"
	echo deep >"$BUNDLE/rootfs/data/a/b/file"
	tmpfs_on_data ro size=1m tmpcopyup
	in_container 'cat /data/a/b/file; touch /data/x 2>&1 || true'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" ro
	assert_line_matches '^deep$'
	assert_output_contains "Read-only file system"
}

@test "tmpcopyup that does not fit: the error names the file, the tmpfs and the cause" {
	make_bundle
	mkdir -p "$BUNDLE/rootfs/data"
	head -c 200000 /dev/zero >"$BUNDLE/rootfs/data/big"
	tmpfs_on_data size=64k tmpcopyup
	in_container true
	run -1 --separate-stderr hr run --bundle "$BUNDLE" full
	assert_stderr_contains "mount tmpfs to /data in rootfs: tmpcopyup /data/big into the tmpfs at /data: copy the content: No space left on device"
	[ ! -e "$HR_ROOT/full" ] || fail "a failed run left its state"
}

@test "tmpcopyup on a bind mount is refused before anything runs" {
	make_bundle
	mkdir -p "$HR_TMP/src"
	update_config "c['mounts'].append({'destination': '/data', 'type': 'bind',
		'source': '$HR_TMP/src', 'options': ['rbind', 'tmpcopyup']})"
	in_container true
	run -1 --separate-stderr hr run --bundle "$BUNDLE" bind
	assert_stderr_contains "mount to /data: mount option tmpcopyup: only a new tmpfs can be filled with a copy"
}
