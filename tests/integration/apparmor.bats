#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# AppArmor on any host: the shipped profile (contrib/apparmor/hardrun-default) parses, without
# being loaded. Applying profiles needs a kernel with AppArmor: tests/vm/lsm.bats.
# hr-guest: host only (parses the profile; applying it is tests/vm/lsm.bats)

load lib

HR_SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

@test "contrib/apparmor/hardrun-default parses (apparmor_parser -Q: compiled, not loaded)" {
	command -v apparmor_parser >/dev/null ||
		fail "apparmor_parser is not installed (contrib/dev deps installs the apparmor package)"
	# -Q: no kernel load, -K: no cache; the profile stays out of this kernel
	run -0 apparmor_parser -Q -K "$HR_SRC/contrib/apparmor/hardrun-default"
	assert_output_not_contains "error"
	# a name that `hardrun spec --profile production` looks for in the kernel's list
	run -0 grep -c '^profile hardrun-default ' "$HR_SRC/contrib/apparmor/hardrun-default"
}

@test "spec: production names hardrun-default only where it is loaded; --apparmor chooses" {
	local want=
	[ "$(host_apparmor)" != loaded ] || want=hardrun-default
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production
	[ "$(json_get "$BUNDLE/config.json" 'd["process"].get("apparmorProfile", "")')" = "$want" ] ||
		fail "production: expected apparmorProfile \"$want\": $(cat "$BUNDLE/config.json")"
	# the other profiles never look at the host
	for p in minimal development; do
		run -0 "$HARDRUN" spec --profile "$p" --output -
		[ "$(json_eval 'd["process"].get("apparmorProfile", "")' <<<"$output")" = "" ] ||
			fail "$p names a profile"
	done
	run -0 "$HARDRUN" spec --profile minimal --apparmor my-app --output -
	[ "$(json_eval 'd["process"]["apparmorProfile"]' <<<"$output")" = my-app ] || fail "$output"
	run -0 "$HARDRUN" spec --profile production --apparmor '' --output -
	[ "$(json_eval 'd["process"].get("apparmorProfile", "")' <<<"$output")" = "" ] ||
		fail "--apparmor '' still names a profile"
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
}
