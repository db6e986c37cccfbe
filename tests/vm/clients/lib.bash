# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the client tests (tests/vm/clients/*.bats), which run in the guest kernel through
# guest.sh: the engine is already running, HARDRUN is the binary under test, the busybox image
# is HR_CLIENTS_ROOTFS (a directory) and HR_CLIENTS_TAR (the same as a tarball). Load after
# ../../integration/lib (its assertions, and HR_TMP per test).

: "${HR_CLIENTS_ROOTFS:?run the client tests through tests/vm/check-clients.sh}"
: "${HR_CLIENTS_TAR:?run the client tests through tests/vm/check-clients.sh}"
HR_CLIENTS_REPO=${HR_CLIENTS_REPO:-$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)}

# t COMMAND...: COMMAND under a time limit, so that a client that hangs fails its test (with
# status 124) instead of stalling the whole boot.
t() {
	timeout --kill-after=10 "${HR_CLIENTS_CMD_TIMEOUT:-150}" "$@"
}

# in_tty COMMAND-LINE: runs the shell command line with a pseudo-terminal as its standard
# input and output (script(1)); returns the command's status. Output lines end in \r.
in_tty() {
	t script -qefc "$1" /dev/null </dev/null
}

# assert_file_is FILE TEXT: FILE holds exactly TEXT (one line).
assert_file_is() {
	local got
	got=$(cat "$1" 2>&1)
	[ "$got" = "$2" ] || fail "expected $1 to hold \"$2\", got \"$got\""
}

# The production checks, run inside a container with the project's production settings:
# prints one "name=value" line per fact for assert_production.
PRODUCTION_PROBE='echo "uid=$(id -u) gid=$(id -g)"
if touch /probe 2>/dev/null; then echo rootfs=writable; else echo rootfs=read-only; fi
for d in /tmp /var/tmp; do
	echo "mount $d=$(awk -v d=$d '"'"'$2 == d { print $3 }'"'"' /proc/mounts)"
	touch $d/probe && echo "write $d=ok"
done
touch /app/temp/probe && echo "write /app/temp=ok"
sed -n "s/^NoNewPrivs:[[:space:]]*/nnp=/p; s/^CapEff:[[:space:]]*/capeff=/p" /proc/self/status
echo "memory.max=$(cat /sys/fs/cgroup/memory.max)"
echo "cpu.max=$(cat /sys/fs/cgroup/cpu.max)"'

# assert_production: $output holds what PRODUCTION_PROBE prints for the production settings
# (uid 1001, read-only root, tmpfs /tmp and /var/tmp, writable volume, no new privileges, no
# capabilities, 512 MiB, half a CPU).
assert_production() {
	local want
	for want in "uid=1001 gid=1001" "rootfs=read-only" "mount /tmp=tmpfs" \
		"mount /var/tmp=tmpfs" "write /tmp=ok" "write /var/tmp=ok" "write /app/temp=ok" \
		"nnp=1" "capeff=0000000000000000" "memory.max=536870912" "cpu.max=50000 100000"; do
		assert_line_matches "^${want}\$"
	done
}
