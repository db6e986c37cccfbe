# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the integration tests. Load with `load lib` from a .bats file.
#
# The environment comes from run.sh: HARDRUN (the binary under test, absolute) and
# HR_SCHEMA_DIR (the runtime-spec JSON schemas; when unset, the default of
# tests/schema/schema-dir.sh: Debian's golang-github-opencontainers-specs-dev). Every test gets
# its own temporary directory HR_TMP holding a state directory HR_ROOT and a bundle directory
# BUNDLE; teardown removes containers, mounts and files left in it.
#
# A .bats file that defines its own setup/teardown calls hr_setup/hr_teardown from them.

# status, output, lines and stderr are set by bats' `run`.
# shellcheck disable=SC2154
bats_require_minimum_version 1.5.0

: "${HARDRUN:?HARDRUN is not set: run the tests through tests/integration/run.sh}"
# this directory, whichever .bats file loaded it (absolute: tests may cd; no process: this runs
# for every test, and process starts are slow in the guest)
HR_LIB_DIR=${BASH_SOURCE[0]%/*}
[[ $HR_LIB_DIR == /* ]] || HR_LIB_DIR=$PWD/$HR_LIB_DIR
# tests/schema: the default HR_SCHEMA_DIR, and the project's own schemas (validate_schema)
HR_OWN_SCHEMA_DIR=$HR_LIB_DIR/../schema
# shellcheck source=tests/schema/schema-dir.sh
. "$HR_OWN_SCHEMA_DIR/schema-dir.sh"

# Debian's python3 has python3-jsonschema; the python3 on PATH may be another interpreter.
HR_PYTHON=${HR_PYTHON:-/usr/bin/python3}

hr_setup() {
	HR_TMP=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/hardrun-test.XXXXXX")
	HR_ROOT=$HR_TMP/state
	BUNDLE=$HR_TMP/bundle
	mkdir -p "$HR_ROOT" "$BUNDLE"
	export HR_TMP HR_ROOT BUNDLE
}

hr_teardown() {
	[ -n "${HR_TMP:-}" ] && [ -d "$HR_TMP" ] || return 0
	local dir mnt
	# Containers a test left behind, then anything still mounted below HR_TMP (deepest first),
	# so that removing the directory can never reach into a bind-mounted host directory.
	for dir in "$HR_ROOT"/*/; do
		[ -d "$dir" ] || continue
		dir=${dir%/}
		"$HARDRUN" --root "$HR_ROOT" delete --force "${dir##*/}" >/dev/null 2>&1 || true
	done
	while read -r mnt; do
		umount -l "$mnt" 2>/dev/null || true
	done < <(awk -v p="$HR_TMP" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	rm -rf --one-file-system "$HR_TMP"
	unset HR_TMP HR_ROOT BUNDLE
}

setup() {
	hr_setup
}

teardown() {
	hr_teardown
}

# hardrun with this test's state directory. On the host, cgroups belong to the machine:
# containers run with --cgroup-manager disabled unless HR_CGROUP_MANAGER says otherwise.
hr() {
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager "${HR_CGROUP_MANAGER:-disabled}" "$@"
}

# host_apparmor: the host's AppArmor as `hardrun spec` and `hardrun audit` see it: "off" (not
# enabled: audit does not judge CIS-5.1), "loaded" (enabled with hardrun-default loaded, as far
# as this mount namespace's securityfs shows: the production profile names it) or "on"
# (enabled without it: audit warns about a config without a profile).
host_apparmor() {
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		echo off
	elif grep -q '^hardrun-default (' /sys/kernel/security/apparmor/profiles 2>/dev/null; then
		echo loaded
	else
		echo on
	fi
}

# make_busybox_rootfs DIR: a minimal root filesystem with busybox-static and its applets
# (helpers/busybox-rootfs.sh): a copy of the one run.sh built for the run (HR_ROOTFS_TEMPLATE),
# or of one built on first use in this bats run's directory.
make_busybox_rootfs() {
	local dir=$1 template=${HR_ROOTFS_TEMPLATE:-${BATS_RUN_TMPDIR:?}/busybox-rootfs} tmp
	if [ ! -d "$template" ]; then
		tmp=$(mktemp -d "${template%/*}/.busybox-rootfs.XXXXXX") &&
			"$HR_LIB_DIR/helpers/busybox-rootfs.sh" "$tmp" || return 1
		# a concurrent test may have built one first: either copy serves
		mv -T "$tmp" "$template" 2>/dev/null || rm -rf "$tmp"
	fi
	mkdir -p "$dir" && cp -a "$template/." "$dir/"
}

# make_bundle [DIR]: DIR (default BUNDLE) with a busybox rootfs and the config.json of
# `hardrun spec`, running "sh" as its process.
make_bundle() {
	local dir=${1:-$BUNDLE}
	mkdir -p "$dir"
	make_busybox_rootfs "$dir/rootfs"
	(cd "$dir" && "$HARDRUN" spec) || {
		echo "make_bundle: hardrun spec failed in $dir" >&2
		return 1
	}
}

# The JSON helpers below are served by one Python process per bats file
# (helpers/json-server.py): in the software-emulated guest a Python start takes 0.8 s, and the
# tests read and edit JSON hundreds of times. Everything here is bash builtins; only the
# server's first start runs other processes.

# _hr_json OP ARG TEXT: the server's answer on stdout (an error on stderr); its status.
_hr_json() {
	local op=$1 arg=$2 text=$3 dir=${BATS_FILE_TMPDIR:?}/json-server pid="" rc out
	local deadline=$((SECONDS + 60)) noclobber=+C
	[[ $- == *C* ]] && noclobber=-C
	[ -d "$dir" ] || mkdir -p "$dir" || return 2
	# the lock: a file created with noclobber; the server removes it once the reply is read
	set -C
	until { : >"$dir/lock"; } 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			set "$noclobber"
			echo "_hr_json: $dir/lock held for 60 s (a JSON helper called in the background?)" >&2
			return 2
		fi
		sleep 0.05
	done
	set "$noclobber"
	[ ! -f "$dir/pid" ] || read -r pid <"$dir/pid"
	if [ -z "$pid" ] || [ ! -p "$dir/req" ] || ! kill -0 "$pid" 2>/dev/null; then
		rm -f "$dir/req" "$dir/resp"
		mkfifo -m 0600 "$dir/req" "$dir/resp" || return 2
		"$HR_PYTHON" "$HR_LIB_DIR/helpers/json-server.py" "$dir" </dev/null >>"$dir/log" 2>&1 3>&- &
		echo $! >"$dir/pid"
	fi
	printf '%s\0%s\0%s\0\x04\0' "$op" "$arg" "$text" >"$dir/req"
	{
		IFS= read -r -d '' rc
		IFS= read -r -d '' out
	} <"$dir/resp"
	printf 'ack\0' >"$dir/req"
	if [ "${rc:-2}" -ne 0 ]; then
		printf '%s\n' "${out:-json-server: no reply (see $dir/log)}" >&2
		return "${rc:-2}"
	fi
	printf '%s\n' "$out"
}

# _hr_read FILE: FILE's text in the variable _hr_text (a builtin read: no process).
_hr_read() {
	_hr_text=""
	IFS= read -r -d '' _hr_text <"$1"
	[ -n "$_hr_text" ] || {
		echo "$1: empty or unreadable" >&2
		return 2
	}
}

# update_config PYTHON [DIR]: edits DIR/config.json (default BUNDLE) in place; the statement
# sees the document as `c`, e.g.  update_config 'c["process"]["args"] = ["true"]'
update_config() {
	local code=$1 file=${2:-$BUNDLE}/config.json new
	_hr_read "$file" || return
	new=$(_hr_json edit "$code" "$_hr_text") || return
	printf '%s\n' "$new" >"$file"
}

# json_get FILE EXPR: prints the Python expression EXPR evaluated on the document `d`
# (strings as is, other values as JSON).
json_get() {
	_hr_read "$1" || return
	_hr_json get "$2" "$_hr_text"
}

# json_array ARG...: the arguments as a JSON array of strings.
json_array() {
	local a out="" sep=""
	for a in "$@"; do
		a=${a//\\/\\\\}
		a=${a//\"/\\\"}
		a=${a//$'\n'/\\n}
		a=${a//$'\t'/\\t}
		a=${a//$'\r'/\\r}
		out+="$sep\"$a\""
		sep=", "
	done
	printf '[%s]\n' "$out"
}

# json_eval EXPR: json_get of the document on stdin.
json_eval() {
	_hr_read /dev/stdin || return
	_hr_json get "$1" "$_hr_text"
}

# validate_schema SCHEMA FILE: validates FILE against HR_SCHEMA_DIR/SCHEMA (e.g.
# config-schema.json), resolving the schema's relative $refs in HR_SCHEMA_DIR; prints every
# violation and fails when there is one. A SCHEMA the schema set lacks (Debian 12's
# runtime-spec 1.0.2 has no features-schema.json) is the project's own tests/schema/SCHEMA; a
# SCHEMA in neither fails.
validate_schema() {
	local dir=$HR_SCHEMA_DIR
	[ -f "$dir/$1" ] || dir=$HR_OWN_SCHEMA_DIR
	"$HR_PYTHON" - "$dir" "$1" "$2" <<-'EOF'
		import json, os, sys
		import jsonschema
		schema_dir, schema_name, doc_path = sys.argv[1:4]
		with open(os.path.join(schema_dir, schema_name)) as f:
		    schema = json.load(f)
		with open(doc_path) as f:
		    doc = json.load(f)
		resolver = jsonschema.RefResolver("file://" + os.path.abspath(schema_dir) + "/", schema)
		validator = jsonschema.Draft4Validator(schema, resolver=resolver)
		errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
		for e in errors:
		    print("%s: %s: %s" % (doc_path, "/".join(str(p) for p in e.path) or "(root)", e.message))
		sys.exit(1 if errors else 0)
	EOF
}

# Assertions on the result of `run`: they print what was expected and what came out.
fail() {
	printf '%s\n' "$@" >&2
	printf -- '--- status: %s\n--- output:\n%s\n' "${status:-}" "${output:-}" >&2
	if [ -n "${stderr+x}" ]; then
		printf -- '--- stderr:\n%s\n' "$stderr" >&2
	fi
	return 1
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status"
}

# assert_output_contains TEXT (fixed string, in $output)
assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "expected the output to contain: $1"
}

assert_output_not_contains() {
	[[ "$output" != *"$1"* ]] || fail "expected the output not to contain: $1"
}

# assert_stderr_contains TEXT (with `run --separate-stderr`)
assert_stderr_contains() {
	[[ "$stderr" == *"$1"* ]] || fail "expected stderr to contain: $1"
}

# hr_bg ARG...: hardrun for create and run -d, whose container keeps the stdio it is given: never
# under `run` (bats would wait on the pipe); the output goes to $HR_TMP/container.log.
hr_bg() {
	hr "$@" </dev/null >>"$HR_TMP/container.log" 2>&1 ||
		fail "hardrun $* failed: $(cat "$HR_TMP/container.log")"
}

# make_bundle_running ARG...: a `spec` bundle without a terminal running ARGS.
make_bundle_running() {
	make_bundle
	update_config "c['process']['terminal'] = False; c['process']['args'] = $(json_array "$@")"
}

# assert_config_refused PYTHON MESSAGE: after update_config PYTHON, validate and run both
# refuse the bundle with MESSAGE, and run leaves nothing in the state directory.
assert_config_refused() {
	update_config "$1"
	run -1 "$HARDRUN" validate --bundle "$BUNDLE"
	assert_output_contains "$2"
	run -1 hr run --bundle "$BUNDLE" bad
	assert_output_contains "$2"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "a refused container left $(ls -A "$HR_ROOT") behind"
}

# rootfs_processes: the pids of the live processes whose root is $BUNDLE/rootfs (a container's),
# by device and inode: after pivot_root in a mount namespace of its own, a process's root
# reads as "/" through readlink.
# bash's -ef compares both by stat(2) itself: no process a pid (what a guest pays dearly).
rootfs_processes() {
	local p
	[ -d "$BUNDLE/rootfs" ] || return 0
	for p in /proc/[0-9]*; do
		[[ $p/root -ef $BUNDLE/rootfs ]] && echo "${p#/proc/}"
	done
	return 0
}

# start_notify_listener SOCKET OUT [WORD...]: binds the datagram socket SOCKET, as systemd or
# Podman would, and writes to OUT the messages it receives once they hold every WORD (READY=1
# unless named; 240 s at most: an engine under emulation is slow to start a container), in
# the background: LISTENER_PID.
start_notify_listener() {
	"$HR_PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(240)
open(sys.argv[2] + ".bound", "w").close()
words = [w.encode() for w in sys.argv[3:]] or [b"READY=1"]
got = b""
while not all(w in got for w in words):
    got += s.recv(4096) + b"\n"
with open(sys.argv[2], "wb") as f:
    f.write(got)
' "$@" </dev/null >/dev/null 2>&1 3>&- &
	LISTENER_PID=$!
	wait_until 30 test -e "$2.bound" || fail "the notify listener did not start"
}

# cgroup_dir PID: the cgroup v2 directory of a process, as the guest's root sees it.
cgroup_dir() {
	local rel
	rel=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
	[ -n "$rel" ] || return 1
	echo "/sys/fs/cgroup$rel"
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds (status 0) or
# SECONDS have passed (status 1). Waits are counted in seconds, not tries: under a guest's
# emulated CPU each try itself takes longer.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_for_line FILE REGEX: up to 30 s for a line of FILE (a detached container's output) to
# match the extended regular expression; the assertions after it say what was missing.
wait_for_line() {
	wait_until 30 grep -qsE "$2" "$1" || true
}

# wait_ready FILE: up to 30 s for the line "ready" in FILE, which a process writes once its
# trap is set: a signal sent before that would be lost (an init ignores what it has no handler
# for).
wait_ready() {
	wait_until 30 grep -qsx ready "$1" || fail "no ready in $1 within 30 s: $(cat "$1")"
}

# gone PID: no process PID (or one this shell cannot signal)
gone() {
	! kill -0 "$1" 2>/dev/null
}

# wait_exit PID: up to 30 s for a process to end; status 1 if it still runs.
wait_exit() {
	wait_until 30 gone "$1"
}

# wait_socket PATH: up to 30 s for a helper started in the background to bind its unix socket;
# a helper that never does fails the test here, not as a confusing connect error later.
wait_socket() {
	wait_until 30 test -S "$1" || fail "nothing bound $1 within 30 s"
}

# assert_line_matches REGEX: some line of $output matches the extended regular expression.
assert_line_matches() {
	local line
	for line in "${lines[@]}"; do
		[[ "$line" =~ $1 ]] && return 0
	done
	fail "expected a line matching: $1"
}
