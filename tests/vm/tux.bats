#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The guide's own bot end to end (contrib/tux): a Python service on a Debian 12 rootfs under
# the production and development profiles, with cgroups, in the guest kernel. What is asserted
# is read by the Python process itself (its /proc/self/status, the errors of its writes,
# statvfs of its tmpfs, its cgroup's files) and from the host (the volume's owner, the cgroup,
# the output log), never an exit code alone.
#
#   tests/vm/check.sh ./hardrun tests/vm/tux.bats
#
# The rootfs is contrib/tux/rootfs.sh's tarball, which check.sh makes before the guest boots
# (the guest has no network); without it every test is skipped, saying why (in CI, where a
# skip is a failure, .ci/run installs debootstrap and Debian's archive is reachable).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load guest

CG=/sys/fs/cgroup
TOKEN=tux-planted-token-4711
TARBALL=${HR_TUX_CACHE:-/var/cache/hardrun}/tux-bookworm-python3.tar

setup_file() {
	guest_only
}

setup() {
	[ -s "$TARBALL" ] || skip "no tux rootfs ($TARBALL): contrib/tux/rootfs.sh --cache-only on the host"
	hr_setup
}

# tux_bundle PROFILE [ENV=VALUE...]: the bot's bundle with PROFILE, its volume at /app/temp
# ($HR_TMP/volume, 1001's), BOT_TOKEN from an env file, the ENV given added; the Debian rootfs
# unpacked once per test file.
tux_bundle() {
	local profile=$1 env_json
	shift
	if [ ! -d "$BATS_FILE_TMPDIR/rootfs/app" ]; then
		"$BATS_TEST_DIRNAME/../../contrib/tux/rootfs.sh" "$BATS_FILE_TMPDIR/rootfs" ||
			fail "rootfs.sh failed"
	fi
	mkdir -p "$BUNDLE" "$HR_TMP/volume"
	chown 1001:1001 "$HR_TMP/volume"
	printf 'BOT_TOKEN=%s\n' "$TOKEN" >"$HR_TMP/bot.env"
	"$HARDRUN" spec --force --bundle "$BUNDLE" --profile "$profile" \
		--volume "$HR_TMP/volume:/app/temp" --env-file "$HR_TMP/bot.env" \
		--args python3 /app/bot.py >/dev/null || fail "spec failed"
	env_json=$(json_array "$@")
	update_config "c['process']['env'] += $env_json; c['root']['path'] = '$BATS_FILE_TMPDIR/rootfs'"
}

# in_bot PYTHON: the Python code run by `hardrun exec` in container tux (as the bot's user).
in_bot() {
	hr exec tux python3 -c "$1"
}

logged() { grep -q "$1" "$HR_ROOT/tux/output.log" 2>/dev/null; }

status_is() { [ "$(hr state tux | json_eval "d['status']")" = "$1" ]; }

health_is() {
	[ "$(hr state tux | json_eval "d['annotations'].get('org.hardrun.health.status', '')")" = "$1" ]
}

@test "production: the Python process's own view: 1001, no capabilities, NNP, seccomp, read-only root, 64 MiB tmpfs, 512 MiB and half a CPU" {
	tux_bundle production
	hr_bg run -d --output-log --bundle "$BUNDLE" tux
	wait_until 60 logged '"msg\\": \\"answered' || fail "the bot did not answer: $(cat "$HR_ROOT/tux/output.log")"
	run -0 in_bot '
import errno, os
st = dict(l.split(":", 1) for l in open("/proc/self/status"))
print("ids", st["Uid"].split(), st["Gid"].split(), st["Groups"].split())
print("caps", st["CapEff"].strip(), st["CapPrm"].strip(), st["CapBnd"].strip(), st["CapAmb"].strip())
print("nnp", st["NoNewPrivs"].strip(), "seccomp", st["Seccomp"].strip())
for d in ("/", "/etc", "/app"):
    try:
        open(d + "/w", "w")
        print("write", d, "ok")
    except OSError as e:
        print("write", d, errno.errorcode[e.errno])
for d in ("/tmp", "/var/tmp"):
    s = os.statvfs(d)
    names = os.listdir(d)
    # a message being answered has its scratch file (msg-*) for a moment: at most one
    scratch = [n for n in names if n.startswith("msg-")]
    print("tmpfs", d, s.f_blocks * s.f_frsize, sorted(set(names) - set(scratch)), len(scratch) <= 1)
print("memory.max", open("/sys/fs/cgroup/memory.max").read().strip())
print("cpu.max", open("/sys/fs/cgroup/cpu.max").read().strip())'
	assert_output_contains "ids ['1001', '1001', '1001', '1001'] ['1001', '1001', '1001', '1001'] []"
	assert_output_contains "caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000"
	assert_output_contains "nnp 1 seccomp 2"
	for d in / /etc /app; do assert_output_contains "write $d EROFS"; done
	# the bot's scratch files are deleted once used: nothing is left in either
	assert_output_contains "tmpfs /tmp 67108864 [] True"
	assert_output_contains "tmpfs /var/tmp 67108864 [] True"
	assert_output_contains "memory.max 536870912"
	assert_output_contains "cpu.max 50000 100000"
	# the same limits from the host's side
	[ "$(cat $CG/tux/memory.max)" = 536870912 ] || fail "host: memory.max $(cat $CG/tux/memory.max)"
	hr delete --force tux
}

@test "development: 1 GiB and one CPU, read by the Python process" {
	tux_bundle development
	hr_bg run -d --bundle "$BUNDLE" tux
	run -0 in_bot 'print(open("/sys/fs/cgroup/memory.max").read().strip(), open("/sys/fs/cgroup/cpu.max").read().strip())'
	[ "$output" = "1073741824 100000 100000" ] || fail "development limits: $output"
	hr delete --force tux
}

@test "/tmp starts empty each run; /app/temp survives delete and a new run, 1001's on the host" {
	tux_bundle production
	hr_bg run -d --bundle "$BUNDLE" tux
	wait_until 60 test -s "$HR_TMP/volume/state.json" || fail "no state in the volume"
	run -0 in_bot 'open("/tmp/scratch", "w").write("x"); open("/app/temp/kept", "w").write("kept")'
	hr delete --force tux
	hr_bg run -d --output-log --bundle "$BUNDLE" tux
	# (the scratch file of a message being answered, msg-*, may be there for a moment)
	run -0 in_bot 'import os; print(sorted(n for n in os.listdir("/tmp") if not n.startswith("msg-")), open("/app/temp/kept").read())'
	[ "$output" = "[] kept" ] || fail "after a new run: $output"
	[ "$(stat -c %u:%g "$HR_TMP/volume/kept" "$HR_TMP/volume/state.json" | sort -u)" = 1001:1001 ] ||
		fail "owners: $(stat -c '%n %u:%g' "$HR_TMP/volume"/*)"
	# the bot read its count back: it goes on from where it stopped
	wait_until 60 logged '"answered\\": [2-9]' || fail "$(cat "$HR_ROOT/tux/output.log" 2>/dev/null)"
	hr delete --force tux
}

@test "allocating past 512 MiB: the OOM killer ends the bot (137) and events says so" {
	tux_bundle production BOT_ALLOCATE_MIB=700
	hr_bg run -d --output-log --bundle "$BUNDLE" tux
	timeout 240 "$HARDRUN" --root "$HR_ROOT" events --interval 1s tux >"$HR_TMP/events" 2>&1 ||
		fail "events did not end with the bot: $(cat "$HR_TMP/events")"
	grep -qx '{"type":"oom","id":"tux"}' "$HR_TMP/events" || fail "no oom event: $(cat "$HR_TMP/events")"
	logged '"msg\\": \\"allocating' || fail "the bot did not start allocating"
	! logged '"msg\\": \\"allocated' || fail "the bot got its 700 MiB"
	[ "$(awk '$1 == "oom_kill" { print $2 }' $CG/tux/memory.events)" -ge 1 ] || fail "memory.events: $(cat $CG/tux/memory.events)"
	hr delete tux
	# in the foreground, the status is 128+9
	run -137 hr run --bundle "$BUNDLE" tux
}

@test "kill TERM: the bot's handler saves its state, and run returns 0" {
	tux_bundle production
	(
		set +e
		hr run --output-log --keep --bundle "$BUNDLE" tux </dev/null >"$HR_TMP/run.out" 2>&1
		echo $? >"$HR_TMP/run.status"
	) &
	wait_until 60 logged '"msg\\": \\"answered' || fail "the bot did not answer: $(cat "$HR_TMP/run.out")"
	hr kill tux TERM
	wait_until 60 test -s "$HR_TMP/run.status" || fail "run did not return"
	[ "$(cat "$HR_TMP/run.status")" = 0 ] || fail "run's status $(cat "$HR_TMP/run.status"): $(cat "$HR_TMP/run.out")"
	logged 'stopping on SIGTERM' || fail "the handler did not run"
	hr delete tux
}

@test "the Python-import health check goes healthy, then unhealthy once the import is broken" {
	# one answer, then a long wait: nothing rewrites the state the check imports
	tux_bundle production BOT_INTERVAL=3600
	(
		set +e
		hr run --bundle "$BUNDLE" --health-cmd "cd /app && python3 -c 'import health'" \
			--health-interval 1s --health-start-period 0s --health-retries 2 tux \
			</dev/null >"$HR_TMP/run.out" 2>&1
		echo $? >"$HR_TMP/run.status"
	) &
	wait_until 120 health_is healthy || fail "not healthy: $(hr state tux)"
	run -0 in_bot 'open("/app/temp/state.json", "w").write("not json")'
	wait_until 120 health_is unhealthy || fail "not unhealthy: $(hr state tux)"
	run -0 hr state tux
	# the import's traceback, in the check's last output
	[[ "$output" == *'File \"/app/health.py\", line'*'json.load'* ]] || fail "the check's output: $output"
	hr kill tux KILL
	wait_until 60 test -s "$HR_TMP/run.status" || fail "run did not return"
	[ "$(cat "$HR_TMP/run.status")" = 137 ] || fail "run's status: $(cat "$HR_TMP/run.status")"
}

@test "the bot's output log rotates at 10 MiB x 3 and holds no value of the env file's secret" {
	tux_bundle production
	# 35,000 lines of 1 KiB that each print the token: about 38 MB of records, past 3 x 10 MiB
	update_config "c['process']['args'] = ['python3', '-c', 'import os\\nt = os.environ[\"BOT_TOKEN\"]\\nfor i in range(35000): print(\"%05d %s \" % (i, t) + \"x\" * 1000)']"
	hr run --output-log --keep --bundle "$BUNDLE" tux >/dev/null || fail "run failed"
	for f in output.log.1 output.log.2; do
		size=$(stat -c %s "$HR_ROOT/tux/$f") || fail "$f is missing"
		[ "$size" -le 10485760 ] && [ "$size" -gt 10000000 ] || fail "$f has $size bytes"
	done
	size=$(stat -c %s "$HR_ROOT/tux/output.log")
	[ "$size" -le 10485760 ] && [ "$size" -gt 0 ] || fail "output.log has $size bytes"
	[ ! -e "$HR_ROOT/tux/output.log.3" ] || fail "a fourth file"
	! grep -q '"log":"00000 ' "$HR_ROOT/tux"/output.log* || fail "the oldest line was kept"
	! grep -q "$TOKEN" "$HR_ROOT/tux"/output.log* || fail "the token is in the log"
	tail -n 1 "$HR_ROOT/tux/output.log" | grep -q '"log":"34999 \[REDACTED\] x' || fail "last: $(tail -c 200 "$HR_ROOT/tux/output.log")"
	hr delete tux
}
