#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check-vm`: the tests that need a kernel of their own (cgroup v2 with every controller,
# systemd as PID 1), in two boots of a guest kernel under qemu (run-in-vm.sh): first, with a
# shell as init, tests/vm/*.bats and then the integration suite with the cgroupfs manager
# (guest-suite.sh); then, booted with systemd, tests/vm/systemd/*.bats. The engines' tests are
# `make check-clients` (check-clients.sh).
#
#   tests/vm/check.sh [HARDRUN_BINARY [TEST.bats...]]   (default: this checkout's hardrun, and
#                                                        every test; files: only those, those
#                                                        under tests/vm/systemd/ in the systemd
#                                                        boot, the others in the shell-init one)
#
# Environment: HR_SCHEMA_DIR (as for tests/integration/run.sh), HR_VM_TIMEOUT (seconds for the
# shell-init boot, default 5400), HR_VM_SYSTEMD_TIMEOUT (the systemd boot, default 1200),
# HR_VM_MEM (MiB, default 2048), HR_VM_CPUS (default 1), HR_VM_NUMA (NUMA nodes of the
# shell-init guest, default 2, the second without a CPU: tests/vm/numa.bats needs them; the
# systemd guest has one), HR_VM_INTEGRATION=no (only the tests/vm files), HR_TEST_TIMEOUT /
# HR_FILE_TIMEOUT (run.sh's limits; in the guest, where every process start is emulated, 600 s
# per test and 2400 s per file unless set), HR_VM_GUESTS=shell|systemd (only that boot; CI runs
# the two in different branches, side by side), CI (a skipped test fails). Prints each boot's counts
# and wall time; ends with "vm: N passed, N failed (SECONDS)".
set -u

me=vm
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${1:-$repo/hardrun}
[ $# -eq 0 ] || shift
tests=()
systemd_tests=()
for t in "$@"; do
	t=$(realpath -e -- "$t") || { echo "$me: no such test file" >&2; exit 2; }
	if [ "${t%/*}" = "$here/systemd" ]; then
		systemd_tests+=("$t")
	else
		tests+=("$t")
	fi
done
case $binary in
/*) ;;
*) binary=$PWD/$binary ;;
esac
if [ ! -x "$binary" ]; then
	echo "$me: $binary is not an executable: build hardrun first (make)" >&2
	exit 2
fi
# shellcheck source=tests/schema/schema-dir.sh
. "$repo/tests/schema/schema-dir.sh"
hr_schema_dir_check "$me" || exit 2
export HR_TEST_TIMEOUT=${HR_TEST_TIMEOUT:-600} HR_FILE_TIMEOUT=${HR_FILE_TIMEOUT:-2400}
command -v bats >/dev/null || { echo "$me: bats not found: apt-get install bats" >&2; exit 2; }

start=$(date +%s)
log=$(mktemp "${TMPDIR:-/tmp}/hardrun-vm-check.XXXXXX")
trap 'rm -f "$log"' EXIT
passed=0
failed=0

# shell_boot: tests/vm/*.bats (or the files given) and the integration suite, one boot with a
# shell as init (guest-suite.sh).
shell_boot() {
	local line rc p f
	"$here/run-in-vm.sh" --timeout "${HR_VM_TIMEOUT:-5400}" --mem "${HR_VM_MEM:-2048}" \
		--cpus "${HR_VM_CPUS:-1}" --numa "${HR_VM_NUMA:-2}" "$here/guest-suite.sh" "$binary" "${tests[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -aE '^vm-guest: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		# what ran before the guest died or ran out of time still counts
		passed=$((passed + $(grep -acE '^ok ' "$log")))
		failed=$((failed + $(grep -acE '^not ok ' "$log") + 1))
		echo "$me: FAILED: the guest did not finish the suite (run-in-vm.sh status $rc, see above)"
		return
	fi
	p=${line#vm-guest: }
	p=${p%% *}
	f=${line#*passed, }
	f=${f%% *}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$me: FAILED: the guest suite exited with status $rc"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# systemd_boot: tests/vm/systemd/*.bats (the systemd cgroup manager, --systemd-cgroup) in a
# guest booted with systemd as PID 1.
systemd_boot() {
	local rc p f missing=""
	command -v /lib/systemd/systemd >/dev/null || missing="$missing systemd"
	command -v dbus-daemon >/dev/null || missing="$missing dbus"
	if [ -n "$missing" ]; then
		echo "$me: FAILED: the systemd guest needs, on the host: apt-get install$missing"
		failed=$((failed + 1))
		return
	fi
	HARDRUN=$binary "$here/run-in-vm.sh" --systemd --timeout "${HR_VM_SYSTEMD_TIMEOUT:-1200}" \
		--mem "${HR_VM_MEM:-2048}" --cpus "${HR_VM_CPUS:-1}" \
		"$(command -v bats)" --tap "${systemd_tests[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -acE '^ok ' "$log")
	f=$(grep -acE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$me: FAILED: the systemd guest exited with status $rc"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$me: FAILED: no test ran in the systemd guest"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# timed NAME FUNCTION: runs the boot, then prints and records its wall time and counts.
report=()
timed() {
	local t0=$SECONDS p0=$passed f0=$failed
	echo "== $me: $1"
	"$2"
	echo "== $me: $1: $((passed - p0)) passed, $((failed - f0)) failed in $((SECONDS - t0))s"
	report+=("$1: $((passed - p0)) passed, $((failed - f0)) failed in $((SECONDS - t0))s")
}

guests=${HR_VM_GUESTS:-both}
case $guests in
both | shell | systemd) ;;
*)
	echo "$me: HR_VM_GUESTS=$guests: expected shell, systemd or both" >&2
	exit 2
	;;
esac
if [ $# -eq 0 ]; then
	systemd_tests=("$here"/systemd/*.bats)
fi
if [ "$guests" = shell ]; then
	systemd_tests=()
	echo "$me: NOT RUN: the systemd guest (HR_VM_GUESTS=shell)"
fi
if [ "$guests" = systemd ]; then
	echo "$me: NOT RUN: the shell-init guest (HR_VM_GUESTS=systemd)"
elif [ $# -eq 0 ] || [ ${#tests[@]} -gt 0 ]; then
	# tux.bats's Debian rootfs, from Debian's archive on the host (the guest has no network):
	# built once, then cached; when it cannot be, its tests say so (a failure in CI)
	if [ $# -eq 0 ] || [[ " ${tests[*]} " == *"/tux.bats "* ]]; then
		"$repo/contrib/tux/rootfs.sh" --cache-only ||
			echo "$me: no tux rootfs: tests/vm/tux.bats will skip (fail in CI)"
	fi
	timed "shell-init guest" shell_boot
else
	echo "$me: NOT RUN: the shell-init guest (only tests/vm/systemd files asked for)"
fi
if [ ${#systemd_tests[@]} -gt 0 ]; then
	timed "systemd guest" systemd_boot
elif [ "$guests" != shell ]; then
	echo "$me: NOT RUN: the systemd guest (only some files asked for)"
fi
took=$(($(date +%s) - start))
echo
for r in "${report[@]}"; do
	echo "$me: $r"
done
echo "$me: $passed passed, $failed failed (${took}s)"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
