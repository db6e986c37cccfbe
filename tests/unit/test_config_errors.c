/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json validation: one test per rule, each asserting the JSON path and the problem in
 * the message. Documents are hrt_base_config (helpers.c) with a single-quoted merge patch.
 */
#include <criterion/criterion.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "libcontainer/config.h"

#define rejects	      hrt_assert_patch_rejects
#define parses_ok(sq) hr_config_free(hrt_assert_patch_parses(sq))

/* ---- syntax and top level ---- */

Test(config_errors, malformed_json_has_line_and_column)
{
	hrt_assert_rejects_json("{\"ociVersion\": \"1.0.0\",\n  \"root\": }",
				"config.json: line 2, column ");
	hrt_assert_rejects_json("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}",
				"config.json: line 1, column ");
	hrt_assert_rejects_json("", "config.json: line 1, column 1: ");
	hrt_assert_rejects_json("{\"a\": tru}", "config.json: line 1, column ");
	hrt_assert_rejects_json("{\"a\": \"\xff\xfe\"}", "config.json: line 1, column ");
}

Test(config_errors, top_level_must_be_an_object)
{
	hrt_assert_rejects_json("[]", "config.json: expected an object, got an array");
	hrt_assert_rejects_json("null", "config.json: expected an object, got null");
}

Test(config_errors, oci_version)
{
	hrt_assert_rejects("{'root': {'path': 'r'}}",
			   "config.json: ociVersion: required property is missing");
	rejects("{'ociVersion': ''}", "config.json: ociVersion: must not be empty");
	rejects("{'ociVersion': 1.0}", "config.json: ociVersion: expected a string, got 1.0");
}

Test(config_errors, root)
{
	hrt_assert_rejects("{'ociVersion': '1.0.0'}",
			   "config.json: root: required property is missing");
	rejects("{'root': null}", "config.json: root: required property is missing");
	rejects("{'root': 'rootfs'}", "config.json: root: expected an object, got \"rootfs\"");
	rejects("{'root': {'path': null}}", "config.json: root.path: required property is missing");
	rejects("{'root': {'path': ''}}", "config.json: root.path: must not be empty");
	rejects("{'root': {'readonly': 'yes'}}",
		"config.json: root.readonly: expected true or false, got \"yes\"");
}

Test(config_errors, wrong_section_types)
{
	rejects("{'process': 'sh'}", "config.json: process: expected an object, got \"sh\"");
	rejects("{'linux': []}", "config.json: linux: expected an object, got an array");
	rejects("{'mounts': {}}", "config.json: mounts: expected an array, got an object");
	rejects("{'mounts': [3]}", "config.json: mounts[0]: expected an object, got 3");
	rejects("{'hooks': []}", "config.json: hooks: expected an object, got an array");
	rejects("{'linux': {'resources': 1}}",
		"config.json: linux.resources: expected an object, got 1");
}

/* ---- process ---- */

Test(config_errors, user_ids)
{
	rejects("{'process': {'user': {'uid': 'abc'}}}",
		"config.json: process.user.uid: expected a non-negative integer, got \"abc\"");
	rejects("{'process': {'user': {'gid': -1}}}",
		"config.json: process.user.gid: expected a non-negative integer, got -1");
	rejects("{'process': {'user': {'additionalGids': [1, -2]}}}",
		"config.json: process.user.additionalGids[1]: expected a non-negative integer, "
		"got -2");
	rejects("{'process': {'user': 0}}", "config.json: process.user: expected an object, got 0");
}

Test(config_errors, umask)
{
	rejects("{'process': {'user': {'umask': 512}}}",
		"config.json: process.user.umask: 512 is out of range (0..511)");
	parses_ok("{'process': {'user': {'umask': 511}}}");
}

Test(config_errors, cwd)
{
	rejects("{'process': {'cwd': 'tmp'}}",
		"config.json: process.cwd: must be an absolute path, got \"tmp\"");
	rejects("{'process': {'cwd': null}}",
		"config.json: process.cwd: required property is missing");
	rejects("{'process': {'cwd': ''}}", "config.json: process.cwd: must be an absolute path");
}

Test(config_errors, args)
{
	rejects("{'process': {'args': []}}",
		"config.json: process.args: must have at least one element");
	rejects("{'process': {'args': null}}",
		"config.json: process.args: required property is missing");
	rejects("{'process': {'args': ['']}}",
		"config.json: process.args: the program (args[0]) must not be empty");
	rejects("{'process': {'args': ['sh', 1]}}",
		"config.json: process.args[1]: expected a string, got 1");
}

Test(config_errors, env_entries)
{
	rejects("{'process': {'env': ['A=1', 'NOEQUALS']}}",
		"config.json: process.env[1]: expected KEY=VALUE with a non-empty KEY");
	rejects("{'process': {'env': ['A=1', 'B=2', 'C=3', '=value']}}",
		"config.json: process.env[3]: expected KEY=VALUE with a non-empty KEY");
	rejects("{'process': {'env': ['A=1', 7]}}",
		"config.json: process.env[1]: expected a \"KEY=VALUE\" string, got a number");
	rejects(
	    "{'process': {'env': 'A=1'}}",
	    "config.json: process.env: expected an array of \"KEY=VALUE\" strings, got a string");
	parses_ok("{'process': {'env': ['EMPTY=', 'A==b', 'lower_case=1']}}");
}

static void expect_no_secret(const char *sq, const char *secret, const char *needle)
{
	char *json = hrt_base_with(sq);
	struct hr_diags d = {0};
	struct hr_config *c = hrt_parse(json, &d);
	char *text = hrt_diags_text(&d);

	cr_expect_null(c);
	cr_expect(hrt_diags_contain(&d, needle), "no \"%s\" in:\n%s", needle, text);
	cr_expect_eq(hrt_diags_count_matching(&d, secret), 0, "the secret leaked:\n%s", text);
	if (c != NULL)
		hr_config_free(c);
	free(text);
	free(json);
	hr_diags_free(&d);
}

Test(config_errors, env_values_never_in_messages)
{
	expect_no_secret("{'process': {'env': ['PATH=/bin', 'hunter2-s3cr3t']}}", "hunter2",
			 "process.env[1]: expected KEY=VALUE");
	expect_no_secret("{'process': {'env': ['PATH=/bin', '=hunter2-s3cr3t']}}", "hunter2",
			 "process.env[1]: expected KEY=VALUE");
	expect_no_secret("{'process': {'env': 'TOKEN=hunter2-s3cr3t'}}", "hunter2",
			 "process.env: expected an array");
	expect_no_secret("{'hooks': {'prestart': [{'path': '/h', 'env': ['hunter2-s3cr3t']}]}}",
			 "hunter2", "hooks.prestart[0].env[0]: expected KEY=VALUE");
	expect_no_secret("{'process': {'env': [{'TOKEN': 'hunter2-s3cr3t'}]}}", "hunter2",
			 "process.env[0]: expected a \"KEY=VALUE\" string, got an object");
	expect_no_secret("{'annotations': {'vault.token': 987654321}}", "987654321",
			 "annotations[\"vault.token\"]: expected a string, got a number");
}

Test(config_errors, console_size)
{
	rejects("{'process': {'consoleSize': {'height': -1, 'width': 80}}}",
		"config.json: process.consoleSize.height: expected a non-negative integer, got -1");
	rejects("{'process': {'consoleSize': {'height': 24}}}",
		"config.json: process.consoleSize.width: required property is missing");
}

Test(config_errors, capabilities)
{
	rejects("{'process': {'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_FOO']}}}",
		"config.json: process.capabilities.bounding[2]: unknown capability \"CAP_FOO\"");
	rejects("{'process': {'capabilities': {'ambient': ['sys_admin']}}}",
		"config.json: process.capabilities.ambient[0]: unknown capability \"sys_admin\"");
	rejects("{'process': {'capabilities': {'effective': ['cap_chown']}}}",
		"config.json: process.capabilities.effective[0]: unknown capability \"cap_chown\"");
	rejects("{'process': {'capabilities': {'permitted': [21]}}}",
		"config.json: process.capabilities.permitted[0]: expected a capability name, got "
		"21");
	rejects("{'process': {'capabilities': {'inheritable': 'CAP_KILL'}}}",
		"config.json: process.capabilities.inheritable: expected an array");
}

Test(config_errors, rlimits)
{
	rejects("{'process': {'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]}}",
		"config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
	rejects("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}]}}",
		"config.json: process.rlimits[0]: soft limit 2048 is greater than hard limit 1024");
	rejects("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1},"
		" {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0},"
		" {'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]}}",
		"config.json: process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\" (also in "
		"rlimits[0])");
	rejects("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1}]}}",
		"config.json: process.rlimits[0].soft: required property is missing");
	rejects("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': -1, 'hard': 1}]}}",
		"config.json: process.rlimits[0].soft: expected a non-negative integer, got -1");
}

Test(config_errors, oom_score_adj)
{
	rejects("{'process': {'oomScoreAdj': 1001}}",
		"config.json: process.oomScoreAdj: 1001 is out of range (-1000..1000)");
	rejects("{'process': {'oomScoreAdj': -1001}}",
		"config.json: process.oomScoreAdj: -1001 is out of range (-1000..1000)");
	parses_ok("{'process': {'oomScoreAdj': 1000}}");
}

Test(config_errors, io_priority)
{
	rejects("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_FAST', 'priority': 1}}}",
		"config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_FAST\" "
		"(IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
	rejects("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_NONE'}}}",
		"config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"");
	rejects("{'process': {'ioPriority': {'priority': 1}}}",
		"config.json: process.ioPriority.class: required property is missing");
	rejects("{'process': {'ioPriority': {'class': 2}}}",
		"config.json: process.ioPriority.class: expected a string, got 2");
	rejects("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 8}}}",
		"config.json: process.ioPriority.priority: 8 is out of range (0..7)");
	rejects("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': -1}}}",
		"config.json: process.ioPriority.priority: -1 is out of range (0..7)");
	rejects("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': '4'}}}",
		"config.json: process.ioPriority.priority: expected an integer, got \"4\"");
	rejects("{'process': {'ioPriority': 'IOPRIO_CLASS_BE'}}",
		"config.json: process.ioPriority: expected an object, got \"IOPRIO_CLASS_BE\"");
	parses_ok("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_RT', 'priority': 7}}}");
	parses_ok("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_IDLE'}}}");
}

Test(config_errors, scheduler)
{
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_FAST'}}}",
	    "config.json: process.scheduler.policy: unknown policy \"SCHED_FAST\" (SCHED_OTHER, "
	    "SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE or SCHED_DEADLINE)");
	rejects("{'process': {'scheduler': {'nice': 3}}}",
		"config.json: process.scheduler.policy: required property is missing");
	rejects("{'process': {'scheduler': 'SCHED_FIFO'}}",
		"config.json: process.scheduler: expected an object, got \"SCHED_FIFO\"");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_OTHER', 'nice': -21}}}",
		"config.json: process.scheduler.nice: -21 is out of range (-20..19)");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_BATCH', 'nice': 20}}}",
		"config.json: process.scheduler.nice: 20 is out of range (-20..19)");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_FIFO'}}}",
	    "config.json: process.scheduler.priority: 0 is out of range for SCHED_FIFO (1..99)");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_RR', 'priority': 100}}}",
	    "config.json: process.scheduler.priority: 100 is out of range for SCHED_RR (1..99)");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_IDLE', 'priority': 1}}}",
		"config.json: process.scheduler.priority: 1: SCHED_IDLE takes no priority (only "
		"SCHED_FIFO and SCHED_RR do)");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_FIFO', 'priority': 2147483648}}}",
		"config.json: process.scheduler.priority: 2147483648 is out of range");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_OTHER', 'flags': ['SCHED_FLAG_X']}}}",
		"config.json: process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_X\"");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_OTHER', 'flags': 'SCHED_FLAG_RECLAIM'}}}",
	    "config.json: process.scheduler.flags: expected an array");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_BATCH', 'period': 1000000}}}",
	    "config.json: process.scheduler.period: only SCHED_DEADLINE takes a runtime, deadline "
	    "and period, not SCHED_BATCH");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_OTHER', 'runtime': -1}}}",
		"config.json: process.scheduler.runtime: expected a non-negative integer, got -1");
	parses_ok("{'process': {'scheduler': {'policy': 'SCHED_FIFO', 'priority': 99, 'nice': -20, "
		  "'flags': ['SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_RECLAIM', "
		  "'SCHED_FLAG_DL_OVERRUN', 'SCHED_FLAG_KEEP_POLICY', 'SCHED_FLAG_KEEP_PARAMS', "
		  "'SCHED_FLAG_UTIL_CLAMP_MIN', 'SCHED_FLAG_UTIL_CLAMP_MAX']}}}");
	parses_ok("{'process': {'scheduler': {'policy': 'SCHED_ISO'}}}");
	parses_ok("{'process': {'scheduler': {'policy': 'SCHED_IDLE', 'nice': 19}}}");
}

/* SCHED_DEADLINE: the kernel's rules (sched(7), __checkparam_dl), before anything is created. */
Test(config_errors, scheduler_deadline)
{
	rejects("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE'}}}",
		"config.json: process.scheduler.runtime: 0 ns is below the kernel's minimum of "
		"1024 ns (SCHED_DEADLINE needs a runtime)");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 1023, "
		"'deadline': 2000}}}",
		"config.json: process.scheduler.runtime: 1023 ns is below the kernel's minimum");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 2000}}}",
	    "config.json: process.scheduler.deadline: SCHED_DEADLINE needs a deadline (at least "
	    "the runtime, 2000 ns)");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 3000, "
	    "'deadline': 2000, 'period': 4000}}}",
	    "config.json: process.scheduler.runtime: 3000 ns is greater than the deadline, 2000 ns "
	    "(runtime <= deadline <= period)");
	rejects(
	    "{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 2000, "
	    "'deadline': 5000, 'period': 4000}}}",
	    "config.json: process.scheduler.deadline: 5000 ns is greater than the period, 4000 ns");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 2000, "
		"'deadline': 5000, 'period': 9223372036854775808}}}",
		"config.json: process.scheduler.period: 9223372036854775808 ns is not below the "
		"kernel's maximum of 2^63 ns");
	rejects("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 2000, "
		"'deadline': 5000, 'priority': 1}}}",
		"config.json: process.scheduler.priority: 1: SCHED_DEADLINE takes no priority");
	/* a period of 0 is the deadline's; runtime == deadline == period is allowed */
	parses_ok("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 1024, "
		  "'deadline': 1024}}}");
	parses_ok("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 1024, "
		  "'deadline': 1024, 'period': 1024}}}");
	parses_ok("{'process': {'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 1024, "
		  "'deadline': 9223372036854775807, 'period': 9223372036854775807}}}");
}

Test(config_errors, exec_cpu_affinity)
{
	rejects("{'process': {'execCPUAffinity': {'initial': '0-3,7,x'}}}",
		"config.json: process.execCPUAffinity.initial: \"0-3,7,x\": malformed CPU list: "
		"expected a CPU number at \"x\"");
	rejects(
	    "{'process': {'execCPUAffinity': {'final': '4-2'}}}",
	    "config.json: process.execCPUAffinity.final: \"4-2\": malformed CPU list: range 4-2 is "
	    "reversed");
	rejects(
	    "{'process': {'execCPUAffinity': {'final': '1;2'}}}",
	    "config.json: process.execCPUAffinity.final: \"1;2\": malformed CPU list: unexpected "
	    "\";2\"");
	rejects("{'process': {'execCPUAffinity': {'final': '1024'}}}",
		"config.json: process.execCPUAffinity.final: \"1024\": CPU 1024... is beyond the "
		"largest CPU hardrun can set (1023)");
	rejects("{'process': {'execCPUAffinity': {'final': '99999999999999999999'}}}",
		"config.json: process.execCPUAffinity.final: \"99999999999999999999\": CPU "
		"99999999999999999999... is beyond the largest CPU hardrun can set");
	rejects(
	    "{'process': {'execCPUAffinity': {'initial': '-1'}}}",
	    "config.json: process.execCPUAffinity.initial: \"-1\": malformed CPU list: expected a "
	    "CPU number at \"-1\"");
	rejects("{'process': {'execCPUAffinity': {'initial': ','}}}",
		"config.json: process.execCPUAffinity.initial: \",\": malformed CPU list");
	rejects("{'process': {'execCPUAffinity': {'initial': ['0']}}}",
		"config.json: process.execCPUAffinity.initial: expected a string, got an array");
	rejects("{'process': {'execCPUAffinity': '0'}}",
		"config.json: process.execCPUAffinity: expected an object, got \"0\"");
	parses_ok("{'process': {'execCPUAffinity': {'initial': '0-3,7', 'final': '1023'}}}");
	parses_ok("{'process': {'execCPUAffinity': {'initial': '', 'final': ' 1 - 2 , 5 '}}}");
	parses_ok("{'process': {'execCPUAffinity': {}}}");
}

Test(config_errors, process_strings_and_bools)
{
	rejects("{'process': {'terminal': 1}}",
		"config.json: process.terminal: expected true or false, got 1");
	rejects("{'process': {'noNewPrivileges': 'true'}}",
		"config.json: process.noNewPrivileges: expected true or false, got \"true\"");
	rejects("{'process': {'apparmorProfile': []}}",
		"config.json: process.apparmorProfile: expected a string, got an array");
}

/* ---- mounts ---- */

Test(config_errors, mount_destination)
{
	rejects("{'mounts': [{'destination': 'proc', 'type': 'proc'}]}",
		"config.json: mounts[0].destination: must be an absolute path, got \"proc\"");
	rejects("{'mounts': [{'destination': '/a'}, {'destination': '/a/../../etc'}]}",
		"config.json: mounts[1].destination: must not contain a \"..\" component");
	rejects("{'mounts': [{'destination': '/..'}]}",
		"config.json: mounts[0].destination: must not contain a \"..\" component");
	rejects("{'mounts': [{'type': 'tmpfs'}]}",
		"config.json: mounts[0].destination: required property is missing");
	parses_ok("{'mounts': [{'destination': '/a/..b/c..', 'type': 'tmpfs'}]}");
}

Test(config_errors, mount_fields)
{
	rejects("{'mounts': [{'destination': '/a', 'options': 'ro'}]}",
		"config.json: mounts[0].options: expected an array, got \"ro\"");
	rejects("{'mounts': [{'destination': '/a', 'uidMappings': [{'containerID': 0, 'hostID': "
		"1000, 'size': 1}]}]}",
		"config.json: mounts[0]: an idmapped mount needs both uidMappings and gidMappings");
}

/* ---- hooks ---- */

Test(config_errors, hooks)
{
	rejects("{'hooks': {'prestart': [{'path': 'bin/hook'}]}}",
		"config.json: hooks.prestart[0].path: must be an absolute path, got \"bin/hook\"");
	rejects("{'hooks': {'poststop': [{'args': ['x']}]}}",
		"config.json: hooks.poststop[0].path: required property is missing");
	rejects("{'hooks': {'createRuntime': [{'path': '/h'}, {'path': '/h', 'timeout': 0}]}}",
		"config.json: hooks.createRuntime[1].timeout: 0 is out of range (1..2147483647)");
	rejects("{'hooks': {'startContainer': [{'path': '/h', 'timeout': -5}]}}",
		"config.json: hooks.startContainer[0].timeout: -5 is out of range");
	rejects("{'hooks': {'poststart': [{'path': '/h', 'timeout': 1.5}]}}",
		"config.json: hooks.poststart[0].timeout: expected an integer, got 1.5");
	rejects("{'hooks': {'createContainer': [{'path': '/h', 'env': ['X']}]}}",
		"config.json: hooks.createContainer[0].env[0]: expected KEY=VALUE");
}

/* ---- annotations, hostname ---- */

Test(config_errors, annotations)
{
	rejects("{'annotations': {'com.example.a': 'x', 'com.example.b': 1}}",
		"config.json: annotations[\"com.example.b\"]: expected a string, got a number");
	rejects("{'annotations': {'': 'x'}}", "config.json: annotations[\"\"]: empty key");
	rejects("{'annotations': ['a']}",
		"config.json: annotations: expected an object, got an array");
}

Test(config_errors, hostname_needs_uts_namespace)
{
	rejects("{'linux': {'namespaces': [{'type': 'mount'}]}}",
		"config.json: hostname: requires a UTS namespace (no \"uts\" in linux.namespaces)");
	rejects("{'hostname': null, 'domainname': 'example.org', 'linux': {'namespaces': []}}",
		"config.json: domainname: requires a UTS namespace");
	parses_ok("{'hostname': '', 'linux': {'namespaces': [{'type': 'mount'}]}}");
	/* without a linux section every namespace is the caller's: its hostname would change */
	rejects("{'linux': null}", "config.json: hostname: requires a UTS namespace");
}

/* ---- linux: namespaces and mappings ---- */

Test(config_errors, namespaces)
{
	rejects("{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'pid'}, {'type': 'pid'}]}}",
		"config.json: linux.namespaces[2].type: duplicate namespace type \"pid\" (also in "
		"namespaces[1])");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'net'}]}}",
		"config.json: linux.namespaces[1].type: unknown namespace type \"net\"");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}, {'path': '/proc/1/ns/pid'}]}}",
		"config.json: linux.namespaces[1].type: required property is missing");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'pid', 'path': 'ns/pid'}]}}",
		"config.json: linux.namespaces[1].path: must be an absolute path, got \"ns/pid\"");
}

#define USERNS "{'type': 'uts'}, {'type': 'user'}, {'type': 'mount'}"
#define MAP    "[{'containerID': 0, 'hostID': 1000, 'size': 65536}]"

Test(config_errors, user_namespace_and_mappings)
{
	rejects("{'linux': {'namespaces': [" USERNS "], 'gidMappings': " MAP "}}",
		"config.json: linux.uidMappings: required by the new user namespace "
		"(linux.namespaces[1])");
	rejects("{'linux': {'namespaces': [" USERNS "], 'uidMappings': " MAP "}}",
		"config.json: linux.gidMappings: required by the new user namespace");
	rejects("{'linux': {'uidMappings': " MAP ", 'gidMappings': " MAP "}}",
		"config.json: linux.uidMappings: requires a user namespace (no \"user\" in "
		"linux.namespaces)");
	parses_ok("{'linux': {'namespaces': [" USERNS "], 'uidMappings': " MAP
		  ", 'gidMappings': " MAP "}}");
	/* joining a user namespace: its mappings are already set */
	parses_ok("{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'mount'}, {'type': 'user', "
		  "'path': '/proc/1/ns/user'}]}}");
}

Test(config_errors, id_mappings)
{
	rejects("{'linux': {'namespaces': [" USERNS "], 'gidMappings': " MAP ", 'uidMappings': "
		"[{'containerID': 0, 'hostID': 1000}]}}",
		"config.json: linux.uidMappings[0].size: required property is missing");
	rejects(
	    "{'linux': {'namespaces': [" USERNS "], 'gidMappings': " MAP ", 'uidMappings': "
	    "[{'containerID': 0, 'hostID': -1, 'size': 1}]}}",
	    "config.json: linux.uidMappings[0].hostID: expected a non-negative integer, got -1");
	rejects("{'linux': {'namespaces': [" USERNS "], 'gidMappings': " MAP ", 'uidMappings': "
		"[{'containerID': 0, 'hostID': 1, 'size': 0}]}}",
		"config.json: linux.uidMappings[0]: size must be at least 1");
	rejects("{'linux': {'namespaces': [" USERNS "], 'gidMappings': " MAP ", 'uidMappings': "
		"[{'containerID': 0, 'hostID': 4294967295, 'size': 2}]}}",
		"config.json: linux.uidMappings[0]: the range goes past ID 4294967295");
}

Test(config_errors, time_offsets)
{
	rejects("{'linux': {'timeOffsets': {'monotonic': {'secs': 1}}}}",
		"config.json: linux.timeOffsets: requires a time namespace (no \"time\" in "
		"linux.namespaces)");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'time', 'path': "
		"'/proc/1/ns/time'}], 'timeOffsets': {'boottime': {'secs': 1}}}}",
		"config.json: linux.timeOffsets: cannot be applied to an existing time namespace");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'time'}], 'timeOffsets': "
		"{'boottime': {'secs': 1, 'nanosecs': 1000000000}}}}",
		"config.json: linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range "
		"(0..999999999)");
	parses_ok(
	    "{'linux': {'namespaces': [{'type': 'uts'}, {'type': 'time'}, {'type': 'mount'}], "
	    "'timeOffsets': "
	    "{'boottime': {'secs': -9223372036854775808, 'nanosecs': 999999999}}}}");
}

/* ---- linux: devices and the smaller members ---- */

Test(config_errors, devices)
{
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'type': 'x', 'major': 1, 'minor': 1}]}}",
		"config.json: linux.devices[0].type: expected \"c\", \"b\", \"u\" or \"p\", got "
		"\"x\"");
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'type': 'cc'}]}}",
		"config.json: linux.devices[0].type: expected \"c\"");
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'minor': 1}]}}",
		"config.json: linux.devices[0].major: required for a device of type \"c\"");
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'type': 'b', 'major': 8}]}}",
		"config.json: linux.devices[0].minor: required for a device of type \"b\"");
	rejects("{'linux': {'devices': [{'path': 'dev/x', 'type': 'p'}]}}",
		"config.json: linux.devices[0].path: must be an absolute path");
	rejects("{'linux': {'devices': [{'path': '/dev/../etc/x', 'type': 'p'}]}}",
		"config.json: linux.devices[0].path: must not contain a \"..\" component");
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': -1, 'minor': "
		"1}]}}",
		"config.json: linux.devices[0].major: expected a non-negative integer, got -1");
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': 1, 'minor': 1, "
		"'fileMode': 8630}]}}",
		"config.json: linux.devices[0].fileMode: 8630 is out of range (0..4095)");
	rejects("{'linux': {'devices': [{'path': '/dev/x', 'major': 1, 'minor': 1}]}}",
		"config.json: linux.devices[0].type: required property is missing");
}

Test(config_errors, sysctl)
{
	rejects("{'linux': {'sysctl': {'': '1'}}}", "config.json: linux.sysctl[\"\"]: empty key");
	rejects("{'linux': {'sysctl': {'net.ipv4.ip_forward': 1}}}",
		"config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got a "
		"number");
	rejects("{'linux': {'sysctl': {'vm.overcommit_memory': '1'}}}",
		"config.json: linux.sysctl[\"vm.overcommit_memory\"]: not in a namespace the "
		"container can have");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}], 'sysctl': {'net.core.somaxconn': "
		"'1'}}}",
		"config.json: linux.sysctl[\"net.core.somaxconn\"]: requires a network namespace");
	rejects("{'linux': {'namespaces': [{'type': 'uts'}], 'sysctl': {'kernel/shmmax': '1'}}}",
		"config.json: linux.sysctl[\"kernel/shmmax\"]: requires a IPC namespace");
	rejects(
	    "{'hostname': null, 'linux': {'sysctl': {'kernel.hostname': 'x'}}}",
	    "config.json: linux.sysctl[\"kernel.hostname\"]: set the hostname property instead");
	rejects("{'linux': {'sysctl': {'kernel.hostname': 'x'}}}",
		"config.json: linux.sysctl[\"kernel.hostname\"]: conflicts with hostname");
	rejects("{'domainname': 'a', 'linux': {'sysctl': {'kernel.domainname': 'b'}}}",
		"config.json: linux.sysctl[\"kernel.domainname\"]: conflicts with domainname");
	rejects("{'domainname': 'a', 'linux': {'sysctl': {'kernel/domainname': 'b'}}}",
		"config.json: linux.sysctl[\"kernel/domainname\"]: conflicts with domainname");
	parses_ok("{'domainname': 'a', 'linux': {'sysctl': {'kernel.domainname': 'a'}}}");
	parses_ok("{'linux': {'sysctl': {'net.ipv4.ip_forward': '1', 'fs.mqueue.msg_max': '10', "
		  "'kernel.domainname': 'x', 'net/core/somaxconn': '1'}}}");
}

Test(config_errors, rootfs_propagation)
{
	rejects("{'linux': {'rootfsPropagation': 'bogus'}}",
		"config.json: linux.rootfsPropagation: expected private, shared, slave or "
		"unbindable (or r*), got \"bogus\"");
	rejects("{'linux': {'rootfsPropagation': 'PRIVATE'}}",
		"config.json: linux.rootfsPropagation: expected private");
	parses_ok("{'linux': {'rootfsPropagation': 'runbindable'}}");
	parses_ok("{'linux': {'rootfsPropagation': 'shared'}}");
}

Test(config_errors, masked_and_readonly_paths)
{
	rejects("{'linux': {'maskedPaths': ['/proc/kcore', 'proc/keys']}}",
		"config.json: linux.maskedPaths[1]: must be an absolute path, got \"proc/keys\"");
	rejects("{'linux': {'readonlyPaths': ['/proc/../etc']}}",
		"config.json: linux.readonlyPaths[0]: must not contain a \"..\" component");
	rejects("{'linux': {'readonlyPaths': [1]}}",
		"config.json: linux.readonlyPaths[0]: expected a string, got 1");
}

Test(config_errors, personality)
{
	rejects("{'linux': {'personality': {'domain': 'LINUX64'}}}",
		"config.json: linux.personality.domain: expected \"LINUX\" or \"LINUX32\", got "
		"\"LINUX64\"");
	rejects("{'linux': {'personality': {'flags': []}}}",
		"config.json: linux.personality.domain: required property is missing");
	/* refused by validate as create refuses it */
	rejects("{'linux': {'personality': {'domain': 'LINUX', 'flags': ['ADDR_NO_RANDOMIZE', "
		"'NO_SUCH']}}}",
		"config.json: linux.personality.flags[1]: unknown flag \"NO_SUCH\"");
	parses_ok("{'linux': {'personality': {'domain': 'LINUX32', 'flags': ['UNAME26', "
		  "'ADDR_NO_RANDOMIZE']}}}");
}

/* cgroup v1's knobs: refused when they ask for something cgroup v2 cannot do */
Test(config_errors, cgroup_v1_only_resources)
{
	rejects("{'linux': {'resources': {'memory': {'kernel': 1048576}}}}",
		"config.json: linux.resources.memory.kernel: cgroup v2 has no kernel memory limit "
		"of its own");
	rejects("{'linux': {'resources': {'memory': {'kernelTCP': 1048576}}}}",
		"config.json: linux.resources.memory.kernelTCP: cgroup v2 has no TCP buffer limit");
	rejects("{'linux': {'resources': {'memory': {'disableOOMKiller': true}}}}",
		"config.json: linux.resources.memory.disableOOMKiller: cgroup v2 cannot turn the "
		"OOM killer off");
	rejects("{'linux': {'resources': {'memory': {'useHierarchy': false}}}}",
		"config.json: linux.resources.memory.useHierarchy: cgroup v2 is always "
		"hierarchical");
	rejects("{'linux': {'resources': {'cpu': {'realtimeRuntime': 950000}}}}",
		"config.json: linux.resources.cpu.realtimeRuntime: real-time CPU limits do not "
		"exist in cgroup v2");
	rejects(
	    "{'linux': {'resources': {'cpu': {'realtimePeriod': 1000000}}}}",
	    "config.json: linux.resources.cpu.realtimePeriod: real-time CPU limits do not exist "
	    "in cgroup v2");
	/* the neutral values engines send */
	parses_ok("{'linux': {'resources': {'memory': {'kernel': -1, 'kernelTCP': 0, "
		  "'disableOOMKiller': false, 'useHierarchy': true, 'swappiness': "
		  "18446744073709551615}, 'cpu': {'realtimeRuntime': -1, 'realtimePeriod': 0}}}}");
}

Test(config_errors, cgroup_v1_tuning_is_a_warning)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'resources': {'memory': {'swappiness': 0}, 'blockIO': {'leafWeight': 300, "
	    "'weightDevice': [{'major': 8, 'minor': 0, 'leafWeight': 10}]}}}}");

	cr_assert_eq(c->warnings.n, 3);
	cr_expect(strstr(c->warnings.msgs[0], "config.json: linux.resources.memory.swappiness: "
					      "cgroup v2 has no per-cgroup swappiness") != NULL,
		  "%s", c->warnings.msgs[0]);
	cr_expect(strstr(c->warnings.msgs[1], "config.json: linux.resources.blockIO.leafWeight: "
					      "cgroup v2 has no leaf weights") != NULL,
		  "%s", c->warnings.msgs[1]);
	cr_expect(strstr(c->warnings.msgs[2],
			 "config.json: linux.resources.blockIO.weightDevice[0].leafWeight: cgroup "
			 "v2 has no leaf weights") != NULL,
		  "%s", c->warnings.msgs[2]);
	hr_config_free(c);
}

Test(config_errors, memory_policy)
{
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_FAST', 'nodes': '0'}}}",
		"config.json: linux.memoryPolicy.mode: unknown mode \"MPOL_FAST\" (MPOL_DEFAULT, ");
	rejects("{'linux': {'memoryPolicy': {'nodes': '0'}}}",
		"config.json: linux.memoryPolicy.mode: required property is missing");
	rejects("{'linux': {'memoryPolicy': []}}",
		"config.json: linux.memoryPolicy: expected an object, got an array");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0', 'flags': "
		"['MPOL_F_STATIC_NODES', 'MPOL_F_SOON']}}}",
		"config.json: linux.memoryPolicy.flags[1]: unknown flag \"MPOL_F_SOON\"");
	rejects(
	    "{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0', 'flags': "
	    "['MPOL_F_RELATIVE_NODES', 'MPOL_F_STATIC_NODES']}}}",
	    "config.json: linux.memoryPolicy.flags[1]: MPOL_F_STATIC_NODES: MPOL_F_STATIC_NODES "
	    "and MPOL_F_RELATIVE_NODES exclude each other");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0', 'flags': "
		"['MPOL_F_STATIC_NODES', 'MPOL_F_STATIC_NODES']}}}",
		"config.json: linux.memoryPolicy.flags[1]: MPOL_F_STATIC_NODES: given twice");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_PREFERRED', 'nodes': '0', 'flags': "
		"['MPOL_F_NUMA_BALANCING']}}}",
		"config.json: linux.memoryPolicy.flags[0]: MPOL_F_NUMA_BALANCING: "
		"MPOL_F_NUMA_BALANCING goes only with MPOL_BIND or MPOL_PREFERRED_MANY");
	rejects(
	    "{'linux': {'memoryPolicy': {'mode': 'MPOL_LOCAL', 'flags': "
	    "['MPOL_F_STATIC_NODES']}}}",
	    "config.json: linux.memoryPolicy.flags[0]: MPOL_F_STATIC_NODES: a node flag on a mode "
	    "that takes no nodes");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0-'}}}",
		"config.json: linux.memoryPolicy.nodes: \"0-\" is not a node list");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': 3}}}",
		"config.json: linux.memoryPolicy.nodes: expected a string, got 3");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_INTERLEAVE'}}}",
		"config.json: linux.memoryPolicy.nodes: required: MPOL_BIND, MPOL_INTERLEAVE");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_PREFERRED_MANY', 'nodes': ''}}}",
		"config.json: linux.memoryPolicy.nodes: required: ");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_DEFAULT', 'nodes': '0'}}}",
		"config.json: linux.memoryPolicy.nodes: must be empty: MPOL_DEFAULT and MPOL_LOCAL "
		"take no nodes");
	rejects("{'linux': {'memoryPolicy': {'mode': 'MPOL_PREFERRED', 'flags': "
		"['MPOL_F_STATIC_NODES']}}}",
		"config.json: linux.memoryPolicy.nodes: required: MPOL_PREFERRED with "
		"MPOL_F_STATIC_NODES");
}

Test(config_errors, memory_policy_accepted)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0-2,65', 'flags': "
	    "['MPOL_F_STATIC_NODES', 'MPOL_F_NUMA_BALANCING']}}}");
	const struct hr_mempolicy *mp = c->linux_cfg.memory_policy;

	cr_assert_not_null(mp);
	cr_assert_eq(mp->mode, HR_MPOL_BIND);
	cr_assert_eq(mp->flags, HR_MPOL_F_STATIC_NODES | HR_MPOL_F_NUMA_BALANCING);
	cr_assert_eq(mp->nodes[0], 0x7UL);
	cr_assert_eq(mp->nodes[65 / (8 * sizeof(long))], 1UL << (65 % (8 * sizeof(long))));
	hr_config_free(c);
	parses_ok("{'linux': {'memoryPolicy': {'mode': 'MPOL_PREFERRED'}}}");
	parses_ok("{'linux': {'memoryPolicy': {'mode': 'MPOL_LOCAL', 'nodes': ''}}}");
	parses_ok(
	    "{'linux': {'memoryPolicy': {'mode': 'MPOL_WEIGHTED_INTERLEAVE', 'nodes': '0'}}}");
	parses_ok("{'linux': {'memoryPolicy': {'mode': 'MPOL_PREFERRED_MANY', 'nodes': '0', "
		  "'flags': ['MPOL_F_NUMA_BALANCING']}}}");
}

/* ---- linux.resources ---- */

Test(config_errors, resource_device_rules)
{
	rejects("{'linux': {'resources': {'devices': [{'allow': true, 'type': 'x'}]}}}",
		"config.json: linux.resources.devices[0].type: expected \"a\", \"b\" or \"c\", got "
		"\"x\"");
	rejects("{'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwx'}]}}}",
		"config.json: linux.resources.devices[0].access: expected letters among \"rwm\", "
		"got \"rwx\"");
	rejects("{'linux': {'resources': {'devices': [{'access': 'r'}]}}}",
		"config.json: linux.resources.devices[0].allow: required property is missing");
	rejects("{'linux': {'resources': {'devices': [{'allow': true, 'major': -2}]}}}",
		"config.json: linux.resources.devices[0].major: expected -1 (any) or a "
		"non-negative integer, got -2");
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'resources': {'devices': [{'allow': true, 'type': 'c', 'major': -1, "
	    "'minor': 3}]}}}");
	cr_expect(!c->linux_cfg.resources.devices[0].major.set);
	cr_expect(c->linux_cfg.resources.devices[0].minor.set);
	cr_expect_null(c->linux_cfg.resources.devices[0].access);
	hr_config_free(c);
}

Test(config_errors, memory)
{
	rejects("{'linux': {'resources': {'memory': {'limit': -2}}}}",
		"config.json: linux.resources.memory.limit: expected -1 (unlimited) or a "
		"non-negative integer, got -2");
	rejects("{'linux': {'resources': {'memory': {'limit': 2000000, 'swap': 1000000}}}}",
		"config.json: linux.resources.memory.swap: 1000000 is less than limit 2000000");
	rejects("{'linux': {'resources': {'memory': {'swappiness': 101}}}}",
		"config.json: linux.resources.memory.swappiness: 101 is out of range (0..100)");
	rejects("{'linux': {'resources': {'memory': {'disableOOMKiller': 0}}}}",
		"config.json: linux.resources.memory.disableOOMKiller: expected true or false");
}

Test(config_errors, cpu)
{
	rejects("{'linux': {'resources': {'cpu': {'quota': 50000}}}}",
		"config.json: linux.resources.cpu.quota: a quota requires cpu.period");
	rejects(
	    "{'linux': {'resources': {'cpu': {'quota': 500, 'period': 100000}}}}",
	    "config.json: linux.resources.cpu.quota: out of range (at least 1000 microseconds)");
	rejects("{'linux': {'resources': {'cpu': {'quota': -2, 'period': 100000}}}}",
		"config.json: linux.resources.cpu.quota: expected -1 (unlimited), 0 (unset) or at "
		"least 1000");
	rejects(
	    "{'linux': {'resources': {'cpu': {'period': 999}}}}",
	    "config.json: linux.resources.cpu.period: out of range (1000..1000000 microseconds)");
	rejects("{'linux': {'resources': {'cpu': {'period': 1000001}}}}",
		"config.json: linux.resources.cpu.period: out of range");
	rejects("{'linux': {'resources': {'cpu': {'shares': -1}}}}",
		"config.json: linux.resources.cpu.shares: expected a non-negative integer, got -1");
	rejects("{'linux': {'resources': {'cpu': {'quota': 1000, 'period': 1000, 'burst': 2000}}}}",
		"config.json: linux.resources.cpu.burst: must not exceed a positive cpu.quota");
	rejects("{'linux': {'resources': {'cpu': {'idle': 2}}}}",
		"config.json: linux.resources.cpu.idle: expected 0 or 1");
	rejects("{'linux': {'resources': {'cpu': {'cpus': '0-3,a'}}}}",
		"config.json: linux.resources.cpu.cpus: expected a list like \"0-3,5\", got "
		"\"0-3,a\"");
	rejects("{'linux': {'resources': {'cpu': {'mems': '3-1'}}}}",
		"config.json: linux.resources.cpu.mems: expected a list like");
	rejects("{'linux': {'resources': {'cpu': {'cpus': '1,'}}}}",
		"config.json: linux.resources.cpu.cpus: expected a list like");
	parses_ok("{'linux': {'resources': {'cpu': {'quota': -1, 'cpus': '0-3,5,7-8,0-31:2/8', "
		  "'mems': ''}}}}");
	parses_ok("{'linux': {'resources': {'cpu': {'quota': 0, 'period': 0, 'shares': 0}}}}");
}

Test(config_errors, pids)
{
	rejects("{'linux': {'resources': {'pids': {}}}}",
		"config.json: linux.resources.pids.limit: required property is missing");
	rejects("{'linux': {'resources': {'pids': {'limit': '10'}}}}",
		"config.json: linux.resources.pids.limit: expected an integer, got \"10\"");
}

Test(config_errors, block_io)
{
	rejects(
	    "{'linux': {'resources': {'blockIO': {'weight': 5}}}}",
	    "config.json: linux.resources.blockIO.weight: 5 is out of range (10..1000, or 0 for "
	    "unset)");
	rejects("{'linux': {'resources': {'blockIO': {'leafWeight': 1001}}}}",
		"config.json: linux.resources.blockIO.leafWeight: 1001 is out of range");
	rejects("{'linux': {'resources': {'blockIO': {'weightDevice': [{'major': 8, 'weight': "
		"100}]}}}}",
		"config.json: linux.resources.blockIO.weightDevice[0].minor: required property is "
		"missing");
	rejects("{'linux': {'resources': {'blockIO': {'throttleReadIOPSDevice': [{'major': 8, "
		"'minor': 0, 'rate': -1}]}}}}",
		"config.json: linux.resources.blockIO.throttleReadIOPSDevice[0].rate: expected a "
		"non-negative integer, got -1");
	struct hr_config *c =
	    hrt_assert_patch_parses("{'linux': {'resources': {'blockIO': {'weight': 0}}}}");
	cr_expect(!c->linux_cfg.resources.block_io.has_weight, "a weight of 0 means unset");
	hr_config_free(c);
}

Test(config_errors, hugepages)
{
	rejects("{'linux': {'resources': {'hugepageLimits': [{'pageSize': '2MB', 'limit': 1}, "
		"{'pageSize': '2M', 'limit': 1}]}}}",
		"config.json: linux.resources.hugepageLimits[1].pageSize: expected a size like");
	rejects("{'linux': {'resources': {'hugepageLimits': [{'pageSize': '02MB', 'limit': 1}]}}}",
		"config.json: linux.resources.hugepageLimits[0].pageSize: expected a size like");
	rejects(
	    "{'linux': {'resources': {'hugepageLimits': [{'pageSize': '2MB'}]}}}",
	    "config.json: linux.resources.hugepageLimits[0].limit: required property is missing");
}

Test(config_errors, unified)
{
	rejects(
	    "{'linux': {'resources': {'unified': {'../../cgroup.procs': '1'}}}}",
	    "config.json: linux.resources.unified[\"../../cgroup.procs\"]: must be a cgroup file "
	    "name");
	rejects("{'linux': {'resources': {'unified': {'..': '1'}}}}",
		"config.json: linux.resources.unified[\"..\"]: must be a cgroup file name");
	rejects("{'linux': {'resources': {'unified': {'.': '1'}}}}",
		"config.json: linux.resources.unified[\".\"]: must be a cgroup file name");
	rejects("{'linux': {'resources': {'unified': {'memory.max': 1}}}}",
		"config.json: linux.resources.unified[\"memory.max\"]: expected a string, got a "
		"number");
}

/* runc's CONTROLLER.PARAMETER form; the core files hardrun itself writes are not resources */
Test(config_errors, unified_keys_are_resource_files)
{
	rejects("{'linux': {'resources': {'unified': {'a/b': '1'}}}}",
		"config.json: linux.resources.unified[\"a/b\"]: must be a cgroup file name");
	rejects("{'linux': {'resources': {'unified': {'memorymax': '1'}}}}",
		"config.json: linux.resources.unified.memorymax: must be a file of the form "
		"CONTROLLER.PARAMETER");
	rejects("{'linux': {'resources': {'unified': {'.max': '1'}}}}",
		"config.json: linux.resources.unified[\".max\"]: must be a file of the form "
		"CONTROLLER.PARAMETER");
	static const char *const core[] = {
	    "cgroup.procs", "cgroup.threads", "cgroup.subtree_control", "cgroup.type",
	    "cgroup.kill",  "cgroup.freeze",  "cgroup.controllers",	"cgroup.events"};
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++) {
		char doc[128], msg[160];

		snprintf(doc, sizeof(doc), "{'linux': {'resources': {'unified': {'%s': '1'}}}}",
			 core[i]);
		snprintf(msg, sizeof(msg),
			 "config.json: linux.resources.unified[\"%s\"]: is a cgroup core "
			 "interface file hardrun manages",
			 core[i]);
		rejects(doc, msg);
	}
	parses_ok("{'linux': {'resources': {'unified': {'cgroup.max.depth': '2', "
		  "'cgroup.max.descendants': '10', 'cgroup.pressure': '0', 'misc.max': 'x 1', "
		  "'rdma.max': 'rxe0 hca_handle=1'}}}}");
}

Test(config_errors, rdma)
{
	rejects("{'linux': {'resources': {'rdma': {'mlx5_0': {'hcaHandles': -1}}}}}",
		"config.json: linux.resources.rdma.mlx5_0.hcaHandles: expected a non-negative "
		"integer, got -1");
	rejects("{'linux': {'resources': {'rdma': {'mlx5_0': {'hcaObjects': 2147483648}}}}}",
		"config.json: linux.resources.rdma.mlx5_0.hcaObjects: 2147483648 is out of range "
		"(0..2147483647)");
	rejects("{'linux': {'resources': {'rdma': {'mlx5_0': {'hcaHandles': '8'}}}}}",
		"config.json: linux.resources.rdma.mlx5_0.hcaHandles: expected a non-negative "
		"integer");
	rejects("{'linux': {'resources': {'rdma': {'mlx5_0': 8}}}}",
		"config.json: linux.resources.rdma.mlx5_0: expected an object, got 8");
	rejects("{'linux': {'resources': {'rdma': {'mlx 0': {'hcaHandles': 1}}}}}",
		"config.json: linux.resources.rdma[\"mlx 0\"]: an RDMA device name has no spaces");
	rejects("{'linux': {'resources': {'rdma': {'': {'hcaHandles': 1}}}}}",
		"config.json: linux.resources.rdma[\"\"]: an RDMA device name must not be empty");
	rejects("{'linux': {'resources': {'rdma': ['mlx5_0']}}}",
		"config.json: linux.resources.rdma: expected an object, got an array");
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'resources': {'rdma': {'rxe0': {'hcaHandle': 1}, 'mlx5_1': {'hcaObjects': "
	    "0}}}}}");
	const struct hr_resources *r = &c->linux_cfg.resources;

	cr_assert_eq(c->warnings.n, 1);
	cr_expect(strstr(c->warnings.msgs[0], "config.json: linux.resources.rdma.rxe0.hcaHandle: "
					      "not a field of the runtime-spec"),
		  "%s", c->warnings.msgs[0]);
	cr_assert_eq(r->n_rdma, 2);
	cr_expect_not(r->rdma[0].hca_handles.set || r->rdma[0].hca_objects.set);
	cr_expect(r->rdma[1].hca_objects.set && r->rdma[1].hca_objects.value == 0);
	hr_config_free(c);
}

/* ---- linux.seccomp ---- */

#define SECCOMP(body) "{'linux': {'seccomp': {" body "}}}"

Test(config_errors, seccomp_actions)
{
	rejects(SECCOMP("'architectures': []"),
		"config.json: linux.seccomp.defaultAction: required property is missing");
	rejects(
	    SECCOMP("'defaultAction': 'SCMP_ACT_DENY'"),
	    "config.json: linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\"");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['a'], "
			"'action': 'allow'}]"),
		"config.json: linux.seccomp.syscalls[0].action: unknown seccomp action \"allow\"");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_NOTIFY', 'listenerPath': '/run/l'"),
		"config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
		"action");
}

Test(config_errors, seccomp_errno_ret)
{
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrnoRet': 1"),
		"config.json: linux.seccomp.defaultErrnoRet: only allowed with SCMP_ACT_ERRNO or "
		"SCMP_ACT_TRACE, not SCMP_ACT_ALLOW");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], "
			"'action': 'SCMP_ACT_KILL', 'errnoRet': 1}]"),
		"config.json: linux.seccomp.syscalls[0].errnoRet: only allowed with SCMP_ACT_ERRNO "
		"or SCMP_ACT_TRACE, not SCMP_ACT_KILL");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 65536"),
		"config.json: linux.seccomp.defaultErrnoRet: 65536 is out of range (0..65535)");
	parses_ok(SECCOMP("'defaultAction': 'SCMP_ACT_TRACE', 'defaultErrnoRet': 1, 'syscalls': "
			  "[{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 0}]"));
}

Test(config_errors, seccomp_architectures_and_flags)
{
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', "
			"'SCMP_ARCH_VAX']"),
		"config.json: linux.seccomp.architectures[1]: unknown architecture "
		"\"SCMP_ARCH_VAX\"");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['x86_64']"),
		"config.json: linux.seccomp.architectures[0]: unknown architecture \"x86_64\"");
	if (seccomp_arch_resolve_name("m68k") == 0)
		rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': "
				"['SCMP_ARCH_M68K']"),
			"config.json: linux.seccomp.architectures[0]: architecture "
			"\"SCMP_ARCH_M68K\" is not supported by libseccomp");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_LOG', "
			"'SECCOMP_FILTER_FLAG_FOO']"),
		"config.json: linux.seccomp.flags[1]: unknown seccomp flag "
		"\"SECCOMP_FILTER_FLAG_FOO\"");
}

Test(config_errors, seccomp_rules)
{
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], 'action': "
			"'SCMP_ACT_ERRNO'}]"),
		"config.json: linux.seccomp.syscalls[0].names: must name at least one system call");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'action': "
			"'SCMP_ACT_ERRNO'}]"),
		"config.json: linux.seccomp.syscalls[0].names: required property is missing");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read', ''], "
			"'action': 'SCMP_ACT_ERRNO'}]"),
		"config.json: linux.seccomp.syscalls[0].names[1]: must not be empty");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
			"'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': "
			"'SCMP_CMP_EQ'}]}]"),
		"config.json: linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0..5)");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
			"'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': "
			"'SCMP_CMP_LIKE'}]}]"),
		"config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "
		"\"SCMP_CMP_LIKE\"");
	rejects(
	    SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'op': 'SCMP_CMP_EQ'}]}]"),
	    "config.json: linux.seccomp.syscalls[0].args[0].value: required property is missing");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
			"'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': -1, 'op': "
			"'SCMP_CMP_EQ'}]}]"),
		"config.json: linux.seccomp.syscalls[0].args[0].value: expected a non-negative "
		"integer, got -1");
}

Test(config_errors, seccomp_notify)
{
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], "
			"'action': 'SCMP_ACT_NOTIFY'}]"),
		"config.json: linux.seccomp.listenerPath: required when a rule uses "
		"SCMP_ACT_NOTIFY");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/l', 'syscalls': "
			"[{'names': ['mkdir', 'write'], 'action': 'SCMP_ACT_NOTIFY'}]"),
		"config.json: linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used "
		"for write (hardrun calls it after loading the filter, before execve)");
	/* the listener fd goes to hardrun with sendmsg: a notification there would deadlock */
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/l', 'syscalls': "
			"[{'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}, {'names': ['getpid', "
			"'sendmsg'], 'action': 'SCMP_ACT_NOTIFY'}]"),
		"config.json: linux.seccomp.syscalls[1].names[1]: SCMP_ACT_NOTIFY cannot be used "
		"for sendmsg (hardrun calls it after loading the filter, before execve)");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/l', 'syscalls': "
			"[{'names': ['close'], 'action': 'SCMP_ACT_NOTIFY'}]"),
		"config.json: linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used "
		"for close");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/l', 'syscalls': "
			"[{'names': ['execve'], 'action': 'SCMP_ACT_NOTIFY'}]"),
		"config.json: linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used "
		"for execve");
	rejects(SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': 'agent.sock'"),
		"config.json: linux.seccomp.listenerPath: must be an absolute path");
}

/* ---- many problems at once ---- */

Test(config_errors, every_problem_is_reported)
{
	static const char *const expected[] = {
	    "config.json: ociVersion: required property is missing",
	    "config.json: root.path: must not be empty",
	    "config.json: mounts[0].destination: must be an absolute path, got \"rel\"",
	    "config.json: process.user.uid: expected a non-negative integer, got \"abc\"",
	    "config.json: process.args: must have at least one element",
	    "config.json: process.env[0]: expected KEY=VALUE with a non-empty KEY",
	    "config.json: process.cwd: must be an absolute path, got \"x\"",
	    "config.json: process.capabilities.bounding[0]: unknown capability \"CAP_NOPE\"",
	    "config.json: process.oomScoreAdj: 5000 is out of range (-1000..1000)",
	    "config.json: hooks.prestart[0].path: must be an absolute path, got \"h\"",
	    "config.json: linux.namespaces[1].type: duplicate namespace type \"uts\" (also in "
	    "namespaces[0])",
	    "config.json: linux.resources.memory.limit: expected an integer, got true",
	    "config.json: linux.seccomp.defaultAction: unknown seccomp action \"X\"",
	    "config.json: linux.rootfsPropagation: expected private, shared, slave or unbindable "
	    "(or r*), got \"none\"",
	};
	char *json = hrt_json(
	    "{'root': {'path': ''}, 'mounts': [{'destination': 'rel'}],"
	    " 'process': {'user': {'uid': 'abc'}, 'args': [], 'env': ['x'], 'cwd': 'x',"
	    "  'capabilities': {'bounding': ['CAP_NOPE']}, 'oomScoreAdj': 5000},"
	    " 'hooks': {'prestart': [{'path': 'h'}]},"
	    " 'linux': {'namespaces': [{'type': 'uts'}, {'type': 'uts'}, {'type': 'mount'}],"
	    "  'resources': {'memory': {'limit': true}}, 'seccomp': {'defaultAction': 'X'},"
	    "  'rootfsPropagation': 'none'}}");
	struct hr_diags d = {0};
	struct hr_config *c = hrt_parse(json, &d);
	char *text = hrt_diags_text(&d);
	size_t n = sizeof(expected) / sizeof(expected[0]);

	cr_expect_null(c);
	cr_expect_eq(d.len, n, "expected %zu messages, got:\n%s", n, text);
	for (size_t i = 0; i < n; i++)
		cr_expect(hrt_diags_contain(&d, expected[i]), "missing: %s\ngot:\n%s", expected[i],
			  text);
	free(text);
	free(json);
	hr_diags_free(&d);
}

Test(config_errors, messages_are_capped)
{
	/* thousands of bad entries: bounded memory, the rest counted */
	size_t n = 5000, len = 0;
	char *json = malloc(n * 8 + 256);

	cr_assert_not_null(json);
	len += (size_t)sprintf(json, "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}, "
				     "\"mounts\": [");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(json + len, "%s1", i ? "," : "");
	/* with a mount namespace: the 5000 are the only problems */
	strcpy(json + len, "], \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}");
	struct hr_diags d = {0};
	cr_expect_null(hrt_parse(json, &d));
	cr_expect_eq(d.len, HR_DIAGS_MAX);
	cr_expect_eq(d.len + d.dropped, n);
	hr_diags_free(&d);
	free(json);
}

/* ---- linux.netDevices ---- */

Test(config_errors, net_devices_accepted)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'netDevices': {'veth-app0': {'name': 'eth0'}, 'macvlan3': {},"
	    " 'eth6': {'name': ''}, 'eth8': {'name': 'net%d'}}}}");
	const struct hr_net_device *d = c->linux_cfg.net_devices;

	cr_assert_eq(c->linux_cfg.n_net_devices, 4);
	cr_expect_str_eq(d[0].host_name, "veth-app0");
	cr_expect_str_eq(d[0].name, "eth0");
	cr_expect_str_eq(d[0].json_path, "linux.netDevices.veth-app0");
	/* no name and an empty name both keep the host's name */
	cr_expect_null(d[1].name);
	cr_expect_null(d[2].name);
	cr_expect_str_eq(d[3].name, "net%d");
	hr_config_free(c);
	parses_ok("{'linux': {'netDevices': {}}}");
	/* nothing asked for: no network namespace needed */
	parses_ok(
	    "{'linux': {'namespaces': [{'type': 'mount'}, {'type': 'uts'}], 'netDevices': {}}}");
}

Test(config_errors, net_device_names)
{
	rejects("{'linux': {'netDevices': {'eth0': {'name': 'a-name-of-16-byt'}}}}",
		"config.json: linux.netDevices.eth0.name: an interface name has at most 15 bytes, "
		"got \"a-name-of-16-byt\"");
	rejects("{'linux': {'netDevices': {'eth0': {'name': 'a/b'}}}}",
		"config.json: linux.netDevices.eth0.name: an interface name has no '/', ':', "
		"whitespace or control character, got \"a/b\"");
	rejects("{'linux': {'netDevices': {'eth0': {'name': 'eth0:1'}}}}",
		"config.json: linux.netDevices.eth0.name: an interface name has no '/'");
	rejects("{'linux': {'netDevices': {'eth0': {'name': 'my eth'}}}}",
		"config.json: linux.netDevices.eth0.name: an interface name has no '/'");
	rejects(
	    "{'linux': {'netDevices': {'eth0': {'name': '..'}}}}",
	    "config.json: linux.netDevices.eth0.name: \".\" and \"..\" are not interface names");
	rejects("{'linux': {'netDevices': {'a/b': {}}}}",
		"config.json: linux.netDevices[\"a/b\"]: an interface name has no '/'");
	rejects("{'linux': {'netDevices': {'': {}}}}",
		"config.json: linux.netDevices[\"\"]: an interface name must not be empty");
	rejects("{'linux': {'netDevices': {'.': {'name': 'eth0'}}}}",
		"config.json: linux.netDevices[\".\"]: \".\" and \"..\" are not interface names");
	rejects(
	    "{'linux': {'netDevices': {'averyveryverylongname': {}}}}",
	    "config.json: linux.netDevices.averyveryverylongname: an interface name has at most "
	    "15 bytes");
}

Test(config_errors, net_device_loopback)
{
	rejects("{'linux': {'netDevices': {'lo': {'name': 'lo0'}}}}",
		"config.json: linux.netDevices.lo: the loopback device cannot leave its network "
		"namespace");
	rejects("{'linux': {'netDevices': {'eth0': {'name': 'lo'}}}}",
		"config.json: linux.netDevices.eth0.name: \"lo\" is the container's own loopback "
		"device");
}

Test(config_errors, net_device_duplicate_names)
{
	rejects("{'linux': {'netDevices': {'eth0': {'name': 'ctr0'}, 'eth1': {'name': 'ctr0'}}}}",
		"config.json: linux.netDevices.eth1.name: duplicate interface name \"ctr0\" in the "
		"container (also linux.netDevices.eth0's)");
	/* a device keeping its name takes that name too */
	rejects("{'linux': {'netDevices': {'eth0': {}, 'eth1': {'name': 'eth0'}}}}",
		"config.json: linux.netDevices.eth1.name: duplicate interface name \"eth0\" in the "
		"container (also linux.netDevices.eth0's)");
	rejects("{'linux': {'netDevices': {'eth1': {'name': 'eth0'}, 'eth0': {}}}}",
		"config.json: linux.netDevices.eth0: duplicate interface name \"eth0\" in the "
		"container (also linux.netDevices.eth1's)");
	/* templates are the kernel's to make unique */
	parses_ok("{'linux': {'netDevices': {'eth0': {'name': 'net%d'}, 'eth1': {'name': "
		  "'net%d'}}}}");
	/* names swapped between two devices are no duplicate */
	parses_ok("{'linux': {'netDevices': {'eth0': {'name': 'eth1'}, 'eth1': {'name': "
		  "'eth0'}}}}");
}

Test(config_errors, net_devices_need_a_network_namespace)
{
	rejects("{'linux': {'namespaces': [{'type': 'mount'}], 'netDevices': {'eth0': {}}}}",
		"config.json: linux.netDevices: requires a network namespace (no \"network\" in "
		"linux.namespaces): the devices would stay on the host");
	rejects(
	    "{'linux': {'namespaces': [{'type': 'mount'}, {'type': 'network'}, {'type': "
	    "'user', 'path': '/proc/1/ns/user'}], 'netDevices': {'eth0': {}}}}",
	    "config.json: linux.netDevices: cannot be moved into a network namespace created in "
	    "a joined user namespace (linux.namespaces[2] has a path)");
	parses_ok("{'linux': {'namespaces': [{'type': 'mount'}, {'type': 'uts'}, {'type': "
		  "'network', 'path': '/run/netns/a'}, {'type': 'user', 'path': "
		  "'/proc/1/ns/user'}], 'netDevices': {'eth0': {}}}}");
}

Test(config_errors, net_device_types)
{
	rejects("{'linux': {'netDevices': ['eth0']}}",
		"config.json: linux.netDevices: expected an object, got an array");
	rejects("{'linux': {'netDevices': 'eth0'}}",
		"config.json: linux.netDevices: expected an object, got \"eth0\"");
	rejects("{'linux': {'netDevices': {'eth0': 'ctr0'}}}",
		"config.json: linux.netDevices.eth0: expected an object, got \"ctr0\"");
	rejects("{'linux': {'netDevices': {'eth0': {'name': 7}}}}",
		"config.json: linux.netDevices.eth0.name: expected a string, got 7");
}

Test(config_errors, net_device_unknown_member_is_a_warning)
{
	struct hr_config *c =
	    hrt_assert_patch_parses("{'linux': {'netDevices': {'eth0': {'mtu': 9000}}}}");

	cr_assert_eq(c->warnings.n, 1);
	cr_expect(strstr(c->warnings.msgs[0],
			 "config.json: linux.netDevices.eth0.mtu: not a field of the runtime-spec"),
		  "%s", c->warnings.msgs[0]);
	hr_config_free(c);
}
