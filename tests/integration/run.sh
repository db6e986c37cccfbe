#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The integration tests: the real hardrun binary on the host, as root.
#
#   tests/integration/run.sh HARDRUN_BINARY [TEST.bats|TEST.sh ...]
#
# Runs every tests/integration/*.bats with bats (or only the files given), and every
# tests/integration/*.sh that takes the binary as $1 and that no .bats file wraps, counting
# each such script as one test. Everything runs inside `unshare --mount --propagation private`
# so that a runtime bug can never leave a mount behind on the host.
#
# Each file also runs in a PID namespace of its own (with its own /proc), so that a container
# or a process a test leaves behind is killed when the file ends, and under a time limit: a
# test that hangs (a container holding bats' output pipe open, say) fails instead of stalling
# the run.
#
# Environment: HR_SCHEMA_DIR (the runtime-spec schemas; default: Debian's
# golang-github-opencontainers-specs-dev, see tests/schema/schema-dir.sh), HR_ROOTFS_TEMPLATE
# (a busybox rootfs that every test bundle copies; default: one built for this run by
# helpers/busybox-rootfs.sh), HR_TEST_TIMEOUT (seconds per test, default 120), HR_FILE_TIMEOUT
# (seconds per file, default 600), HR_INTEGRATION_JOBS (files run side by side, default the
# number of CPUs; with one, each file's output streams as it runs), CI (when set, a skipped
# test counts as failed).
# Ends with the line "integration: N passed, N failed"; exits non-zero when a test failed or
# when none ran.
set -u

me=integration
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -lt 1 ]; then
	echo "usage: $0 HARDRUN_BINARY [TEST.bats|TEST.sh ...]" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$me: the integration tests create containers and must run as root (CI does); rerun with sudo" >&2
	exit 1
fi
binary=$1
shift
case $binary in
/*) ;;
*) binary=$PWD/$binary ;;
esac
if [ ! -x "$binary" ]; then
	echo "$me: $binary is not an executable: build hardrun first (make)" >&2
	exit 2
fi
for tool in bats unshare; do
	if ! command -v "$tool" >/dev/null; then
		echo "$me: $tool not found: apt-get install ${tool/unshare/util-linux}" >&2
		exit 2
	fi
done

# shellcheck source=tests/schema/schema-dir.sh
. "$here/../schema/schema-dir.sh"
hr_schema_dir_check "$me" || exit 2
export HARDRUN=$binary HR_SCHEMA_DIR
export BATS_TEST_TIMEOUT=${HR_TEST_TIMEOUT:-120}
file_timeout=${HR_FILE_TIMEOUT:-600}

# Re-run this script in a private mount namespace; the inner run does the work.
if [ -z "${HR_INTEGRATION_NS:-}" ]; then
	exec unshare --mount --propagation private env HR_INTEGRATION_NS=1 "$0" "$binary" "$@"
fi

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for f in "$here"/*.bats "$here"/*.sh; do
		[ -e "$f" ] || continue
		case $(basename "$f") in
		run.sh) continue ;;
		esac
		# A script that a .bats file runs is counted there, not once more here.
		if [[ $f == *.sh ]] && grep -qsF "$(basename "$f")" "$here"/*.bats; then
			continue
		fi
		tests+=("$f")
	done
fi

passed=0
failed=0
skipped=()
failures=()
work=$(mktemp -d "${TMPDIR:-/tmp}/hardrun-integration.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
jobs=${HR_INTEGRATION_JOBS:-$(nproc)}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || jobs=1

# The busybox rootfs every bundle copies (lib.bash's make_busybox_rootfs), built once per run.
if [ -z "${HR_ROOTFS_TEMPLATE:-}" ]; then
	HR_ROOTFS_TEMPLATE=$work/busybox-rootfs
	"$here/helpers/busybox-rootfs.sh" "$HR_ROOTFS_TEMPLATE" || exit 2
fi
export HR_ROOTFS_TEMPLATE

# isolated CMD...: CMD in a new PID namespace (everything in it dies with it) under the file
# time limit; its status, 124 when the limit was hit. PID 1 there is a bash that reaps every
# orphan, as an engine's shim does: a container init adopted by it (after `hardrun kill`, say)
# does not stay a zombie (timeout, as PID 1, reaps nobody: after `make stress`, 8,000 zombies
# slowed every scan of /proc).
isolated() {
	unshare --pid --fork --kill-child --mount-proc \
		bash -c 'timeout --foreground --kill-after=10 "$@" <&0 & wait "$!"' isolated \
		"$file_timeout" "$@"
}

# execute I FILE: runs test file I (bats or script) into $work/I.out, its status into
# $work/I.rc and its wall time into $work/I.secs; streamed to stdout too when one file runs at
# a time.
execute() {
	local i=$1 file=$2 t0=$SECONDS rc
	case $file in
	*.bats) set -- bats --tap ${HR_BATS_TIMING:+--timing} "$file" ;;
	*) set -- "$file" "$binary" ;;
	esac
	if [ "$jobs" -eq 1 ]; then
		[[ $file == *.bats ]] || echo "# $(basename "$file")"
		isolated "$@" 2>&1 | tee "$work/$i.out"
		rc=${PIPESTATUS[0]}
	else
		isolated "$@" >"$work/$i.out" 2>&1
		rc=$?
	fi
	echo "$rc" >"$work/$i.rc"
	echo $((SECONDS - t0)) >"$work/$i.secs"
}

# tally_bats FILE OUT RC: counts the TAP lines of OUT.
tally_bats() {
	local file=$1 out=$2 rc=$3 n_ok=0 n_fail=0 line n_skipped_before=${#skipped[@]}
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		n_fail=$((n_fail + 1))
		failures+=("$(basename "$file"): killed after ${file_timeout}s (HR_FILE_TIMEOUT)")
	fi
	while IFS= read -r line; do
		case $line in
		"not ok "*)
			n_fail=$((n_fail + 1))
			failures+=("$(basename "$file"): ${line#not ok }")
			;;
		"ok "*"# skip"*)
			skipped+=("$(basename "$file"): ${line#ok }")
			if [ -n "${CI:-}" ]; then
				n_fail=$((n_fail + 1))
				failures+=("$(basename "$file"): skipped in CI: ${line#ok }")
			else
				n_ok=$((n_ok + 1))
			fi
			;;
		"ok "*) n_ok=$((n_ok + 1)) ;;
		esac
	done <"$out"
	# bats failing outside any test (a syntax error, a failing setup_file) is a failure too,
	# and so is a file in which no test ran.
	if [ "$rc" -ne 0 ] && [ "$n_fail" -eq 0 ]; then
		n_fail=1
		failures+=("$(basename "$file"): bats exited with status $rc")
	elif [ $((n_ok + n_fail)) -eq 0 ] && [ ${#skipped[@]} -eq "$n_skipped_before" ]; then
		n_fail=1
		failures+=("$(basename "$file"): no test ran")
	fi
	passed=$((passed + n_ok))
	failed=$((failed + n_fail))
}

# A script counts as one test.
tally_script() {
	local file=$1 rc=$3
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$(basename "$file"): exited with status $rc")
	fi
}

# The files run $jobs at a time, each in its own PID namespace with its own temporary
# directories: they share no state. Their results count in list order.
for i in "${!tests[@]}"; do
	case ${tests[$i]} in
	*.bats | *.sh) ;;
	*) continue ;;
	esac
	if [ "$jobs" -eq 1 ]; then
		execute "$i" "${tests[$i]}"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	execute "$i" "${tests[$i]}" &
done
wait
times=()
for i in "${!tests[@]}"; do
	t=${tests[$i]}
	case $t in
	*.bats | *.sh) ;;
	*)
		echo "$me: $t: neither a .bats file nor a .sh script" >&2
		failed=$((failed + 1))
		continue
		;;
	esac
	if [ "$jobs" -gt 1 ]; then
		[[ $t == *.bats ]] || echo "# $(basename "$t")"
		cat "$work/$i.out"
	fi
	rc=$(cat "$work/$i.rc" 2>/dev/null || echo 125)
	case $t in
	*.bats) tally_bats "$t" "$work/$i.out" "$rc" ;;
	*) tally_script "$t" "$work/$i.out" "$rc" ;;
	esac
	times+=("$(basename "$t"): $(cat "$work/$i.secs" 2>/dev/null)s")
done

echo
echo "$me: time per file: ${times[*]}"
for s in "${skipped[@]}"; do
	echo "$me: skipped: $s"
done
for f in "${failures[@]}"; do
	echo "$me: FAILED: $f"
done
echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
