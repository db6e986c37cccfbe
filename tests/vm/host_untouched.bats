#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Configs that leave namespaces out share the machine's: hardrun must change nothing of it.
# Here the "host" is the whole guest machine (its real mount namespace, hostname, links, IPC),
# which a wrong pivot_root or mount would wreck (it once replaced the guest's own root and
# its init died), so this file runs only inside the guest kernel:
#
#   tests/vm/check.sh ./hardrun tests/vm/host_untouched.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

setup_file() {
	guest_only || return 1
}

# The machine as every process sees it: mounts, root directory, names, links, System V IPC.
machine_snapshot() {
	{
		cat /proc/1/mountinfo /proc/self/mountinfo
		ls -A / /dev
		cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname
		ls /sys/class/net
		cat /proc/sysvipc/msg /proc/sysvipc/sem /proc/sysvipc/shm
		readlink /proc/1/root /proc/1/ns/mnt /proc/1/ns/uts /proc/1/ns/net /proc/1/ns/ipc
	} >"$1" 2>&1
}

@test "every namespace left out: the container runs chrooted, exec and delete work, the machine is as it was" {
	make_bundle
	echo rootfs-marker >"$BUNDLE/rootfs/hr-marker"
	update_config '
c["linux"]["namespaces"] = []
c.pop("hostname", None)
c["mounts"] = []
c["root"]["readonly"] = False
for k in ("maskedPaths", "readonlyPaths"):
    c["linux"].pop(k, None)
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "cat /hr-marker; hostname; sleep 1000"]'
	machine_snapshot "$HR_TMP/before"
	hr run -d --bundle "$BUNDLE" bare </dev/null >"$HR_TMP/out" 2>&1 || fail "$(cat "$HR_TMP/out")"
	local pid
	pid=$(hr state bare | json_eval 'd["pid"]')
	for ns in mnt uts net ipc pid; do
		[ "$(readlink "/proc/$pid/ns/$ns")" = "$(readlink "/proc/1/ns/$ns")" ] ||
			fail "the container has a $ns namespace of its own"
	done
	[ "$(readlink "/proc/$pid/root")" = "$(readlink -f "$BUNDLE/rootfs")" ] ||
		fail "root: $(readlink "/proc/$pid/root")"
	run -0 hr exec bare cat /hr-marker
	[ "$output" = rootfs-marker ] || fail "exec: $output"
	run -0 hr delete --force bare
	machine_snapshot "$HR_TMP/after"
	diff "$HR_TMP/before" "$HR_TMP/after" || fail "the machine changed"
	grep -qx rootfs-marker "$HR_TMP/out" || fail "$(cat "$HR_TMP/out")"
	# and the guest is still usable: its own programs and /proc
	run -0 wc -l /proc/self/mountinfo
}
