/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_VERIFY_H
#define HR_VERIFY_H

/*
 * `hardrun verify`: the hardening of a running container, proven from what the kernel reports
 * (verify.c reads it through proc_view.h and the cgroup's files), not from what was asked.
 * Every process of the container is held against the container's config (its copy in the
 * state directory): user and groups, the five capability sets (no capability beyond the
 * config's), no_new_privs, seccomp, the namespaces (those of the init). The init's mount table
 * is held against the config's root, mounts, masked and read-only paths, the cgroup's limits
 * against linux.resources. With a baseline (a `spec` profile or a policy file) each process
 * and the container are also held against the guide's rules, named by their audit ID, with
 * the baseline's limits.
 *
 * Checks say PASS or FAIL with what was observed and what was expected, or SKIP with the
 * reason (no cgroup to read, a process that exited while it was read).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"
#include "verify_job.h"

/*
 * Verifies the container id (running or paused) into report. -1 with err when it cannot be
 * looked at (it does not exist, is not running, the baseline cannot be read).
 */
int hr_verify_container(const struct hr_context *ctx, const char *id,
			const struct hr_verify_options *opts, struct hr_verify_report *report,
			struct hr_err *err);

/*
 * The command: verifies id, or with id NULL every running or paused container of ctx's root,
 * and writes the reports to out (text, or JSON: an object for one container, an array for
 * all). *failed tells whether a check failed.
 */
int hr_verify(const struct hr_context *ctx, const struct hr_verify_options *opts, const char *id,
	      FILE *out, bool *failed, struct hr_err *err);

#endif
