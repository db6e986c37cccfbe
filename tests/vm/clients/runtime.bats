#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What the engines revealed, shown with hardrun alone (cgroupfs manager, in the guest): the
# lowest level at which each fix can be seen when it needs a cgroup. The fixes that need none
# are in tests/integration/clients.bats.

load ../../integration/lib
load lib

# Docker 20.10's device rules for a container: deny everything, allow six devices, deny fuse.
# runc allows null, zero, full, random, urandom, tty, ptmx and the pty slaves after these;
# Docker counts on it (a terminal needs /dev/pts/ptmx).
DOCKER_DEVICES='[{"allow": false, "access": "rwm"},
 {"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
 {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
 {"allow": true, "type": "c", "major": 1, "minor": 9, "access": "rwm"},
 {"allow": true, "type": "c", "major": 1, "minor": 8, "access": "rwm"},
 {"allow": true, "type": "c", "major": 5, "minor": 0, "access": "rwm"},
 {"allow": true, "type": "c", "major": 5, "minor": 1, "access": "rwm"},
 {"allow": false, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'

setup() {
	hr_setup
	# a device node in the rootfs needs a filesystem without nodev: not /tmp in the guest
	BUNDLE=$(mktemp -d /var/tmp/hardrun-clients-bundle.XXXXXX)
	cp -a "$HR_CLIENTS_ROOTFS" "$BUNDLE/rootfs"
	(cd "$BUNDLE" && "$HARDRUN" spec >/dev/null)
	update_config "c['linux']['resources'] = {'devices': __import__('json').loads('''$DOCKER_DEVICES''')}"
}

teardown() {
	"$HARDRUN" --root "$HR_ROOT" delete --force dev1 >/dev/null 2>&1 || true
	rm -rf --one-file-system "$BUNDLE"
	hr_teardown
}

@test "Docker's device rules: a terminal and the standard devices work (runc's defaults added)" {
	mknod -m 0666 "$BUNDLE/rootfs/fake" b 7 200
	update_config 'c["process"]["terminal"] = True; c["process"]["args"] = ["sh", "-c", "tty; head -c 3 /dev/full | wc -c; head -c 3 /dev/random | wc -c; echo x >/dev/null && echo null-ok; head -c 1 /fake; exit 9"]'
	run -9 in_tty "cd $BUNDLE && $HARDRUN --root $HR_ROOT --cgroup-manager cgroupfs run dev1 2>&1"
	# script(1) turns its end of input into a NUL the terminal echoes as ^@: not anchored
	assert_line_matches '/dev/pts/[0-9]+'
	assert_line_matches '^3'
	assert_output_contains null-ok
	# a device the rules do not allow stays denied
	assert_output_contains "/fake: Operation not permitted"
}

@test "Docker's device rules: a process without a terminal can open /dev/ptmx for its own" {
	update_config 'c["process"]["terminal"] = False; c["process"]["args"] = ["sh", "-c", "exec 3<>/dev/ptmx && echo ptmx-ok"]'
	run -0 --separate-stderr t "$HARDRUN" --root "$HR_ROOT" --cgroup-manager cgroupfs run --bundle "$BUNDLE" dev1
	assert_line_matches '^ptmx-ok$'
}
