#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun under valgrind's memcheck: no invalid access, no uninitialised read, no leak.
#
#   tests/valgrind.sh HARDRUN UNIT_TESTS
#
# Runs `HARDRUN validate --config F` for every example config of tests/unit/data (config/good,
# config/bad and the fixtures; expected exit 0 or 1), and, when HR_SCHEMA_DIR is set to a
# runtime-spec checkout's schema directory holding test/config/{good,bad}, for those too, each
# counted as one test, and the criterion unit tests (expected to pass), each suite counted as
# one test. A test fails on any memcheck error, definite/indirect/possible leaks included.
# Criterion runs every test in a worker process: valgrind follows them (--trace-children) and
# each process writes its own log, all of which must report no error, since a worker's exit
# status does not reach the runner. HR_VALGRIND_JOBS tests run at a time (default: the number
# of CPUs); a test runs without --track-origins, and only when it fails once more with it.
# Ends with "valgrind: N passed, N failed"; exits non-zero when a test failed or none ran.
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
if [ ! -d "$here/unit/data/config/good" ] || [ ! -d "$here/unit/data/config/bad" ]; then
	echo "$me: no example configs in $here/unit/data/config" >&2
	exit 2
fi

VG_EXIT=99
# shellcheck disable=SC2054 # the commas belong to the option values
vg_opts=(
	--tool=memcheck
	--leak-check=full
	--show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible
	--error-exitcode="$VG_EXIT"
	--suppressions="$here/valgrind.supp"
)
# Origins only explain an error once one is found, and they make every run about half again
# slower: the first pass runs without them, and a test that fails runs once more with them,
# whose logs are the ones reported.
origins=(--track-origins=yes)
jobs=${HR_VALGRIND_JOBS:-$(nproc)}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || jobs=1

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

# validate_one N CONFIG [VALGRIND OPTION...]: `hardrun validate` of CONFIG under valgrind;
# succeeds when it exited 0 or 1 with clean logs, else prints why.
validate_one() {
	local n=$1 config=$2 dir=$logs/validate.$1 status ok=0
	shift 2
	rm -rf "$dir" && mkdir "$dir"
	valgrind "${vg_opts[@]}" "$@" --log-file="$dir/vg.log" "$hardrun" validate --config "$config" \
		>/dev/null 2>"$dir/stderr"
	status=$?
	case $status in
	0 | 1) ;;
	"$VG_EXIT") ok=1 ;;
	*)
		echo "--- validate $config: exit status $status (expected 0 or 1)"
		cat "$dir/stderr"
		ok=1
		;;
	esac
	check_logs "validate $config" "$dir/vg.log" || ok=1
	return $ok
}

# The unit tests, one suite per runner so that a suite that breaks the runner under valgrind
# cannot take the others down with it, one worker at a time. CRITERION_NO_EARLY_EXIT lets each
# worker return from main, so that suite fini functions run and what they free is not reported
# as leaked.
#
# Tests that valgrind cannot run, each with the reason (printed; they run everywhere else):
# "SUITE TEST|TEST... REASON", the tests as a criterion glob alternative.
not_under_valgrind=(
	"rootfs root_* open_tree(2) and the new mount API, which valgrind 3.19 does not emulate (ENOSYS)"
)

# suite_one SUITE [VALGRIND OPTION...]: the criterion suite SUITE under valgrind, following
# its workers; succeeds when it passed with every process's log clean, else prints why.
suite_one() {
	local suite=$1 dir=$logs/unit.$1 filter="$1/*" entry s tests reason status ok=0
	shift
	for entry in "${not_under_valgrind[@]}"; do
		read -r s tests reason <<<"$entry"
		[ "$s" = "$suite" ] && filter="$suite/!($tests)"
	done
	rm -rf "$dir" && mkdir "$dir"
	CRITERION_NO_EARLY_EXIT=1 valgrind "${vg_opts[@]}" "$@" --trace-children=yes \
		--log-file="$dir/vg.%p.log" \
		"$unit_tests" --jobs 1 --filter "$filter" >"$dir/out" 2>&1
	status=$?
	if [ "$status" -ne 0 ]; then
		echo "--- unit $suite: exit status $status"
		cat "$dir/out"
		ok=1
	fi
	local suite_logs=("$dir"/vg.*.log)
	if [ ! -e "${suite_logs[0]}" ] || [ "${#suite_logs[@]}" -lt 2 ]; then
		echo "--- unit $suite: expected valgrind logs of the runner and its workers, found none"
		ok=1
	fi
	check_logs "unit $suite" "${suite_logs[@]}" || ok=1
	return $ok
}

# run_test ID CMD...: CMD without origins, rerun with them when it fails; its report and
# result go to $logs/ID.report and $logs/ID.result.
run_test() {
	local id=$1
	shift
	if "$@" >"$logs/$id.report" 2>&1; then
		echo ok >"$logs/$id.result"
	else
		"$@" "${origins[@]}" >"$logs/$id.report" 2>&1
		echo "not ok" >"$logs/$id.result"
	fi
}

# Every test: "ID NAME" in $logs/tests (in order) and its command in the arrays below.
names=()
cmds=()

# validate: the parser and validator over every example, valid or not.
configs=()
for f in "$here"/unit/data/config/good/*.json "$here"/unit/data/config/bad/*.json \
	"$here"/unit/data/config/refused/*.json \
	"$here"/unit/data/*.json; do
	[ -f "$f" ] && configs+=("$f")
done
if [ -n "${HR_SCHEMA_DIR:-}" ]; then
	for f in "$HR_SCHEMA_DIR"/test/config/good/*.json "$HR_SCHEMA_DIR"/test/config/bad/*.json; do
		[ -f "$f" ] && configs+=("$f")
	done
fi
n=0
for config in "${configs[@]}"; do
	n=$((n + 1))
	name="validate $config"
	[ -n "${HR_SCHEMA_DIR:-}" ] && name="validate ${config#"$HR_SCHEMA_DIR"/test/config/}"
	name=${name/#"validate $here"\//validate tests/}
	names+=("$name")
	cmds+=("validate_one $n $(printf '%q' "$config")")
done

unit_suites=$("$unit_tests" --list 2>/dev/null | sed -n 's/^\([A-Za-z0-9_]*\): [0-9]* tests\{0,1\}$/\1/p')
if [ -z "$unit_suites" ]; then
	echo "--- $unit_tests --list printed no suite"
	failed=$((failed + 1))
	failures+=("unit tests: $unit_tests --list printed no suite")
fi
for entry in "${not_under_valgrind[@]}"; do
	read -r s tests reason <<<"$entry"
	echo "# $s/{$tests}: not under valgrind: $reason"
done
for suite in $unit_suites; do
	names+=("unit $suite")
	cmds+=("suite_one $suite")
done

# $jobs tests at a time; the reports in the order of the list.
for i in "${!cmds[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	# shellcheck disable=SC2086 # the command words were quoted with %q
	eval "run_test $i ${cmds[$i]}" &
done
wait
for i in "${!names[@]}"; do
	cat "$logs/$i.report" 2>/dev/null
	if [ "$(cat "$logs/$i.result" 2>/dev/null)" = ok ]; then
		passed=$((passed + 1))
		echo "ok ${names[$i]}"
	else
		failed=$((failed + 1))
		failures+=("${names[$i]}")
		echo "not ok ${names[$i]}"
	fi
done

echo
for f in "${failures[@]}"; do
	echo "$me: FAILED: $f"
done
echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
