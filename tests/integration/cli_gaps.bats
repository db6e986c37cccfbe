#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# runc's command line without gaps: every command's --help, the global --rootless and --criu,
# run --no-subreaper, exec's --ignore-paused, --apparmor, --process-label and --cgroup, the
# run.oci.keep_original_groups annotation, features' LSM fields and --version's commit, and the
# UTS names against their sysctls.

load lib

# A bundle whose container sleeps, started detached as ID.
run_sleeper() {
	make_bundle
	update_config 'c["process"]["args"] = ["sleep", "1000"]; c["process"]["terminal"] = False'
	hr_bg run -d --bundle "$BUNDLE" "$1"
}

@test "every command in --help answers --help with status 0, help too" {
	run -0 "$HARDRUN" --help
	local cmds
	cmds=$(printf '%s\n' "$output" | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
	[ -n "$cmds" ] || fail "no command listed"
	for cmd in create start run state kill delete list ps exec pause resume update events spec \
		validate audit features help; do
		grep -qx "$cmd" <<<"$cmds" || fail "--help does not list $cmd"
	done
	for cmd in $cmds; do
		run "$HARDRUN" "$cmd" --help
		[ "$status" -eq 0 ] || fail "'$cmd --help' exited $status"
		assert_output_contains "Usage: hardrun"
	done
}

@test "--rootless: true, false and auto are accepted; true moves the default state directory" {
	for v in false auto true; do
		run -0 hr --rootless "$v" list
	done
	# root: auto is not rootless; true is, and its state lives under XDG_RUNTIME_DIR
	run -1 env -u XDG_RUNTIME_DIR "$HARDRUN" --rootless true list
	assert_output_contains "no state directory: hardrun runs rootless (uid 0) and XDG_RUNTIME_DIR is not set: set it, or give --root DIR"
	mkdir -m 0700 "$HR_TMP/xdg"
	run -0 env XDG_RUNTIME_DIR="$HR_TMP/xdg" "$HARDRUN" --rootless true list
	[ ! -e "$HR_TMP/xdg/hardrun" ] || fail "list made the state directory"
	# a container made with --rootless true lives there, not in the root's default
	make_bundle_running sleep 1000
	env XDG_RUNTIME_DIR="$HR_TMP/xdg" "$HARDRUN" --rootless true create --bundle "$BUNDLE" rlx \
		</dev/null >"$HR_TMP/rlx.log" 2>&1 || fail "create: $(cat "$HR_TMP/rlx.log")"
	[ -d "$HR_TMP/xdg/hardrun/rlx" ] || fail "no state under XDG_RUNTIME_DIR/hardrun"
	[ ! -e /run/hardrun/rlx ] || fail "the state went to /run/hardrun"
	run -0 env XDG_RUNTIME_DIR="$HR_TMP/xdg" "$HARDRUN" --rootless true list -q
	assert_line_matches '^rlx$'
	# the table's owner: the name in the host's /etc/passwd (read without NSS)
	run -0 env XDG_RUNTIME_DIR="$HR_TMP/xdg" "$HARDRUN" --rootless true list
	assert_line_matches '^rlx +[0-9]+ +created .* root$'
	run -0 env XDG_RUNTIME_DIR="$HR_TMP/xdg" "$HARDRUN" --rootless true delete --force rlx
	[ ! -e "$HR_TMP/xdg/hardrun/rlx" ] || fail "delete left the state"
	run -2 hr --rootless maybe list
	assert_output_contains "unknown --rootless (true, false or auto): maybe"
	run -0 "$HARDRUN" --help
	assert_line_matches '^  --rootless true\|false\|auto '
}

@test "--criu PATH names the criu checkpoint runs; a missing one is the error" {
	run -0 --separate-stderr hr --criu /usr/sbin/criu list
	[ -z "$stderr" ] || fail "--criu warned: $stderr"
	make_bundle
	update_config 'c["process"]["args"] = ["sleep", "1000"]; c["process"]["terminal"] = False'
	hr run -d --bundle "$BUNDLE" cr </dev/null >/dev/null 2>&1 || fail "run -d"
	run -1 hr --criu "$HR_TMP/no-criu" checkpoint --image-path "$HR_TMP/img" cr
	assert_output_contains "checkpoint container cr: --criu $HR_TMP/no-criu: No such file or directory"
	run -0 hr state cr
	assert_output_contains '"status": "running"'
	run -0 "$HARDRUN" --help
	assert_line_matches '^  --criu PATH '
}

@test "run --no-subreaper is accepted and documented as having nothing to disable" {
	make_bundle
	update_config 'c["process"]["args"] = ["sh", "-c", "exit 3"]; c["process"]["terminal"] = False'
	run -3 hr run --no-subreaper --bundle "$BUNDLE" nosub
	run -0 "$HARDRUN" run --help
	assert_output_contains "--no-subreaper       accepted for runc's callers, no effect"
}

@test "exec --cgroup: an absolute path or one with .. is refused before anything" {
	local sub why
	while IFS='|' read -r sub why; do
		run -1 hr exec --cgroup "$sub" nosuch true
		assert_output_not_contains "nosuch does not exist"
		assert_output_contains "$why"
	done <<'END'
../x|components are not allowed
a/../../x|components are not allowed
/sys/fs/cgroup/x|must be relative to the container's cgroup
.|components are not allowed
a//b|components are not allowed
cpu:x|the CONTROLLER:PATH form is for cgroup v1
|--cgroup: the sub-cgroup is empty
END
	run -1 hr exec --cgroup ../x nosuch true
	assert_output_contains '--cgroup ../x: empty, "." and ".." components are not allowed'
	run -1 hr exec --cgroup /abs nosuch true
	assert_output_contains "--cgroup /abs: must be relative to the container's cgroup"
	run -0 "$HARDRUN" exec --help
	assert_output_contains "--cgroup SUB"
}

@test "exec --cgroup into a container without a cgroup names what is missing" {
	# the guest runs this file with the cgroupfs manager: this container has none whatever
	HR_CGROUP_MANAGER=disabled run_sleeper nocg
	run -1 hr exec --cgroup sub nocg true
	assert_output_contains "exec --cgroup sub: container nocg has no cgroup"
}

@test "exec --apparmor and --process-label set the process's LSM fields, checked like the config's" {
	run_sleeper lsm
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		# AppArmor here (the guest): the profile is the exec'd process's
		run -0 hr exec --apparmor unconfined lsm cat /proc/self/attr/current
		assert_output_contains unconfined
		run -0 hr exec --apparmor unconfined --process - lsm <<<'{"args":["cat","/proc/self/attr/current"],"cwd":"/"}'
		assert_output_contains unconfined
	else
		run -1 hr exec --apparmor hr-test-profile lsm true
		assert_output_contains 'process.apparmorProfile "hr-test-profile" is set but AppArmor is not enabled'
		# with --process too: the option wins over the file's (empty) field
		run -1 hr exec --apparmor other --process - lsm <<<'{"args":["true"],"cwd":"/"}'
		assert_output_contains 'process.apparmorProfile "other" is set'
	fi
	# no machine of the tests has SELinux: the label is checked like the config's
	if [ ! -d /sys/fs/selinux ]; then
		run -1 hr exec --process-label system_u:system_r:container_t:s0 lsm true
		assert_output_contains "process.selinuxLabel is set but SELinux is not enabled"
	fi
	run -0 hr exec lsm true
}

@test "exec --ignore-paused is documented; kill takes one ID, as runc's" {
	run -0 "$HARDRUN" exec --help
	assert_output_contains "--ignore-paused"
	run_sleeper k1
	run -2 hr kill k1 k2 TERM
	assert_output_contains "unexpected argument"
}

# Runs the bundle's process, printing the Groups line of its /proc/self/status, from a shell
# whose supplementary groups are 4242 and 4343 (setpriv, util-linux): hardrun's caller.
groups_seen() {
	update_config 'c["process"]["args"] = ["grep", "^Groups:", "/proc/self/status"]
c["process"]["terminal"] = False
c["process"]["user"] = {"uid": 0, "gid": 0, "additionalGids": [7]}'
	run "$@"
}

@test "run.oci.keep_original_groups: the process keeps the caller's groups, as with crun" {
	command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed"
	make_bundle
	groups_seen setpriv --groups 4242,4343 -- "$HARDRUN" --root "$HR_ROOT" \
		--cgroup-manager disabled run --bundle "$BUNDLE" g1
	[ "$status" -eq 0 ] || fail "run failed"
	assert_line_matches '^Groups:[[:space:]]+7[[:space:]]*$'
	update_config 'c["annotations"] = {"run.oci.keep_original_groups": "1"}'
	groups_seen setpriv --groups 4242,4343 -- "$HARDRUN" --root "$HR_ROOT" \
		--cgroup-manager disabled run --bundle "$BUNDLE" g2
	[ "$status" -eq 0 ] || fail "run failed"
	assert_line_matches '^Groups:[[:space:]]+4242 4343[[:space:]]*$'
	assert_output_contains 'process.user.additionalGids (1 groups) not applied: annotation "run.oci.keep_original_groups"'
	# exec goes by the container's annotation too
	update_config 'c["process"]["args"] = ["sleep", "1000"]'
	setpriv --groups 4242,4343 -- "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled \
		run -d --bundle "$BUNDLE" g3 </dev/null >>"$HR_TMP/container.log" 2>&1 ||
		fail "run -d failed: $(cat "$HR_TMP/container.log")"
	run -0 setpriv --groups 5151 -- "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled \
		exec g3 grep ^Groups: /proc/self/status
	assert_line_matches '^Groups:[[:space:]]+5151[[:space:]]*$'
	# crun goes by presence: a value meaning "off" would silently mean on
	update_config 'c["annotations"] = {"run.oci.keep_original_groups": "0"}'
	run -1 hr validate --bundle "$BUNDLE"
	assert_output_contains 'annotations["run.oci.keep_original_groups"]: its presence keeps the caller'"'"'s groups'
}

@test "features: apparmor.enabled and selinux.enabled say what the running kernel has" {
	run -0 --separate-stderr "$HARDRUN" features
	local aa=false se=false
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && aa=true
	[ -e /sys/fs/selinux/enforce ] && se=true
	[ "$(json_eval 'str(d["linux"]["apparmor"]["enabled"]).lower()' <<<"$output")" = "$aa" ] ||
		fail "apparmor.enabled is not $aa"
	[ "$(json_eval 'str(d["linux"]["selinux"]["enabled"]).lower()' <<<"$output")" = "$se" ] ||
		fail "selinux.enabled is not $se"
}

@test "--version and features carry the commit of the checkout the binary was built from" {
	local repo=$BATS_TEST_DIRNAME/../.. want
	run -0 "$HARDRUN" --version
	# what is built in, as crun says it
	[ "${lines[4]}" = "+SECCOMP +CAP +YAJL +CGROUPV2 +SYSTEMD +USERNS +SELINUX +APPARMOR +EBPF +IDMAP +CRIU" ] ||
		fail "feature line: ${lines[4]}"
	if [ ! "$HARDRUN" -ef "$repo/hardrun" ]; then
		# another build: its commit has the form, whatever it is
		[[ ${lines[1]} =~ ^commit:\ ([0-9a-f]{40}(-dirty)?|unknown)$ ]] || fail "${lines[1]}"
		return 0
	fi
	# a git checkout (HEAD, -dirty), a release tarball (.tarball-commit), or neither (CI's copy)
	if [ -e "$repo/.git" ]; then
		want=$(git -C "$repo" rev-parse HEAD)
		git -C "$repo" diff --quiet HEAD -- || want="$want-dirty"
	elif [ -s "$repo/.tarball-commit" ]; then
		want=$(cat "$repo/.tarball-commit")
	else
		want=unknown
	fi
	[ "${lines[1]}" = "commit: $want" ] || fail "expected commit: $want"
	run -0 --separate-stderr "$HARDRUN" features
	[ "$(json_eval 'd["annotations"]["org.hardrun.commit"]' <<<"$output")" = "$want" ] ||
		fail "features' org.hardrun.commit is not $want"
}

@test "domainname against linux.sysctl kernel.domainname, hostname against kernel.hostname" {
	make_bundle
	update_config 'c["domainname"] = "one.example"
c["linux"]["sysctl"] = {"kernel.domainname": "other.example"}'
	run -1 hr validate --bundle "$BUNDLE"
	assert_output_contains 'linux.sysctl["kernel.domainname"]: conflicts with domainname'
	run -1 hr create --bundle "$BUNDLE" d1
	assert_output_contains 'linux.sysctl["kernel.domainname"]: conflicts with domainname'
	[ ! -e "$HR_ROOT/d1" ] || fail "create left a state directory"
	# the same value twice is no conflict
	update_config 'c["linux"]["sysctl"] = {"kernel.domainname": "one.example"}'
	run -0 hr validate --bundle "$BUNDLE"
	update_config 'c["hostname"] = "h1"; c["linux"]["sysctl"] = {"kernel.hostname": "h2"}'
	run -1 hr validate --bundle "$BUNDLE"
	assert_output_contains 'linux.sysctl["kernel.hostname"]: conflicts with hostname'
	run -1 hr create --bundle "$BUNDLE" d2
	assert_output_contains 'linux.sysctl["kernel.hostname"]: conflicts with hostname'
}
