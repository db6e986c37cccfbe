#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Health checks of a foreground `hardrun run`: run inside like exec, status in the state's
# annotations and in the log, --health-on-unhealthy kill, and checks carried by the bundle.

load lib

# make_production_bundle_running ARG...: a production-profile bundle running ARGS.
make_production_bundle_running() {
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --bundle "$BUNDLE" --profile production >/dev/null
	local args_json
	args_json=$(json_array "$@")
	update_config "c['process']['args'] = $args_json"
}

# run_bg ID ARGS...: a foreground run in the background; its status lands in $HR_TMP/ID.status
run_bg() {
	local id=$1
	shift
	(
		set +e
		"$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled --log "$HR_TMP/$id.log" \
			--log-format json run --bundle "$BUNDLE" "$@" "$id" >"$HR_TMP/$id.out" 2>&1
		echo $? >"$HR_TMP/$id.status"
	) &
	# bats' own timeout runs in the background too: wait for this pid, never for all jobs
	RUN_BG_PID=$!
}

annotation() {
	hr state "$1" 2>/dev/null |
		json_eval "d.get('annotations', {}).get('org.hardrun.health.$2', '')"
}

# wait_annotation ID KEY VALUE: up to 60 s (a deadline, not a count of polls: under emulation
# one poll takes a second).
wait_annotation() {
	local id=$1 key=$2 want=$3 deadline=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$deadline" ]; do
		[ "$(annotation "$id" "$key")" = "$want" ] && return 0
		sleep 0.1
	done
	fail "health $key of $id is '$(annotation "$id" "$key")', expected '$want'"
}

@test "a passing check makes the container healthy; it runs with the container's privilege drop" {
	make_production_bundle_running sh -c 'touch /tmp/ready; sleep 1000'
	run_bg h1 --health-cmd 'test -f /tmp/ready && grep -E "^(Uid|NoNewPrivs|Seccomp):" /proc/self/status' \
		--health-interval 300ms --health-start-period 0s
	wait_annotation h1 status healthy
	[ "$(annotation h1 failing-streak)" = 0 ] || fail "streak should be 0"
	last=$(annotation h1 last-output)
	[[ "$last" == *"1001"* && "$last" == *"NoNewPrivs: 1"* && "$last" == *"Seccomp: 2"* ]] ||
		fail "the check did not run as the container's process: $last"
	hr kill h1 KILL
	wait "$RUN_BG_PID"
	grep -q 'h1 is healthy' "$HR_TMP/h1.log" || fail "no log line: $(cat "$HR_TMP/h1.log")"
}

@test "state shows the check in force, not the bundle's, and the last result's time and exit code" {
	make_production_bundle_running sleep 1000
	run -0 json_eval "d['annotations']['org.hardrun.health.interval']" <"$BUNDLE/config.json"
	[ "$output" = 30s ] || fail "the profile's bundle should carry its own interval: $output"
	local before
	before=$(date -u +%s)
	run_bg h5 --health-cmd 'echo probing; exit 3' --health-interval 300ms --health-timeout 1500ms \
		--health-start-period 0s --health-retries 50
	wait_annotation h5 last-exit-code 3
	# the command line's check, which replaced the bundle's, is what the state shows
	[ "$(annotation h5 cmd)" = 'echo probing; exit 3' ] || fail "cmd: $(annotation h5 cmd)"
	[ "$(annotation h5 interval)" = 300ms ] || fail "interval: $(annotation h5 interval)"
	[ "$(annotation h5 timeout)" = 1500ms ] || fail "timeout: $(annotation h5 timeout)"
	[ "$(annotation h5 start-period)" = 0s ] || fail "start-period: $(annotation h5 start-period)"
	[ "$(annotation h5 retries)" = 50 ] || fail "retries: $(annotation h5 retries)"
	[ "$(annotation h5 on-unhealthy)" = none ] || fail "on-unhealthy: $(annotation h5 on-unhealthy)"
	[ "$(annotation h5 status)" = starting ] || fail "status: $(annotation h5 status)"
	[ "$(annotation h5 last-output)" = probing ] || fail "last-output: $(annotation h5 last-output)"
	# when the last check ended: RFC 3339 UTC, between the run and now
	local last when
	last=$(annotation h5 last-time)
	[[ $last =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]] ||
		fail "last-time is not RFC 3339 UTC: $last"
	when=$(date -u -d "$last" +%s)
	[ "$when" -ge "$before" ] && [ "$when" -le "$(date -u +%s)" ] ||
		fail "last-time $last is not between the run and now"
	hr kill h5 KILL
	wait "$RUN_BG_PID"
}

@test "failing checks make it unhealthy and --health-on-unhealthy kill stops it" {
	make_production_bundle_running sleep 1000
	run_bg h2 --health-cmd 'echo broken-check; exit 1' --health-interval 200ms \
		--health-retries 2 --health-start-period 0s --health-on-unhealthy kill
	for i in $(seq 150); do [ -f "$HR_TMP/h2.status" ] && break; sleep 0.1; done
	[ "$(cat "$HR_TMP/h2.status")" = 137 ] || fail "expected 137, got $(cat "$HR_TMP/h2.status" 2>&1): $(cat "$HR_TMP/h2.out")"
	grep -q 'h2 is unhealthy (failing streak 2)' "$HR_TMP/h2.log" || fail "log: $(cat "$HR_TMP/h2.log")"
}

@test "the start period does not count failures; a bundle carries its own check" {
	make_production_bundle_running sleep 1000
	update_config "c.setdefault('annotations', {}).update({
		'org.hardrun.health.cmd': 'echo not-yet; exit 3',
		'org.hardrun.health.interval': '200ms',
		'org.hardrun.health.retries': '3',
		'org.hardrun.health.start-period': '10s'})"
	run_bg h3
	wait_annotation h3 status starting
	sleep 0.5
	# one read of the state: under emulation (tests/vm) two reads can straddle the period's end;
	# the period is long enough for a guest that shares its core with other work (CI)
	both=$(hr state h3 | json_eval "d['annotations']['org.hardrun.health.status'] + ' ' + d['annotations']['org.hardrun.health.failing-streak']")
	[ "$both" = "starting 0" ] || fail "in the start period, status and streak: $both"
	wait_annotation h3 status unhealthy
	[ "$(annotation h3 last-output)" = not-yet ] || fail "last output: $(annotation h3 last-output)"
	hr kill h3 KILL
	wait "$RUN_BG_PID"
}

@test "checks keep running while run relays the container's terminal" {
	make_production_bundle_running sh -c 'echo tty-says-hello; sleep 1000'
	update_config "c['process']['terminal'] = True"
	run_bg h4 --health-cmd 'tty; test -t 0 || echo check-has-no-tty' --health-interval 200ms \
		--health-start-period 0s </dev/null
	wait_annotation h4 status healthy
	# the check gets no terminal of its own: its output is captured (lines joined), not relayed
	[ "$(annotation h4 last-output)" = "not a tty check-has-no-tty" ] || fail "last output: $(annotation h4 last-output)"
	hr kill h4 KILL
	wait "$RUN_BG_PID"
	grep -q 'tty-says-hello' "$HR_TMP/h4.out" || fail "the terminal was not relayed: $(cat "$HR_TMP/h4.out")"
	grep -q 'h4 is healthy' "$HR_TMP/h4.log" || fail "no log line: $(cat "$HR_TMP/h4.log")"
}

# count_procs WORDS: processes whose command line is WORDS (arguments joined by spaces)
count_procs() {
	local f n=0 cmd
	for f in /proc/[0-9]*/cmdline; do
		cmd=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
		[ "$cmd" = "$1 " ] && n=$((n + 1))
	done
	echo "$n"
}

@test "a check that outlives its timeout fails, and its command inside the container is stopped" {
	make_production_bundle_running sleep 1000
	# one check at 5 s, timed out at 7 s; the next would start at 12 s
	run_bg h5 --health-cmd 'exec sleep 4242' --health-timeout 2s --health-interval 5s \
		--health-retries 1 --health-start-period 0s
	wait_annotation h5 status unhealthy
	# counted first: the next check starts 5 s after this one ended
	local checks_left containers
	checks_left=$(count_procs 'sleep 4242')
	containers=$(count_procs 'sleep 1000')
	# the check's TERM was forwarded to the command, which ran in the container's pid namespace
	[ "$checks_left" = 0 ] || fail "the timed-out command still runs"
	[ "$containers" = 1 ] || fail "the container should still run"
	[ "$(annotation h5 last-output)" = "timed out after 2000 ms" ] ||
		fail "last output: $(annotation h5 last-output)"
	# as Docker's health log says a timeout
	[ "$(annotation h5 last-exit-code)" = -1 ] || fail "exit code: $(annotation h5 last-exit-code)"
	hr kill h5 KILL
	wait "$RUN_BG_PID"
}

@test "bad health options are usage errors" {
	run -2 --separate-stderr "$HARDRUN" run --health-interval soon x
	assert_stderr_contains 'expected a duration like 30s, got "soon"'
	run -2 --separate-stderr "$HARDRUN" run --health-retries 0 x
	assert_stderr_contains "--health-retries: expected 1..1000"
	run -2 --separate-stderr "$HARDRUN" run --health-on-unhealthy restart x
	assert_stderr_contains "kill or none"
}
