#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun verify through the real binary, on the host (no cgroup: the limits SKIP with the
# reason) and in the guest's cgroupfs run of this suite (they PASS; tests/vm/cgroup.bats
# checks an update that drifts): a production container passes
# against its config and the profile, with the values the kernel reports; a process exec'd
# with a capability the config lacks fails exactly that check; a minimal config passes against
# itself and fails the guide's rules; a container that fakes its /proc is not believed; user
# namespaces translate the ids; bad invocations are refused.

load lib

# The limits: SKIP without a cgroup (the host), PASS with one (the guest's cgroupfs run).
if [ "${HR_CGROUP_MANAGER:-disabled}" = disabled ]; then
	LIMITS=SKIP SKIPPED=3
else
	LIMITS=PASS SKIPPED=0
fi

# production_bundle ARG...: the production profile running ARGS (a busybox rootfs).
production_bundle() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --args "$@"
}

# result_of CHECK [PID]: the RESULT column of CHECK's lines in the text report in $output.
result_of() {
	awk -v c="$1" -v p="${2:-}" '$3 == c && (p == "" || $2 == p) { print $1 }' <<<"$output" |
		sort -u
}

# json_checks: "RESULT PID SOURCE RULE CHECK" lines of the JSON report in $output.
json_checks() {
	"$HR_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert set(d) == {"id", "baseline", "summary", "checks"}, d.keys()
n = {"PASS": 0, "FAIL": 0, "SKIP": 0}
for c in d["checks"]:
    keys = {"check", "pid", "source", "rule", "result"}
    keys |= {"reason"} if c["result"] == "SKIP" else {"observed", "expected"}
    assert set(c) == keys, c
    n[c["result"]] += 1
    print(c["result"], c["pid"], c["source"], c["rule"], c["check"])
s = d["summary"]
assert (s["passed"], s["failed"], s["skipped"]) == (n["PASS"], n["FAIL"], n["SKIP"]), s
' <<<"$output"
}

@test "verify: a production container passes against its config and the profile, with the kernel's values" {
	production_bundle sleep 300
	hr_bg run --detach --bundle "$BUNDLE" v1
	pid=$(hr state v1 | json_eval 'd["pid"]')
	run -0 hr verify v1
	assert_line_matches '^RESULT +PID +CHECK +SOURCE +OBSERVED / EXPECTED$'
	for check in process.user.uid process.user.gid process.user.additionalGids \
		process.capabilities.bounding process.capabilities.effective \
		process.capabilities.ambient process.noNewPrivileges linux.seccomp \
		'linux.namespaces[pid]' 'linux.namespaces[network]' 'linux.namespaces[mount]' \
		root.readonly 'mounts[/tmp]' 'mounts[/var/tmp]' 'mounts[/app/temp]' 'mounts[/sys]' \
		'linux.maskedPaths[/proc/acpi]' 'linux.readonlyPaths[/proc/sys]'; do
		[ "$(result_of "$check")" = PASS ] || fail "$check: $(result_of "$check"), not PASS"
	done
	# what it read is what the kernel says of the init
	nnp=$(awk '$1 == "NoNewPrivs:" { print $2 }' "/proc/$pid/status")
	[ "$nnp" = 1 ] || fail "NoNewPrivs of the init is $nnp"
	assert_line_matches "^PASS +$pid +process\\.noNewPrivileges +config +observed NoNewPrivs 1; expected 1$"
	assert_line_matches "^PASS +$pid +process\\.user\\.uid +config +observed 1001; expected 1001 "
	assert_line_matches '^PASS +- +mounts\[/tmp\] +config +observed tmpfs [a-z,]*nosuid,nodev[a-z,]* size=65536k; expected tmpfs nosuid nodev size=64m$'
	assert_line_matches '^PASS +- +root\.readonly +config +observed ro '
	# no cgroup on the host: the limits are skipped, with the reason
	if [ "$LIMITS" = SKIP ]; then
		assert_line_matches '^SKIP +- +linux\.resources\.memory\.limit +config +no cgroup: the container was created without a cgroup manager$'
	else
		assert_line_matches '^PASS +- +linux\.resources\.memory\.limit +config +observed 536870912; expected memory\.max 536870912$'
	fi
	assert_line_matches "^[0-9]+ passed, 0 failed, $SKIPPED skipped\$"
	# against the profile: the guide's rules, by their audit IDs, and its user and /app/temp
	run -0 hr verify --profile production v1
	assert_line_matches '^container v1, baseline production$'
	assert_line_matches "^PASS +$pid +process\\.user +production CIS-4\\.1 +observed uid 1001, gid 1001; expected uid 1001, gid 1001$"
	assert_line_matches '^PASS +- +linux\.namespaces\[network\] +production CIS-5\.9 '
	assert_line_matches '^PASS +- +mounts\[/app/temp\] +production +observed [a-z0-9]+ rw,'
	assert_line_matches "^$LIMITS +- +linux\\.resources\\.memory\\.limit +production CIS-5\\.10 "
	assert_line_matches "^[0-9]+ passed, 0 failed, $((SKIPPED * 2)) skipped\$"
	run -0 hr verify --profile development --format json v1
	run -0 json_checks
	assert_line_matches "^PASS $pid development CIS-5.25 process.noNewPrivileges$"
	assert_line_matches "^$LIMITS 0 development CIS-5.28 linux.resources.pids.limit\$"
	n=$(grep -c '^FAIL ' <<<"$output" || true)
	[ "$n" = 0 ] || fail "$n checks FAIL"
}

@test "verify: a process exec'd with a capability the config lacks fails exactly that check" {
	production_bundle sleep 300
	hr_bg run --detach --bundle "$BUNDLE" v1
	hr exec --detach --cap CAP_NET_RAW v1 sleep 301
	hr exec --detach v1 sleep 302
	run -0 hr ps --format json v1
	[ "$(json_eval 'len(d)' <<<"$output")" = 3 ] || fail "expected 3 processes: $output"
	raw=$(pgrep -f '^sleep 301$')
	run -1 hr verify v1
	# the one FAIL: the exec'd process's bounding set holds CAP_NET_RAW (a uid other than 0
	# loses the permitted and effective ones at execve)
	run -0 grep '^FAIL' <<<"$output"
	[ "${#lines[@]}" -eq 1 ] || fail "expected one FAIL"
	assert_line_matches "^FAIL +$raw +process\\.capabilities\\.bounding +config +observed CAP_NET_RAW beyond the config \\(all: CAP_NET_RAW\\); expected at most none$"
	grep -q '^CapBnd:.*0000000000002000$' "/proc/$raw/status" ||
		fail "the kernel does not show CAP_NET_RAW in $raw's bounding set"
	# the other exec'd process is held against the config too, and passes, in the init's
	# namespaces
	run -1 hr verify v1
	other=$(pgrep -f '^sleep 302$')
	[ "$(result_of process.capabilities.bounding "$other")" = PASS ] || fail "302 does not pass"
	[ "$(result_of linux.namespaces "$other")" = PASS ] || fail "302 is not in the init's namespaces"
	# --all verifies every running container: the same report, the same status
	run -1 hr verify --all
	assert_line_matches '^container v1$'
	assert_line_matches "^[0-9]+ passed, 1 failed, $SKIPPED skipped\$"
}

@test "verify: a minimal config passes against itself and fails the guide's rules by ID" {
	make_bundle_running sleep 300
	update_config 'c["root"]["readonly"] = False; c["process"]["noNewPrivileges"] = False'
	hr_bg run --detach --bundle "$BUNDLE" v1
	run -0 hr verify v1
	assert_line_matches '^PASS +[0-9]+ +process\.noNewPrivileges +config +observed NoNewPrivs [01]; expected '
	assert_line_matches '^PASS +[0-9]+ +linux\.seccomp +config +observed Seccomp 0(, 0 filters)?; expected any \(the config has no linux\.seccomp\)$'
	assert_line_matches '^PASS +- +root\.readonly +config +observed '
	run -1 hr verify --profile production v1
	for rule in CIS-4.1 CIS-5.21 CIS-5.12; do
		assert_line_matches "^FAIL +[-0-9]+ +[^ ]+ +production $rule "
	done
	assert_line_matches '^FAIL +[0-9]+ +process\.user +production CIS-4\.1 +observed uid 0, gid 0; expected uid 1001, gid 1001$'
	assert_line_matches '^FAIL +- +mounts\[/app/temp\] +production +observed nothing mounted; expected a writable mount$'
	# a policy's ignored rules are not checked; its maxima are
	cat >"$HR_TMP/policy.json" <<-'EOF'
		{"mode": "audit", "rules": {"CIS-4.1": {"ignore": true}, "CIS-5.21": {"ignore": true}}}
	EOF
	run -1 hr verify --policy "$HR_TMP/policy.json" v1
	assert_line_matches "^container v1, baseline $HR_TMP/policy.json$"
	assert_output_not_contains CIS-4.1
	assert_output_not_contains CIS-5.21
	assert_line_matches '^FAIL +- +root\.readonly +policy CIS-5\.12 '
	assert_output_not_contains "mounts[/app/temp]"
}

@test "verify: a container that fakes its own /proc is not believed" {
	make_bundle_running sh -c 'mount -t tmpfs fake /proc && mkdir -p /proc/1 &&
		printf "NoNewPrivs:\t1\nSeccomp:\t2\n" >/proc/1/status && sleep 300'
	update_config 'c["process"]["noNewPrivileges"] = False
c["process"]["capabilities"]["bounding"] += ["CAP_SYS_ADMIN"]
c["process"]["capabilities"]["effective"] += ["CAP_SYS_ADMIN"]
c["process"]["capabilities"]["permitted"] += ["CAP_SYS_ADMIN"]'
	hr_bg run --detach --bundle "$BUNDLE" v1
	pid=$(hr state v1 | json_eval 'd["pid"]')
	for _ in $(seq 50); do
		grep -q ' /proc tmpfs ' "/proc/$pid/mounts" && break
		sleep 0.1
	done
	grep -q ' /proc tmpfs ' "/proc/$pid/mounts" || fail "the container did not mount its fake /proc"
	run -1 hr verify --profile production v1
	assert_line_matches "^FAIL +$pid +process\\.noNewPrivileges +production CIS-5\\.25 +observed NoNewPrivs 0; expected 1$"
	assert_line_matches "^FAIL +$pid +linux\\.seccomp +production CIS-5\\.21 +observed Seccomp 0; expected Seccomp 2 \\(filter\\)$"
	# and the mount table is the kernel's: the config's /proc is covered by the tmpfs
	assert_line_matches '^FAIL +- +mounts\[/proc\] +config +observed tmpfs '
}

@test "verify: in a user namespace the ids are the container's, the host's beside them" {
	production_bundle sleep 300
	# the user namespace's ids reach the bundle as "others"
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	mkdir -p "$BUNDLE/rootfs/app/temp"
	update_config 'c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	hr_bg run --detach --bundle "$BUNDLE" v1
	pid=$(hr state v1 | json_eval 'd["pid"]')
	[ "$(awk '$1 == "Uid:" { print $2 }' "/proc/$pid/status")" = 201001 ] ||
		fail "the init's host uid is not 201001"
	run -0 hr verify --profile production v1
	assert_line_matches "^PASS +$pid +process\\.user\\.uid +config +observed 1001 \\(host 201001\\); expected 1001 "
	assert_line_matches "^PASS +$pid +process\\.user +production CIS-4\\.1 +observed uid 1001 \\(host 201001\\), gid 1001 \\(host 201001\\); "
	assert_line_matches "^PASS +$pid +linux\\.namespaces\\[user\\] +config "
}

@test "verify: what cannot be verified is refused by name" {
	run -2 hr verify
	assert_output_contains "verify"
	run -2 hr verify --profile minimal v1
	assert_output_contains "--profile: minimal is no baseline"
	run -2 hr verify --profile production --policy /nonexistent v1
	assert_output_contains "--profile and --policy are exclusive"
	run -2 hr verify --format yaml v1
	assert_output_contains '--format: expected text or json, got "yaml"'
	run -1 hr verify v1
	assert_output_contains "container v1 does not exist"
	production_bundle sleep 300
	hr_bg run --detach --bundle "$BUNDLE" v2
	make_bundle "$HR_TMP/b1"
	update_config 'c["process"]["terminal"] = False' "$HR_TMP/b1"
	hr_bg create --bundle "$HR_TMP/b1" v1
	run -1 hr verify v1
	assert_output_contains "container v1 is created: only a running or paused one can be verified"
	run -1 hr verify --policy "$HR_TMP/none.json" v2
	assert_output_contains "$HR_TMP/none.json"
	# --all skips what does not run (v1 is created) and verifies v2
	run -0 hr verify --all
	assert_line_matches '^container v2$'
	assert_output_not_contains 'container v1'
	run -0 hr verify --all --format json
	[ "$(json_eval '",".join(r["id"] for r in d)' <<<"$output")" = v2 ] || fail "not [v2]"
}
