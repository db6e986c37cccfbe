# SPDX-License-Identifier: GPL-2.0-or-later
# What tests/vm/systemd/*.bats share: they run only in a guest booted with systemd as PID 1
# (tests/vm/run-in-vm.sh --systemd), with the systemd cgroup manager unless a test says
# otherwise.

# shellcheck disable=SC2154
: "${HARDRUN:=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)/hardrun}"
# HR_SCHEMA_DIR: by default Debian's copy (tests/schema/schema-dir.sh, which lib loads)
export HARDRUN
export HR_CGROUP_MANAGER=systemd
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-${HR_TEST_TIMEOUT:-300}}

load ../../integration/lib

CG=/sys/fs/cgroup

setup_file() {
	if ! grep -q HARDRUN_VM_CMD /proc/cmdline || [ ! -d /run/systemd/system ]; then
		echo "tests/vm/systemd/${BATS_TEST_FILENAME##*/} runs only in a guest booted with" \
			"--systemd" >&2
		return 1
	fi
}

# mini_bundle CMD [ARG...]: a busybox root with sh, cat and sleep; the production profile (512M,
# half a CPU, 256 tasks) running CMD; the current directory becomes the bundle.
mini_bundle() {
	local applet
	mkdir -p "$BUNDLE"/rootfs/{bin,dev,proc,sys,tmp,etc}
	cp "${HR_BUSYBOX:-/bin/busybox}" "$BUNDLE/rootfs/bin/busybox"
	for applet in sh cat sleep; do ln -s busybox "$BUNDLE/rootfs/bin/$applet"; done
	"$HARDRUN" spec --force --bundle "$BUNDLE" --profile production --args "$@" >/dev/null
	cd "$BUNDLE" || return 1
}
