#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line through the real binary: global options, help, usage errors, exit statuses,
# the JSON log, and the documents `validate` and `features` print.

load lib

# A valid Linux config with a rootfs next to it, in BUNDLE.
write_good_bundle() {
	mkdir -p "$BUNDLE/rootfs"
	cat >"$BUNDLE/config.json" <<-'EOF'
		{
			"ociVersion": "1.3.0",
			"root": {"path": "rootfs"},
			"process": {
				"cwd": "/",
				"args": ["sh"],
				"user": {"uid": 0, "gid": 0},
				"env": ["PATH=/bin:/usr/bin"]
			},
			"hostname": "cli-test",
			"linux": {
				"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}]
			}
		}
	EOF
}

@test "--version prints the version, commit, spec and feature lines" {
	for opt in --version -v; do
		run -0 "$HARDRUN" "$opt"
		assert_line_matches '^hardrun version [0-9]+\.[0-9]+\.[0-9]+$'
		assert_line_matches '^commit: [0-9a-z]+(-dirty)?$'
		assert_line_matches '^spec: 1\.[0-9]+\.[0-9]+'
		assert_line_matches '^\+SECCOMP( [+-][A-Z0-9]+)*$'
	done
}

@test "--help lists every command" {
	run -0 "$HARDRUN" --help
	assert_output_contains "Usage: hardrun [GLOBAL OPTIONS] COMMAND"
	for cmd in spec validate features; do
		assert_line_matches "^  $cmd +[a-z]"
	done
	assert_line_matches '^  help \[CMD\] +[a-z]'
	run -0 "$HARDRUN" help
	assert_line_matches '^  validate +'
}

@test "no command prints the usage on stderr and exits 2" {
	run -2 --separate-stderr "$HARDRUN"
	[ -z "$output" ] || fail "expected nothing on stdout"
	assert_stderr_contains "Usage: hardrun"
}

@test "help CMD and CMD --help print the command's usage" {
	for cmd in spec validate features; do
		run -0 "$HARDRUN" help "$cmd"
		assert_output_contains "Usage: hardrun $cmd"
		help_text=$output
		run -0 "$HARDRUN" "$cmd" --help
		[ "$output" = "$help_text" ] || fail "'$cmd --help' differs from 'help $cmd'"
		run -0 "$HARDRUN" "$cmd" -h
		assert_output_contains "Usage: hardrun $cmd"
	done
}

@test "an unknown command exits 2 with 'unknown command'" {
	run -2 --separate-stderr "$HARDRUN" frobnicate
	assert_stderr_contains "unknown command frobnicate"
	run -2 --separate-stderr "$HARDRUN" help frobnicate
	assert_stderr_contains "unknown command frobnicate"
}

@test "an unknown option exits 2 with 'unknown option'" {
	run -2 --separate-stderr "$HARDRUN" validate --frobnicate
	assert_stderr_contains "hardrun validate: unknown option --frobnicate"
	assert_stderr_contains "Run 'hardrun validate --help' for usage."
	run -2 --separate-stderr "$HARDRUN" features -x
	assert_stderr_contains "unknown option -x"
	run -2 --separate-stderr "$HARDRUN" --frobnicate features
	assert_stderr_contains "unknown global option --frobnicate"
}

@test "an option without its value, or an extra argument, exits 2" {
	run -2 --separate-stderr "$HARDRUN" validate --config
	assert_stderr_contains "option --config needs a value"
	run -2 --separate-stderr "$HARDRUN" --log
	assert_stderr_contains "option needs a value: --log"
	run -2 --separate-stderr "$HARDRUN" features extra
	assert_stderr_contains "unexpected argument"
	run -2 --separate-stderr "$HARDRUN" validate --bundle "$BUNDLE" --config "$BUNDLE/config.json"
	assert_stderr_contains "exclusive"
}

@test "--root takes an absolute path, as --root=DIR or --root DIR" {
	run -0 "$HARDRUN" --root=/x features
	assert_output_contains '"ociVersionMax"'
	run -0 "$HARDRUN" --root /x features
	assert_output_contains '"ociVersionMax"'
	run -2 --separate-stderr "$HARDRUN" --root relative features
	assert_stderr_contains "--root must be an absolute path: relative"
	[ -z "$output" ] || fail "a rejected command must print nothing on stdout"
}

@test "--log-format and --cgroup-manager reject unknown values" {
	run -2 --separate-stderr "$HARDRUN" --log-format xml features
	assert_stderr_contains "unknown --log-format (text or json): xml"
	run -2 --separate-stderr "$HARDRUN" --cgroup-manager bogus features
	assert_stderr_contains "unknown --cgroup-manager (cgroupfs, systemd or disabled): bogus"
	for m in cgroupfs systemd disabled; do
		run -0 "$HARDRUN" --cgroup-manager "$m" --log-format json features
	done
	run -0 "$HARDRUN" --systemd-cgroup --log-format text features
}

@test "validate prints ok for a valid config" {
	write_good_bundle
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	[ "$output" = "ok" ] || fail "expected exactly 'ok'"
	run -0 "$HARDRUN" validate --config "$BUNDLE/config.json"
	[ "$output" = "ok" ] || fail "expected exactly 'ok'"
	cd "$BUNDLE"
	run -0 "$HARDRUN" validate
	[ "$output" = "ok" ] || fail "expected exactly 'ok' for ./config.json"
}

@test "validate reports every problem with its JSON path and exits 1" {
	write_good_bundle
	update_config 'c["process"]["user"]["uid"] = -1; c["mounts"] = [{"destination": "relative/dir", "type": "tmpfs", "source": "tmpfs"}]'
	run -1 --separate-stderr "$HARDRUN" validate --bundle "$BUNDLE"
	[ -z "$output" ] || fail "expected nothing on stdout"
	[[ "$stderr" == *process.user.uid* ]] || fail "expected the path process.user.uid"
	[[ "$stderr" == *"mounts[0].destination"* ]] || fail "expected the path mounts[0].destination"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -ge 2 ] || fail "expected one line per problem"
}

@test "validate of a missing or malformed file names the file and exits 1" {
	run -1 --separate-stderr "$HARDRUN" validate --config "$HR_TMP/nonexistent.json"
	assert_stderr_contains "nonexistent.json"
	printf '{"ociVersion": "1.0.0",\n  "root": }\n' >"$HR_TMP/malformed.json"
	run -1 --separate-stderr "$HARDRUN" validate --config "$HR_TMP/malformed.json"
	assert_stderr_contains "malformed.json: line 2, column"
	printf '{"ociVersion": "1.0.0",\n  "root": ' >"$HR_TMP/truncated.json"
	run -1 --separate-stderr "$HARDRUN" validate --config "$HR_TMP/truncated.json"
	assert_stderr_contains "truncated.json: "
}

@test "--log FILE --log-format json appends one JSON line per error" {
	local log=$HR_TMP/hardrun.log dir=$HR_TMP/gone
	# `spec` writes config.json in its working directory: make that directory vanish so that
	# the command fails through the error path that main reports.
	mkdir "$dir"
	cd "$dir"
	rmdir "$dir"
	run -1 --separate-stderr "$HARDRUN" --log "$log" --log-format json spec
	assert_stderr_contains "hardrun: "
	[ -f "$log" ] || fail "no log file written"
	[ "$(wc -l <"$log")" -eq 1 ] || fail "expected exactly one log line, got:" "$(cat "$log")"
	cd "$HR_TMP"
	run -0 "$HR_PYTHON" -c '
import json, re, sys
with open(sys.argv[1]) as f:
    line = f.read()
assert line.endswith("\n"), "the line must end with a newline"
entry = json.loads(line)
assert sorted(entry) == ["level", "msg", "time"], "keys: %r" % sorted(entry)
assert entry["level"] == "error", entry["level"]
assert isinstance(entry["msg"], str) and entry["msg"], "empty msg"
rfc3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
assert re.match(rfc3339, entry["time"]), "time is not RFC 3339: %r" % entry["time"]
print(entry["msg"])
' "$log"
	# The log carries the same message as stderr.
	local msg=$output
	assert_stderr_contains "$msg"

	# A second error appends, it does not truncate.
	cd "$HR_TMP"
	mkdir "$dir"
	cd "$dir"
	rmdir "$dir"
	run -1 "$HARDRUN" --log "$log" --log-format json spec
	cd "$HR_TMP"
	[ "$(wc -l <"$log")" -eq 2 ] || fail "expected two log lines, got:" "$(cat "$log")"
}

@test "--log FILE in a missing directory is an error" {
	run -1 --separate-stderr "$HARDRUN" --log "$HR_TMP/no/such/dir/log" features
	assert_stderr_contains "open log file $HR_TMP/no/such/dir/log"
	[ -z "$output" ] || fail "the command must not run"
}

@test "features prints a document valid against features-schema.json" {
	run -0 --separate-stderr "$HARDRUN" features
	printf '%s\n' "$output" >"$HR_TMP/features.json"
	run validate_schema features-schema.json "$HR_TMP/features.json"
	assert_status 0
	run -0 json_get "$HR_TMP/features.json" 'd["ociVersionMin"] + " " + d["ociVersionMax"]'
	[ "$output" = "1.0.0 1.3.0" ] || fail "unexpected ociVersionMin/Max"
	run -0 json_get "$HR_TMP/features.json" '" ".join(sorted(d["linux"]["namespaces"]))'
	[ "$output" = "cgroup ipc mount network pid time user uts" ] || fail "unexpected namespaces"
	run -0 json_get "$HR_TMP/features.json" '" ".join(d["hooks"])'
	[ "$output" = "prestart createRuntime createContainer startContainer poststart poststop" ] ||
		fail "unexpected hooks"
	run -0 json_get "$HR_TMP/features.json" '"CAP_SYS_ADMIN" in d["linux"]["capabilities"] and "SCMP_ACT_ALLOW" in d["linux"]["seccomp"]["actions"] and d["linux"]["cgroup"]["v2"] and not d["linux"]["cgroup"]["v1"]'
	[ "$output" = "true" ] || fail "capabilities, seccomp actions or cgroup wrong"
	run -0 json_get "$HR_TMP/features.json" 'd["annotations"]["org.hardrun.version"]'
	version=$output
	run -0 "$HARDRUN" --version
	assert_output_contains "hardrun version $version"
}

@test "features: the libseccomp version annotation is the library's" {
	run -0 "$HARDRUN" features
	printf '%s\n' "$output" >"$HR_TMP/features.json"
	run -0 json_get "$HR_TMP/features.json" 'd["annotations"]["io.github.seccomp.libseccomp.version"]'
	scmp=$output
	[[ "$scmp" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "not a version: $scmp"
	run -0 "$HARDRUN" --version
	assert_output_contains "libseccomp: $scmp"
}

# The systemd cgroup manager speaks D-Bus itself (dbus.c): no libsystemd linked or loaded. In a
# mount namespace of the test's own, libsystemd is covered by an empty file, /run is a tmpfs with
# /run/systemd/system (so the manager goes on to the bus), the unified cgroup hierarchy is bound
# read-only at /sys/fs/cgroup, and the system bus is a dbus-daemon of the test's with no
# services: hardrun's StartTransientUnit reaches it and gets the daemon's error back, and the
# container is gone with it.
@test "systemd cgroup manager: D-Bus spoken by hardrun itself, no libsystemd" {
	run -0 readelf -d "$HARDRUN"
	[[ $output != *libsystemd* ]] || fail "hardrun links libsystemd: $(grep NEEDED <<<"$output")"
	make_bundle_running true
	printf '%s\n' '<busconfig><type>system</type>' \
		"<listen>unix:path=$HR_TMP/bus</listen><auth>EXTERNAL</auth>" \
		'<policy context="default"><allow user="*"/><allow own="*"/>' \
		'<allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>' \
		'</policy></busconfig>' >"$HR_TMP/bus.conf"
	local lib
	lib=$(readlink -f "$(/sbin/ldconfig -p | awk '/libsystemd\.so\.0 .*x86-64/ { print $NF; exit }')")
	run -0 unshare --mount --propagation private sh -c '
		mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system || exit 9
		if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
			mount --bind -o ro /sys/fs/cgroup/unified /sys/fs/cgroup || exit 9
		else
			mount --bind -o ro /sys/fs/cgroup /sys/fs/cgroup || exit 9
		fi
		# the daemon links libsystemd: started before it is hidden
		dbus-daemon --config-file="$5.conf" --nofork --nopidfile </dev/null >/dev/null \
			2>"$5.log" 3>&- &
		daemon=$!
		for _ in $(seq 600); do [ -S "$5" ] && break; sleep 0.05; done
		[ -S "$5" ] || { echo "the test bus did not start"; cat "$5.log"; exit 9; }
		[ -f "$1" ] && { mount --bind /dev/null "$1" || exit 9; }
		DBUS_SYSTEM_BUS_ADDRESS=unix:path=$5 "$2" --root "$3" --cgroup-manager systemd \
			run --bundle "$4" sd-bus
		echo "systemd: $?"
		"$2" --root "$3" state sd-bus
		kill $daemon || cat "$5.log"
		wait $daemon
		exit 0' _ "$lib" "$HARDRUN" "$HR_ROOT" "$BUNDLE" "$HR_TMP/bus"
	assert_output_contains "systemd: start transient unit hardrun-sd-bus.scope in system.slice"
	assert_output_contains "org.freedesktop.systemd1"
	assert_output_contains "systemd: 1"
	assert_output_contains "container sd-bus does not exist"
}
