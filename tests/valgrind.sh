#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun under valgrind's memcheck: no invalid access, no uninitialised read, no leak.
#
#   tests/valgrind.sh HARDRUN UNIT_TESTS
#
# Runs `HARDRUN validate --config F` for every example config of the runtime-spec
# ($HR_SCHEMA_DIR/test/config/{good,bad}) and of tests/unit/data (expected exit 0 or 1), each
# counted as one test, and the criterion unit tests (expected to pass), each suite counted as
# one test. A test fails on any memcheck error, definite/indirect/possible leaks included.
# Criterion runs every test in a worker process: valgrind follows them (--trace-children) and
# each process writes its own log, all of which must report no error, since a worker's exit
# status does not reach the runner. Ends with "valgrind: N passed, N failed"; exits non-zero
# when a test failed or none ran.
set -u

me=valgrind
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 2 ]; then
	echo "usage: $0 HARDRUN UNIT_TESTS" >&2
	exit 2
fi
hardrun=$1
unit_tests=$2
for f in "$hardrun" "$unit_tests"; do
	if [ ! -x "$f" ]; then
		echo "$me: $f is not an executable: build it first (make && make tests/unit/unit-tests)" >&2
		exit 2
	fi
done
if ! command -v valgrind >/dev/null; then
	echo "$me: valgrind not found: apt-get install valgrind" >&2
	exit 2
fi
HR_SCHEMA_DIR=${HR_SCHEMA_DIR:-$(cd "$here/../.." && pwd)/shared/runtime-spec/schema}
if [ ! -d "$HR_SCHEMA_DIR/test/config" ]; then
	echo "$me: no example configs in $HR_SCHEMA_DIR/test/config: set HR_SCHEMA_DIR" >&2
	exit 2
fi

VG_EXIT=99
# shellcheck disable=SC2054 # the commas belong to the option values
vg_opts=(
	--tool=memcheck
	--leak-check=full
	--show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible
	--track-origins=yes
	--error-exitcode="$VG_EXIT"
)

logs=$(mktemp -d "${TMPDIR:-/tmp}/hardrun-valgrind.XXXXXX")
trap 'rm -rf "$logs"' EXIT

passed=0
failed=0
failures=()

# check_logs NAME LOG...: every log must end with "ERROR SUMMARY: 0 errors".
check_logs() {
	local name=$1 log bad=0
	shift
	for log in "$@"; do
		if ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
			echo "--- $name: $(basename "$log")"
			grep -v -e '^==[0-9]*== *$' "$log" | grep -v 'WARNING: unhandled\|You may be able\|README_MISSING\|Nevertheless we\|it at http' | sed -n '/Command:/,$p'
			bad=1
		fi
	done
	return $bad
}

record() {
	local name=$1 ok=$2
	if [ "$ok" -eq 1 ]; then
		passed=$((passed + 1))
		echo "ok $name"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "not ok $name"
	fi
}

# validate: the parser and validator over every example, valid or not.
configs=()
for f in "$HR_SCHEMA_DIR"/test/config/good/*.json "$HR_SCHEMA_DIR"/test/config/bad/*.json \
	"$here"/unit/data/*.json; do
	[ -f "$f" ] && configs+=("$f")
done
n=0
for config in "${configs[@]}"; do
	n=$((n + 1))
	name="validate ${config#"$HR_SCHEMA_DIR"/test/config/}"
	name=${name/#"validate $here"\//validate tests/}
	log=$logs/validate.$n.log
	valgrind "${vg_opts[@]}" --log-file="$log" "$hardrun" validate --config "$config" \
		>/dev/null 2>"$logs/validate.$n.stderr"
	status=$?
	ok=1
	case $status in
	0 | 1) ;;
	"$VG_EXIT")
		ok=0
		;;
	*)
		echo "--- $name: exit status $status (expected 0 or 1)"
		cat "$logs/validate.$n.stderr"
		ok=0
		;;
	esac
	check_logs "$name" "$log" || ok=0
	record "$name" "$ok"
done

# The unit tests, one suite per runner so that a suite that breaks the runner under valgrind
# cannot take the others down with it, one worker at a time. CRITERION_NO_EARLY_EXIT lets each
# worker return from main, so that suite fini functions run and what they free is not reported
# as leaked.
#
# Tests that valgrind cannot run, each with the reason (printed; they run everywhere else):
# "SUITE TEST|TEST... REASON", the tests as a criterion glob alternative.
not_under_valgrind=(
	"rootfs paths_mkdir_all_stays_in_root|root_* openat2(2), open_tree(2) and the new mount API, which valgrind 3.19 does not emulate (ENOSYS)"
)

unit_suites=$("$unit_tests" --list 2>/dev/null | sed -n 's/^\([A-Za-z0-9_]*\): [0-9]* tests\{0,1\}$/\1/p')
if [ -z "$unit_suites" ]; then
	echo "--- $unit_tests --list printed no suite"
	record "unit tests" 0
fi
for suite in $unit_suites; do
	name="unit $suite"
	filter="$suite/*"
	for entry in "${not_under_valgrind[@]}"; do
		read -r s tests reason <<<"$entry"
		if [ "$s" = "$suite" ]; then
			filter="$suite/!($tests)"
			echo "# $suite/{$tests}: not under valgrind: $reason"
		fi
	done
	CRITERION_NO_EARLY_EXIT=1 valgrind "${vg_opts[@]}" --trace-children=yes \
		--log-file="$logs/unit-$suite.%p.log" \
		"$unit_tests" --jobs 1 --filter "$filter" >"$logs/unit-$suite.out" 2>&1
	status=$?
	ok=1
	if [ "$status" -ne 0 ]; then
		echo "--- $name: exit status $status"
		cat "$logs/unit-$suite.out"
		ok=0
	fi
	suite_logs=("$logs/unit-$suite".*.log)
	if [ ! -e "${suite_logs[0]}" ] || [ "${#suite_logs[@]}" -lt 2 ]; then
		echo "--- $name: expected valgrind logs of the runner and its workers, found none"
		ok=0
	fi
	check_logs "$name" "${suite_logs[@]}" || ok=0
	record "$name" "$ok"
done

echo
for f in "${failures[@]}"; do
	echo "$me: FAILED: $f"
done
echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
