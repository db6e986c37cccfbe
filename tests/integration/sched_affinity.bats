#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# process.scheduler (sched_setattr(2)) is in effect for run, create+start and exec, as seen from
# inside the container (/proc/self/stat, /proc/self/sched); a scheduler that breaks the
# runtime-spec's or the kernel's rules is refused with its JSON path before anything is created.
# process.execCPUAffinity is in effect for exec (the runtime-spec: not for the container's
# init), seen in /proc/self/status; a malformed CPU list is refused with its JSON path.
# hr-guest: host only (scheduler and CPU affinity of processes; cpusets are tests/vm/cgroup.bats)

load lib

# sched_getattr PID: "POLICY RUNTIME DEADLINE PERIOD" of PID, from sched_getattr(2) (x86_64: 315;
# aarch64: 275), which /proc/PID/sched does not show (its dl.* are the current budget).
sched_getattr() {
	"$HR_PYTHON" - "$1" <<'PY'
import ctypes, os, platform, struct, sys
nr = {"x86_64": 315, "aarch64": 275}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(56)
if libc.syscall(nr, int(sys.argv[1]), buf, 56, 0) != 0:
    sys.exit("sched_getattr: " + os.strerror(ctypes.get_errno()))
size, policy, flags, nice, prio, runtime, deadline, period = struct.unpack("=IIQiIQQQ", buf.raw[:48])
print(policy, runtime, deadline, period)
PY
}

@test "process.scheduler: SCHED_FIFO priority 10 through run" {
	make_bundle_running cut -d " " -f18,19,41 /proc/self/stat
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_FIFO", "priority": 10}'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" fifo
	# priority -1 - 10, nice 0, policy 1 (SCHED_FIFO)
	[ "$output" = "-11 0 1" ] || fail "run: $output"
	update_config 'c["process"]["args"] = ["cat", "/proc/self/sched"]'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" fifo
	assert_line_matches '^policy +: +1$'
	assert_line_matches '^prio +: +89$'
}

@test "process.scheduler: SCHED_BATCH nice 5 through create+start, and exec takes the config's" {
	make_bundle_running sleep 1000
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}'
	hr_bg create --bundle "$BUNDLE" batch
	run -0 hr start batch
	# the init (pid 1 in its pid namespace), seen by a process without a scheduler of its own
	run -0 --separate-stderr hr exec --process - batch <<<'{"args": ["cut", "-d", " ", "-f18,19,41", "/proc/1/stat"], "cwd": "/"}'
	[ "$output" = "25 5 3" ] || fail "create+start: $output"
	# exec without --process: the config's process, its scheduler included
	run -0 --separate-stderr hr exec batch cut -d " " -f18,19,41 /proc/self/stat
	[ "$output" = "25 5 3" ] || fail "exec: $output"
}

@test "process.scheduler: SCHED_IDLE through exec --process" {
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" idle
	run -0 --separate-stderr hr exec --process - idle <<<'{"args": ["cut", "-d", " ", "-f19,41", "/proc/self/stat"], "cwd": "/", "scheduler": {"policy": "SCHED_IDLE"}}'
	[ "$output" = "0 5" ] || fail "exec --process: $output"
	# the init kept the default policy
	run -0 --separate-stderr hr exec idle cut -d " " -f19,41 /proc/1/stat
	[ "$output" = "0 0" ] || fail "the init: $output"
}

@test "process.scheduler: SCHED_DEADLINE runtime, deadline and period through run" {
	# one process, no shell: a SCHED_DEADLINE task cannot fork
	make_bundle_running cat /proc/self/sched
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000, "period": 10000000}'
	run --separate-stderr hr run --bundle "$BUNDLE" dl
	# 10% of one CPU: within the admission control of a default kernel (95% per CPU)
	[ "$status" -eq 0 ] || fail "run: $stderr"
	assert_line_matches '^policy +: +6$'
	assert_line_matches '^prio +: +-1$'
	# the parameters, from the host: a period of 0 is the deadline's
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_DEADLINE", "runtime": 2000000, "deadline": 4000000}
c["process"]["args"] = ["sleep", "1000"]'
	hr_bg run -d --bundle "$BUNDLE" dl2
	run -0 sched_getattr "$(hr state dl2 | json_eval 'd["pid"]')"
	[ "$output" = "6 2000000 4000000 4000000" ] || fail "sched_getattr: $output"
}

@test "process.scheduler: flags reach the kernel: SCHED_FLAG_RESET_ON_FORK; the clamps, or a named refusal" {
	# the shell has the realtime policy, what it forks gets the default back (sched(7)); the
	# second cut is the shell itself, which execs its last command
	make_bundle_running sh -c 'cut -d " " -f41 /proc/self/stat; cut -d " " -f41 /proc/$$/stat'
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_FIFO", "priority": 1, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" rof
	[ "$output" = $'0\n1' ] || fail "reset on fork: $output"
	# without the flag the child keeps it
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_FIFO", "priority": 1}'
	run -0 --separate-stderr hr run --bundle "$BUNDLE" rof
	[ "$output" = $'1\n1' ] || fail "without reset on fork: $output"
	# the utilization clamps need CONFIG_UCLAMP_TASK: in effect, or refused by name
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"]}'
	run hr run --bundle "$BUNDLE" clamp
	if [ "$status" -ne 0 ]; then
		assert_output_contains "process.scheduler.flags: SCHED_FLAG_UTIL_CLAMP_MIN and _MAX are not supported by this kernel"
	fi
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "$(ls -A "$HR_ROOT") left behind"
}

# refused VALUE MESSAGE: process.scheduler VALUE (a Python expression) refused with MESSAGE.
refused() {
	assert_config_refused "c['process']['scheduler'] = $1" "$2"
}

@test "process.scheduler: rules broken are refused with the JSON path by validate, run and exec, nothing left behind" {
	make_bundle_running true
	refused '{"policy": "SCHED_DEADLINE", "runtime": 2000000, "deadline": 1000000, "period": 3000000}' \
		"process.scheduler.runtime: 2000000 ns is greater than the deadline, 1000000 ns"
	refused '{"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 3000000, "period": 2000000}' \
		"process.scheduler.deadline: 3000000 ns is greater than the period, 2000000 ns"
	refused '{"policy": "SCHED_DEADLINE", "runtime": 1000, "deadline": 3000000}' \
		"process.scheduler.runtime: 1000 ns is below the kernel's minimum of 1024 ns"
	refused '{"policy": "SCHED_DEADLINE", "runtime": 10000, "deadline": 9223372036854775808}' \
		"process.scheduler.deadline: 9223372036854775808 ns is not below the kernel's maximum of 2^63 ns"
	refused '{"policy": "SCHED_FAST"}' 'process.scheduler.policy: unknown policy "SCHED_FAST"'
	refused '{"policy": "SCHED_FIFO"}' \
		"process.scheduler.priority: 0 is out of range for SCHED_FIFO (1..99)"
	refused '{"policy": "SCHED_RR", "priority": 100}' \
		"process.scheduler.priority: 100 is out of range for SCHED_RR (1..99)"
	refused '{"policy": "SCHED_OTHER", "priority": 5}' \
		"process.scheduler.priority: 5: SCHED_OTHER takes no priority"
	refused '{"policy": "SCHED_BATCH", "nice": 20}' \
		"process.scheduler.nice: 20 is out of range (-20..19)"
	refused '{"policy": "SCHED_OTHER", "runtime": 5000}' \
		"process.scheduler.runtime: only SCHED_DEADLINE takes a runtime"
	refused '{"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_FAST"]}' \
		'process.scheduler.flags[1]: unknown flag "SCHED_FLAG_FAST"'
	refused '{"nice": 1}' "process.scheduler.policy: required property is missing"
	# exec --process: refused before anything runs
	update_config 'c["process"].pop("scheduler"); c["process"]["args"] = ["sleep", "1000"]'
	hr_bg run -d --bundle "$BUNDLE" ok
	run -1 hr exec --process - ok <<<'{"args": ["true"], "cwd": "/", "scheduler": {"policy": "SCHED_DEADLINE", "runtime": 2000000, "deadline": 1000000}}'
	assert_output_contains "-: scheduler.runtime: 2000000 ns is greater than the deadline, 1000000 ns"
}

@test "process.scheduler: SCHED_ISO, not in mainline Linux, is refused by name at create" {
	make_bundle_running true
	update_config 'c["process"]["scheduler"] = {"policy": "SCHED_ISO"}'
	# a valid config...
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	# ...that a kernel without SCHED_ISO cannot run
	run -1 hr run --bundle "$BUNDLE" iso
	assert_output_contains "process.scheduler.policy: SCHED_ISO is not supported by this kernel"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "a refused container left $(ls -A "$HR_ROOT") behind"
}

# The affinity of a process: its Cpus_allowed_list. Needs CPUs 0 and 1.
cpus_of() {
	grep Cpus_allowed_list "/proc/$1/status" | cut -f2
}

has_two_cpus() {
	grep -q '^Cpus_allowed_list:.*0-[1-9]' /proc/self/status
}

# On a machine with CPU 0 only (the one-CPU guest), what can be seen there: "0" applies, and a
# list naming only CPU 1 is refused by the kernel, by name (the full tests need CPUs 0 and 1).
one_cpu_checks() {
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" aff1
	run -0 --separate-stderr hr exec --process - aff1 <<<'{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"'"$1"'": "0"}}'
	assert_line_matches '^Cpus_allowed_list:[[:space:]]+0$'
	run -1 hr exec --process - aff1 <<<'{"args": ["true"], "cwd": "/", "execCPUAffinity": {"'"$1"'": "1"}}'
	assert_output_contains "process.execCPUAffinity.$1: sched_setaffinity: none of its 1 CPUs is online and allowed to the process"
}

@test "process.execCPUAffinity: final through exec, --process's or the config's; the init keeps its CPUs" {
	if ! has_two_cpus; then
		one_cpu_checks final
		return
	fi
	local all
	all=$(cpus_of self)
	make_bundle_running sleep 1000
	update_config 'c["process"]["execCPUAffinity"] = {"final": "1"}'
	hr_bg run -d --bundle "$BUNDLE" aff
	# the init: not for it (runtime-spec)
	[ "$(cpus_of "$(hr state aff | json_eval 'd["pid"]')")" = "$all" ] ||
		fail "the init's CPUs changed"
	# exec without --process: the config's process, its execCPUAffinity included
	run -0 --separate-stderr hr exec aff grep Cpus_allowed_list /proc/self/status
	assert_line_matches '^Cpus_allowed_list:[[:space:]]+1$'
	run -0 --separate-stderr hr exec --process - aff <<<'{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"final": "0"}}'
	assert_line_matches '^Cpus_allowed_list:[[:space:]]+0$'
	# an empty list is no list: the affinity is left alone
	run -0 --separate-stderr hr exec --process - aff <<<'{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"final": ""}}'
	assert_line_matches "^Cpus_allowed_list:[[:space:]]+$all\$"
}

@test "process.execCPUAffinity: initial is applied in the child and kept without a final; final overrides it" {
	if ! has_two_cpus; then
		one_cpu_checks initial
		return
	fi
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" aff
	# nothing after the initial CPUs changes them: the kernel keeps them (runtime-spec)
	run -0 --separate-stderr hr exec --process - aff <<<'{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"initial": "1"}}'
	assert_line_matches '^Cpus_allowed_list:[[:space:]]+1$'
	run -0 --separate-stderr hr exec --process - aff <<<'{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"initial": "1", "final": "0-1"}}'
	assert_line_matches '^Cpus_allowed_list:[[:space:]]+0-1$'
	run -0 --separate-stderr hr exec --process - aff <<<'{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"initial": "0", "final": "1"}}'
	assert_line_matches '^Cpus_allowed_list:[[:space:]]+1$'
	# a list of CPUs none of which is online: refused by the kernel, named
	run -1 hr exec --process - aff <<<'{"args": ["true"], "cwd": "/", "execCPUAffinity": {"initial": "1000"}}'
	assert_output_contains "process.execCPUAffinity.initial: sched_setaffinity: none of its 1 CPUs is online and allowed to the process"
}

# affinity_refused VALUE MESSAGE: process.execCPUAffinity VALUE (a Python expression) refused
# with MESSAGE.
affinity_refused() {
	assert_config_refused "c['process']['execCPUAffinity'] = $1" "$2"
}

@test "process.execCPUAffinity: a malformed CPU list is refused with its JSON path by validate, run and exec, nothing left behind" {
	make_bundle_running true
	affinity_refused '{"initial": "0-3,x"}' \
		'process.execCPUAffinity.initial: "0-3,x": malformed CPU list: expected a CPU number at "x"'
	affinity_refused '{"final": "3-1"}' \
		'process.execCPUAffinity.final: "3-1": malformed CPU list: range 3-1 is reversed'
	affinity_refused '{"final": "1,"}' \
		'process.execCPUAffinity.final: "1,": malformed CPU list: expected a CPU number at ""'
	affinity_refused '{"final": "0-1024"}' \
		'process.execCPUAffinity.final: "0-1024": CPU 1024... is beyond the largest CPU hardrun can set (1023)'
	affinity_refused '{"initial": 7}' 'process.execCPUAffinity.initial: expected a string, got 7'
	affinity_refused '"0-3"' 'process.execCPUAffinity: expected an object, got "0-3"'
	# the pattern of the schema allows spaces
	update_config 'c["process"]["execCPUAffinity"] = {"initial": " 0 - 1 , 0 ", "final": ""}'
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	update_config 'c["process"].pop("execCPUAffinity"); c["process"]["args"] = ["sleep", "1000"]'
	hr_bg run -d --bundle "$BUNDLE" ok
	run -1 hr exec --process - ok <<<'{"args": ["true"], "cwd": "/", "execCPUAffinity": {"final": "1-"}}'
	assert_output_contains '-: execCPUAffinity.final: "1-": malformed CPU list: expected a CPU number at ""'
}
