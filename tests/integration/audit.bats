#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun audit through the real binary: the production profile passes every rule, the minimal
# one fails the expected ones, the JSON form parses, a config that cannot be read exits 2, and
# no environment value is ever printed.
# hr-guest: host only (audit grades configs; its one run checks a mount, not a cgroup)

load lib

SECRET=planted-audit-secret-4711

# json_results: "ID RESULT PATH" lines of the JSON report in $output.
json_results() {
	"$HR_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert set(d) == {"config", "profile", "summary", "results"}, d.keys()
for r in d["results"]:
    assert set(r) == {"id", "title", "result", "path", "detail", "fix"}, r
    print(r["id"], r["result"], r["path"])
' <<<"$output"
}

@test "the production profile audits with no FAIL and no WARN (text and JSON)" {
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production
	run -0 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^ID +RESULT +TITLE$'
	assert_line_matches '^CIS-4\.1 +PASS +the process runs as a non-root user$'
	# CIS-5.1 (AppArmor) is judged where the host has AppArmor: the config names hardrun-default
	# where it is loaded; without it, that is the one warning
	case $(host_apparmor) in
	off) assert_line_matches '^27 passed, 0 warnings, 0 failed, 1 skipped$' ;;
	loaded) assert_line_matches '^28 passed, 0 warnings, 0 failed, 0 skipped$' ;;
	on)
		assert_line_matches '^27 passed, 1 warnings, 0 failed, 0 skipped$'
		assert_line_matches '^CIS-5\.1 +WARN '
		run -0 grep -v '^CIS-5\.1 ' <<<"$output"
		;;
	esac
	assert_output_not_contains FAIL
	assert_output_not_contains WARN
	run -0 "$HARDRUN" audit --config "$BUNDLE/config.json" --profile production --format json
	run -0 json_results
	[ "${#lines[@]}" -eq 28 ] || fail "expected 28 results"
	run -0 grep -v '^CIS-5\.1 ' <<<"$output"
	assert_output_not_contains " FAIL "
	assert_output_not_contains " WARN "
	assert_output_contains "CIS-5.10 PASS linux.resources.memory"
	# the development profile passes too, but not against the production profile's limits
	"$HARDRUN" spec --bundle "$BUNDLE" --profile development --force
	run -0 "$HARDRUN" audit --bundle "$BUNDLE" --profile development
	run -1 "$HARDRUN" audit --bundle "$BUNDLE" --profile production
	assert_line_matches '^CIS-5\.10 +FAIL'
	assert_output_contains "linux.resources.memory.limit: 1073741824 bytes is more than 536870912 (production)"
	assert_line_matches '^CIS-5\.11 +FAIL'
}

@test "the minimal profile fails as root, without seccomp and without limits" {
	"$HARDRUN" spec --bundle "$BUNDLE"
	run -1 "$HARDRUN" audit --bundle "$BUNDLE"
	for id in CIS-4.1 CIS-5.21 CIS-5.10 CIS-5.11 CIS-5.28; do
		assert_line_matches "^${id//./\\.} +FAIL "
	done
	assert_output_contains "process.user.uid: runs as uid 0 (root)"
	assert_output_contains "fix: add linux.seccomp with a deny defaultAction"
	local skipped=0
	[ "$(host_apparmor)" != off ] || skipped=1
	assert_line_matches "^[0-9]+ passed, [0-9]+ warnings, 5 failed, $skipped skipped\$"
	run -1 "$HARDRUN" audit --bundle "$BUNDLE" --format json
	run -0 json_results
	[ "$(grep -c ' FAIL ' <<<"$output")" -eq 5 ] || fail "expected 5 FAIL"
	for id in CIS-4.1 CIS-5.21 CIS-5.10 CIS-5.11 CIS-5.28; do
		assert_line_matches "^${id//./\\.} FAIL "
	done
	assert_output_contains "CIS-5.21 FAIL linux.seccomp"
}

@test "--format json parses with python and carries the summary" {
	"$HARDRUN" spec --bundle "$BUNDLE"
	run -1 "$HARDRUN" audit --bundle "$BUNDLE" --format json
	run -0 "$HR_PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1])
s = d["summary"]
assert d["profile"] is None and d["config"].endswith("config.json")
assert s["failed"] == sum(r["result"] == "FAIL" for r in d["results"]) == 5, s
assert s["passed"] + s["warnings"] + s["failed"] + s["skipped"] == len(d["results"])
print("ok")' "$output"
	assert_output_contains ok
}

@test "a config that cannot be read or parsed exits 2 with the problems" {
	run -2 --separate-stderr "$HARDRUN" audit --config "$HR_TMP/missing.json"
	assert_stderr_contains "open $HR_TMP/missing.json: No such file or directory"
	echo '{"ociVersion": "1.0.0", "root": {"path": 3}}' >"$HR_TMP/bad.json"
	run -2 --separate-stderr "$HARDRUN" audit --config "$HR_TMP/bad.json"
	assert_stderr_contains "bad.json: root.path: expected a string"
	[ -z "$output" ] || fail "no report for a config that does not parse"
	echo '{"ociVersion": ' >"$HR_TMP/syntax.json"
	run -2 --separate-stderr "$HARDRUN" audit --config "$HR_TMP/syntax.json" --format json
	assert_stderr_contains "syntax.json: line"
	run -2 --separate-stderr "$HARDRUN" audit --format yaml
	assert_stderr_contains "--format: expected text or json"
	run -2 --separate-stderr "$HARDRUN" audit --profile minimal
	run -2 --separate-stderr "$HARDRUN" audit --bundle a --config b
}

@test "no environment value is printed, in text or JSON" {
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --env "API_TOKEN=$SECRET" \
		--env "DB_PASSWORD=$SECRET" --env "PLAIN=$SECRET"
	run -0 --separate-stderr "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^HR-ENV-01 +WARN '
	assert_output_contains "API_TOKEN, DB_PASSWORD (values not shown)"
	[[ "$output$stderr" != *"$SECRET"* ]] || fail "the text report shows an env value"
	run -0 --separate-stderr "$HARDRUN" audit --bundle "$BUNDLE" --format json
	[[ "$output$stderr" != *"$SECRET"* ]] || fail "the JSON report shows an env value"
}

@test "a Docker-like config: the host-facing rules by the engine's defaults" {
	cp "$BATS_TEST_DIRNAME/../unit/data/audit/docker-run.json" "$BUNDLE/config.json"
	run -1 "$HARDRUN" audit --bundle "$BUNDLE"
	for id in CIS-4.1 CIS-5.12 CIS-5.25 HR-CAP-02 CIS-5.21 CIS-5.10 CIS-5.11 CIS-5.28; do
		assert_line_matches "^${id//./\\.} +FAIL "
	done
	assert_line_matches '^HR-CAP-01 +WARN '
	assert_line_matches '^CIS-5\.4 +PASS '
	cp "$BATS_TEST_DIRNAME/../unit/data/audit/host-everything.json" "$BUNDLE/config.json"
	run -1 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_output_contains "mounts[2].source: /var/run/docker.sock gives the container"
	assert_output_contains "linux.namespaces[0].path: joins the host's ipc namespace (/proc/1/ns/ipc)"
}

@test "spec --volume at a profile mount's destination takes its place; two mounts at one destination are named by validate and audit" {
	local vol=$HR_TMP/app-temp-volume
	mkdir -p "$vol"
	chown 1001:1001 "$vol"
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --volume "$vol:/app/temp/"
	update_config "c['process']['terminal'] = False; c['process']['args'] = ['sh', '-c', 'grep -c \" /app/temp \" /proc/self/mountinfo; id -u > /app/temp/written']"
	# one mount at /app/temp, the volume, where the profile's own was; its directory not made
	run -0 json_eval "[m['source'] for m in d['mounts'] if m['destination'].rstrip('/') == '/app/temp']" <"$BUNDLE/config.json"
	[ "$output" = "[\"$vol\"]" ] || fail "the mounts at /app/temp: $output"
	[ ! -e "$BUNDLE/volumes/app-temp" ] || fail "the replaced profile volume was made"
	run -0 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^HR-FS-02 +PASS +each mount has a destination of its own$'
	# from inside: one mount at /app/temp, and what the process writes is in the volume
	run -0 --separate-stderr hr run --bundle "$BUNDLE" vol1
	[ "$output" = 1 ] || fail "mounts at /app/temp seen inside: $output"
	[ "$(cat "$vol/written")" = 1001 ] || fail "the volume holds: $(cat "$vol/written")"
	# two volumes at one destination are refused, and nothing is written
	rm -f "$BUNDLE/config.json"
	run -2 --separate-stderr "$HARDRUN" spec --bundle "$BUNDLE" --volume "$vol:/data" --volume "$HR_TMP:/data/"
	assert_stderr_contains "--volume $HR_TMP:/data/: /data/ is already the destination of --volume $vol:/data"
	run -2 --separate-stderr "$HARDRUN" spec --bundle "$BUNDLE" --volume "$vol:/dev/"
	assert_stderr_contains "a volume cannot replace /dev"
	[ ! -e "$BUNDLE/config.json" ] || fail "a refused spec wrote config.json"
	# a config someone else wrote with two mounts at one place: a warning naming both, WARN
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production
	update_config "c['mounts'].append({'destination': '//app/./temp/', 'type': 'tmpfs', 'source': 'tmpfs'})"
	run -0 --separate-stderr "$HARDRUN" validate --bundle "$BUNDLE"
	assert_stderr_contains "mounts[10].destination: /app/temp is also the destination of mounts[9]: this mount covers it"
	run -0 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^HR-FS-02 +WARN +each mount has a destination of its own$'
	assert_output_contains "mounts[10].destination: //app/./temp/ is also the destination of mounts[9], which it covers"
}
