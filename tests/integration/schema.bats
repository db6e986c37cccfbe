#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Documents hardrun writes, checked against the runtime-spec JSON schemas by the scripts next to
# this file (each takes the hardrun binary as $1). run.sh counts a script wrapped here once.
# hr-guest: host only (documents checked against the schemas; none names the cgroup manager)

load lib

@test "spec_schema.sh: the config.json of 'hardrun spec' validates against config-schema.json" {
	local script=$BATS_TEST_DIRNAME/spec_schema.sh
	[ -x "$script" ] || fail "$script is missing or not executable"
	run "$script" "$HARDRUN"
	assert_status 0
}
