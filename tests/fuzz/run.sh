#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the libFuzzer harnesses that `make fuzz-build` made (tests/fuzz/README.md).
#
#   tests/fuzz/run.sh [--smoke] [--time SECONDS] [--target NAME]... FUZZDIR HARDRUN
#
# For each target: a corpus in FUZZDIR/work/NAME seeded from tests/fuzz/seeds/NAME, the unit
# tests' example documents and what HARDRUN's `spec` writes for every profile; a dictionary of
# the runtime-spec's keys (libcontainer/config_keys.c) or of the mount options (`features`).
# --smoke first replays every seed (a crash there is a regression), then fuzzes. Each target
# fuzzes SECONDS (default 60), one process. A crash, leak, timeout or sanitizer report stops
# that target: its input is kept in FUZZDIR/artifacts/NAME/ and the run fails; turn it into a
# unit test (tests/unit) with the fix. The last lines are a table: target, executions, edges
# covered (libFuzzer's "cov"), features, corpus size, result.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
smoke=false time_s=60 targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=true ;;
	--time) time_s=$2 && shift ;;
	--target) targets+=("$2") && shift ;;
	-*) echo "run.sh: unknown option $1" >&2 && exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 2 ] || {
	sed -n '5p' "$0" | sed 's/^# *//' >&2
	exit 2
}
fuzzdir=$1 hardrun=$2
[ ${#targets[@]} -gt 0 ] || targets=(config seccomp process resources policy envfile state mountopts values outputlog)
py=/usr/bin/python3

# seed_from_configs DIR KIND CONFIG...: the process, resources or seccomp section of each config.
seed_from_configs() {
	local dir=$1 kind=$2
	shift 2
	"$py" - "$dir" "$kind" "$@" <<'EOF'
import json, os, sys
out, kind = sys.argv[1], sys.argv[2]
for i, path in enumerate(sys.argv[3:]):
    try:
        c = json.load(open(path))
    except (ValueError, OSError):
        continue
    linux = c.get("linux") or {}
    part = {"process": c.get("process"), "resources": linux.get("resources"),
            "seccomp": linux.get("seccomp")}[kind]
    if part is not None:
        with open(os.path.join(out, "%s-%d.json" % (os.path.basename(path), i)), "w") as f:
            json.dump(part, f, indent="\t")
EOF
}

# put DIR FILE...: copies of the files in DIR, named by where they came from.
put() {
	local dir=$1 f
	shift
	for f; do
		cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")" || return 1
	done
}

# prepare TARGET: its corpus directory, seeded.
prepare() {
	local t=$1 dir=$fuzzdir/work/$1 specs=$fuzzdir/work/.spec p
	mkdir -p "$dir" "$specs"
	[ ! -d "$here/seeds/$t" ] || put "$dir" "$here/seeds/$t"/* || return 1
	if [ ! -e "$specs/production.json" ]; then
		for p in minimal development production; do
			(cd "$specs" && "$hardrun" spec --profile "$p" --force >/dev/null &&
				mv config.json "$p.json") || return 1
		done
		(cd "$specs" && "$hardrun" spec --profile production --rootless --force >/dev/null &&
			mv config.json rootless.json) || return 1
	fi
	local configs=("$specs"/*.json "$src"/tests/unit/data/config/good/*.json
		"$src"/tests/unit/data/config-full.json)
	case $t in
	config) put "$dir" "${configs[@]}" "$src"/tests/unit/data/config/bad/*.json \
		"$src"/tests/unit/data/config-many-errors.json ;;
	seccomp) seed_from_configs "$dir" seccomp "${configs[@]}" ;;
	process)
		put "$dir" "$src"/tests/unit/data/process.json
		seed_from_configs "$dir" process "${configs[@]}"
		;;
	resources)
		put "$dir" "$src"/tests/unit/data/resources.json
		seed_from_configs "$dir" resources "${configs[@]}"
		;;
	policy) put "$dir" "$src"/contrib/policy/*.json ;;
	esac
}

# dictionary TARGET: a libFuzzer dictionary file for it, or nothing.
dictionary() {
	local out=$fuzzdir/work/$1.dict
	case $1 in
	config | seccomp | process | resources | policy | state)
		{
			grep -ho '"[A-Za-z][A-Za-z0-9_.]*"' "$src"/libcontainer/config_keys.c \
				"$src"/libcontainer/policy.c "$src"/libcontainer/state.c | sort -u
			cat <<'EOF'
"{"
"}"
"["
"]"
":"
","
"true"
"false"
"null"
"\""
"-1"
"4294967296"
"9223372036854775808"
"1e309"
"\\u0000"
"SCMP_ACT_ERRNO"
"SCMP_ACT_ALLOW"
"SCMP_ARCH_X86_64"
"SCMP_CMP_MASKED_EQ"
EOF
		} >"$out"
		;;
	mountopts)
		"$hardrun" features | "$py" -c 'import json,sys
for o in json.load(sys.stdin)["mountOptions"]: print("\"%s\"" % o)' >"$out"
		;;
	*) return 0 ;;
	esac
	echo "$out"
}

summary=() failed=0
for t in "${targets[@]}"; do
	bin=$fuzzdir/fuzz-$t
	[ -x "$bin" ] || {
		echo "run.sh: $bin is missing: make fuzz-build" >&2
		exit 2
	}
	prepare "$t" || {
		echo "run.sh: $t: the seeds could not be made" >&2
		exit 1
	}
	dict=$(dictionary "$t")
	artifacts=$fuzzdir/artifacts/$t/
	mkdir -p "$artifacts"
	log=$fuzzdir/work/$t.log
	opts=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts"
		-print_final_stats=1)
	[ -n "$dict" ] && opts+=(-dict="$dict")
	export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	result=ok
	if $smoke && ! "$bin" "${opts[@]}" -runs=0 "$fuzzdir/work/$t" >"$log.replay" 2>&1; then
		result="a seed fails (see $log.replay)"
		tail -n 40 "$log.replay"
	fi
	if [ "$result" = ok ]; then
		echo "== fuzz $t: ${time_s}s"
		if ! "$bin" "${opts[@]}" -max_total_time="$time_s" "$fuzzdir/work/$t" >"$log" 2>&1; then
			result="FAILED: $(ls -t "$artifacts" | head -n 1) (see $log)"
			grep -E -A 30 '^==[0-9]+==ERROR|runtime error|^SUMMARY' "$log" | head -n 60
		fi
	fi
	[ "$result" = ok ] || failed=$((failed + 1))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -n 1)
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" 2>/dev/null | tail -n 1)
	read -r _ c _ f _ n <<<"${cov:-- - - - - -}"
	summary+=("$(printf '%-10s %12s %7s %8s %7s  %s' "$t" "${execs:--}" "${c%/*}" "$f" "$n" "$result")")
done

echo
printf '%-10s %12s %7s %8s %7s  %s\n' target executions cov features corpus result
printf '%s\n' "${summary[@]}"
if [ "$failed" -gt 0 ]; then
	echo "fuzz: $failed of ${#targets[@]} targets FAILED"
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, no crash, leak or sanitizer report"
