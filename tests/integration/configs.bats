#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Configs hardrun did not write: what other tools and engines send (a namespace left out, no
# /proc among the mounts, ...) starts, or is refused by name, and never changes the host.

load lib

# The host as the runtime's caller sees it: its mounts, its root directory, its hostname and
# network links (tests run in a private mount namespace: its mounts are the "host" here).
host_snapshot() {
	{
		cat /proc/self/mountinfo
		ls -A /
		cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname
		ls /sys/class/net
	} >"$1"
}

# A `spec` bundle without a mount namespace, and with nothing that would need one.
make_bundle_without_mount_ns() {
	make_bundle
	echo rootfs-marker >"$BUNDLE/rootfs/hr-marker"
	update_config '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]
c["mounts"] = []
c["root"]["readonly"] = False
for k in ("maskedPaths", "readonlyPaths"):
    c["linux"].pop(k, None)
c["process"]["terminal"] = False'
}

@test "no mount namespace: mounts, root.readonly and path lists are refused by name, by validate and create alike" {
	make_bundle
	update_config '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]
c["root"]["readonly"] = True
c["process"]["terminal"] = False'
	host_snapshot "$HR_TMP/before"
	# create names the first problem and counts the others; validate lists them all
	run -1 hr run --bundle "$BUNDLE" nomnt
	assert_output_contains "mounts: requires a mount namespace"
	assert_output_contains "(and 3 more problems)"
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	for path in mounts root.readonly linux.maskedPaths linux.readonlyPaths; do
		assert_output_contains "$path: requires a mount namespace"
	done
	host_snapshot "$HR_TMP/after"
	diff "$HR_TMP/before" "$HR_TMP/after" || fail "the host changed"
	[ ! -e "$HR_ROOT/nomnt" ] || fail "a refused container left its state behind"
}

@test "namespaces left out: propagation, devices, sysctls, time offsets and a domain name are refused by name, stricter than crun" {
	make_bundle
	update_config '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("mount", "uts")]
c["mounts"] = []
c["root"]["readonly"] = False
for k in ("maskedPaths", "readonlyPaths"):
    c["linux"].pop(k, None)
c.pop("hostname", None)
c["domainname"] = "example.org"
c["linux"]["rootfsPropagation"] = "private"
c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]
c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
c["linux"]["timeOffsets"] = {"monotonic": {"secs": 10, "nanosecs": 0}}
c["process"]["terminal"] = False'
	host_snapshot "$HR_TMP/before"
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	for path in linux.rootfsPropagation linux.devices linux.sysctl; do
		assert_output_contains "$path: requires a mount namespace"
	done
	assert_output_contains "(stricter than crun, on purpose)"
	assert_output_contains 'linux.timeOffsets: requires a time namespace'
	assert_output_contains 'domainname: requires a UTS namespace'
	run -1 hr run --bundle "$BUNDLE" nons
	assert_output_contains "linux.timeOffsets: requires a time namespace"
	assert_output_contains "(and 4 more problems)"
	host_snapshot "$HR_TMP/after"
	diff "$HR_TMP/before" "$HR_TMP/after" || fail "the host changed"
	[ ! -e "$HR_ROOT/nons" ] || fail "a refused container left its state behind"
}

@test "no mount namespace: the container is chrooted in the rootfs and the host's mounts, root, hostname and links stay as they were" {
	make_bundle_without_mount_ns
	update_config 'c["process"]["args"] = ["sh", "-c", "cat /hr-marker; ls /proc | wc -l; hostname"]'
	host_snapshot "$HR_TMP/before"
	run -0 hr run --bundle "$BUNDLE" nomnt
	assert_line_matches '^rootfs-marker$'
	# the rootfs's empty /proc: nothing was mounted on it
	assert_line_matches '^0$'
	assert_line_matches "^$(json_get "$BUNDLE/config.json" 'd["hostname"]')\$"
	host_snapshot "$HR_TMP/after"
	diff "$HR_TMP/before" "$HR_TMP/after" || fail "the host changed"
	# it runs, and fails the hardening checklist
	run -1 "$HARDRUN" audit --bundle "$BUNDLE"
	assert_line_matches '^HR-NS-01 +FAIL'
	# and a policy that enforces that rule refuses it, before anything is made
	printf '{"mode": "enforce", "rules": {"HR-NS-01": {"required": true}}}\n' >"$HR_TMP/ns.json"
	HARDRUN_POLICY=$HR_TMP/ns.json run -1 hr run --bundle "$BUNDLE" nomnt2
	assert_output_contains "(enforce) refuses the container: 1 required rule failed: HR-NS-01"
	[ ! -e "$HR_ROOT/nomnt2" ] || fail "a refused container left its state behind"
	host_snapshot "$HR_TMP/after2"
	diff "$HR_TMP/before" "$HR_TMP/after2" || fail "the host changed"
}

@test "no mount namespace: the init shares the caller's mount namespace, and exec enters its root" {
	make_bundle_without_mount_ns
	update_config 'c["process"]["args"] = ["sleep", "1000"]'
	host_snapshot "$HR_TMP/before"
	hr run -d --bundle "$BUNDLE" nomnt </dev/null >"$HR_TMP/out" 2>&1 ||
		fail "run -d: $(cat "$HR_TMP/out")"
	local pid
	pid=$(hr state nomnt | json_eval 'd["pid"]')
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ] ||
		fail "the init is in another mount namespace"
	[ "$(readlink "/proc/$pid/root")" = "$(readlink -f "$BUNDLE/rootfs")" ] ||
		fail "the init's root is $(readlink "/proc/$pid/root")"
	run -0 hr exec nomnt cat /hr-marker
	[ "$output" = rootfs-marker ] || fail "exec did not enter the root: $output"
	run -0 hr delete --force nomnt
	host_snapshot "$HR_TMP/after"
	diff "$HR_TMP/before" "$HR_TMP/after" || fail "the host changed"
}

@test "no linux section at all: a hostname is refused (it would be the host's)" {
	make_bundle
	update_config '
del c["linux"]
c["mounts"] = []
c["root"]["readonly"] = False
c["process"]["terminal"] = False'
	run -1 hr run --bundle "$BUNDLE" nolinux
	assert_output_contains "hostname: requires a UTS namespace"
	[ ! -e "$HR_ROOT/nolinux" ] || fail "a refused container left its state behind"
}

@test "sysctls go through hardrun's own procfs: set without a /proc in the config, seen from the host" {
	make_bundle
	update_config '
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/proc", "/sys", "/sys/fs/cgroup")]
c["linux"]["sysctl"] = {"kernel.domainname": "own.example", "net.ipv4.ip_unprivileged_port_start": "80"}
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]'
	hr create --bundle "$BUNDLE" ownproc </dev/null >"$HR_TMP/out" 2>&1 ||
		fail "create: $(cat "$HR_TMP/out")"
	local pid fd target
	pid=$(hr state ownproc | json_eval 'd["pid"]')
	# the values are the container's namespaces' own
	[ "$(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname)" = own.example ] ||
		fail "domainname: $(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname)"
	[ "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = 80 ] ||
		fail "ip_unprivileged_port_start in the container's network namespace"
	[ "$(cat /proc/sys/kernel/domainname)" != own.example ] || fail "the caller's domainname changed"
	# the procfs handle is gone before anything of the container runs: no fd of the waiting
	# init is the root of a procfs
	for fd in /proc/"$pid"/fd/*; do
		target=$(readlink "$fd")
		[ "$target" != / ] || [ "$(stat -f -c %T "$fd")" != proc ] ||
			fail "init fd ${fd##*/} is a procfs root"
	done
	hr delete --force ownproc
}

@test "no /proc, /sys or cgroup among the mounts: the container starts" {
	make_bundle
	update_config '
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/proc", "/sys", "/sys/fs/cgroup")]
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "echo started; ls /proc | wc -l"]'
	run -0 hr run --bundle "$BUNDLE" noproc
	assert_line_matches '^started$'
	assert_line_matches '^0$'
	# create + start takes the other path to the exec fifo
	update_config 'c["process"]["args"] = ["sh", "-c", "echo started-again"]'
	hr create --bundle "$BUNDLE" noproc2 </dev/null >"$HR_TMP/out" 2>&1 ||
		fail "create: $(cat "$HR_TMP/out")"
	# the waiting init holds nothing of the caller's /proc: a /proc/PID/fd it holds is its own,
	# pid 1 of a procfs of the container's pid namespace
	local pid fd target
	pid=$(hr state noproc2 | json_eval 'd["pid"]')
	for fd in /proc/"$pid"/fd/*; do
		target=$(readlink "$fd")
		[[ ! $target =~ ^/[0-9]+/fd$ ]] || [ "$target" = /1/fd ] ||
			fail "init fd ${fd##*/} -> $target: a directory of the caller's /proc"
	done
	run -0 hr start noproc2
	for _ in $(seq 50); do
		grep -q started-again "$HR_TMP/out" && break
		sleep 0.1
	done
	grep -q started-again "$HR_TMP/out" || fail "the process did not run: $(cat "$HR_TMP/out")"
}

@test "noNewPrivileges false, a profile without faccessat2: hardrun's own lookup runs before the filter, and execve drops what it held" {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production >/dev/null
	# an older generated profile: errno for everything it does not list, faccessat2 unlisted
	update_config '
c["process"]["noNewPrivileges"] = False
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "grep -E \"^(Cap(Prm|Eff)|NoNewPrivs|Seccomp):\" /proc/self/status; exec sleep 1000"]
for r in c["linux"]["seccomp"]["syscalls"]:
    r["names"] = [n for n in r["names"] if n != "faccessat2"]'
	hr run -d --bundle "$BUNDLE" oldprofile </dev/null >"$HR_TMP/out" 2>&1 ||
		fail "run -d: $(cat "$HR_TMP/out")"
	for _ in $(seq 50); do
		grep -q '^Seccomp:' "$HR_TMP/out" && break
		sleep 0.1
	done
	run cat "$HR_TMP/out"
	# the CAP_SYS_ADMIN the filter needed without NNP is gone once the process runs
	assert_line_matches '^CapPrm:[[:space:]]+0000000000000000$'
	assert_line_matches '^CapEff:[[:space:]]+0000000000000000$'
	assert_line_matches '^NoNewPrivs:[[:space:]]+0$'
	assert_line_matches '^Seccomp:[[:space:]]+2$'
	# exec takes the same path
	run -0 hr exec oldprofile sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status'
	assert_line_matches '^CapEff:[[:space:]]+0000000000000000$'
	assert_line_matches '^Seccomp:[[:space:]]+2$'
}

# A `spec` bundle with a new user namespace mapping the container's ids MAP (uid and gid alike:
# "container host size").
make_userns_bundle() {
	local container=$1 host=$2 size=$3
	make_bundle
	# as with runc, the mapped id sets the rootfs up: the bundle's path must be searchable by it
	chmod o+x "$BATS_RUN_TMPDIR" "$HR_TMP"
	update_config "
m = [{'containerID': $container, 'hostID': $host, 'size': $size}]
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = m
c['process']['terminal'] = False
for mnt in c['mounts']:
    mnt['options'] = [o for o in mnt.get('options', []) if not o.startswith('gid=')]"
}

@test "user namespace: the mount points hardrun creates belong to a mapped id (container root)" {
	make_userns_bundle 0 100000 65536
	update_config 'c["process"]["args"] = ["sh", "-c",
    "id -u; cat /proc/self/uid_map; stat -c %u:%g /dev/shm; sleep 1000"]'
	hr run -d --bundle "$BUNDLE" usr0 </dev/null >"$HR_TMP/out" 2>&1 ||
		fail "run -d: $(cat "$HR_TMP/out")"
	run -0 hr exec usr0 sh -c 'id -u; stat -c %u /dev/pts/ptmx >/dev/null && echo exec-ok'
	assert_line_matches '^exec-ok$'
	# the exec can finish before the init's shell has written: wait for its last line
	wait_for_line "$HR_TMP/out" '^[0-9]+:[0-9]+$'
	hr delete --force usr0
	run cat "$HR_TMP/out"
	assert_line_matches '^ +0 +100000 +65536$'
	# made in the container's own /dev tmpfs by container root, not by an unmapped host root
	assert_line_matches '^0:0$'
}

@test "user namespace without container root mapped: the first mapped id creates the mount points" {
	make_userns_bundle 1000 101000 1000
	update_config '
c["process"]["user"] = {"uid": 1001, "gid": 1001}
c["process"]["args"] = ["sh", "-c", "id -u; stat -c %u:%g /dev/shm; grep CapEff /proc/self/status"]'
	run -0 hr run --bundle "$BUNDLE" usr1000
	assert_line_matches '^1001$'
	assert_line_matches '^1000:1000$'
	assert_line_matches '^CapEff:	0000000000000000$'
}

@test "user namespace: a bundle the mapped id cannot reach is refused with the id named" {
	make_userns_bundle 0 100000 65536
	chmod o-x "$HR_TMP"
	run -1 hr run --bundle "$BUNDLE" usrdenied
	assert_output_contains "as uid 0 of the new user namespace: "
	assert_output_contains "Permission denied"
	[ ! -e "$HR_ROOT/usrdenied" ] || fail "a refused container left its state behind"
}

@test "the config runc spec writes runs: ambient capabilities the kernel cannot raise are named in a warning" {
	command -v runc >/dev/null || fail "runc is not installed (contrib/dev deps installs it)"
	make_busybox_rootfs "$BUNDLE/rootfs"
	(cd "$BUNDLE" && runc spec) || fail "runc spec"
	update_config '
c["process"]["terminal"] = False
c["process"]["args"] = ["grep", "-E", "^(Cap(Inh|Prm|Eff|Amb)|NoNewPrivs):", "/proc/self/status"]'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" runcspec
	# as crun shows for it: AUDIT_WRITE, KILL and NET_BIND_SERVICE, no ambient set
	assert_line_matches '^CapEff:	0000000020000420$'
	assert_line_matches '^CapPrm:	0000000020000420$'
	assert_line_matches '^CapAmb:	0000000000000000$'
	assert_line_matches '^NoNewPrivs:	1$'
	[[ $stderr == *"process.capabilities.ambient: CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE not raised: an ambient capability must also be permitted and inheritable"* ]] ||
		fail "no warning: $stderr"
	# listed as inheritable too, an ambient capability is raised and survives execve
	update_config 'c["process"]["capabilities"]["inheritable"] = ["CAP_KILL"]'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" runcspec2
	assert_line_matches '^CapAmb:	0000000000000020$'
	assert_line_matches '^CapInh:	0000000000000020$'
	[[ $stderr == *"CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE not raised"* ]] || fail "$stderr"
}

@test "HOME: / when the rootfs has no /etc/passwd, for create+start and exec" {
	make_bundle
	rm "$BUNDLE/rootfs/etc/passwd"
	update_config "
c['process']['terminal'] = False
c['process']['env'] = [e for e in c['process']['env'] if not e.startswith('HOME=')]
c['process']['args'] = ['sh', '-c', 'echo home=\$HOME; sleep 1000']"
	hr create --bundle "$BUNDLE" nopw </dev/null >"$HR_TMP/out" 2>&1 || fail "$(cat "$HR_TMP/out")"
	hr start nopw
	run -0 hr exec nopw sh -c 'echo exec-home=$HOME'
	[ "$output" = exec-home=/ ] || fail "exec: $output"
	wait_for_line "$HR_TMP/out" '^home='
	hr delete --force nopw
	grep -qx 'home=/' "$HR_TMP/out" || fail "create+start: $(cat "$HR_TMP/out")"
}

@test "HOME: from the container's /etc/passwd when env has none, / for an unknown uid, env wins" {
	make_bundle
	echo 'app:x:1001:1001:App:/home/app:/bin/sh' >>"$BUNDLE/rootfs/etc/passwd"
	# a passwd bound over the image's: read inside the container, after the mounts
	printf 'root:x:0:0::/root:/bin/sh\nbound:x:2002:2002::/home/bound:/bin/sh\n' >"$HR_TMP/passwd"
	update_config "
c['process']['terminal'] = False
c['process']['env'] = [e for e in c['process']['env'] if not e.startswith('HOME=')]
c['process']['user'] = {'uid': 1001, 'gid': 1001}
c['process']['args'] = ['sh', '-c', 'echo home=\$HOME; sleep 1000']"
	hr run -d --bundle "$BUNDLE" home </dev/null >"$HR_TMP/out" 2>&1 || fail "$(cat "$HR_TMP/out")"
	run -0 hr exec home sh -c 'echo exec-home=$HOME'
	[ "$output" = exec-home=/home/app ] || fail "exec as 1001: $output"
	run -0 hr exec -u 0 home sh -c 'echo exec-home=$HOME'
	[ "$output" = exec-home=/root ] || fail "exec -u 0: $output"
	run -0 hr exec -u 4242 home sh -c 'echo exec-home=$HOME'
	[ "$output" = exec-home=/ ] || fail "exec -u 4242: $output"
	run -0 hr exec --env HOME=/mine home sh -c 'echo exec-home=$HOME'
	[ "$output" = exec-home=/mine ] || fail "exec --env HOME: $output"
	wait_for_line "$HR_TMP/out" '^home='
	hr delete --force home
	grep -qx 'home=/home/app' "$HR_TMP/out" || fail "run: $(cat "$HR_TMP/out")"

	update_config "
c['mounts'].append({'destination': '/etc/passwd', 'type': 'bind', 'source': '$HR_TMP/passwd', 'options': ['bind', 'ro']})
c['process']['user'] = {'uid': 2002, 'gid': 2002}
c['process']['args'] = ['sh', '-c', 'echo home=\$HOME']"
	run -0 hr run --bundle "$BUNDLE" home2
	assert_line_matches '^home=/home/bound$'
	update_config "c['process']['env'].append('HOME=/from-config')"
	run -0 hr run --bundle "$BUNDLE" home3
	assert_line_matches '^home=/from-config$'
}

@test "a missing process.cwd is created in the rootfs, even under a read-only root, never outside it" {
	make_bundle
	mkdir "$HR_TMP/outside"
	ln -s "$HR_TMP/outside" "$BUNDLE/rootfs/escape"
	update_config '
c["root"]["readonly"] = True
c["process"]["terminal"] = False
c["process"]["user"] = {"uid": 1001, "gid": 1001}
c["process"]["cwd"] = "/does/not/exist"
c["process"]["args"] = ["sh", "-c", "pwd; stat -c %u:%a .; touch /does/x 2>&1 || echo read-only"]'
	run -0 hr run --bundle "$BUNDLE" cwd
	assert_line_matches '^/does/not/exist$'
	assert_line_matches '^0:755$'
	assert_line_matches '^read-only$'
	# a symlink on the way is resolved inside the rootfs: the host's directory stays empty
	update_config 'c["process"]["cwd"] = "/escape/sub"; c["process"]["args"] = ["pwd"]'
	run -0 hr run --bundle "$BUNDLE" cwd2
	[ -z "$(ls -A "$HR_TMP/outside")" ] || fail "created outside the rootfs: $(ls -A "$HR_TMP/outside")"
	[ -d "$BUNDLE/rootfs/$HR_TMP/outside/sub" ] || fail "not created in the rootfs"
	# a file on the way is an error naming the field
	touch "$BUNDLE/rootfs/afile"
	update_config 'c["process"]["cwd"] = "/afile/sub"'
	run -1 hr run --bundle "$BUNDLE" cwd3
	assert_output_contains "process.cwd /afile/sub in rootfs: "
	assert_output_contains "Not a directory"
}

@test "a non-root process.user can reopen its stdio: pipes and files of the caller are given to it" {
	make_bundle
	update_config '
c["process"]["terminal"] = False
c["process"]["user"] = {"uid": 1001, "gid": 1002}
c["process"]["args"] = ["sh", "-c", "echo via-dev-stdout >>/dev/stdout && echo via-dev-stderr >>/dev/stderr && stat -L -c %u:%g /proc/self/fd/1"]'
	# a file created by root, mode 0600: only its owner may open it again
	(umask 077 && : >"$HR_TMP/out.log")
	hr run --bundle "$BUNDLE" stdio </dev/null >>"$HR_TMP/out.log" 2>&1 || fail "$(cat "$HR_TMP/out.log")"
	grep -qx via-dev-stdout "$HR_TMP/out.log" || fail "$(cat "$HR_TMP/out.log")"
	grep -qx via-dev-stderr "$HR_TMP/out.log" || fail "$(cat "$HR_TMP/out.log")"
	grep -qx 1001:1002 "$HR_TMP/out.log" || fail "$(cat "$HR_TMP/out.log")"
	[ "$(stat -c %u:%g "$HR_TMP/out.log")" = 1001:1002 ] || fail "owner $(stat -c %u:%g "$HR_TMP/out.log")"
	# a pipe (bats captures through one); /dev/null stays root's
	run -0 hr run --bundle "$BUNDLE" stdio2 </dev/null
	assert_line_matches '^via-dev-stdout$'
	[ "$(stat -c %u /dev/null)" = 0 ] || fail "/dev/null was given away"
}

@test "a failing execve is reported with the errno that happened, not one hardrun guessed" {
	make_bundle
	# the filter denies execve with errno ERRNO (no NNP: the spec default most engines send)
	deny_execve() {
		update_config "
c['process']['noNewPrivileges'] = False
c['process']['terminal'] = False
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
    {'names': ['execve', 'execveat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': $1}]}"
	}
	deny_execve 1
	run -1 hr run --bundle "$BUNDLE" errno1
	assert_output_contains "exec /bin/sh: operation not permitted"
	assert_output_not_contains "permission denied"
	deny_execve 38
	run -1 hr run --bundle "$BUNDLE" errno38
	assert_output_contains "exec /bin/sh: function not implemented"
	deny_execve 13
	run -1 hr run --bundle "$BUNDLE" errno13
	assert_output_contains "exec /bin/sh: permission denied"
	[ -z "$(ls "$HR_ROOT")" ] || fail "state left behind: $(ls "$HR_ROOT")"
}

# time_offsets_config: a new time namespace, its boottime 1 day and monotonic 1 hour ahead; the
# process prints its offsets and uptime, then waits.
time_offsets_config() {
	update_config '
c["linux"]["namespaces"].append({"type": "time"})
c["linux"]["timeOffsets"] = {"boottime": {"secs": 86400, "nanosecs": 0},
                             "monotonic": {"secs": 3600, "nanosecs": 0}}
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; sleep 1000"]'
}

# assert_time_offsets FILE HOST_UPTIME: FILE shows both offsets and an uptime a day ahead.
assert_time_offsets() {
	wait_for_line "$1" '^[0-9]+$'
	run cat "$1"
	assert_line_matches '^monotonic +3600 +0$'
	assert_line_matches '^boottime +86400 +0$'
	local up
	up=$(grep -E '^[0-9]+$' "$1") || fail "no uptime: $output"
	[ "$up" -ge $(($2 + 86400)) ] || fail "uptime $up is not a day past the host's $2"
}

@test "time namespace: the offsets are in force for the process and for exec, with and without a user namespace" {
	local host_up
	make_bundle
	time_offsets_config
	host_up=$(cut -d. -f1 /proc/uptime)
	hr run -d --bundle "$BUNDLE" time0 </dev/null >"$HR_TMP/out0" 2>&1 || fail "$(cat "$HR_TMP/out0")"
	assert_time_offsets "$HR_TMP/out0" "$host_up"
	run -0 hr exec time0 cat /proc/self/timens_offsets
	assert_line_matches '^boottime +86400 +0$'
	run -0 hr exec time0 readlink /proc/self/ns/time
	[[ "$output" == time:* ]] || fail "exec: $output"
	[ "$(readlink /proc/self/ns/time)" != "$output" ] ||
		fail "the container shares the host's time namespace"
	hr delete --force time0
	# with a user namespace the child creates the time namespace there, which owns it
	rm "$BUNDLE/config.json"
	make_userns_bundle 0 100000 65536
	time_offsets_config
	hr run -d --bundle "$BUNDLE" time1 </dev/null >"$HR_TMP/out1" 2>&1 || fail "$(cat "$HR_TMP/out1")"
	assert_time_offsets "$HR_TMP/out1" "$host_up"
	run -0 hr exec time1 sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	assert_line_matches '^monotonic +3600 +0$'
	hr delete --force time1
}
