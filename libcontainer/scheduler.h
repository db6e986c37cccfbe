/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SCHEDULER_H
#define HR_SCHEDULER_H

/*
 * process.scheduler and process.execCPUAffinity: the names and rules (used by the config
 * reader in the parent, and again by the process plan) and the child side (sched_setattr(2),
 * sched_setaffinity(2)), which neither parses nor allocates.
 *
 * SCHED_DEADLINE follows the kernel's own checks (sched(7), __checkparam_dl): a runtime of at
 * least 1024 ns, runtime <= deadline <= period, deadline and period below 2^63, a deadline
 * that is not 0; a period of 0 means "equal to the deadline". The kernel also bounds the
 * period by kernel.sched_deadline_period_{min,max}_us, a host setting: that one is only known
 * when sched_setattr refuses it (EINVAL), as is admission control (EBUSY).
 *
 * SCHED_ISO is in the runtime-spec but not in mainline Linux (the value 4 is reserved there):
 * hardrun accepts it in a config and passes it on; a kernel without it refuses it with EINVAL,
 * which the child reports as "SCHED_ISO is not supported by this kernel".
 */
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_model.h"
#include "error.h"

/* HR_SCHED_* from "SCHED_FIFO" ...; -1 when unknown. */
int hr_sched_policy_from_name(const char *name);
/* "SCHED_FIFO" for HR_SCHED_FIFO ...; NULL for another value. */
const char *hr_sched_policy_name(int policy);
/* The HR_SCHED_FLAG_* bit of "SCHED_FLAG_RESET_ON_FORK" ...; 0 when unknown. */
uint64_t hr_sched_flag_from_name(const char *name);

/*
 * Checks a scheduler against the rules above and: nice -20..19; priority 1..99 for SCHED_FIFO
 * and SCHED_RR, 0 for the others; runtime, deadline and period for SCHED_DEADLINE only; known
 * flags. NULL when it passes; otherwise the member at fault ("policy", "priority", "runtime"
 * ...), the reason written into msg.
 */
const char *hr_sched_check(const struct hr_scheduler *s, char *msg, size_t size);

/*
 * A CPU list ("0-3,7": comma-separated CPUs and inclusive ranges, spaces allowed around them,
 * CPUs below CPU_SETSIZE) into *set. 0, or -1 with the reason in msg. An empty list is not a
 * list: the caller treats it as absent, as the runtime-spec says.
 */
int hr_cpu_list_parse(const char *list, cpu_set_t *set, char *msg, size_t size);

/* Child side: sched_setattr(0, ...) with the scheduler (already checked). */
int hr_sched_apply(const struct hr_scheduler *s, struct hr_err *err);

/* Child side: sched_setaffinity(0, set); what is "initial" or "final", for messages. */
int hr_cpu_affinity_apply(const cpu_set_t *set, const char *what, struct hr_err *err);

#endif
