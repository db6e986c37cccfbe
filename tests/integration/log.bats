#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun's own log: JSON lines as containerd reads them, rotation at 10 MiB keeping 3 files,
# and no secret (process.env values, secret-looking annotations) in any line or error, while
# the container ID stays readable.
# hr-guest: host only (hardrun's own log lines; the cgroup manager adds none)

load lib

SECRET=planted-secret-value-4711

make_secret_bundle() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production >/dev/null
	# the secret is also the name of the (missing) program: the error about it must not show it
	update_config "
c['process']['args'] = ['$SECRET']
c['process']['env'] += ['API_TOKEN=$SECRET', 'DB_PASSWORD=another-$SECRET']
c.setdefault('annotations', {})['org.example.api-key'] = 'annot-$SECRET'"
}

@test "an error goes to the --log file as one JSON line with an RFC 3339 time" {
	make_secret_bundle
	run -1 --separate-stderr hr --log "$HR_TMP/log.json" --log-format json run --bundle "$BUNDLE" lj
	assert_stderr_contains 'executable file not found in $PATH'
	run "$HR_PYTHON" - "$HR_TMP/log.json" <<-'EOF'
		import json, re, sys
		lines = [json.loads(l) for l in open(sys.argv[1])]
		errors = [l for l in lines if l["level"] == "error"]
		assert len(errors) == 1, lines
		e = errors[0]
		assert set(e) == {"level", "msg", "time"}, e
		assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", e["time"]), e["time"]
		assert "executable file not found" in e["msg"], e["msg"]
		print("ok")
	EOF
	assert_output_contains ok
}

@test "no secret reaches a log line or an error message" {
	make_secret_bundle
	run -1 --separate-stderr hr --debug --log "$HR_TMP/log.json" --log-format json \
		run --bundle "$BUNDLE" sec
	assert_stderr_contains '[REDACTED]'
	! grep -r "$SECRET" "$HR_TMP/log.json" || fail "the secret is in the log file"
	[[ "$stderr$output" != *"$SECRET"* ]] || fail "the secret is in the command's output"
	run -1 --separate-stderr hr --log "$HR_TMP/log.txt" --log-format text run --bundle "$BUNDLE" sec2
	! grep -r "$SECRET" "$HR_TMP/log.txt" || fail "the secret is in the text log"
	[[ "$stderr" != *"$SECRET"* ]] || fail "the secret is on stderr"
	# a bad env entry is reported by index, never by content
	update_config "c['process']['env'] += ['$SECRET-without-equals']"
	run -1 --separate-stderr hr validate --bundle "$BUNDLE"
	assert_stderr_contains 'process.env['
	[[ "$stderr" != *"$SECRET"* ]] || fail "validate printed the env entry"
}

@test "the container ID stays intact with Docker's HOSTNAME, a secret is still redacted" {
	# a Docker container ID: Docker sets HOSTNAME to its first 12 characters
	local id=d3f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789abcd
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production >/dev/null
	# the token is the name of the (missing) program: the error names it and the ID
	update_config "
c['process']['args'] = ['$SECRET']
c['process']['env'] += ['HOSTNAME=${id:0:12}', 'API_TOKEN=$SECRET']"
	run -1 --separate-stderr hr --log "$HR_TMP/log.json" --log-format json run --bundle "$BUNDLE" "$id"
	assert_stderr_contains "create container $id: exec: \"[REDACTED]\": executable file not found"
	run "$HR_PYTHON" - "$HR_TMP/log.json" "$id" "$SECRET" <<-'EOF'
		import json, sys
		path, cid, secret = sys.argv[1:]
		text = open(path).read()
		assert secret not in text, "the token is in the log"
		lines = [json.loads(l) for l in text.splitlines()]
		errors = [l["msg"] for l in lines if l["level"] == "error"]
		want = 'create container %s: exec: "[REDACTED]": executable file not found in $PATH' % cid
		assert errors == [want], errors
		print("ok")
	EOF
	assert_output_contains ok
}

@test "the log rotates at 10 MiB and keeps 3 older files" {
	log=$HR_TMP/rot.log
	for round in 1 2 3 4; do
		head -c $((10 * 1024 * 1024 - 20)) /dev/zero | tr '\0' 'x' >"$log"
		echo "round-$round" >>"$log"
		run -1 hr --log "$log" --log-format json state nosuch
	done
	[ -f "$log" ] && [ -f "$log.1" ] && [ -f "$log.2" ] && [ -f "$log.3" ] || fail "missing files: $(ls "$HR_TMP")"
	[ ! -e "$log.4" ] || fail "more than 3 old files kept"
	grep -q round-4 "$log.1" || fail "$log.1 should hold the newest rotated content"
	grep -q round-2 "$log.3" || fail "$log.3 should hold the oldest kept content"
	[ "$(wc -l <"$log")" -eq 1 ] || fail "the new log should hold just the new line"
	grep -q '"level":"error"' "$log" || fail "the error line is missing"
}
