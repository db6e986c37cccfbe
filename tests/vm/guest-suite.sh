#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test suite of the guest kernel; check.sh runs it inside the guest (run-in-vm.sh):
#
#   tests/vm/guest-suite.sh HARDRUN_BINARY [TEST.bats...]
#
# Runs tests/vm/*.bats (or only the files given), then the integration suite
# (tests/integration) with the cgroupfs manager, both through tests/integration/run.sh (private
# mount namespace, PID namespace and time limit per file). HR_VM_INTEGRATION=no leaves the
# integration suite out (said loudly); so does naming files. An integration file whose header
# says "# hr-guest: host only (WHY)" never starts a container whose behaviour depends on the
# cgroup manager: it runs once, on the host (contrib/dev test), not again here, where every
# process start is emulated (CI's time budget). Its name is printed.
# Ends with "vm-guest: N passed, N failed"; exits non-zero when a test failed or none ran.
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
	echo "usage: $0 HARDRUN_BINARY [TEST.bats...]" >&2
	exit 2
fi
binary=$1
shift
export HR_CGROUP_MANAGER=cgroupfs

passed=0
failed=0
failures=()

# part NAME TEST...: one run of run.sh; its "integration: N passed, N failed" line is added up.
part() {
	local name=$1 log line p f rc t0=$SECONDS
	shift
	echo "== $name"
	log=$(mktemp)
	"$here/../integration/run.sh" "$binary" "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -aE '^integration: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	rm -f "$log"
	echo "== $name: $((SECONDS - t0))s"
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		failures+=("$name: run.sh exited with status $rc without a summary")
		return
	fi
	p=${line#integration: }
	p=${p%% *}
	f=${line#*passed, }
	f=${f%% *}
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$name: $f failed")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))
		failures+=("$name: run.sh exited with status $rc")
	fi
}

echo "vm-guest: kernel $(uname -r), cgroup controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
if [ $# -gt 0 ]; then
	part "guest tests: $*" "$@"
else
	part "guest tests (tests/vm)" "$here"/*.bats
fi
if [ $# -gt 0 ] || [ "${HR_VM_INTEGRATION:-yes}" = no ]; then
	echo "vm-guest: NOT RUN: the integration suite with the cgroupfs manager (only some files asked for)"
else
	# every cgroup hardrun created must be gone after the suite: the lifecycle tests create,
	# kill and delete containers with the cgroupfs manager (a test of its own, counted)
	before=$(find /sys/fs/cgroup -mindepth 1 -type d | sort)
	guest_files=()
	for f in "$here"/../integration/*.bats; do
		if grep -q '^# hr-guest: host only' "$f"; then
			echo "vm-guest: host only (run by contrib/dev test): ${f##*/}"
		else
			guest_files+=("$f")
		fi
	done
	part "integration tests (cgroupfs manager)" "${guest_files[@]}"
	after=$(find /sys/fs/cgroup -mindepth 1 -type d | sort)
	left=$(comm -13 <(echo "$before") <(echo "$after"))
	if [ -n "$left" ]; then
		echo "not ok - no cgroup is left after the integration suite:"
		echo "$left" | sed 's/^/#   /'
		failed=$((failed + 1))
		failures+=("cgroups left after the integration suite: $(echo "$left" | tr '\n' ' ')")
	else
		echo "ok - no cgroup is left after the integration suite"
		passed=$((passed + 1))
	fi
fi

echo
for f in "${failures[@]}"; do
	echo "vm-guest: FAILED: $f"
done
echo "vm-guest: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
