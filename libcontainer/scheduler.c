/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.scheduler and process.execCPUAffinity (scheduler.h): names, rules, CPU lists, and
 * the child's system calls.
 */
#include "scheduler.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config_reader.h"
#include "id_list.h"

static const struct {
	const char *name;
	int value;
} policy_table[] = {
    {"SCHED_OTHER", HR_SCHED_OTHER},
    {"SCHED_FIFO", HR_SCHED_FIFO},
    {"SCHED_RR", HR_SCHED_RR},
    {"SCHED_BATCH", HR_SCHED_BATCH},
    {"SCHED_ISO", HR_SCHED_ISO},
    {"SCHED_IDLE", HR_SCHED_IDLE},
    {"SCHED_DEADLINE", HR_SCHED_DEADLINE},
};

static const struct {
	const char *name;
	uint64_t bit;
} flag_table[] = {
    {"SCHED_FLAG_RESET_ON_FORK", HR_SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", HR_SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", HR_SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", HR_SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", HR_SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", HR_SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", HR_SCHED_FLAG_UTIL_CLAMP_MAX},
};

/* The kernel's bounds for SCHED_DEADLINE parameters (sched(7)): 2^10 ns .. 2^63 - 1. */
#define DL_MIN_NS   ((uint64_t)1 << 10)
#define DL_MAX_NS   (((uint64_t)1 << 63) - 1)
#define RT_PRIO_MIN 1
#define RT_PRIO_MAX 99
#define NICE_MIN    -20
#define NICE_MAX    19

int hr_sched_policy_from_name(const char *name)
{
	for (size_t i = 0; i < HR_N_ELEMS(policy_table); i++)
		if (strcmp(policy_table[i].name, name) == 0)
			return policy_table[i].value;
	return -1;
}

const char *hr_sched_policy_name(int policy)
{
	for (size_t i = 0; i < HR_N_ELEMS(policy_table); i++)
		if (policy_table[i].value == policy)
			return policy_table[i].name;
	return NULL;
}

uint64_t hr_sched_flag_from_name(const char *name)
{
	for (size_t i = 0; i < HR_N_ELEMS(flag_table); i++)
		if (strcmp(flag_table[i].name, name) == 0)
			return flag_table[i].bit;
	return 0;
}

static const char *check_deadline(const struct hr_scheduler *s, char *msg, size_t size)
{
	uint64_t period = s->period != 0 ? s->period : s->deadline;

	if (s->runtime < DL_MIN_NS) {
		snprintf(msg, size,
			 "%" PRIu64 " ns is below the kernel's minimum of %" PRIu64
			 " ns (SCHED_DEADLINE needs a runtime)",
			 s->runtime, DL_MIN_NS);
		return "runtime";
	}
	if (s->deadline > DL_MAX_NS || s->period > DL_MAX_NS) {
		snprintf(msg, size, "%" PRIu64 " ns is not below the kernel's maximum of 2^63 ns",
			 s->deadline > DL_MAX_NS ? s->deadline : s->period);
		return s->deadline > DL_MAX_NS ? "deadline" : "period";
	}
	if (s->deadline == 0) {
		snprintf(msg, size,
			 "SCHED_DEADLINE needs a deadline (at least the runtime, %" PRIu64 " ns)",
			 s->runtime);
		return "deadline";
	}
	if (s->runtime > s->deadline) {
		snprintf(msg, size,
			 "%" PRIu64 " ns is greater than the deadline, %" PRIu64
			 " ns (runtime <= deadline <= period)",
			 s->runtime, s->deadline);
		return "runtime";
	}
	if (s->deadline > period) {
		snprintf(msg, size,
			 "%" PRIu64 " ns is greater than the period, %" PRIu64
			 " ns (runtime <= deadline <= period)",
			 s->deadline, period);
		return "deadline";
	}
	return NULL;
}

const char *hr_sched_check(const struct hr_scheduler *s, char *msg, size_t size)
{
	const char *name = hr_sched_policy_name(s->policy);
	bool rt = s->policy == HR_SCHED_FIFO || s->policy == HR_SCHED_RR;

	if (name == NULL) {
		snprintf(msg, size, "unknown policy %d", s->policy);
		return "policy";
	}
	if (s->nice < NICE_MIN || s->nice > NICE_MAX) {
		snprintf(msg, size, "%d is out of range (%d..%d)", s->nice, NICE_MIN, NICE_MAX);
		return "nice";
	}
	if (rt && (s->priority < RT_PRIO_MIN || s->priority > RT_PRIO_MAX)) {
		snprintf(msg, size, "%d is out of range for %s (%d..%d)", s->priority, name,
			 RT_PRIO_MIN, RT_PRIO_MAX);
		return "priority";
	}
	if (!rt && s->priority != 0) {
		snprintf(msg, size, "%d: %s takes no priority (only SCHED_FIFO and SCHED_RR do)",
			 s->priority, name);
		return "priority";
	}
	if ((s->flags & ~HR_SCHED_FLAG_ALL) != 0) {
		snprintf(msg, size, "unknown flags 0x%" PRIx64, s->flags & ~HR_SCHED_FLAG_ALL);
		return "flags";
	}
	if (s->policy == HR_SCHED_DEADLINE)
		return check_deadline(s, msg, size);
	if (s->runtime != 0 || s->deadline != 0 || s->period != 0) {
		snprintf(msg, size,
			 "only SCHED_DEADLINE takes a runtime, deadline and period, not %s", name);
		return s->runtime != 0 ? "runtime" : s->deadline != 0 ? "deadline" : "period";
	}
	return NULL;
}

int hr_cpu_list_parse(const char *list, cpu_set_t *set, char *msg, size_t size)
{
	static const struct hr_id_list_syntax syntax = {.max = CPU_SETSIZE - 1, .spaces = true};
	unsigned long mask[CPU_SETSIZE / (8 * sizeof(unsigned long))];
	struct hr_id_list_error e;

	CPU_ZERO(set);
	if (hr_id_list_parse(list, &syntax, mask, &e) == 0) {
		for (unsigned cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (mask[cpu / (8 * sizeof(unsigned long))] &
			    (1UL << (cpu % (8 * sizeof(unsigned long)))))
				CPU_SET(cpu, set);
		return 0;
	}
	if (e.problem == HR_ID_LIST_NO_NUMBER)
		snprintf(msg, size, "malformed CPU list: expected a CPU number at \"%.20s\"",
			 e.where);
	else if (e.problem == HR_ID_LIST_TOO_LARGE)
		snprintf(msg, size, "CPU %.20s... is beyond the largest CPU hardrun can set (%d)",
			 e.where, CPU_SETSIZE - 1);
	else if (e.problem == HR_ID_LIST_REVERSED)
		snprintf(msg, size, "malformed CPU list: range %lu-%lu is reversed", e.first,
			 e.last);
	else
		snprintf(msg, size, "malformed CPU list: unexpected \"%.20s\"", e.where);
	return -1;
}

/* struct sched_attr (linux/sched/types.h), with the utilization clamps (SCHED_ATTR_SIZE_VER1). */
struct sched_attr_ {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

#define SCHED_ATTR_SIZE_VER0_ 48
#define UTIL_CLAMP	      (HR_SCHED_FLAG_UTIL_CLAMP_MIN | HR_SCHED_FLAG_UTIL_CLAMP_MAX)

int hr_sched_apply(const struct hr_scheduler *s, struct hr_err *err)
{
	const char *name = hr_sched_policy_name(s->policy);
	struct sched_attr_ attr = {
	    .size = SCHED_ATTR_SIZE_VER0_,
	    .sched_policy = (uint32_t)s->policy,
	    .sched_flags = s->flags,
	    .sched_nice = s->nice,
	    .sched_priority = (uint32_t)s->priority,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	    /* the spec gives no clamp values: -1 asks the kernel for its default */
	    .sched_util_min = UINT32_MAX,
	    .sched_util_max = UINT32_MAX,
	};

	if (s->flags & UTIL_CLAMP)
		attr.size = sizeof(attr);
	if (syscall(SYS_sched_setattr, 0, &attr, 0) == 0)
		return 0;
	if (errno == EINVAL && s->policy == HR_SCHED_ISO)
		return hr_err_sys(err, "process.scheduler.policy: SCHED_ISO is not supported by "
				       "this kernel (sched_setattr)");
	if (errno == EOPNOTSUPP && (s->flags & UTIL_CLAMP) != 0)
		return hr_err_sys(err,
				  "process.scheduler.flags: SCHED_FLAG_UTIL_CLAMP_MIN and _MAX "
				  "are not supported by this kernel (no CONFIG_UCLAMP_TASK)");
	if (errno == EBUSY && s->policy == HR_SCHED_DEADLINE)
		return hr_err_sys(
		    err,
		    "process.scheduler: sched_setattr(SCHED_DEADLINE, runtime %" PRIu64
		    ", deadline %" PRIu64 ", period %" PRIu64
		    "): refused by the kernel's admission control (sched(7))",
		    s->runtime, s->deadline, s->period);
	if (errno == EINVAL && s->policy == HR_SCHED_DEADLINE)
		return hr_err_sys(
		    err,
		    "process.scheduler: sched_setattr(SCHED_DEADLINE, runtime %" PRIu64
		    ", deadline %" PRIu64 ", period %" PRIu64
		    "): the period may be outside this host's "
		    "kernel.sched_deadline_period_{min,max}_us",
		    s->runtime, s->deadline, s->period);
	return hr_err_sys(err,
			  "process.scheduler: sched_setattr(%s, nice %d, priority %d, flags "
			  "0x%" PRIx64 ")",
			  name != NULL ? name : "?", s->nice, s->priority, s->flags);
}

int hr_cpu_affinity_apply(const cpu_set_t *set, const char *what, struct hr_err *err)
{
	if (sched_setaffinity(0, sizeof(*set), set) == 0)
		return 0;
	if (errno == EINVAL)
		return hr_err_sys(err,
				  "process.execCPUAffinity.%s: sched_setaffinity: none of its %d "
				  "CPUs is online and allowed to the process",
				  what, CPU_COUNT(set));
	if (errno == EBUSY)
		return hr_err_sys(err,
				  "process.execCPUAffinity.%s: sched_setaffinity: a SCHED_DEADLINE "
				  "task must be allowed every CPU of its root domain",
				  what);
	return hr_err_sys(err, "process.execCPUAffinity.%s: sched_setaffinity (%d CPUs)", what,
			  CPU_COUNT(set));
}
