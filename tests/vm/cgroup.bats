#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The cgroup v2 manager against a real kernel: limits seen from inside and outside, the OOM
# killer, CPU throttling, pids, pause/resume, kill --all, update, events, the device filter,
# and that nothing is left in /sys/fs/cgroup. cgroups on the host belong to the machine: this
# file runs only inside the guest kernel, in one boot (with the rest of tests/vm: make check-vm):
#
#   tests/vm/check.sh ./hardrun tests/vm/cgroup.bats
#   tests/vm/run-in-vm.sh "$(command -v bats)" --tap tests/vm/cgroup.bats
#
# Environment: HARDRUN (default: the hardrun built in this checkout), HR_SCHEMA_DIR (default:
# Debian's copy, see tests/schema/schema-dir.sh, which ../integration/lib loads).

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
: "${HARDRUN:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/hardrun}"
export HARDRUN
export HR_CGROUP_MANAGER=cgroupfs
# a guest under TCG is slow, but no test may hang the boot
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-${HR_TEST_TIMEOUT:-300}}

load ../integration/lib

CG=/sys/fs/cgroup

setup_file() {
	# never on the host: its cgroups belong to the machine
	if ! grep -q HARDRUN_VM_CMD /proc/cmdline; then
		echo "cgroup.bats runs only in the guest: tests/vm/run-in-vm.sh \$(command -v bats) tests/vm/cgroup.bats" >&2
		return 1
	fi
	[ "$(stat -f -c %T $CG)" = cgroup2fs ] || {
		echo "$CG is not cgroup2 in the guest" >&2
		return 1
	}
}

# A small busybox rootfs: only the applets the tests use (a guest under TCG is slow to fork).
mini_rootfs() {
	local dir=$1 applet
	mkdir -p "$dir"/{bin,dev,proc,sys,tmp,etc,run,var/tmp}
	cp "${HR_BUSYBOX:-/bin/busybox}" "$dir/bin/busybox"
	for applet in sh cat echo sleep tail head dd mv seq true wc; do
		ln -s busybox "$dir/bin/$applet"
	done
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$dir/etc/passwd"
	printf 'root:x:0:\n' >"$dir/etc/group"
}

# bundle PROFILE [SPEC OPTIONS...] -- ARGS...: a bundle from `hardrun spec`; cd into it.
bundle() {
	local profile=$1 spec_opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		spec_opts+=("$1")
		shift
	done
	shift
	[ -x "$BUNDLE/rootfs/bin/busybox" ] || mini_rootfs "$BUNDLE/rootfs"
	"$HARDRUN" spec --force --bundle "$BUNDLE" --profile "$profile" "${spec_opts[@]}" \
		--args "$@" >/dev/null || return 1
	cd "$BUNDLE" || return 1
}

# the state is pretty-printed, one member a line
state_field() {
	hr state "$1" | sed -n "s/^[[:space:]]*\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"
}

# counter_above FILE N: the number in FILE is above N
counter_above() { [ "$(cat "$1" 2>/dev/null || echo 0)" -gt "$2" ]; }

stopped() { [ "$(state_field "$1" status)" = stopped ]; }

procs_at_least() { [ "$(wc -l <"$CG/$1/cgroup.procs")" -ge "$2" ]; }

no_procs() { [ ! -s "$CG/$1/cgroup.procs" ]; }

pids_at_most() { [ "$(cat "$CG/$1/pids.current")" -le "$2" ]; }

assert_no_cgroup() {
	[ ! -e "$CG/$1" ] || fail "$CG/$1 was left behind: $(ls "$CG/$1")"
}

assert_file() { # assert_file FILE EXPECTED
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] || fail "$1: expected '$2', got '$got'"
}

@test "production profile: the limits seen from inside and from outside" {
	bundle production -- sh -c 'cd /sys/fs/cgroup && cat memory.max memory.swap.max cpu.max pids.max && cat /proc/self/cgroup'
	run -0 hr run c1
	[ "${lines[0]}" = 536870912 ] || fail "memory.max"
	[ "${lines[1]}" = 0 ] || fail "memory.swap.max"
	[ "${lines[2]}" = "50000 100000" ] || fail "cpu.max"
	[ "${lines[3]}" = 256 ] || fail "pids.max"
	# the cgroup namespace is rooted at the container's cgroup
	[ "${lines[4]}" = "0::/" ] || fail "/proc/self/cgroup"
	assert_no_cgroup c1

	bundle production --pids 64 -- sleep 1000
	hr_bg run -d c2
	assert_file $CG/c2/memory.max 536870912
	assert_file $CG/c2/memory.swap.max 0
	assert_file $CG/c2/cpu.max "50000 100000"
	assert_file $CG/c2/pids.max 64
	pid=$(state_field c2 pid)
	grep -qx "$pid" $CG/c2/cgroup.procs || fail "init $pid not in c2/cgroup.procs"
	# hardrun itself stays out of it
	[ "$(wc -l <$CG/c2/cgroup.procs)" -eq 1 ] || fail "cgroup.procs: $(cat $CG/c2/cgroup.procs)"
	# the controllers were enabled where needed
	grep -qw memory $CG/cgroup.subtree_control || fail "memory not enabled in the root"
	run -0 hr delete --force c2
	assert_no_cgroup c2
}

@test "development profile: 1 GiB and one CPU" {
	bundle development -- sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max'
	run -0 hr run c1
	[ "${lines[0]}" = 1073741824 ] || fail "memory.max"
	[ "${lines[1]}" = "100000 100000" ] || fail "cpu.max"
	assert_no_cgroup c1
}

@test "OOM: a process over the limit is killed (137), one under it is untouched" {
	bundle production --memory 32M -- sh -c 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo small-ok'
	run -0 hr run c1
	assert_output_contains small-ok

	# tail buffers its one endless line: it really allocates, until the OOM killer comes
	bundle production --memory 32M -- tail /dev/zero
	run hr run --keep c2
	assert_status 137
	kills=$(awk '$1 == "oom_kill" { print $2 }' $CG/c2/memory.events)
	[ "$kills" -ge 1 ] || fail "memory.events oom_kill: $(cat $CG/c2/memory.events)"
	run -0 hr delete c2
	assert_no_cgroup c2
}

@test "CPU: a busy loop under 0.5 CPU gets about half a CPU and is throttled" {
	bundle production -- sh -c 'while :; do :; done'
	hr_bg run -d c1
	sleep 0.5
	read -r u0 < <(awk '$1 == "usage_usec" { print $2 }' $CG/c1/cpu.stat)
	t0=$(date +%s%N)
	sleep 2
	read -r u1 < <(awk '$1 == "usage_usec" { print $2 }' $CG/c1/cpu.stat)
	t1=$(date +%s%N)
	ratio=$(awk -v u=$((u1 - u0)) -v t=$(((t1 - t0) / 1000)) 'BEGIN { printf "%.3f", u / t }')
	echo "# CPU share: $ratio" >&3
	awk -v r="$ratio" 'BEGIN { exit !(r >= 0.35 && r <= 0.65) }' || fail "CPU share $ratio not in 0.35..0.65"
	throttled=$(awk '$1 == "nr_throttled" { print $2 }' $CG/c1/cpu.stat)
	[ "$throttled" -gt 0 ] || fail "nr_throttled: $(cat $CG/c1/cpu.stat)"
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "pids: forking beyond pids.max fails with EAGAIN and the container survives" {
	# an init that reaps (ash waits with waitpid(-1) while its sleep runs, so the forker's
	# orphans are collected) and forks only once during the test: a fork of its own
	# that meets the full pids.max would end it, which is not what this test is about
	bundle production --pids 10 -- sh -c 'while :; do sleep 1000; done'
	hr_bg run -d c1
	run hr exec c1 sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do sleep 8 & done; wait'
	assert_output_contains "can't fork: Resource temporarily unavailable"
	max=$(awk '$1 == "max" { print $2 }' $CG/c1/pids.events)
	[ "$max" -ge 1 ] || fail "pids.events: $(cat $CG/c1/pids.events)"
	[ "$(cat $CG/c1/pids.current)" -le 10 ] || fail "pids.current $(cat $CG/c1/pids.current)"
	# the forked sleeps end; the container itself was never touched
	wait_until 30 pids_at_most c1 2 || fail "pids.current $(cat $CG/c1/pids.current)"
	[ "$(state_field c1 status)" = running ] || fail "the container did not survive"
	run -0 hr exec c1 echo alive
	assert_output_contains alive
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "pause and resume: the counter stops while paused, state says paused" {
	bundle production -- sh -c 'i=0; while :; do i=$((i+1)); echo $i >/app/temp/counter.tmp; mv /app/temp/counter.tmp /app/temp/counter; sleep 0.05; done'
	hr_bg run -d c1
	counter=$BUNDLE/volumes/app-temp/counter
	wait_until 30 test -s "$counter" || fail "the counter never started"
	run -0 hr pause c1
	[ "$(state_field c1 status)" = paused ] || fail "state is not paused"
	assert_file $CG/c1/cgroup.freeze 1
	grep -qx "frozen 1" $CG/c1/cgroup.events || fail "cgroup.events: $(cat $CG/c1/cgroup.events)"
	a=$(cat "$counter")
	sleep 1
	b=$(cat "$counter")
	[ "$a" = "$b" ] || fail "the counter moved while paused: $a -> $b"
	run -1 hr exec c1 true
	assert_output_contains "paused"
	run -1 hr pause c1
	assert_output_contains "container c1 is not running (paused)"
	run -0 hr resume c1
	[ "$(state_field c1 status)" = running ] || fail "state is not running after resume"
	wait_until 30 counter_above "$counter" "$b" || fail "the counter did not move after resume: $b -> $(cat "$counter")"
	run -1 hr resume c1
	assert_output_contains "container c1 is not paused (running)"
	# a paused container can be deleted by force
	run -0 hr pause c1
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "kill --all: every process of a multi-process container" {
	bundle production -- sh -c 'sleep 1000 & sleep 1000 & sleep 1000 & wait'
	hr_bg run -d c1
	wait_until 30 procs_at_least c1 4 || fail "procs: $(cat $CG/c1/cgroup.procs)"
	run -0 hr ps --format json c1
	[ "$(echo "$output" | tr ',' '\n' | wc -l)" -ge 4 ] || fail "ps lists fewer than 4 processes"
	run -0 hr kill --all c1 TERM
	wait_until 30 no_procs c1 || fail "left after kill --all TERM: $(cat $CG/c1/cgroup.procs)"
	wait_until 30 stopped c1 || fail "not stopped"
	run -0 hr delete c1
	assert_no_cgroup c1

	bundle production -- sh -c 'trap "" TERM; sleep 1000 & sleep 1000 & wait'
	hr_bg run -d c2
	wait_until 30 procs_at_least c2 3 || fail "procs: $(cat $CG/c2/cgroup.procs)"
	run -0 hr kill --all c2 KILL
	wait_until 30 no_procs c2 || fail "left after kill --all KILL: $(cat $CG/c2/cgroup.procs)"
	run -0 hr delete c2
	assert_no_cgroup c2
}

@test "exec: the process is born in the container's cgroup" {
	bundle production -- sleep 1000
	hr_bg run -d c1
	run -0 hr exec c1 cat /proc/self/cgroup
	[ "$output" = "0::/" ] || fail "exec's /proc/self/cgroup"
	run -0 hr exec c1 cat /sys/fs/cgroup/memory.max
	[ "$output" = 536870912 ] || fail "memory.max seen by exec"
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "update: memory.max, cpu.max and pids.max change live, also from JSON on stdin" {
	bundle production -- sleep 1000
	hr_bg run -d c1
	run -0 hr update --memory 256M --cpu-quota 25000 --cpu-period 100000 --pids-limit 50 c1
	assert_file $CG/c1/memory.max 268435456
	assert_file $CG/c1/cpu.max "25000 100000"
	assert_file $CG/c1/pids.max 50
	run -0 hr update --resources - c1 <<<'{"memory":{"limit":134217728,"swap":268435456},"cpu":{"quota":30000,"period":100000,"shares":512}}'
	assert_file $CG/c1/memory.max 134217728
	assert_file $CG/c1/memory.swap.max 134217728
	assert_file $CG/c1/cpu.max "30000 100000"
	assert_file $CG/c1/cpu.weight 20
	# a period alone keeps the quota
	run -0 hr update --cpu-period 200000 c1
	assert_file $CG/c1/cpu.max "30000 200000"
	# what the kernel refuses is named with its value, and nothing changes
	run -1 hr update --cpuset-cpus 99 c1
	assert_output_contains 'set cpuset.cpus to "99"'
	run -1 hr update --resources - c1 <<<'{"unified":{"memory.nonsense":"1"}}'
	assert_output_contains 'linux.resources.unified["memory.nonsense"]: no such file in the container'"'"'s cgroup /sys/fs/cgroup/c1'
	assert_file $CG/c1/memory.max 134217728
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "verify: the cgroup's limits pass, then an update drifts from the config and fails exactly that" {
	# a second process, the init's child (not exec -d: its zombie would wait for the guest's
	# PID 1 to reap it, and hold the pid namespace open)
	bundle production -- sh -c 'sleep 1001 & exec sleep 1000'
	hr_bg run -d c1
	wait_until 30 procs_at_least c1 2 || fail "c1 has $(wc -l <$CG/c1/cgroup.procs) processes"
	run -0 hr verify --profile production c1
	assert_line_matches '^PASS +- +linux\.resources\.memory\.limit +config +observed 536870912; expected memory\.max 536870912$'
	assert_line_matches '^PASS +- +linux\.resources\.cpu +config +observed 50000 100000; expected cpu\.max 50000 100000$'
	assert_line_matches '^PASS +- +linux\.resources\.pids\.limit +config +observed 256; expected pids\.max 256$'
	assert_line_matches '^PASS +- +linux\.resources\.memory\.limit +production CIS-5\.10 +observed 536870912; expected memory\.max at most 536870912$'
	assert_line_matches '^PASS +- +linux\.resources\.cpu +production CIS-5\.11 +observed 50000 100000; expected cpu\.max at most 50000 100000$'
	# both processes are in the container's cgroup
	n=$(grep -cE '^PASS .* linux\.cgroupsPath +config +observed /c1; expected /c1 or below$' <<<"$output" || true)
	[ "$n" = 2 ] || fail "$n processes in /c1"
	run -0 hr verify --profile production c1
	assert_line_matches '^[0-9]+ passed, 0 failed, 0 skipped$'
	# an update the config does not know: exactly the memory check fails; 256M is still within
	# the profile's 512M
	run -0 hr update --memory 256M c1
	run -1 hr verify --profile production c1
	run -0 grep '^FAIL' <<<"$output"
	[ "${#lines[@]}" -eq 1 ] || fail "expected one FAIL"
	assert_line_matches '^FAIL +- +linux\.resources\.memory\.limit +config +observed 268435456; expected memory\.max 536870912$'
	# beyond the profile's maxima: the guide's rules fail too
	run -0 hr update --memory 1G --cpu-quota 100000 c1
	run -1 hr verify --profile production c1
	assert_line_matches '^FAIL +- +linux\.resources\.memory\.limit +production CIS-5\.10 +observed 1073741824; expected memory\.max at most 536870912$'
	assert_line_matches '^FAIL +- +linux\.resources\.cpu +production CIS-5\.11 +observed 100000 100000; '
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "update: memory.checkBeforeUpdate refuses a limit below the current usage, and nothing changes" {
	bundle production -- sleep 1000
	hr_bg run -d c1
	local before
	before=$(cat $CG/c1/memory.max)
	# a few pages: far below what the container uses; without the check the kernel would
	# reclaim and then OOM-kill it
	run -1 hr update --resources - c1 <<<'{"memory":{"limit":8192,"checkBeforeUpdate":true}}'
	assert_output_contains "linux.resources.memory.checkBeforeUpdate: the new limit 8192 is below the current usage"
	assert_file $CG/c1/memory.max "$before"
	run -0 hr state c1
	assert_output_contains '"status": "running"'
	# above the usage, the check lets it through
	run -0 hr update --resources - c1 <<<'{"memory":{"limit":268435456,"checkBeforeUpdate":true}}'
	assert_file $CG/c1/memory.max 268435456
	# device rules stay as created, and the caller is told
	run -0 --separate-stderr hr update --resources - c1 <<<'{"devices":[{"allow":true,"access":"rwm"}]}'
	[[ $stderr == *"linux.resources.devices: device rules are not changed by update: ignored"* ]] || fail "$stderr"
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "events --stats: plausible numbers with runc's field names, and the space used and the health settings" {
	bundle production -- sh -c 'dd if=/dev/zero of=/dev/null bs=4M count=1 2>/dev/null; head -c 1048576 /dev/zero >/tmp/one-mib; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; touch /tmp/done; sleep 1000'
	hr_bg run -d c1
	# the numbers are read once the process has done its work (half a CPU, emulated)
	wait_until 120 hr exec c1 sh -c '[ -e /tmp/done ]' || fail "the container did not finish its work"
	run -0 hr events --stats c1
	echo "$output" >"$HR_TMP/stats.json"
	# one interpreter for every check: python starts slowly under TCG
	"$HR_PYTHON" - "$HR_TMP/stats.json" <<-'EOF' || fail "stats: $output"
		import json, sys
		d = json.load(open(sys.argv[1]))
		data = d["data"]
		checks = {
		    "type": d["type"] == "stats" and d["id"] == "c1",
		    "cpu.usage": data["cpu"]["usage"]["total"] > 0 and data["cpu"]["usage"]["user"] >= 0
		                 and data["cpu"]["usage"]["kernel"] >= 0,
		    "cpu.throttling.periods": data["cpu"]["throttling"]["periods"] > 0,
		    "memory.usage.usage": 0 < data["memory"]["usage"]["usage"] < 536870912,
		    "memory.usage.limit": data["memory"]["usage"]["limit"] == 536870912,
		    "memory.raw": "anon" in data["memory"]["raw"],
		    "pids.current": data["pids"]["current"] >= 1,
		    "pids.limit": data["pids"]["limit"] == 256,
		    # hardrun's own: what the guide asks an operator to watch
		    "storage./tmp": [(u["type"], u["size"], u["used"] >= 1048576)
		                     for u in data["storage"] if u["path"] == "/tmp"]
		                    == [("tmpfs", 67108864, True)],
		    "storage./var/tmp": any(u["path"] == "/var/tmp" for u in data["storage"]),
		    "health": data["health"]["interval"] == "30s" and data["health"]["retries"] == "3",
		}
		bad = [k for k, ok in checks.items() if not ok]
		print("bad:", bad)
		sys.exit(1 if bad else 0)
	EOF
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "events: an OOM event and periodic stats, until the container stops" {
	# the first sleep gives events time to attach before the OOM
	bundle production --memory 32M -- sh -c 'sleep 6; tail /dev/zero'
	hr_bg run -d c1
	timeout 60 "$HARDRUN" --root "$HR_ROOT" events --interval 500ms c1 >"$HR_TMP/events" 2>&1 ||
		fail "events did not end with the container: $(cat "$HR_TMP/events")"
	grep -qx '{"type":"oom","id":"c1"}' "$HR_TMP/events" || fail "no oom event: $(cat "$HR_TMP/events")"
	grep -q '^{"type":"stats","id":"c1","data":{"cpu"' "$HR_TMP/events" || fail "no stats event"
	run -0 hr delete c1
	assert_no_cgroup c1
}

@test "events: a storage line when a tmpfs reaches 90 %, once until it goes below" {
	# 60 MiB in the profile's 64 MiB /tmp (94 %), emptied, then filled again
	bundle production -- sh -c 'sleep 3; head -c 62914560 /dev/zero >/tmp/fill; sleep 4
		rm /tmp/fill; sleep 3; head -c 62914560 /dev/zero >/tmp/fill; sleep 4'
	hr_bg run -d c1
	timeout 120 "$HARDRUN" --root "$HR_ROOT" events --interval 500ms c1 >"$HR_TMP/events" 2>&1 ||
		fail "events did not end with the container: $(cat "$HR_TMP/events")"
	run -0 grep -c '"type":"storage"' "$HR_TMP/events"
	[ "$output" = 2 ] || fail "expected 2 storage lines: $(grep storage "$HR_TMP/events")"
	run -0 grep -c '^{"type":"storage","id":"c1","data":{"path":"/tmp","type":"tmpfs","size":67108864,"used":6[0-9]\{7\},"usedPercent":9[0-9]\.[0-9]}}$' "$HR_TMP/events"
	[ "$output" = 2 ] || fail "storage lines: $(grep storage "$HR_TMP/events")"
	run -0 hr delete c1
	assert_no_cgroup c1
}

@test "devices: the default rules deny a node that is not listed; listed ones work" {
	# /tmp is nodev in the guest (a node there fails with EACCES whatever the cgroup says):
	# this bundle lives on the overlay root
	BUNDLE=$(mktemp -d /var/tmp/hardrun-devices.XXXXXX)
	bundle production -- sh -c 'head -c 1 /dev/null; echo null-ok; head -c 1 /fake 2>&1; true'
	mknod -m 0666 "$BUNDLE/rootfs/fake" b 7 200
	run hr run c1
	rm -rf --one-file-system "$BUNDLE"
	assert_status 0
	assert_output_contains null-ok
	assert_output_contains "/fake: Operation not permitted"
	assert_no_cgroup c1
}

@test "a value the kernel refuses fails create, names file and value, leaves nothing" {
	bundle production -- true
	update_config 'c["linux"]["resources"]["unified"] = {"memory.high": "lots"}'
	run -1 hr create --bundle "$BUNDLE" c1
	assert_output_contains 'set memory.high to "lots" in /sys/fs/cgroup/c1'
	assert_no_cgroup c1
	[ ! -e "$HR_ROOT/c1" ] || fail "state directory left"
	update_config 'c["linux"]["resources"]["unified"] = {"nosuch.file": "1"}'
	run -1 hr create --bundle "$BUNDLE" c1
	assert_output_contains 'linux.resources.unified["nosuch.file"]: no such file in the container'
	assert_no_cgroup c1
}

@test "unified: core files and paths out of the cgroup are refused by JSON path, nothing made" {
	bundle production -- true
	for key in cgroup.procs cgroup.subtree_control cgroup.kill cgroup.freeze cgroup.type; do
		update_config "c['linux']['resources']['unified'] = {'$key': '1'}"
		run -1 hr create --bundle "$BUNDLE" c1
		assert_output_contains "linux.resources.unified[\"$key\"]: is a cgroup core interface file"
		assert_no_cgroup c1
	done
	for key in ../memory.max memory/memory.max ..; do
		update_config "c['linux']['resources']['unified'] = {'$key': '1'}"
		run -1 hr create --bundle "$BUNDLE" c1
		assert_output_contains "linux.resources.unified[\"$key\"]: must be a cgroup file name"
		assert_no_cgroup c1
	done
	update_config "c['linux']['resources']['unified'] = {'nodot': '1'}"
	run -1 hr create --bundle "$BUNDLE" c1
	assert_output_contains "linux.resources.unified.nodot: must be a file of the form CONTROLLER.PARAMETER"
	# the core files that are limits are written
	update_config "c['linux']['resources']['unified'] = {'cgroup.max.descendants': '3'}
c['process']['args'] = ['sleep', '1000']"
	hr_bg run -d c1
	assert_file $CG/c1/cgroup.max.descendants 3
	run -0 hr delete --force c1
	assert_no_cgroup c1
}

@test "cgroupsPath: absolute and relative paths; delete removes the parents create made" {
	bundle production -- sleep 1000
	update_config 'c["linux"]["cgroupsPath"] = "/hardrun-test/nested/c1"'
	hr_bg run -d c1
	assert_file $CG/hardrun-test/nested/c1/memory.max 536870912
	# a sibling in the parent c1's create made: the parent stays while it is there
	update_config 'c["linux"]["cgroupsPath"] = "/hardrun-test/nested/c1b"'
	hr_bg run -d c1b
	run -0 hr delete --force c1
	[ ! -e $CG/hardrun-test/nested/c1 ] || fail "leaf left"
	[ -d $CG/hardrun-test/nested/c1b ] || fail "the sibling's cgroup is gone"
	run -0 hr delete --force c1b
	# c1b found the parents c1 made, so its delete leaves them; a lone container cleans up
	rmdir $CG/hardrun-test/nested $CG/hardrun-test
	update_config 'c["linux"]["cgroupsPath"] = "/hardrun-test/nested/c1"'
	hr_bg run -d c1
	run -0 hr delete --force c1
	[ ! -e $CG/hardrun-test ] || fail "the parents create made are left: $(find $CG/hardrun-test)"
	update_config 'c["linux"]["cgroupsPath"] = "rel/c2"'
	hr_bg run -d c2
	# relative to hardrun's own cgroup, the guest's root here
	assert_file $CG/rel/c2/memory.max 536870912
	run -0 hr delete --force c2
	[ ! -e $CG/rel ] || fail "the parent rel is left"
	update_config 'c["linux"]["cgroupsPath"] = "/../x"'
	run -1 hr run --bundle "$BUNDLE" c3
	assert_output_contains '"/../x": "." and ".." are not allowed'
}

@test "--cgroup-manager=disabled: no cgroup, and a clear error for cgroup commands" {
	bundle production -- sleep 1000
	"$HARDRUN" --root "$HR_ROOT" --cgroup-manager=disabled run -d c1 </dev/null >"$HR_TMP/log" 2>&1 ||
		fail "$(cat "$HR_TMP/log")"
	grep -q "resource limits in linux.resources are NOT applied" "$HR_TMP/log" || fail "no warning"
	assert_no_cgroup c1
	for cmd in pause resume "events --stats" "update --memory 1G"; do
		# shellcheck disable=SC2086
		run -1 hr $cmd c1
		assert_output_contains "container c1 has no cgroup: hardrun runs it with --cgroup-manager=disabled"
	done
	run -0 hr delete --force c1
}

@test "--systemd-cgroup without systemd as PID 1: a clear error, nothing created" {
	bundle production -- true
	run -1 "$HARDRUN" --root "$HR_ROOT" --systemd-cgroup run c1
	assert_output_contains "the systemd cgroup manager needs systemd as PID 1"
	[ ! -e "$HR_ROOT/c1" ] || fail "state directory left"
}

@test "exec --cgroup: born in an existing sub-cgroup, a missing one named; exec --ignore-paused" {
	bundle production -- sleep 1000
	hr_bg run -d c1
	mkdir $CG/c1/sub
	run -0 hr exec --cgroup sub c1 cat /proc/self/cgroup
	assert_line_matches '^0::(/c1)?/sub$'
	run -1 hr exec --cgroup nosuch c1 true
	assert_output_contains "exec --cgroup nosuch: container c1 has no sub-cgroup nosuch"
	run -1 hr exec --cgroup ../c1 c1 true
	assert_output_contains '".." components are not allowed'
	# paused: refused with a hint; with --ignore-paused the process runs once resumed
	run -0 hr pause c1
	run -1 hr exec c1 true
	assert_output_contains "it is paused (--ignore-paused"
	hr exec --ignore-paused c1 sh -c 'echo ran >/app/temp/ignore-paused' </dev/null \
		>"$HR_TMP/exec.log" 2>&1 &
	exec_pid=$!
	sleep 1
	[ ! -e "$BUNDLE/volumes/app-temp/ignore-paused" ] || fail "ran while the container was paused"
	# resume takes the container's lock: exec must not hold it while its process is frozen
	run timeout 60 "$HARDRUN" --root "$HR_ROOT" resume c1
	[ "$status" -eq 0 ] || {
		kill "$exec_pid"
		fail "resume failed or hung while exec --ignore-paused waited"
	}
	wait "$exec_pid" || fail "exec --ignore-paused failed: $(cat "$HR_TMP/exec.log")"
	[ "$(cat "$BUNDLE/volumes/app-temp/ignore-paused")" = ran ] || fail "the process did not run"
	rmdir $CG/c1/sub
	run -0 hr delete --force c1
	assert_no_cgroup c1
}
