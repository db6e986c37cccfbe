#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What containerd's runc shim, Docker and Podman need from hardrun's command line, shown on the
# host (cgroups disabled). The engines themselves run in tests/vm/clients (make check-clients);
# what needs a cgroup is in tests/vm/clients/runtime.bats.

load lib

# hardrun as the runc shim calls it: --root, --log FILE --log-format json
hr_shim() {
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled --log "$HR_TMP/log.json" \
		--log-format json "$@"
}

@test "delete --force of a container that does not exist succeeds, as runc's (the shim's cleanup)" {
	run -0 --separate-stderr hr_shim delete --force never-created
	[ -z "$stderr" ] || fail "expected no message"
	if [ -s "$HR_TMP/log.json" ]; then
		run -1 grep -F '"level":"error"' "$HR_TMP/log.json"
	fi
	# without --force it still fails, with the words callers match
	run -1 --separate-stderr hr_shim delete never-created
	assert_stderr_contains "container never-created does not exist"
}

@test "delete --force twice after a create: the second one succeeds too" {
	make_bundle
	update_config 'c["process"]["args"] = ["true"]; c["process"]["terminal"] = False'
	# the waiting init keeps its stdio: not bats' output pipe
	hr_shim create --bundle "$BUNDLE" twice </dev/null >"$HR_TMP/create.log" 2>&1 ||
		fail "create failed: $(cat "$HR_TMP/create.log")"
	run -0 hr_shim delete --force twice
	[ ! -e "$HR_ROOT/twice" ] || fail "state directory left"
	run -0 hr_shim delete --force twice
}

@test "create of a missing executable: the error line in the JSON log is what Docker turns into 127" {
	make_bundle
	update_config 'c["process"]["args"] = ["/no/such/binary"]; c["process"]["terminal"] = False'
	run -1 --separate-stderr hr_shim create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" missing
	assert_stderr_contains 'exec: "/no/such/binary": stat /no/such/binary: no such file or directory'
	# containerd reads the last "error" line of --log: {"level","msg","time"}, no "hardrun: "
	last=$(grep -F '"level":"error"' "$HR_TMP/log.json" | tail -n 1)
	echo "$last" >"$HR_TMP/last.json"
	[ "$(json_get "$HR_TMP/last.json" 'd["msg"]')" = 'create container missing: exec: "/no/such/binary": stat /no/such/binary: no such file or directory' ] ||
		fail "last error line: $last"
	json_get "$HR_TMP/last.json" 'd["time"]' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' ||
		fail "no RFC 3339 time: $last"
	[ ! -e "$HR_ROOT/missing" ] || fail "state directory left"
	[ ! -e "$HR_TMP/pid" ] || fail "pid file written for a failed create"
}
