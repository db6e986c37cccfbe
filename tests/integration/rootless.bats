#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless: hardrun run by an unprivileged user (hrtest, created here when missing) on a bundle
# of `hardrun spec --rootless` in a directory that user owns, with the defaults a non-root
# caller gets (state in XDG_RUNTIME_DIR, no cgroup manager): what the container sees from
# inside, and what root sees of it on the host.

load lib

RL_USER=hrtest

setup_file() {
	if ! id -u "$RL_USER" >/dev/null 2>&1; then
		useradd -M -s /usr/sbin/nologin "$RL_USER"
	fi
	# the newuidmap test maps a range: give the user one when useradd did not
	if ! grep -q "^$RL_USER:" /etc/subuid 2>/dev/null; then
		usermod --add-subuids 1000000000-1000065535 "$RL_USER"
	fi
	if ! grep -q "^$RL_USER:" /etc/subgid 2>/dev/null; then
		usermod --add-subgids 1000000000-1000065535 "$RL_USER"
	fi
}

setup() {
	hr_setup
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	# the user reaches its directory through the run's directories (devices.bats does the same)
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	RL_HOME=$HR_TMP/user
	RL_XDG=$RL_HOME/xdg
	RL_BUNDLE=$RL_HOME/bundle
	# the binary under test may sit in a directory the user cannot enter: a copy in its reach
	RL_HARDRUN=$HR_TMP/hardrun
	cp "$HARDRUN" "$RL_HARDRUN"
	chmod 0755 "$RL_HARDRUN"
	mkdir -p "$RL_XDG" "$RL_BUNDLE"
	make_busybox_rootfs "$RL_BUNDLE/rootfs"
	chown -R "$RL_USER:$RL_USER" "$RL_HOME"
	chmod 0700 "$RL_HOME" "$RL_XDG"
	export RL_UID RL_GID RL_HOME RL_XDG RL_BUNDLE RL_HARDRUN
}

teardown() {
	local dir
	for dir in "$RL_XDG"/hardrun/*/; do
		[ -d "$dir" ] || continue
		dir=${dir%/}
		hru delete --force "${dir##*/}" >/dev/null 2>&1 || true
	done
	hr_teardown
}

# as_user CMD...: CMD as the test user, with its XDG_RUNTIME_DIR.
as_user() {
	setpriv --reuid="$RL_USER" --regid="$RL_USER" --init-groups \
		env XDG_RUNTIME_DIR="$RL_XDG" "$@"
}

# hru ARG...: hardrun as the test user, with a non-root caller's defaults (no --root, no
# --cgroup-manager).
hru() {
	as_user "$RL_HARDRUN" "$@"
}

# rootless_bundle PROFILE CMD: the user's bundle from `spec --rootless`, running sh -c CMD.
rootless_bundle() {
	rm -f "$RL_BUNDLE/config.json"
	hru spec --rootless --bundle "$RL_BUNDLE" --profile "$1" --args sh -c "$2" ||
		fail "spec --rootless failed"
	update_config "c['process']['terminal'] = False" "$RL_BUNDLE"
}

# wait_status ID STATUS: polls the user's state of ID until it says STATUS (10 s).
wait_status() {
	local deadline=$((SECONDS + 10)) out
	while [ "$SECONDS" -lt "$deadline" ]; do
		out=$(hru state "$1" 2>/dev/null | json_eval 'd["status"]') || true
		[ "$out" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container $1 is not $2 after 10 s (last: $out)"
}

@test "spec --rootless as the user: its own ids mapped, no resources, /sys bound, devpts without gid" {
	rootless_bundle production true
	local c=$RL_BUNDLE/config.json
	[ "$(json_get "$c" 'd["linux"]["uidMappings"]')" = "[{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1}]" ] ||
		fail "uidMappings: $(json_get "$c" 'd["linux"]["uidMappings"]')"
	[ "$(json_get "$c" 'd["linux"]["gidMappings"]')" = "[{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1}]" ] ||
		fail "gidMappings: $(json_get "$c" 'd["linux"]["gidMappings"]')"
	[ "$(json_get "$c" '[n["type"] for n in d["linux"]["namespaces"]]')" = '["pid", "mount", "ipc", "uts", "network", "cgroup", "user"]' ] ||
		fail "namespaces: $(json_get "$c" 'd["linux"]["namespaces"]')"
	[ "$(json_get "$c" '"resources" in d["linux"]')" = false ] || fail "linux.resources written"
	[ "$(json_get "$c" '[m for m in d["mounts"] if m["destination"] == "/sys"][0]["options"]')" = '["rbind", "nosuid", "noexec", "nodev", "ro"]' ] ||
		fail "/sys: $(json_get "$c" '[m for m in d["mounts"] if m["destination"] == "/sys"]')"
	[ "$(json_get "$c" '[o for m in d["mounts"] for o in m.get("options", []) if o.startswith("gid=")]')" = "[]" ] ||
		fail "a gid= option is left"
	# the private writable directory belongs to the user, who is the container's root
	[ "$(stat -c %u:%g "$RL_BUNDLE/volumes/app-temp")" = "$RL_UID:$RL_GID" ] ||
		fail "app-temp: $(stat -c %u:%g "$RL_BUNDLE/volumes/app-temp")"
	validate_schema config-schema.json "$c"
	run -1 hru spec --rootless --memory 1G -o -
	assert_output_contains "hardrun: --memory: a rootless container has no cgroup to apply it in (--rootless writes no linux.resources)"
}

@test "run as the user: root inside is the user outside, hardened, on its own read-only rootfs" {
	rootless_bundle production 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
grep -E "^(NoNewPrivs|Seccomp|CapEff):" /proc/self/status
awk "\$5 == \"/\" { print \"root:\", \$4 }" /proc/self/mountinfo
touch /hr-x 2>&1; touch /sys/hr-x 2>&1; ls /sys/class >/dev/null && echo sys-listed
touch /app/temp/written && stat -c "app-temp %u:%g" /app/temp/written'
	run -0 hru run --bundle "$RL_BUNDLE" rl-run
	assert_line_matches '^0$'
	[ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ] || fail "id -u / id -g: ${lines[*]:0:2}"
	assert_line_matches "^ +0 +$RL_UID +1\$"
	assert_line_matches "^ +0 +$RL_GID +1\$"
	assert_line_matches '^deny$'
	assert_line_matches '^NoNewPrivs:	1$'
	assert_line_matches '^Seccomp:	2$'
	assert_line_matches '^CapEff:	0000000000000000$'
	assert_line_matches "^root: .*/user/bundle/rootfs\$"
	assert_line_matches '^touch: /hr-x: Read-only file system$'
	assert_line_matches '^touch: /sys/hr-x: Read-only file system$'
	assert_line_matches '^sys-listed$'
	assert_line_matches '^app-temp 0:0$'
	# on the host the file is the user's, and the run deleted its state
	[ "$(stat -c %u:%g "$RL_BUNDLE/volumes/app-temp/written")" = "$RL_UID:$RL_GID" ] ||
		fail "written as $(stat -c %u:%g "$RL_BUNDLE/volumes/app-temp/written")"
	[ -d "$RL_XDG/hardrun" ] || fail "no state directory under XDG_RUNTIME_DIR"
	[ ! -e "$RL_XDG/hardrun/rl-run" ] || fail "run left its state behind"
}

@test "as the user: a time namespace with its offsets, and a terminal" {
	local host_up
	rootless_bundle development 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	update_config '
c["linux"]["namespaces"].append({"type": "time"})
c["linux"]["timeOffsets"] = {"boottime": {"secs": 86400, "nanosecs": 0},
                             "monotonic": {"secs": 3600, "nanosecs": 0}}' "$RL_BUNDLE"
	host_up=$(cut -d. -f1 /proc/uptime)
	# an unprivileged caller cannot make a time namespace: the init makes it in its own user
	# namespace
	run -0 hru run --bundle "$RL_BUNDLE" rl-time
	assert_line_matches '^monotonic +3600 +0$'
	assert_line_matches '^boottime +86400 +0$'
	[ "${lines[-1]}" -ge $((host_up + 86400)) ] || fail "uptime ${lines[-1]}, the host's $host_up"
	update_config '
c["process"]["terminal"] = True
c["process"]["args"] = ["sh", "-c", "tty; stat -c \"console-owner %u\" /dev/console"]' "$RL_BUNDLE"
	run -0 script -qefc "setpriv --reuid=$RL_USER --regid=$RL_USER --init-groups env XDG_RUNTIME_DIR=$RL_XDG $RL_HARDRUN run --bundle $RL_BUNDLE rl-tty" /dev/null </dev/null
	assert_line_matches '/dev/pts/[0-9]+'
	# the pty is the container's root's: the user's on the host
	# script(1) may echo its end of input (^@) before it, and ends lines with CR
	assert_line_matches 'console-owner 0[[:space:]]*$'
	[ ! -e "$RL_XDG/hardrun/rl-tty" ] || fail "run left its state behind"
}

@test "the lifecycle as the user: state under XDG_RUNTIME_DIR, the process the user's on the host, exec, kill, delete" {
	local pid uid_line
	rootless_bundle minimal 'exec sleep 1000'
	hru run --detach --bundle "$RL_BUNDLE" rl-life >"$HR_TMP/run.out" 2>&1 </dev/null ||
		fail "run -d: $(cat "$HR_TMP/run.out")"
	[ -d "$RL_XDG/hardrun/rl-life" ] || fail "no state in $RL_XDG/hardrun: $(ls -la "$RL_XDG")"
	[ "$(stat -c %u "$RL_XDG/hardrun/rl-life")" = "$RL_UID" ] || fail "state not the user's"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "state written under root's directory"
	wait_status rl-life running
	pid=$(hru state rl-life | json_eval 'd["pid"]')
	# root's view: the container's init runs as the user, not as root
	uid_line=$(grep '^Uid:' "/proc/$pid/status")
	[[ $uid_line =~ ^Uid:[[:space:]]+$RL_UID[[:space:]]+$RL_UID[[:space:]]+$RL_UID[[:space:]]+$RL_UID$ ]] ||
		fail "init's $uid_line, expected $RL_UID"
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] ||
		fail "the container shares the host's user namespace"
	# nothing of the container in a cgroup of its own: rootless runs without a manager
	[ "$(cat "/proc/$pid/cgroup")" = "$(cat /proc/self/cgroup)" ] ||
		fail "init's cgroup $(cat "/proc/$pid/cgroup"), expected the caller's"
	run -0 hru list
	assert_line_matches "^rl-life +$pid +running +$RL_BUNDLE "
	run -0 hru ps rl-life
	assert_line_matches "^$pid +sleep 1000\$"
	run -0 hru exec rl-life sh -c 'id -u; cat /proc/self/uid_map; grep ^NoNewPrivs: /proc/self/status'
	[ "${lines[0]}" = 0 ] || fail "exec's id -u: ${lines[0]}"
	assert_line_matches "^ +0 +$RL_UID +1\$"
	assert_line_matches '^NoNewPrivs:	1$'
	run -0 hru kill rl-life KILL
	wait_status rl-life stopped
	run -0 hru delete rl-life
	[ ! -e "$RL_XDG/hardrun/rl-life" ] || fail "delete left $RL_XDG/hardrun/rl-life"
	run -1 hru state rl-life
	assert_output_contains "container rl-life does not exist"
}

@test "maps beyond the user's own id go through newuidmap and newgidmap, within /etc/subuid" {
	command -v newuidmap >/dev/null || fail "newuidmap is not installed (apt-get install uidmap)"
	local sub
	sub=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	rootless_bundle minimal 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	update_config "
c['process']['user'] = {'uid': 1000, 'gid': 1000}
m = [{'containerID': 0, 'hostID': $RL_UID, 'size': 1}, {'containerID': 1, 'hostID': $sub, 'size': 65535}]
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = [dict(x, hostID=$RL_GID if x['containerID'] == 0 else x['hostID']) for x in m]" "$RL_BUNDLE"
	sub_gid=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
	update_config "c['linux']['gidMappings'][1]['hostID'] = $sub_gid" "$RL_BUNDLE"
	run -0 hru run --bundle "$RL_BUNDLE" rl-sub
	[ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 1000 ] || fail "id -u / id -g: ${lines[*]:0:2}"
	assert_line_matches "^ +1 +$sub +65535\$"
	assert_line_matches "^ +1 +$sub_gid +65535\$"
	# a range /etc/subuid does not give the user: newuidmap's refusal, then hardrun's, and no state
	update_config "c['linux']['uidMappings'][1]['hostID'] = 7" "$RL_BUNDLE"
	run -1 hru run --bundle "$RL_BUNDLE" rl-sub2
	assert_output_contains "newuidmap: uid range [1-65536) -> [7-65542) not allowed"
	assert_output_contains "rootless: newuidmap "
	assert_output_contains " failed (its message is above): /etc/subuid must give uid $RL_UID the ranges the config maps"
	[ ! -e "$RL_XDG/hardrun/rl-sub2" ] || fail "a refused container left its state behind"
}

@test "the defaults a non-root caller gets: no state directory without XDG_RUNTIME_DIR, options given win" {
	rootless_bundle minimal true
	run -1 setpriv --reuid="$RL_USER" --regid="$RL_USER" --init-groups \
		env -u XDG_RUNTIME_DIR "$RL_HARDRUN" run --bundle "$RL_BUNDLE" rl-noxdg
	assert_output_contains "hardrun: no state directory: hardrun runs rootless (uid $RL_UID) and XDG_RUNTIME_DIR is not set: set it, or give --root DIR"
	# --root given: used as is
	run -0 setpriv --reuid="$RL_USER" --regid="$RL_USER" --init-groups \
		env -u XDG_RUNTIME_DIR "$RL_HARDRUN" --root "$RL_HOME/state" run --bundle "$RL_BUNDLE" rl-root
	[ -d "$RL_HOME/state" ] || fail "--root not used"
	# a config with limits: the warning says why they are not applied
	update_config "c['linux']['resources'] = {'pids': {'limit': 100}}" "$RL_BUNDLE"
	run -0 --separate-stderr hru run --bundle "$RL_BUNDLE" rl-limits
	assert_stderr_contains "rootless (uid $RL_UID): no cgroup manager unless --cgroup-manager names one for a delegated cgroup: the resource limits in linux.resources are NOT applied"
	# setgroups is denied with the user's own gid mapped: additionalGids cannot be applied
	update_config "c['linux'].pop('resources'); c['process']['user']['additionalGids'] = [0]" "$RL_BUNDLE"
	run -1 hru run --bundle "$RL_BUNDLE" rl-groups
	assert_output_contains 'setgroups(1 groups): /proc/self/setgroups is "deny"'
	# --rootless false: root's defaults, which an unprivileged user cannot use
	run -1 hru --rootless false --cgroup-manager disabled run --bundle "$RL_BUNDLE" rl-false
	# the state directory, /run/hardrun or the container's in it, is root's to make
	assert_line_matches '^hardrun: create (state directory )?/run/hardrun(/rl-false)?: Permission denied$'
}

# --cgroup-manager=systemd rootless means the user's own systemd manager (tests/vm/systemd/
# rootless.bats runs it in a systemd guest); here, where it cannot be reached, it fails
# before anything is made and says why: no systemd as PID 1, no pure cgroup v2 mount, or no
# user bus in XDG_RUNTIME_DIR (whichever this host lacks first).
@test "rootless --cgroup-manager=systemd without the user's systemd manager: the error says what is missing" {
	rootless_bundle minimal true
	run -1 hru --cgroup-manager=systemd run --bundle "$RL_BUNDLE" rl-sd
	if [ ! -d /run/systemd/system ]; then
		assert_output_contains "hardrun: rootless, the systemd cgroup manager needs systemd as PID 1 (/run/systemd/system does not exist) and the user's systemd manager: use --cgroup-manager=disabled (no resource limits)"
	elif [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
		assert_output_contains "hardrun: /sys/fs/cgroup is not a pure cgroup v2 mount"
	else
		assert_output_contains "connect to the systemd user manager of uid $RL_UID (\$XDG_RUNTIME_DIR/bus $RL_XDG/bus, nor $RL_XDG/systemd/private)"
		assert_output_contains "is \`loginctl enable-linger $RL_UID\` set?"
	fi
	[ ! -e "$RL_XDG/hardrun/rl-sd" ] || fail "state left for rl-sd"
}
