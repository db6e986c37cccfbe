# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the guest-only files of tests/vm (`load guest`): the binary under test, the
# cgroupfs manager, a timeout no test may outlive, the integration helpers, and guest_only for
# setup_file: cgroups, devices and the machine's mounts on the host belong to the machine.

: "${HARDRUN:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/hardrun}"
export HARDRUN
export HR_CGROUP_MANAGER=cgroupfs
# a guest under TCG is slow, but no test may hang the boot
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-${HR_TEST_TIMEOUT:-300}}

load ../integration/lib

# Fails the file, saying how to run it, outside the guest kernel.
guest_only() {
	local file=${BATS_TEST_FILENAME##*/}

	grep -q HARDRUN_VM_CMD /proc/cmdline && return 0
	echo "$file runs only in the guest: tests/vm/check.sh ./hardrun tests/vm/$file" >&2
	return 1
}
