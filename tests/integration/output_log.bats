#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# run --output-log: the container's stdout and stderr (or its terminal's output) as Docker
# json-file lines in its state directory, still relayed in the foreground; values of its
# secret-looking variables (spec --env-file among them) redacted; rotation; run -d's logger,
# which holds nothing of the caller's; delete --keep-logs DIR for an incident review.

load lib

SECRET=planted-secret-4711

# assert_line TEXT: one line of $output is exactly TEXT.
assert_line() {
	local line
	while IFS= read -r line; do
		[ "$line" = "$1" ] && return 0
	done <<<"$output"
	fail "no line '$1' in: $output"
}

# A production bundle running ARGS, with API_TOKEN from an --env-file.
make_logged_bundle() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	printf 'API_TOKEN=%s\nGREETING=hello-world\n' "$SECRET" >"$HR_TMP/app.env"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production --env-file "$HR_TMP/app.env" >/dev/null
	update_config "c['process']['args'] = $(json_array "$@")"
}

# check_records FILE: every line is one {"log","stream","time"} object with an RFC 3339 time;
# prints stream:log of each.
check_records() {
	"$HR_PYTHON" - "$1" <<-'EOF'
		import json, re, sys
		for line in open(sys.argv[1], encoding="utf-8"):
		    r = json.loads(line)
		    assert list(r) == ["log", "stream", "time"], r
		    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", r["time"]), r
		    print("%s:%s" % (r["stream"], json.dumps(r["log"])))
	EOF
}

@test "run --output-log: JSON lines of both streams, still relayed, the secret redacted in the log only" {
	make_logged_bundle sh -c 'echo "out $API_TOKEN $GREETING"; echo "to stderr" >&2; ls -l /proc/self/fd/1 /proc/self/fd/2; printf "no newline"'
	run -0 --separate-stderr hr run --output-log --keep --bundle "$BUNDLE" ol1
	# relayed as the container wrote it: the process is the one that printed its own secret
	assert_line "out $SECRET hello-world"
	assert_stderr_contains "to stderr"
	# its stdout and stderr are pipes now (the log's), not the caller's files
	[[ "$output" == *"/proc/self/fd/1 -> pipe:"* && "$output" == *"/proc/self/fd/2 -> pipe:"* ]] ||
		fail "stdout/stderr: $output"
	run -0 check_records "$HR_ROOT/ol1/output.log"
	assert_line 'stdout:"out [REDACTED] hello-world\n"'
	assert_line 'stderr:"to stderr\n"'
	assert_line 'stdout:"no newline"'
	! grep -q "$SECRET" "$HR_ROOT/ol1/output.log" || fail "the secret is in the log"
	[ "$(stat -c %a "$HR_ROOT/ol1/output.log")" = 600 ] || fail "mode $(stat -c %a "$HR_ROOT/ol1/output.log")"
	run -0 hr delete ol1
	[ ! -e "$HR_ROOT/ol1" ] || fail "delete left the state directory"
}

@test "a terminal's output is logged as stdout while it is relayed" {
	make_logged_bundle sh -c 'tty; echo "tty $API_TOKEN"'
	update_config "c['process']['terminal'] = True"
	hr run --output-log --keep --bundle "$BUNDLE" ol2 </dev/null >"$HR_TMP/ol2.out" 2>&1 ||
		fail "run: $(cat "$HR_TMP/ol2.out")"
	grep -q "^/dev/pts/" "$HR_TMP/ol2.out" || fail "not relayed: $(cat "$HR_TMP/ol2.out")"
	run -0 check_records "$HR_ROOT/ol2/output.log"
	# a terminal ends its lines with \r\n
	assert_line 'stdout:"tty [REDACTED]\r\n"'
	assert_output_contains 'stdout:"/dev/pts/'
	hr delete ol2
}

@test "the log rotates at --output-log-size, keeping --output-log-files files" {
	# 4,000 lines of 128 bytes: about 1.3 MB of records, past four files of 256 KiB
	make_logged_bundle sh -c 'i=0; while [ $i -lt 4000 ]; do printf "%05d %0121d\n" $i 0; i=$((i + 1)); done'
	hr run --output-log --output-log-size 256K --output-log-files 3 --keep --bundle "$BUNDLE" ol3 >/dev/null
	for f in output.log output.log.1 output.log.2; do
		size=$(stat -c %s "$HR_ROOT/ol3/$f") || fail "$f is missing"
		[ "$size" -le 262144 ] && [ "$size" -gt 0 ] || fail "$f has $size bytes"
	done
	[ ! -e "$HR_ROOT/ol3/output.log.3" ] || fail "a fourth file is kept"
	# the newest line last in the current file; the oldest ones dropped; none twice
	tail -n 1 "$HR_ROOT/ol3/output.log" | grep -q '"log":"03999 ' || fail "last: $(tail -n 1 "$HR_ROOT/ol3/output.log")"
	! grep -q '"log":"00000 ' "$HR_ROOT/ol3"/output.log* || fail "the oldest line was kept"
	run -0 sh -c "cat '$HR_ROOT/ol3/output.log.2' '$HR_ROOT/ol3/output.log.1' '$HR_ROOT/ol3/output.log' | grep -o '\"log\":\"[0-9]*' | uniq -d"
	[ -z "$output" ] || fail "lines twice: $output"
	hr delete ol3
}

@test "run -d --output-log: a pump of its own writes it, holding none of the caller's descriptors" {
	make_logged_bundle sh -c 'echo started; read x; echo "after $API_TOKEN"; sleep 1000'
	update_config "c['process']['terminal'] = False"
	# bats' run reads our stdout until every holder closes it: a logger holding it would hang
	run -0 hr run -d --output-log --bundle "$BUNDLE" ol4 </dev/null
	pid=$(hr state ol4 | json_eval "d['pid']")
	for i in $(seq 50); do grep -q started "$HR_ROOT/ol4/output.log" 2>/dev/null && break; sleep 0.1; done
	run -0 check_records "$HR_ROOT/ol4/output.log"
	assert_line 'stdout:"started\n"'
	# the pump: not in the container, no terminal, only its pipes, the log and its lock
	logger=$(pgrep -f -x "$HARDRUN --root $HR_ROOT --cgroup-manager ${HR_CGROUP_MANAGER:-disabled} run -d --output-log --bundle $BUNDLE ol4") ||
		fail "no logger process"
	for fd in /proc/$logger/fd/*; do
		target=$(readlink "$fd")
		case ${fd##*/}:$target in
		0:/dev/null | 1:/dev/null | 2:/dev/null | *:pipe:* | *:"$HR_ROOT/ol4" | *:"$HR_ROOT/ol4/output.log" | *:"$HR_ROOT/ol4/output.lock") ;;
		*) fail "the logger holds fd ${fd##*/} -> $target" ;;
		esac
	done
	hr kill ol4 KILL
	wait_exit "$logger" || fail "the logger outlived the container's output"
	hr delete ol4
}

@test "delete --keep-logs DIR keeps the output log and the health results; an existing DIR/ID keeps the container" {
	make_logged_bundle sh -c 'echo "kept $API_TOKEN"; sleep 1000'
	update_config "c['process']['terminal'] = False"
	hr_bg run -d --output-log --bundle "$BUNDLE" ol5
	for i in $(seq 50); do grep -q kept "$HR_ROOT/ol5/output.log" 2>/dev/null && break; sleep 0.1; done
	# DIR/ID exists: nothing is overwritten and the container stays, stopped
	mkdir -p "$HR_TMP/incident/ol5"
	run -1 hr delete --force --keep-logs "$HR_TMP/incident" ol5
	assert_output_contains "its logs could not be kept, so it stays"
	assert_output_contains "$HR_TMP/incident/ol5"
	[ "$(hr state ol5 | json_eval "d['status']")" = stopped ] || fail "the container is gone"
	rmdir "$HR_TMP/incident/ol5"
	run -0 hr delete --keep-logs "$HR_TMP/incident" ol5
	[ ! -e "$HR_ROOT/ol5" ] || fail "the container stayed"
	[ "$(stat -c %a "$HR_TMP/incident/ol5")" = 700 ] || fail "DIR/ID mode"
	run -0 check_records "$HR_TMP/incident/ol5/output.log"
	assert_line 'stdout:"kept [REDACTED]\n"'
	# the production profile's health settings (no check ran: no results)
	run -0 json_eval "d['interval'], d['retries']" <"$HR_TMP/incident/ol5/health.json"
	[ "$output" = "('30s', '3')" ] || [ "$output" = '["30s", "3"]' ] || fail "health.json: $output"
}

@test "a foreground run's --keep-logs keeps what its own delete would remove" {
	make_logged_bundle sh -c 'echo "bye"'
	run -0 hr run --output-log --keep-logs "$HR_TMP/kept" --bundle "$BUNDLE" ol6
	[ ! -e "$HR_ROOT/ol6" ] || fail "the container stayed"
	run -0 check_records "$HR_TMP/kept/ol6/output.log"
	assert_line 'stdout:"bye\n"'
}

@test "output before start (a startContainer hook's 300 KB) never blocks: the log is read from create on" {
	make_logged_bundle echo main
	update_config "c['hooks'] = {'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'head -c 300000 /dev/zero | tr \"\\\\0\" x; echo']}]}"
	# a pipe holds 64 KiB: without a reader from create on, start would wait forever
	timeout 60 "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled run --output-log --keep \
		--bundle "$BUNDLE" ol7 >"$HR_TMP/ol7.out" 2>&1 || fail "run: $(tail -c 300 "$HR_TMP/ol7.out")"
	run -0 check_records "$HR_ROOT/ol7/output.log"
	assert_line 'stdout:"main\n"'
	run -0 sh -c "grep -o x '$HR_ROOT/ol7/output.log' | wc -l"
	[ "$output" = 300000 ] || fail "x logged: $output"
	hr delete ol7
}

@test "a process that cannot be executed: why is on our stderr and in the kept log" {
	# it passes create's checks (a file, executable) and fails in execve: its interpreter
	make_logged_bundle /bin/bad-interpreter
	printf '#!/no/such/interpreter\n' >"$BUNDLE/rootfs/bin/bad-interpreter"
	chmod 0755 "$BUNDLE/rootfs/bin/bad-interpreter"
	run -1 --separate-stderr hr run --output-log --keep-logs "$HR_TMP/kept" --bundle "$BUNDLE" ol8
	assert_stderr_contains "could not be executed"
	assert_stderr_contains "/bin/bad-interpreter"
	[ ! -e "$HR_ROOT/ol8" ] || fail "the container stayed"
	run -0 check_records "$HR_TMP/kept/ol8/output.log"
	assert_output_contains 'stderr:"hardrun: '
	assert_output_contains '/bin/bad-interpreter'
}

@test "output log options that cannot work are refused before anything is created" {
	make_logged_bundle true
	run -2 hr run --output-log-size 1M --bundle "$BUNDLE" bad1
	assert_output_contains "need --output-log"
	run -2 hr run --output-log --output-log-size 1K --bundle "$BUNDLE" bad2
	assert_output_contains "--output-log-size: expected a size of 256K or more"
	run -2 hr run --output-log --output-log-files 0 --bundle "$BUNDLE" bad3
	assert_output_contains "--output-log-files: expected 1..100"
	run -2 hr run -d --keep-logs "$HR_TMP/k" --bundle "$BUNDLE" bad4
	assert_output_contains "--keep-logs is for the delete of a foreground run"
	update_config "c['process']['terminal'] = True"
	run -1 hr run -d --output-log --console-socket "$HR_TMP/none.sock" --bundle "$BUNDLE" bad5
	assert_output_contains "the terminal goes to the console socket"
	# (the compiled-filter cache, a dot file, is the root's own)
	[ -z "$(ls "$HR_ROOT")" ] || fail "left behind: $(ls "$HR_ROOT")"
}
