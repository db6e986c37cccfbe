#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# AppArmor in the guest kernel (Debian's enables it; the host of the tests may not): the
# features document says so, and exec --apparmor applies a profile to the exec'd process.
# Runs only inside the guest kernel:
#
#   tests/vm/check.sh ./hardrun tests/vm/lsm.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

setup_file() {
	guest_only || return 1
}

apparmor_enabled() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

@test "features: apparmor.enabled is true when the kernel has AppArmor" {
	apparmor_enabled || skip "the guest kernel has no AppArmor"
	run -0 --separate-stderr "$HARDRUN" features
	[ "$(json_eval 'd["linux"]["apparmor"]["enabled"]' <<<"$output")" = true ] ||
		fail "apparmor.enabled is not true"
}

@test "exec --apparmor unconfined: the exec'd process gets the profile" {
	apparmor_enabled || skip "the guest kernel has no AppArmor"
	make_bundle
	update_config 'c["process"]["args"] = ["sleep", "1000"]; c["process"]["terminal"] = False'
	hr run -d --bundle "$BUNDLE" aa </dev/null >"$HR_TMP/log" 2>&1 || fail "$(cat "$HR_TMP/log")"
	run -0 hr exec --apparmor unconfined aa cat /proc/self/attr/current
	assert_output_contains "unconfined"
	run -1 hr exec --apparmor hr-no-such-profile aa true
	assert_output_contains "hr-no-such-profile"
	run -0 hr delete --force aa
}
