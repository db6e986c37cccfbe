#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The OCI lifecycle through the real binary, on the host (cgroups disabled): transitions and
# their wrong-state errors, exit statuses, the production profile seen from inside, terminals,
# exec, hooks, and that nothing is left behind.

load lib

# A bundle with the production profile running ARGS (a busybox rootfs).
make_production_bundle() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production >/dev/null
	local args_json
	args_json=$(json_array "$@")
	update_config "c['process']['args'] = $args_json"
}

state_field() {
	hr state "$1" | json_eval "d['$2']"
}

wait_status() {
	local id=$1 want=$2 i
	for i in $(seq 50); do
		[ "$(state_field "$id" status)" = "$want" ] && return 0
		sleep 0.1
	done
	fail "container $id did not reach status $want (now: $(state_field "$id" status))"
}

@test "create, start, kill, delete: every transition and the state at each (valid against state-schema.json)" {
	make_production_bundle sleep 1000
	hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" c1
	pid=$(cat "$HR_TMP/pid")
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file must hold bare digits, got '$pid'"
	[ "$(wc -c <"$HR_TMP/pid")" -eq "${#pid}" ] || fail "pid file must have no newline"
	run -0 hr state c1
	[ "$(json_get <(echo "$output") 'd["status"]')" = created ] || fail "expected created"
	[ "$(json_get <(echo "$output") 'd["pid"]')" = "$pid" ] || fail "state pid != pid file"
	[ "$(json_get <(echo "$output") 'd["bundle"]')" = "$BUNDLE" ] || fail "bundle"
	[ "$(json_get <(echo "$output") 'd["rootfs"]')" = "$BUNDLE/rootfs" ] || fail "rootfs"
	[[ "$(json_get <(echo "$output") 'd["created"]')" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] || fail "created"
	printf '%s\n' "$output" >"$HR_TMP/state-created.json"
	run validate_schema state-schema.json "$HR_TMP/state-created.json"
	assert_status 0
	# the init waits: it has not executed sleep yet
	[ ! /proc/$pid/exe -ef "$BUNDLE/rootfs/bin/busybox" ] || fail "exec before start"
	run -0 hr start c1
	[ "$(state_field c1 status)" = running ] || fail "expected running"
	for i in $(seq 50); do
		[ /proc/$pid/exe -ef "$BUNDLE/rootfs/bin/busybox" ] && break
		sleep 0.1
	done
	[ /proc/$pid/exe -ef "$BUNDLE/rootfs/bin/busybox" ] || fail "not exec'd after start"
	run -0 hr kill c1 KILL
	wait_status c1 stopped
	[ "$(state_field c1 pid)" = 0 ] || fail "a stopped container's pid is 0"
	hr state c1 >"$HR_TMP/state-stopped.json"
	run validate_schema state-schema.json "$HR_TMP/state-stopped.json"
	assert_status 0
	run -0 hr delete c1
	run -1 --separate-stderr hr state c1
	assert_stderr_contains "container c1 does not exist"
}

@test "operations in the wrong state fail with no effect and the words callers match" {
	make_production_bundle sleep 1000
	run -1 --separate-stderr hr state nosuch
	assert_stderr_contains "does not exist"
	run -1 --separate-stderr hr start nosuch
	assert_stderr_contains "does not exist"
	hr_bg create --bundle "$BUNDLE" c2
	run -1 --separate-stderr hr create --bundle "$BUNDLE" c2
	assert_stderr_contains "container c2 already exists"
	[ "$(state_field c2 status)" = created ] || fail "the failed create changed c2"
	run -0 hr start c2
	run -1 --separate-stderr hr start c2
	assert_stderr_contains "not created"
	run -1 --separate-stderr hr delete c2
	assert_stderr_contains "it is running"
	[ "$(state_field c2 status)" = running ] || fail "the failed delete changed c2"
	run -0 hr kill c2 SIGKILL
	wait_status c2 stopped
	run -1 --separate-stderr hr kill c2
	assert_stderr_contains "not running"
	run -1 --separate-stderr hr exec c2 true
	assert_stderr_contains "not running"
	run -0 hr delete c2
	run -1 --separate-stderr hr create --bundle "$BUNDLE" ../evil
	assert_stderr_contains "invalid container ID"
	[ ! -e "$HR_TMP/evil" ] || fail "an invalid ID created something"
}

@test "a created container can be deleted: its waiting init is killed" {
	make_production_bundle sleep 1000
	hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" c3
	pid=$(cat "$HR_TMP/pid")
	run -0 hr delete c3
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ] || fail "init $pid still alive"
	[ ! -e "$HR_ROOT/c3" ] || fail "state directory left"
}

@test "run relays the exit status: 0, 3 and 128+9" {
	make_production_bundle true
	run -0 hr run --bundle "$BUNDLE" r0
	update_config 'c["process"]["args"] = ["sh", "-c", "exit 3"]'
	run -3 hr run --bundle "$BUNDLE" r3
	# SIGKILL from inside the pid namespace cannot kill its init: kill it from outside
	update_config 'c["process"]["args"] = ["sleep", "1000"]'
	(set +e; "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" r9 \
		>/dev/null 2>&1; echo $? >"$HR_TMP/r9.status") &
	runner=$!
	wait_status r9 running
	hr kill r9 KILL
	wait "$runner"
	[ "$(cat "$HR_TMP/r9.status")" = 137 ] || fail "expected 137, got $(cat "$HR_TMP/r9.status")"
	[ -z "$(ls "$HR_ROOT")" ] || fail "run must delete its containers: $(ls "$HR_ROOT")"
}

@test "run forwards signals to the container" {
	make_production_bundle sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	# exec: $! must be hardrun itself, not a subshell running the hr function
	(exec "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" sig \
		>"$HR_TMP/out" 2>&1) &
	runner=$!
	wait_ready "$HR_TMP/out"
	kill -TERM "$runner"
	wait "$runner" && rc=0 || rc=$?
	[ "$rc" -eq 7 ] || fail "expected 7, got $rc: $(cat "$HR_TMP/out")"
	grep -q got-term "$HR_TMP/out" || fail "the container did not see SIGTERM"
}

@test "the production profile seen from inside the container" {
	make_production_bundle sh -c '
		grep -E "^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
		touch /rootfile 2>&1 || true
		touch /tmp/ok && echo tmp-writable
		touch /var/tmp/ok && echo vartmp-writable
		touch /app/temp/ok && echo apptemp-writable
		grep -E " /(tmp|var/tmp) " /proc/mounts
		echo "timer_list-size=$(wc -c </proc/timer_list)"
		{ echo 1 >/proc/sys/kernel/hostname; } 2>&1 || true
		unshare -U true 2>&1 || true
		mount -t tmpfs none /mnt 2>&1 || true
		hostname'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" prod
	for f in Uid Gid; do
		assert_line_matches "^$f:[[:space:]]+1001[[:space:]]+1001[[:space:]]+1001[[:space:]]+1001$"
	done
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line_matches "^$f:[[:space:]]+0000000000000000$"
	done
	assert_line_matches '^NoNewPrivs:[[:space:]]+1$'
	assert_line_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains "Read-only file system"
	assert_output_contains tmp-writable
	assert_output_contains vartmp-writable
	assert_output_contains apptemp-writable
	assert_line_matches '^tmpfs /tmp tmpfs rw,nosuid,nodev'
	assert_line_matches '^tmpfs /var/tmp tmpfs rw,nosuid,nodev'
	assert_output_contains "timer_list-size=0"
	assert_line_matches "can't create /proc/sys/kernel/hostname: Read-only file system"
	assert_line_matches "unshare.*Operation not permitted"
	assert_line_matches "mount.*(Operation not permitted|[Pp]ermission denied)"
	[ -f "$BUNDLE/volumes/app-temp/ok" ] || fail "/app/temp is not the bundle's volume"
	# on the host (cgroups disabled) hardrun says the limits are not applied; in the guest
	# (tests/vm, cgroupfs manager) they are, and it says nothing
	if [ "${HR_CGROUP_MANAGER:-disabled}" = disabled ]; then
		assert_stderr_contains "resource limits in linux.resources are NOT applied"
	else
		[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
	fi
}

@test "state shows the space used on the writable file systems, measured from the host's side" {
	make_production_bundle sleep 1000
	hr_bg run -d --bundle "$BUNDLE" space
	run -0 hr exec space sh -c 'head -c 1048576 /dev/zero >/tmp/one-mib'
	hr state space >"$HR_TMP/state.json"
	run -0 json_eval "sorted((u['path'], u['type'] == 'tmpfs') for u in d['storage'])" <"$HR_TMP/state.json"
	# the tmpfs mounts and the writable volume (a directory of the bundle: the type of the
	# bundle's file system, tmpfs in the guest's test root); not the read-only root, /proc,
	# /sys nor /dev/pts
	local volume_on_tmpfs=false
	[ "$(stat -f -c %T "$BUNDLE")" != tmpfs ] || volume_on_tmpfs=true
	[ "$output" = "[[\"/app/temp\", $volume_on_tmpfs], [\"/dev\", true], [\"/dev/shm\", true], [\"/tmp\", true], [\"/var/tmp\", true]]" ] ||
		fail "storage entries: $output"
	run -0 json_eval "[(u['size'], u['used'], u['usedPercent']) for u in d['storage'] if u['path'] == '/tmp'][0]" <"$HR_TMP/state.json"
	# the profile's size=64m, the MiB written (and a page or so of the tmpfs's own)
	[[ "$output" =~ ^\[67108864,\ (10[4-9][0-9]{4}),\ 1\.[67]\]$ ]] || fail "/tmp: $output"
	run -0 json_eval "[u['used'] for u in d['storage'] if u['path'] == '/var/tmp'][0] < 1048576" <"$HR_TMP/state.json"
	[ "$output" = true ] || fail "/var/tmp holds what /tmp does"
	hr kill space KILL
	wait_status space stopped
	run -0 json_eval "'storage' in d" < <(hr state space)
	[ "$output" = false ] || fail "a stopped container has no storage to measure"
	run -0 hr delete space
}

@test "a created container's init holds no descriptor of hardrun's; the process only 0-2" {
	make_production_bundle sh -c 'ls /proc/self/fd; sleep 1000'
	hr_bg create --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" fds
	pid=$(cat "$HR_TMP/pid")
	for fd in /proc/$pid/fd/*; do
		n=${fd##*/}
		target=$(readlink "$fd")
		case $n in
		0 | 1 | 2) ;;
		*) [[ "$target" == */fds/exec.fifo ]] || fail "init fd $n -> $target leaks into the container" ;;
		esac
	done
	hr start fds
	for i in $(seq 50); do grep -q '^0$' "$HR_TMP/container.log" 2>/dev/null && break; sleep 0.1; done
	run grep -E '^[0-9]+$' "$HR_TMP/container.log"
	[ "$output" = "$(printf '0\n1\n2\n3')" ] || fail "the process saw fds other than 0-2 (3 is ls's own)"
	for fd in /proc/$pid/fd/*; do
		n=${fd##*/}
		[ "$n" -le 2 ] || fail "the container process has fd $n -> $(readlink "$fd")"
	done
	hr delete --force fds
}

@test "a cwd through /proc/self/fd cannot reach the host" {
	make_production_bundle pwd
	update_config 'c["process"]["cwd"] = "/proc/self/fd/3"'
	run -1 --separate-stderr hr run --bundle "$BUNDLE" cwd
	assert_stderr_contains "cwd"
	[ ! -e "$HR_ROOT/cwd" ] || fail "a failed run left its state"
}

# CVE-2021-30465: a symlink swapped into a mount destination between the check and the mount
# took the mount out of the rootfs. hardrun resolves every destination inside the root
# (openat2 RESOLVE_IN_ROOT) and mounts onto the fd it resolved, so the symlink, whenever it
# appears, points inside. (A build that mounts onto the joined path string mounts on the
# host's $HR_TMP/outside, and this test fails.)
@test "CVE-2021-30465: a mount destination that is a symlink out of the rootfs stays inside it" {
	make_production_bundle sh -c 'ls /evil/ /evil2/ 2>&1; cat /proc/mounts'
	mkdir -p "$HR_TMP/outside" "$HR_TMP/src"
	echo secret >"$HR_TMP/src/marker"
	ln -s "$HR_TMP/outside" "$BUNDLE/rootfs/evil"
	ln -s ../../../../../../../../../"$HR_TMP/outside" "$BUNDLE/rootfs/evil2"
	update_config "c['mounts'] += [
		{'destination': '/evil', 'type': 'bind', 'source': '$HR_TMP/src', 'options': ['rbind','ro']},
		{'destination': '/evil2', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['size=1m']}]"
	before=$(grep -c "$HR_TMP/outside" /proc/self/mountinfo || true)
	run hr run --bundle "$BUNDLE" sym
	[ -z "$(ls -A "$HR_TMP/outside")" ] || fail "something was mounted or created outside the rootfs"
	after=$(grep -c "$HR_TMP/outside" /proc/self/mountinfo || true)
	[ "$before" = "$after" ] || fail "a mount landed on the host's $HR_TMP/outside"
}

# CVE-2019-19921, CVE-2023-27561, CVE-2023-28642: /proc in the rootfs a symlink to a directory
# of the host, so that procfs (and then the LSM's writes) went there. (A build that mounts
# proc through the symlink fills $HR_TMP/fakeproc, and this test fails.)
@test "CVE-2019-19921, CVE-2023-27561, CVE-2023-28642: a rootfs whose /proc is a symlink is refused" {
	make_production_bundle true
	rmdir "$BUNDLE/rootfs/proc"
	mkdir -p "$HR_TMP/fakeproc"
	ln -s "$HR_TMP/fakeproc" "$BUNDLE/rootfs/proc"
	run -1 --separate-stderr hr run --bundle "$BUNDLE" badproc
	assert_stderr_contains "proc"
	[ -z "$(ls -A "$HR_TMP/fakeproc")" ] || fail "proc was mounted through the symlink"
	[ ! -e "$HR_ROOT/badproc" ] || fail "state left behind"
}

# CVE-2019-5736: a container process opened the runtime's /proc/PID/exe and overwrote the
# host's binary. hardrun re-executes itself from a sealed memfd before its code enters a
# container. (A build whose hr_reexec_from_sealed_copy returns at once shows the binary's path,
# not memfd:hardrun, and this test fails.)
@test "CVE-2019-5736: the hardrun binary cannot be written through /proc/<pid>/exe from inside" {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile minimal >/dev/null
	# root with every capability: only the sealed copy stands in the way
	update_config '
c["process"]["terminal"] = False
c["process"]["args"] = ["true"]
caps = ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_SYS_PTRACE","CAP_SYS_ADMIN","CAP_KILL"]
for k in ("bounding","effective","permitted"): c["process"]["capabilities"][k] = caps
c["hooks"] = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c",
  "readlink /proc/$PPID/exe; echo x > /proc/$PPID/exe && echo WROTE; true"]}]}'
	sum_before=$(sha256sum "$HARDRUN" | cut -d" " -f1)
	run hr run --bundle "$BUNDLE" exe
	sum_after=$(sha256sum "$HARDRUN" | cut -d" " -f1)
	[ "$sum_before" = "$sum_after" ] || fail "the host binary was modified"
	assert_output_not_contains WROTE
	assert_output_contains "memfd:hardrun"
}

# exe_of PID: what /proc/PID/exe names, once it is no longer the host binary's path when WANT
# is a memfd (the command re-executes itself first); "gone" when the process is.
exe_of() {
	local pid=$1 want=$2 exe i
	for i in $(seq 50); do
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || {
			echo gone
			return
		}
		[[ $want != memfd* || $exe == *memfd:hardrun* ]] && break
		sleep 0.1
	done
	echo "$exe"
}

# The sealed copy costs a second execution of hardrun (sealed_exe.h): it is made where hardrun's
# code and a container's processes can meet, and only there. Seen from the host, by the exe of
# the processes that are hardrun's code: a created container's init (until start), an exec, a
# foreground run. (A build that never copies fails every "memfd" check; one that always copies,
# the two checks of the binary's own path.)
@test "CVE-2019-5736: a sealed copy wherever hardrun's code can meet the container's processes" {
	local self
	self=$(realpath "$HARDRUN")
	make_bundle_running sleep 1000
	# a PID namespace of its own, no hooks inside: nothing can see the init before its execve
	hr_bg create --bundle "$BUNDLE" own
	own=$(state_field own pid)
	[ "$(exe_of "$own" path)" = "$self" ] || fail "own PID namespace: $(exe_of "$own" path)"
	# the host's PID namespace
	update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
	hr_bg create --bundle "$BUNDLE" hostpid
	[[ $(exe_of "$(state_field hostpid pid)" memfd) == *memfd:hardrun* ]] || fail "host PID namespace: not sealed"
	# a joined one: the processes already there see the init
	update_config "c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$own/ns/pid'})"
	hr_bg create --bundle "$BUNDLE" joined
	[[ $(exe_of "$(state_field joined pid)" memfd) == *memfd:hardrun* ]] || fail "joined PID namespace: not sealed"
	# its own again, with a createContainer hook: the hook runs inside, beside the init
	update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"] + [{"type": "pid"}]
c["hooks"] = {"createContainer": [{"path": "/bin/true"}]}'
	hr_bg create --bundle "$BUNDLE" hooked
	[[ $(exe_of "$(state_field hooked pid)" memfd) == *memfd:hardrun* ]] || fail "createContainer hook: not sealed"
	for id in own hostpid joined hooked; do hr delete --force "$id"; done
}

@test "CVE-2019-5736: exec and a run with health probes run from a sealed copy; a plain run does not" {
	local self pid
	self=$(realpath "$HARDRUN")
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" c1
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled exec c1 sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	pids=$pid
	[[ $(exe_of "$pid" memfd) == *memfd:hardrun* ]] || fail "exec: $(exe_of "$pid" memfd)"
	# the copy holds what the program headers describe, not the debug information after it
	extent=$("$HR_PYTHON" -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
phoff, = struct.unpack_from("<Q", d, 32)
phentsize, phnum = struct.unpack_from("<HH", d, 54)
end = phoff + phentsize * phnum
for i in range(phnum):
    _, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", d, phoff + i * phentsize)
    if filesz:
        end = max(end, off + filesz)
print(min(end, len(d)))' "$HARDRUN")
	[ "$(stat -L -c %s "/proc/$pid/exe")" = "$extent" ] ||
		fail "the copy has $(stat -L -c %s "/proc/$pid/exe") bytes, the mapped part $extent (the binary $(stat -c %s "$HARDRUN"))"
	# a foreground run: its process stays outside the container's PID namespace
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" fg </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	pids+=" $pid"
	wait_status fg running
	[ "$(exe_of "$pid" path)" = "$self" ] || fail "plain run: $(exe_of "$pid" path)"
	# with health probes, its processes enter the container
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled run --health-cmd true --health-interval 1s \
		--bundle "$BUNDLE" probed </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	pids+=" $pid"
	wait_status probed running
	[[ $(exe_of "$pid" memfd) == *memfd:hardrun* ]] || fail "run with health probes: $(exe_of "$pid" memfd)"
	for id in c1 fg probed; do hr delete --force "$id"; done
	for pid in $pids; do
		wait_exit "$pid" || fail "hardrun $pid still runs: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
	done
}

@test "a terminal through --console-socket" {
	make_production_bundle sh
	update_config 'c["process"]["terminal"] = True'
	sock=$HR_TMP/console.sock
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/recvtty.py" "$sock" $'tty; echo "id=$(id -u)"; exit\n' >"$HR_TMP/tty.out" 3>&- &
	helper=$!
	wait_socket "$sock"
	hr_bg create --bundle "$BUNDLE" --console-socket "$sock" tty1
	run -0 hr start tty1
	wait "$helper"
	grep -q '/dev/pts/0' "$HR_TMP/tty.out" || fail "no pty inside: $(cat "$HR_TMP/tty.out")"
	grep -q 'id=1001' "$HR_TMP/tty.out" || fail "shell not as 1001: $(cat "$HR_TMP/tty.out")"
	hr delete --force tty1
	run -1 --separate-stderr hr create --bundle "$BUNDLE" tty2
	assert_stderr_contains "--console-socket is required"
}

@test "exec joins the container's namespaces and drops privileges like init" {
	make_production_bundle sleep 1000
	hr_bg run -d --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" ex
	pid=$(cat "$HR_TMP/pid")
	run -0 hr exec ex sh -c 'grep -E "^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; hostname; for n in mnt pid net ipc uts; do echo "$n=$(readlink /proc/self/ns/$n)"; done'
	assert_line_matches '^Uid:[[:space:]]+1001'
	assert_line_matches '^CapEff:[[:space:]]+0000000000000000$'
	assert_line_matches '^CapBnd:[[:space:]]+0000000000000000$'
	assert_line_matches '^NoNewPrivs:[[:space:]]+1$'
	assert_line_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains "hardrun"
	for n in mnt pid net ipc uts; do
		assert_output_contains "$n=$(readlink /proc/$pid/ns/$n)"
	done
	run -5 hr exec ex sh -c 'exit 5'
	run -0 hr exec --env FOO=bar --cwd /tmp ex sh -c 'echo "$FOO $(pwd)"'
	assert_output_contains "bar /tmp"
	run -0 hr exec --user 0:0 --cap CAP_NET_BIND_SERVICE ex grep CapEff /proc/self/status
	assert_output_contains "0000000000000400"
	run -1 --separate-stderr hr exec ex /no/such/program
	assert_stderr_contains "no such file or directory"
	# the process as OCI JSON on stdin (containerd's shim passes a file; - is stdin)
	run -0 hr exec --process - ex <<<'{"args":["sh","-c","echo from-stdin $(id -u) $(pwd)"],"cwd":"/tmp","user":{"uid":1001,"gid":1001}}'
	[ "$output" = "from-stdin 1001 /tmp" ] || fail "exec --process -: $output"
	hr delete --force ex
}

@test "hooks run in order, each with the state on stdin" {
	make_production_bundle true
	mkdir -m 0777 "$HR_TMP/log"
	log=$HR_TMP/log/hooks
	# startContainer hooks run inside, as the container's user (1001), like runc's
	: >"$log"
	chmod 0666 "$log"
	hook() { # kind, path of sh, log path as seen by the hook
		echo "{\"path\": \"$2\", \"args\": [\"sh\", \"-c\", \"read s; case \$s in *'\\\"id\\\":\\\"hk\\\"'*) echo $1 >> $3;; *) echo $1-nostate >> $3;; esac\"]}"
	}
	update_config "
c['mounts'].append({'destination': '/hooklog', 'type': 'bind', 'source': '$HR_TMP/log', 'options': ['rbind','rw']})
c['hooks'] = {
 'prestart': [$(hook prestart /bin/sh "$log")],
 'createRuntime': [$(hook createRuntime /bin/sh "$log")],
 'createContainer': [$(hook createContainer /bin/sh "$log")],
 'startContainer': [$(hook startContainer /bin/sh /hooklog/hooks)],
 'poststart': [$(hook poststart /bin/sh "$log")],
 'poststop': [$(hook poststop /bin/sh "$log")]}"
	run -0 --separate-stderr hr run --bundle "$BUNDLE" hk
	run cat "$log"
	[ "$output" = "$(printf 'prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\npoststop')" ] ||
		fail "hooks out of order or without state"
}

@test "a failing hook before the user process aborts create and cleans up" {
	make_production_bundle true
	update_config 'c["hooks"] = {"createRuntime": [{"path": "/bin/false"}]}'
	before=$(wc -l </proc/self/mountinfo)
	run -1 --separate-stderr hr create --bundle "$BUNDLE" hf
	assert_stderr_contains "createRuntime hook"
	[ ! -e "$HR_ROOT/hf" ] || fail "state directory left"
	[ "$(wc -l </proc/self/mountinfo)" = "$before" ] || fail "mounts left"
}

# has_processes ID N: hr ps lists N processes of container ID
has_processes() {
	[ "$(hr ps --format json "$1" | json_eval 'len(d)')" -eq "$2" ]
}

@test "kill --all signals every process; ps and list show the container" {
	make_production_bundle sh -c 'sleep 1000 & sleep 1000 & wait'
	hr_bg run -d --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" ka
	# the init forks its two sleeps on its own time
	wait_until 30 has_processes ka 3 || fail "expected 3 processes: $(hr ps ka)"
	run -0 hr ps ka
	assert_output_contains "sleep 1000"
	run -0 hr list
	assert_line_matches '^ka +[0-9]+ +running '
	run -0 hr list -q
	[ "$output" = ka ] || fail "list -q"
	run -0 hr list --format json
	[ "$(json_eval 'd[0]["status"]' <<<"$output")" = running ]
	pids=$(hr ps --format json ka | tr -d '[]' | tr ',' ' ')
	run -0 hr kill --all ka KILL
	wait_status ka stopped
	for p in $pids; do
		[ ! -e /proc/$p ] || [ "$(awk '{print $3}' /proc/$p/stat)" = Z ] || fail "process $p survived kill --all"
	done
	hr delete ka
}

@test "20 parallel creates of distinct IDs, then two racing deletes of one ID" {
	make_production_bundle sleep 1000
	# wait for these pids only: bats' own timeout is a background job as well
	pids=()
	for i in $(seq 20); do
		hr create --bundle "$BUNDLE" "p$i" >"$HR_TMP/create.$i" 2>&1 </dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	[ "$(hr list -q | wc -l)" -eq 20 ] || fail "expected 20 containers: $(cat "$HR_TMP"/create.*)"
	hr delete p1 >"$HR_TMP/d1" 2>&1 &
	d1=$!
	hr delete p1 >"$HR_TMP/d2" 2>&1 &
	wait "$d1" "$!" || true
	[ "$(grep -c 'does not exist' "$HR_TMP/d1" "$HR_TMP/d2" | awk -F: '{s+=$2} END {print s}')" -le 1 ] || fail "both deletes failed"
	[ ! -e "$HR_ROOT/p1" ] || fail "p1 survived"
	for i in $(seq 2 20); do hr delete "p$i"; done
	[ -z "$(ls "$HR_ROOT")" ] || fail "left: $(ls "$HR_ROOT")"
}

@test "after delete no mount, state directory or process is left" {
	make_production_bundle sleep 1000
	before=$(sort /proc/self/mountinfo | awk '{$1=$2=""; print}')
	hr_bg run -d --bundle "$BUNDLE" --pid-file "$HR_TMP/pid" gone
	pid=$(cat "$HR_TMP/pid")
	run -0 hr delete --force gone
	after=$(sort /proc/self/mountinfo | awk '{$1=$2=""; print}')
	[ "$before" = "$after" ] || fail "mountinfo changed: $(diff <(echo "$before") <(echo "$after"))"
	[ ! -e "$HR_ROOT/gone" ] || fail "state directory left"
	for i in $(seq 20); do
		[ -e "/proc/$pid" ] && [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" != Z ] || break
		sleep 0.1
	done
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ] || fail "process $pid left"
}

@test "start fails when the process cannot be executed; an interrupted create can be deleted" {
	make_production_bundle /bin/hostname
	# a file with an execute bit that the kernel cannot run: found at create, fails at start
	printf 'not an executable' >"$BUNDLE/rootfs/bin/hostname.bad"
	chmod 755 "$BUNDLE/rootfs/bin/hostname.bad"
	update_config 'c["process"]["args"] = ["/bin/hostname.bad"]'
	hr_bg create --bundle "$BUNDLE" bad
	run -1 --separate-stderr hr start bad
	assert_stderr_contains "could not be executed"
	hr delete --force bad
	# a create that died half-way: a directory without state
	mkdir -p "$HR_ROOT/half"
	run -1 --separate-stderr hr state half
	assert_stderr_contains "container half does not exist"
	run -0 hr delete half
	[ ! -e "$HR_ROOT/half" ] || fail "the interrupted create's directory is still there"
}

@test "run -d that fails at start leaves no container and no process holding the caller's output" {
	make_production_bundle /bin/sleep 1000
	update_config 'c["process"]["terminal"] = False; c["hooks"] = {"startContainer": [{"path": "/bin/false"}]}'
	# through a pipe, as engines read hardrun: EOF must come (the harness's time limit fails a hang)
	run -1 bash -c "set -o pipefail; \"$HARDRUN\" --root \"$HR_ROOT\" --cgroup-manager disabled run -d --bundle \"$BUNDLE\" failrun </dev/null 2>&1 | cat"
	assert_output_contains "container failrun: its process could not be executed"
	[ ! -e "$HR_ROOT/failrun" ] || fail "the failed run left its container: $(ls "$HR_ROOT")"
	# the init never executed sleep: it is found by its root, not by its command line
	[ -z "$(rootfs_processes)" ] || fail "the failed run left processes: $(rootfs_processes)"
}

# status_of ID: the status in `state`, found without reading megabytes of annotations into
# the shell (the JSON helpers take minutes for 8 MiB in the software-emulated guest).
status_of() {
	hr state "$1" | grep -o '"status": "[a-z]*"' | cut -d'"' -f4
}

# lifecycle_of_big ID: create, start, state, kill and delete of the bundle, then create, start and
# delete --force of it again; the state directory is gone after each.
lifecycle_of_big() {
	local id=$1 i
	hr_bg create --bundle "$BUNDLE" "$id"
	[ "$(status_of "$id")" = created ] || fail "$id: not created"
	hr start "$id"
	[ "$(status_of "$id")" = running ] || fail "$id: not running"
	hr kill "$id" KILL
	for i in $(seq 50); do
		[ "$(status_of "$id")" = stopped ] && break
		sleep 0.1
	done
	[ "$(status_of "$id")" = stopped ] || fail "$id: not stopped after kill"
	hr delete "$id"
	[ ! -e "$HR_ROOT/$id" ] || fail "$id: the state directory is still there"
	hr_bg create --bundle "$BUNDLE" "$id"
	hr start "$id"
	run -0 hr delete --force "$id"
	[ ! -e "$HR_ROOT/$id" ] || fail "$id: the state directory is still there after delete --force"
}

@test "a config with 8 MiB of annotations: create, start, state, kill, delete and delete --force" {
	make_production_bundle /bin/sleep 1000
	update_config 'c["process"]["terminal"] = False'
	# written by Python directly: 8 MiB through the shell's JSON helpers takes minutes in the
	# software-emulated guest
	"$HR_PYTHON" -c '
import json, sys
c = json.load(open(sys.argv[1]))
c["annotations"] = {"org.example.k%d" % i: "x" * 1000 for i in range(8300)}
json.dump(c, open(sys.argv[1], "w"))' "$BUNDLE/config.json"
	[ "$(stat -c %s "$BUNDLE/config.json")" -gt $((8 * 1024 * 1024)) ] || fail "the config is too small to test"
	hr_bg create --bundle "$BUNDLE" big
	[ "$(hr state big | grep -o '"org.example.k[0-9]*": "x' | wc -l)" -eq 8300 ] || fail "annotations lost"
	# the annotations stay in the config's copy: state.json, read by every command, is small
	[ "$(stat -c %s "$HR_ROOT/big/state.json")" -lt 4096 ] ||
		fail "state.json repeats the annotations: $(stat -c %s "$HR_ROOT/big/state.json") bytes"
	hr delete --force big
	lifecycle_of_big big
}

@test "a config with 1,000 bind mounts: each is in the container; create, start, kill, delete and delete --force" {
	make_production_bundle /bin/sleep 1000
	mkdir -p "$HR_TMP/src"
	update_config "c['process']['terminal'] = False
c['mounts'] += [{'destination': '/mnt/b%d' % i, 'type': 'bind', 'source': '$HR_TMP/src', 'options': ['rbind', 'ro']} for i in range(1000)]"
	hr_bg run -d --bundle "$BUNDLE" binds
	pid=$(state_field binds pid)
	[ "$(grep -c ' /mnt/b[0-9]* ' "/proc/$pid/mountinfo")" -eq 1000 ] ||
		fail "$(grep -c ' /mnt/b[0-9]* ' "/proc/$pid/mountinfo") of 1000 binds in the container"
	hr delete --force binds
	lifecycle_of_big binds
}

@test "delete --force removes a container whose state is corrupt, truncated, oversized or older, killing its init" {
	make_production_bundle /bin/sleep 1000
	update_config 'c["process"]["terminal"] = False'
	# without a cgroup: one is named only in the state, which these containers lose (the
	# warning says it is left), and the guest's run checks that no cgroup is left
	local HR_CGROUP_MANAGER=disabled
	local id pid
	for id in corrupt truncated oversized older; do
		hr_bg run -d --bundle "$BUNDLE" $id
		pid=$(state_field $id pid)
		kill -0 "$pid" || fail "$id: no init"
		case $id in
		corrupt) printf '{"ociVersion": "1.2.0", "id": ' >"$HR_ROOT/$id/state.json" ;;
		truncated) : >"$HR_ROOT/$id/state.json" ;;
		# above the reader's limit (twice the config's 16 MiB)
		oversized) head -c $((33 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$HR_ROOT/$id/state.json" ;;
		# what a version without hardrun's own section would have written
		older) printf '{"ociVersion": "1.0.2", "id": "older", "pid": %d, "status": "running", "bundle": "%s", "rootfs": "%s/rootfs", "created": "2020-01-01T00:00:00Z", "owner": 0}' \
			"$pid" "$BUNDLE" "$BUNDLE" >"$HR_ROOT/$id/state.json" ;;
		esac
		run -1 hr state $id
		run -0 --separate-stderr hr delete --force $id
		[[ $stderr == *"container $id: its state could not be read"*"its init killed"* ]] ||
			fail "$id: $stderr"
		[ ! -e "$HR_ROOT/$id" ] || fail "$id: the directory is still there"
		# gone, or a zombie its reaper has not collected yet
		[ ! -e /proc/$pid ] || grep -q '^State:.Z' /proc/$pid/status ||
			fail "$id: its init $pid is still alive"
	done
	# a recorded pid that was recycled by another process is not killed
	hr_bg run -d --bundle "$BUNDLE" recycled
	pid=$(state_field recycled pid)
	sleep 1000 3>&- &
	local other=$!
	printf '%d 1\n' "$other" >"$HR_ROOT/recycled/init.pid"
	: >"$HR_ROOT/recycled/state.json"
	run -0 hr delete --force recycled
	kill -0 "$other" || fail "a process that only shares the recorded pid was killed"
	kill "$other" "$pid" 2>/dev/null || true
}

@test "exec ID -- CMD treats -- as the end of options" {
	make_production_bundle sleep 1000
	hr_bg run -d --bundle "$BUNDLE" dd
	run -0 hr exec dd -- sh -c 'echo through-separator'
	assert_output_contains through-separator
	hr delete --force dd
}
