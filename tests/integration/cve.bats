#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# One named regression test per container-escape class that hit runc or crun, through the real
# binary, where no other file holds it under its name (the others: lifecycle.bats CVE-2019-5736,
# CVE-2019-19921/CVE-2023-27561/CVE-2023-28642, CVE-2021-30465; tests/unit/test_process.c
# CVE-2024-21626; tests/unit/test_rootfs.c CVE-2025-31133; tests/unit/test_procfs.c
# CVE-2025-52881; policy.bats CVE-2022-24769). Each comment says which broken build fails it.

load lib

# console_run ID: `run -d` with a terminal through --console-socket; the pty's output (a tty
# command, then the process's own) lands in $HR_TMP/tty.out.
console_run() {
	local sock=$HR_TMP/console.sock
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/recvtty.py" "$sock" $'exit\n' >"$HR_TMP/tty.out" 3>&- &
	helper=$!
	wait_socket "$sock"
	run hr run -d --bundle "$BUNDLE" --console-socket "$sock" "$1"
}

# CVE-2025-52565: the pty is bound at /dev/console before the masks and read-only paths; a
# rootfs whose /dev/console is a symlink into /proc turned that bind into a mount over a procfs
# file. hardrun opens /dev/console without following a symlink and refuses one. (A build that
# resolves dev/console with hr_path_create_file, following symlinks inside the root, starts the
# container with the pty mounted over /proc/sys/kernel/core_pattern, and this test fails.)
@test "CVE-2025-52565: a /dev/console that is a symlink into /proc does not take the console" {
	make_bundle
	update_config '
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev"]
c["root"]["readonly"] = False
c["process"]["terminal"] = True
c["process"]["args"] = ["sh", "-c", "grep core_pattern /proc/self/mountinfo; sleep 1000"]'
	mkdir -p "$BUNDLE/rootfs/dev"
	rm -f "$BUNDLE/rootfs/dev/console" "$BUNDLE/rootfs/dev/null"
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/console"
	console_run con1
	kill "$helper" 2>/dev/null || true
	wait "$helper" 2>/dev/null || true
	[ "$status" -eq 1 ] || fail "run started the container (status $status): $output $(cat "$HR_TMP/tty.out")"
	assert_output_contains "/dev/console"
	assert_output_contains "symlink"
	[ ! -e "$HR_ROOT/con1" ] || fail "a refused container left its state"
}

# CVE-2022-29162 (runc) and CVE-2022-27650 (crun): the process got inheritable capabilities
# nobody asked for, which an execve of a file with inheritable file capabilities raised. The
# inheritable and ambient sets stay empty unless the config lists them, for run and exec, also
# with exec --cap. (A build whose capabilities.c fills the inheritable set with the permitted
# one shows CapInh 00000000a80425fb here and fails.)
@test "CVE-2022-29162, CVE-2022-27650: no inheritable or ambient capability unless asked" {
	make_bundle
	update_config '
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "grep -E \"^Cap(Inh|Amb|Prm)\" /proc/self/status; sleep 1000"]
caps = c["process"]["capabilities"]
caps.pop("inheritable", None)
caps.pop("ambient", None)'
	hr run -d --bundle "$BUNDLE" inh </dev/null >"$HR_TMP/out" 2>&1 || fail "$(cat "$HR_TMP/out")"
	wait_for_line "$HR_TMP/out" '^CapAmb:'
	grep -Eq '^CapPrm:[[:space:]]+0*[1-9a-f]' "$HR_TMP/out" || fail "no permitted set: $(cat "$HR_TMP/out")"
	grep -Eq '^CapInh:[[:space:]]+0000000000000000$' "$HR_TMP/out" || fail "run: $(cat "$HR_TMP/out")"
	grep -Eq '^CapAmb:[[:space:]]+0000000000000000$' "$HR_TMP/out" || fail "run: $(cat "$HR_TMP/out")"
	run -0 hr exec --cap CAP_NET_RAW inh grep -E '^Cap(Inh|Amb|Eff)' /proc/self/status
	assert_line_matches '^CapInh:[[:space:]]+0000000000000000$'
	assert_line_matches '^CapAmb:[[:space:]]+0000000000000000$'
	# the capability asked for is there: the test can see a set that is not empty
	[[ $output =~ CapEff:[[:space:]]+([0-9a-f]+) ]] && (((16#${BASH_REMATCH[1]} >> 13) & 1)) ||
		fail "exec --cap CAP_NET_RAW: $output"
	hr delete --force inh
}

# CVE-2019-16884: a fake /proc (a tmpfs, or a directory of the rootfs bound there) took the
# write of the AppArmor label, which was then silently never applied. Only a proc filesystem
# may be mounted at /proc, and the label goes through hardrun's own procfs anyway
# (tests/unit/test_procfs.c). (A build without check_proc_destination's type check starts
# these containers, and this test fails.)
@test "CVE-2019-16884: nothing but a procfs is mounted at /proc" {
	make_bundle
	mkdir -p "$HR_TMP/fakeproc/self/attr"
	update_config "
c['process']['terminal'] = False
c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/proc']
c['mounts'].append({'destination': '/proc', 'type': 'tmpfs', 'source': 'tmpfs'})"
	run -1 hr run --bundle "$BUNDLE" fake1
	assert_output_contains "mount to /proc: only a proc filesystem may be mounted there"
	update_config "
c['mounts'][-1] = {'destination': '/proc', 'type': 'bind', 'source': '$HR_TMP/fakeproc', 'options': ['rbind']}"
	run -1 hr run --bundle "$BUNDLE" fake2
	assert_output_contains "mount to /proc: only a proc filesystem may be mounted there"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "refused containers left state: $(ls -A "$HR_ROOT")"
}
