/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_HEALTH_H
#define HR_HEALTH_H

/*
 * Health checks for a foreground `hardrun run`, as Docker's HEALTHCHECK does them: a command
 * run inside the container like `exec` (same privilege drop) every interval, with a timeout;
 * failures during the start period do not count; after `retries` consecutive failures the
 * container is unhealthy (and, with on_unhealthy_kill, killed). The status is written into the
 * container's state annotations (org.hardrun.health.status, .failing-streak, .last-output) and
 * logged on every change.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "config.h"
#include "context.h"
#include "error.h"

#define HR_HEALTH_ANNOTATION_PREFIX "org.hardrun.health."

struct hr_health_opts {
	const char *cmd; /* NULL: no health check */
	uint64_t interval_ms;
	uint64_t timeout_ms;
	uint64_t start_period_ms;
	unsigned retries;
	bool on_unhealthy_kill;
};

/* The defaults of the project's guide: 30 s interval, 30 s timeout, 40 s start period, 3. */
void hr_health_opts_defaults(struct hr_health_opts *opts);
/* "500ms", "30s", "2m", "1h", or plain seconds. */
int hr_duration_parse(const char *text, uint64_t *ms);
/* Without a command from the command line (cmd_set false), org.hardrun.health.* annotations
 * (cmd, interval, timeout, start-period, retries, on-unhealthy) define the check. */
int hr_health_opts_from_annotations(struct hr_health_opts *opts, const struct hr_kv *annotations,
				    size_t n, bool cmd_set, struct hr_err *err);

enum hr_health_status {
	HR_HEALTH_STARTING,
	HR_HEALTH_HEALTHY,
	HR_HEALTH_UNHEALTHY,
};

/*
 * Runs the check's command in the container; called in a child whose stdout and stderr are
 * the check's output, with the probe the caller prepared (exec's hr_exec_probe_run and
 * hr_exec_probe_prepare), so that health.c stays below the lifecycle code it serves.
 */
typedef int (*hr_health_probe_fn)(void *probe, int *status, struct hr_err *err);

struct hr_health {
	struct hr_health_opts opts;
	hr_health_probe_fn probe;
	void *probe_arg;
	const struct hr_context *ctx;
	const char *id;
	int container_pidfd;
	enum hr_health_status status;
	unsigned failing_streak;
	uint64_t started_ms;
	uint64_t next_ms;     /* when the next check starts */
	pid_t check_pid;      /* the running check, 0 when none */
	int check_pidfd;      /* -1 when none */
	int output_fd;	      /* read end of the check's output */
	uint64_t deadline_ms; /* the running check's timeout */
	char last_output[256];
	bool has_result;    /* a check has finished: the three below are set */
	char last_time[40]; /* when it finished, RFC 3339 */
	int last_exit_code; /* its exit status, 128+N for signal N, -1 timed out */
};

void hr_health_start(struct hr_health *h, const struct hr_health_opts *opts,
		     hr_health_probe_fn probe, void *probe_arg, const struct hr_context *ctx,
		     const char *id, int container_pidfd);
/* How long poll may sleep before hr_health_step must run (-1: forever). */
int hr_health_poll_timeout(const struct hr_health *h);
/* The fd to poll while a check runs (-1 otherwise). */
int hr_health_poll_fd(const struct hr_health *h);
/* Starts, reaps or times out a check as due; updates the state and acts on unhealthy. */
void hr_health_step(struct hr_health *h);
void hr_health_stop(struct hr_health *h);

const char *hr_health_status_name(enum hr_health_status status);

/*
 * The check's settings and results as recorded in the annotations under
 * HR_HEALTH_ANNOTATION_PREFIX, as one object keyed without the prefix ({"interval":"30s",
 * "status":"healthy","last-exit-code":"0",...}), after key when key is not NULL. False, and
 * nothing generated, when there are none.
 */
struct hr_kv;
bool hr_health_gen(yajl_gen g, const char *key, const struct hr_kv *annotations, size_t n);

#endif
