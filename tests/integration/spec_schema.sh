#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# spec_schema.sh HARDRUN_BINARY
#
# `hardrun spec` end to end: every profile, and the overrides, must produce a config.json that
# the runtime-spec JSON schema accepts (and that `hardrun validate` accepts), with the files
# spec creates in the bundle. Prints one "ok - ..." or "not ok - ..." line per check and exits
# 1 when any check failed.
#
# The schema directory is $HR_SCHEMA_DIR, by default the copy of Debian's
# golang-github-opencontainers-specs-dev (tests/schema/schema-dir.sh). Needs /usr/bin/python3 with python3-jsonschema. Runs as any user: without root,
# the hardened profiles get --user with the caller's own ids (spec chowns volumes/app-temp).
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 HARDRUN_BINARY" >&2
	exit 2
fi
HARDRUN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/schema/schema-dir.sh
. "$HERE/../schema/schema-dir.sh"
SCHEMA_DIR=$HR_SCHEMA_DIR
PYTHON=/usr/bin/python3

if [ ! -x "$HARDRUN" ]; then
	echo "not ok - $HARDRUN is not an executable" >&2
	exit 2
fi
if ! hr_schema_dir_check "not ok - spec_schema.sh"; then
	exit 2
fi
if ! $PYTHON -c 'import jsonschema' 2>/dev/null; then
	echo "not ok - $PYTHON has no jsonschema module (apt-get install python3-jsonschema)" >&2
	exit 2
fi

TMP=$(mktemp -d /tmp/hardrun-spec-schema.XXXXXX) || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM

FAILURES=0
CHECKS=0
pass() {
	CHECKS=$((CHECKS + 1))
	echo "ok - $1"
}
fail() {
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
	echo "not ok - $1"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}
# check DESCRIPTION COMMAND...: passes when COMMAND exits 0; shows its output otherwise.
check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc" "exit status $?${out:+: $out}"
	fi
}
validate_schema() {
	"$PYTHON" "$HERE/validate_schema.py" "$SCHEMA_DIR" "$@"
}
# jq-like reads with python: json_get FILE EXPR prints the value of doc EXPR (python syntax).
json_get() {
	$PYTHON -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$1" "$2"
}
# check_json DESCRIPTION FILE EXPR EXPECTED (EXPECTED as json.dumps prints it)
check_json() {
	got=$(json_get "$2" "$3" 2>&1)
	if [ "$got" = "$4" ]; then
		pass "$1"
	else
		fail "$1" "expected $4, got $got"
	fi
}
mode_of() {
	stat -c '%a %u:%g' "$1"
}

USER_OPT=
IDS="1001:1001"
if [ "$(id -u)" -ne 0 ]; then
	IDS="$(id -u):$(id -g)"
	USER_OPT="--user $IDS"
fi

# Every profile: spec, schema, validate, the files.
for profile in minimal development production; do
	b=$TMP/$profile
	mkdir "$b"
	# shellcheck disable=SC2086
	check "spec --profile $profile writes config.json" "$HARDRUN" spec --bundle "$b" --profile "$profile" $USER_OPT
	check "$profile: config.json matches the runtime-spec schema" validate_schema "$b/config.json"
	check "$profile: hardrun validate accepts it" "$HARDRUN" validate --bundle "$b"
	if [ "$(stat -c %a "$b/config.json" 2>/dev/null)" = 644 ]; then
		pass "$profile: config.json has mode 0644"
	else
		fail "$profile: config.json has mode 0644" "$(mode_of "$b/config.json" 2>&1)"
	fi
	check_json "$profile: profile annotation" "$b/config.json" 'd["annotations"]["org.hardrun.profile"]' "\"$profile\""
	if [ "$profile" = minimal ]; then
		if [ ! -e "$b/volumes" ]; then
			pass "minimal: no volumes directory"
		else
			fail "minimal: no volumes directory"
		fi
		continue
	fi
	got=$(mode_of "$b/volumes/app-temp" 2>&1)
	if [ "$got" = "700 $IDS" ]; then
		pass "$profile: volumes/app-temp is 0700 $IDS"
	else
		fail "$profile: volumes/app-temp is 0700 $IDS" "got $got"
	fi
	check_json "$profile: /app/temp binds the bundle's volumes/app-temp" "$b/config.json" \
		'[m["source"] for m in d["mounts"] if m["destination"] == "/app/temp"]' "[\"$b/volumes/app-temp\"]"
	check_json "$profile: seccomp default action" "$b/config.json" \
		'[d["linux"]["seccomp"]["defaultAction"], d["linux"]["seccomp"]["defaultErrnoRet"]]' '["SCMP_ACT_ERRNO", 1]'
done

# An existing config.json is kept unless --force.
b=$TMP/production
before=$(cksum <"$b/config.json")
# shellcheck disable=SC2086
out=$("$HARDRUN" spec --bundle "$b" --profile minimal $USER_OPT 2>&1)
status=$?
if [ $status -eq 1 ] && printf '%s' "$out" | grep -q 'config.json exists. Remove it first' &&
	[ "$(cksum <"$b/config.json")" = "$before" ]; then
	pass "spec refuses to replace an existing config.json"
else
	fail "spec refuses to replace an existing config.json" "status $status: $out"
fi
check "spec --force replaces it" "$HARDRUN" spec --bundle "$b" --profile minimal --force
check_json "the replacement is the minimal profile" "$b/config.json" 'd["process"]["user"]["uid"]' 0
leftover=
for f in "$b"/.config*; do
	[ -e "$f" ] && leftover="$leftover $f"
done
if [ -n "$leftover" ]; then
	fail "no temporary file left in the bundle" "$leftover"
else
	pass "no temporary file left in the bundle"
fi

# Overrides.
b=$TMP/overrides
mkdir "$b"
printf '# secrets\nDB_PASSWORD=pw-from-file\r\n\nDB_USER=app\n' >"$TMP/app.env"
# shellcheck disable=SC2086
check "spec with every override" "$HARDRUN" spec --bundle "$b" --profile production $USER_OPT \
	--memory 256M --cpus 0.25 --pids 64 --volume /srv/data:/data:ro --env TZ=UTC \
	--env-file "$TMP/app.env" --hostname app-1 --rootfs /var/lib/app/rootfs \
	--args /usr/bin/app --port 8080
check "overrides: config.json matches the schema" validate_schema "$b/config.json"
check "overrides: hardrun validate accepts it" "$HARDRUN" validate --bundle "$b"
if [ "$(stat -c %a "$b/config.json" 2>/dev/null)" = 600 ]; then
	pass "overrides: config.json with --env values has mode 0600"
else
	fail "overrides: config.json with --env values has mode 0600" "$(mode_of "$b/config.json" 2>&1)"
fi
check_json "overrides: memory limit and swap" "$b/config.json" \
	'[d["linux"]["resources"]["memory"][k] for k in ("limit", "swap")]' '[268435456, 268435456]'
check_json "overrides: cpu quota and period" "$b/config.json" \
	'[d["linux"]["resources"]["cpu"][k] for k in ("quota", "period")]' '[25000, 100000]'
check_json "overrides: pids" "$b/config.json" 'd["linux"]["resources"]["pids"]["limit"]' 64
check_json "overrides: volume" "$b/config.json" \
	'[m for m in d["mounts"] if m["destination"] == "/data"]' \
	'[{"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "ro", "nosuid", "nodev"]}]'
check_json "overrides: env" "$b/config.json" 'd["process"]["env"][1:]' \
	'["HOME=/tmp", "TZ=UTC", "DB_PASSWORD=pw-from-file", "DB_USER=app"]'
check_json "overrides: args" "$b/config.json" 'd["process"]["args"]' '["/usr/bin/app", "--port", "8080"]'
check_json "overrides: hostname and rootfs" "$b/config.json" '[d["hostname"], d["root"]["path"]]' \
	'["app-1", "/var/lib/app/rootfs"]'

# Standard output.
for profile in minimal production; do
	# shellcheck disable=SC2086
	if "$HARDRUN" spec --bundle "$TMP/overrides" --profile "$profile" -o - $USER_OPT >"$TMP/stdout.json" 2>"$TMP/err"; then
		check "spec -o - ($profile) matches the schema" validate_schema "$TMP/stdout.json"
	else
		fail "spec -o - ($profile) succeeds" "$(cat "$TMP/err")"
	fi
done

# Bad overrides: usage errors that name the option and the value.
expect_usage_error() {
	desc=$1
	expected=$2
	shift 2
	out=$("$HARDRUN" spec --bundle "$TMP/bad" -o - "$@" 2>&1)
	status=$?
	if [ $status -eq 2 ] && printf '%s' "$out" | grep -qF -- "$expected"; then
		pass "$desc"
	else
		fail "$desc" "status $status: $out"
	fi
}
mkdir "$TMP/bad"
expect_usage_error "--memory 12X is refused" '--memory: invalid size "12X"' --memory 12X
expect_usage_error "--cpus 0 is refused" '--cpus: invalid CPU count "0"' --cpus 0
expect_usage_error "--cpus 0.000001 is refused" '--cpus: invalid CPU count "0.000001"' --cpus 0.000001
expect_usage_error "--user 1001 is refused" '--user: invalid user "1001"' --user 1001
expect_usage_error "--volume with a relative source is refused" 'volume source "data" is not an absolute path' --volume data:/data
expect_usage_error "--profile unknown is refused" '--profile: unknown profile "prod"' --profile prod
expect_usage_error "--args without a command is refused" '--args: expected a command' --args
out=$("$HARDRUN" spec --bundle "$TMP/bad" -o - --env "NOT-A-KEY=pw-on-cmdline" 2>&1)
if [ $? -eq 2 ] && printf '%s' "$out" | grep -q -- '--env: invalid variable name' &&
	! printf '%s' "$out" | grep -q 'pw-on-cmdline\|NOT-A-KEY'; then
	pass "--env error does not echo the entry"
else
	fail "--env error does not echo the entry" "$out"
fi
printf 'A=1\npw-in-bad-line\n' >"$TMP/bad.env"
out=$("$HARDRUN" spec --bundle "$TMP/bad" -o - --env-file "$TMP/bad.env" 2>&1)
if [ $? -eq 1 ] && printf '%s' "$out" | grep -qF "$TMP/bad.env:2: expected KEY=VALUE" &&
	! printf '%s' "$out" | grep -q 'pw-in-bad-line'; then
	pass "--env-file error names FILE:LINE and does not echo the line"
else
	fail "--env-file error names FILE:LINE and does not echo the line" "$out"
fi
if [ ! -e "$TMP/bad/config.json" ]; then
	pass "no config.json after refused options"
else
	fail "no config.json after refused options"
fi

echo "# $CHECKS checks, $FAILURES failed"
[ "$FAILURES" -eq 0 ]
