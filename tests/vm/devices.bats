#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The cgroup device filter against a real kernel: a rule's access letters are enforced one by
# one. cgroups on the host belong to the machine: this file runs only inside the guest kernel:
#
#   tests/vm/check.sh ./hardrun tests/vm/devices.bats

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

setup_file() {
	guest_only || return 1
}

# /dev/kmsg (1:11): not among the devices every container gets (those are always rwm, as
# runc appends them), opened for writing by anyone, for reading with CAP_SYSLOG.
kmsg_bundle() {
	[ -e "$BUNDLE/config.json" ] || make_bundle
	update_config "
c['process']['terminal'] = False
c['process']['capabilities'] = {k: ['CAP_SYSLOG'] for k in ('bounding', 'effective', 'permitted')}
c['linux']['devices'] = [{'path': '/dev/kmsg', 'type': 'c', 'major': 1, 'minor': 11, 'fileMode': 0o600}]
c['linux']['resources'] = {'devices': [
    {'allow': False, 'access': 'rwm'},
    {'allow': True, 'type': 'c', 'major': 1, 'minor': 11, 'access': '$1'}]}
c['process']['args'] = ['sh', '-c',
    '(echo hardrun-devices-test >/dev/kmsg) 2>&1 && echo write-ok; (exec 3</dev/kmsg) 2>&1 && echo read-ok; true']"
}

@test "a device rule's access letters: write-only denies reading, read-write allows both" {
	kmsg_bundle w
	run -0 hr run --bundle "$BUNDLE" wonly
	assert_line_matches '^write-ok$'
	assert_output_contains "/dev/kmsg: Operation not permitted"
	[[ $output != *read-ok* ]] || fail "read allowed by a write-only rule: $output"
	kmsg_bundle rw
	run -0 hr run --bundle "$BUNDLE" rw
	assert_line_matches '^write-ok$'
	assert_line_matches '^read-ok$'
	kmsg_bundle r
	run -0 hr run --bundle "$BUNDLE" ronly
	assert_line_matches '^read-ok$'
	[[ $output != *write-ok* ]] || fail "write allowed by a read-only rule: $output"
}

@test "a linux.devices node the rules do not allow is made, and cannot be opened (as with runc)" {
	[ -e "$BUNDLE/config.json" ] || make_bundle
	update_config "
c['process']['terminal'] = False
c['linux']['devices'] = [{'path': '/dev/hr-fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 0o666}]
c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'}]}
c['process']['args'] = ['sh', '-c', 'stat -c %t:%T /dev/hr-fuse; (exec 3</dev/hr-fuse) 2>&1; echo x >/dev/null && echo null-ok']"
	run -0 hr run --bundle "$BUNDLE" unlisted
	assert_line_matches '^a:e5$'
	assert_output_contains "/dev/hr-fuse: Operation not permitted"
	assert_line_matches '^null-ok$'
}
