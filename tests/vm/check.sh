#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check-vm`: the tests that need a kernel of their own (cgroup v2 with every controller,
# later systemd and the engines), in ONE boot of a guest kernel under qemu (run-in-vm.sh):
# tests/vm/*.bats, then the integration suite with the cgroupfs manager (guest-suite.sh).
#
#   tests/vm/check.sh [HARDRUN_BINARY [TEST.bats...]]   (default: this checkout's hardrun, and
#                                                        every test; files: only those)
#
# Environment: HR_SCHEMA_DIR (as for tests/integration/run.sh), HR_VM_TIMEOUT (seconds for the
# whole boot, default 5400), HR_VM_MEM (MiB, default 2048), HR_VM_CPUS (default 1),
# HR_VM_INTEGRATION=no (only the tests/vm files), HR_TEST_TIMEOUT / HR_FILE_TIMEOUT (run.sh's
# limits; in the guest, where every process start is emulated, 600 s per test and 2400 s per
# file unless set), CI (a skipped test fails). Ends with "vm: N passed, N failed (SECONDS)".
set -u

me=vm
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${1:-$repo/hardrun}
[ $# -eq 0 ] || shift
tests=()
for t in "$@"; do
	t=$(realpath -e -- "$t") || { echo "$me: no such test file" >&2; exit 2; }
	tests+=("$t")
done
case $binary in
/*) ;;
*) binary=$PWD/$binary ;;
esac
if [ ! -x "$binary" ]; then
	echo "$me: $binary is not an executable: build hardrun first (make)" >&2
	exit 2
fi
HR_SCHEMA_DIR=${HR_SCHEMA_DIR:-$(cd "$repo/.." && pwd)/shared/runtime-spec/schema}
if [ ! -f "$HR_SCHEMA_DIR/config-schema.json" ]; then
	echo "$me: no runtime-spec schemas in $HR_SCHEMA_DIR: set HR_SCHEMA_DIR" >&2
	exit 2
fi
export HR_SCHEMA_DIR
export HR_TEST_TIMEOUT=${HR_TEST_TIMEOUT:-600} HR_FILE_TIMEOUT=${HR_FILE_TIMEOUT:-2400}
command -v bats >/dev/null || { echo "$me: bats not found: apt-get install bats" >&2; exit 2; }

start=$(date +%s)
log=$(mktemp "${TMPDIR:-/tmp}/hardrun-vm-check.XXXXXX")
trap 'rm -f "$log"' EXIT
"$here/run-in-vm.sh" --timeout "${HR_VM_TIMEOUT:-5400}" --mem "${HR_VM_MEM:-2048}" --cpus "${HR_VM_CPUS:-1}" \
	"$here/guest-suite.sh" "$binary" "${tests[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
took=$(($(date +%s) - start))

line=$(grep -aE '^vm-guest: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
if [ -z "$line" ]; then
	# what ran before the guest died or ran out of time still counts
	passed=$(grep -acE '^ok ' "$log")
	failed=$(grep -acE '^not ok ' "$log")
	echo "$me: FAILED: the guest did not finish the suite (run-in-vm.sh status $rc, see above)"
	echo "$me: $passed passed, $((failed + 1)) failed (${took}s, unfinished)"
	exit 1
fi
passed=${line#vm-guest: }
passed=${passed%% *}
failed=${line#*passed, }
failed=${failed%% *}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
	echo "$me: FAILED: the guest suite exited with status $rc"
fi
echo "$me: $passed passed, $failed failed (${took}s)"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
