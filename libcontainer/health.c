/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "json.h"
#include "log.h"
#include "state.h"

#define KILL_GRACE_MS 2000

void hr_health_opts_defaults(struct hr_health_opts *opts)
{
	*opts = (struct hr_health_opts){
	    .interval_ms = 30000,
	    .timeout_ms = 30000,
	    .start_period_ms = 40000,
	    .retries = 3,
	};
}

int hr_duration_parse(const char *text, uint64_t *ms)
{
	static const struct {
		const char *suffix;
		uint64_t ms;
	} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"", 1000}};
	char *end;
	unsigned long long n;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno != 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (n > UINT64_MAX / units[i].ms)
			return -1;
		*ms = n * units[i].ms;
		return 0;
	}
	return -1;
}

static int annotation_duration(const char *key, const char *value, uint64_t *ms, bool zero_ok,
			       struct hr_err *err)
{
	if (hr_duration_parse(value, ms) < 0 || (*ms == 0 && !zero_ok))
		return hr_err_set(err, EINVAL,
				  "annotations[\"%s\"]: expected a duration like 30s, "
				  "got \"%.32s\"",
				  key, value);
	return 0;
}

static int apply_annotation(struct hr_health_opts *opts, const char *name, const char *key,
			    const char *value, bool cmd_set, struct hr_err *err)
{
	char *end;
	unsigned long n;

	if (strcmp(name, "cmd") == 0) {
		if (!cmd_set)
			opts->cmd = value;
		return 0;
	}
	if (strcmp(name, "interval") == 0)
		return annotation_duration(key, value, &opts->interval_ms, false, err);
	if (strcmp(name, "timeout") == 0)
		return annotation_duration(key, value, &opts->timeout_ms, false, err);
	if (strcmp(name, "start-period") == 0)
		return annotation_duration(key, value, &opts->start_period_ms, true, err);
	if (strcmp(name, "retries") == 0) {
		n = strtoul(value, &end, 10);
		if (*value == '\0' || *end != '\0' || n == 0 || n > 1000)
			return hr_err_set(err, EINVAL, "annotations[\"%s\"]: expected 1..1000",
					  key);
		opts->retries = (unsigned)n;
		return 0;
	}
	if (strcmp(name, "on-unhealthy") == 0) {
		if (strcmp(value, "kill") != 0 && strcmp(value, "none") != 0)
			return hr_err_set(err, EINVAL, "annotations[\"%s\"]: expected kill or none",
					  key);
		opts->on_unhealthy_kill = strcmp(value, "kill") == 0;
	}
	return 0;
}

int hr_health_opts_from_annotations(struct hr_health_opts *opts, const struct hr_kv *annotations,
				    size_t n, bool cmd_set, struct hr_err *err)
{
	size_t prefix = strlen(HR_HEALTH_ANNOTATION_PREFIX);

	/* a bundle carries its own check; with --health-cmd the command line defines it all */
	for (size_t i = 0; i < n; i++) {
		const char *key = annotations[i].key;

		if (strncmp(key, HR_HEALTH_ANNOTATION_PREFIX, prefix) != 0)
			continue;
		if (cmd_set && strcmp(key + prefix, "cmd") != 0)
			continue;
		if (apply_annotation(opts, key + prefix, key, annotations[i].value, cmd_set, err) <
		    0)
			return -1;
	}
	return 0;
}

const char *hr_health_status_name(enum hr_health_status status)
{
	static const char *const names[] = {"starting", "healthy", "unhealthy"};

	return names[status];
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void record_state(struct hr_health *h);

void hr_health_start(struct hr_health *h, const struct hr_health_opts *opts,
		     hr_health_probe_fn probe, void *probe_arg, const struct hr_context *ctx,
		     const char *id, int container_pidfd)
{
	memset(h, 0, sizeof(*h));
	h->opts = *opts;
	h->probe = probe;
	h->probe_arg = probe_arg;
	h->ctx = ctx;
	h->id = id;
	h->container_pidfd = container_pidfd;
	h->check_pidfd = h->output_fd = -1;
	h->started_ms = now_ms();
	h->next_ms = h->started_ms + opts->interval_ms;
	/* the check in force is in the state from the start, "starting" */
	if (opts->cmd != NULL)
		record_state(h);
}

int hr_health_poll_timeout(const struct hr_health *h)
{
	uint64_t now = now_ms(), due;

	if (h->opts.cmd == NULL)
		return -1;
	due = h->check_pid > 0 ? h->deadline_ms : h->next_ms;
	if (due <= now)
		return 0;
	return due - now > INT32_MAX ? INT32_MAX : (int)(due - now);
}

int hr_health_poll_fd(const struct hr_health *h)
{
	return h->check_pidfd;
}

/* A duration as the options take it back: "30s", "1500ms". */
static void format_duration(char *buf, size_t size, uint64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, size, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, size, "%llums", (unsigned long long)ms);
}

/*
 * Records in the container's state annotations (under its lock) the check in force, which the
 * command line may have set over the bundle's annotations, and its results so far: what `state`
 * shows an operator.
 */
static void record_state(struct hr_health *h)
{
	struct hr_container_dir dir;
	struct hr_arena arena = {0};
	struct hr_state state;
	struct hr_err err;
	char streak[16], interval[32], timeout[32], start_period[32], retries[16], exit_code[16];
	const struct hr_kv updates[] = {
	    {HR_HEALTH_ANNOTATION_PREFIX "cmd", (char *)h->opts.cmd},
	    {HR_HEALTH_ANNOTATION_PREFIX "interval", interval},
	    {HR_HEALTH_ANNOTATION_PREFIX "timeout", timeout},
	    {HR_HEALTH_ANNOTATION_PREFIX "start-period", start_period},
	    {HR_HEALTH_ANNOTATION_PREFIX "retries", retries},
	    {HR_HEALTH_ANNOTATION_PREFIX "on-unhealthy",
	     h->opts.on_unhealthy_kill ? "kill" : "none"},
	    {HR_HEALTH_ANNOTATION_PREFIX "status", (char *)hr_health_status_name(h->status)},
	    {HR_HEALTH_ANNOTATION_PREFIX "failing-streak", streak},
	    /* the results last: only once a check has finished */
	    {HR_HEALTH_ANNOTATION_PREFIX "last-output", h->last_output},
	    {HR_HEALTH_ANNOTATION_PREFIX "last-time", h->last_time},
	    {HR_HEALTH_ANNOTATION_PREFIX "last-exit-code", exit_code},
	};
	size_t n_updates = sizeof(updates) / sizeof(updates[0]) - (h->has_result ? 0 : 3);

	snprintf(streak, sizeof(streak), "%u", h->failing_streak);
	format_duration(interval, sizeof(interval), h->opts.interval_ms);
	format_duration(timeout, sizeof(timeout), h->opts.timeout_ms);
	format_duration(start_period, sizeof(start_period), h->opts.start_period_ms);
	snprintf(retries, sizeof(retries), "%u", h->opts.retries);
	snprintf(exit_code, sizeof(exit_code), "%d", h->last_exit_code);
	if (hr_container_dir_open(h->ctx->root, h->id, &dir, &err) < 0)
		return;
	if (hr_state_read(&dir, &arena, &state, &err) == 0 &&
	    hr_state_load_annotations(&dir, &arena, &state, &err) == 0) {
		struct hr_kv *kv =
		    hr_arena_array(&arena, state.n_annotations + n_updates, sizeof(*kv));
		size_t n = 0;

		for (size_t i = 0; i < state.n_annotations; i++) {
			bool replaced = false;

			for (size_t j = 0; j < n_updates; j++)
				replaced |= strcmp(state.annotations[i].key, updates[j].key) == 0;
			if (!replaced)
				kv[n++] = state.annotations[i];
		}
		for (size_t i = 0; i < n_updates; i++)
			kv[n++] = updates[i];
		state.annotations = kv;
		state.n_annotations = n;
		state.annotations_in_config = false; /* changed: state.json holds them all now */
		if (hr_state_write(&dir, &state, &err) < 0)
			hr_warning("container %s: record health: %s", h->id, err.msg);
	}
	hr_container_dir_close(&dir);
	hr_arena_free(&arena);
}

_Noreturn static void run_check(const struct hr_health *h, int out)
{
	struct hr_err err = {0};
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int status = 0;

	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(125);
	if (h->probe(h->probe_arg, &status, &err) < 0) {
		dprintf(2, "%s\n", err.msg);
		_exit(125);
	}
	_exit(status);
}

static void begin_check(struct hr_health *h)
{
	int pipefd[2];

	h->next_ms = now_ms() + h->opts.interval_ms;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	h->check_pid = fork();
	if (h->check_pid < 0) {
		h->check_pid = 0;
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (h->check_pid == 0) {
		close(pipefd[0]);
		run_check(h, pipefd[1]);
	}
	close(pipefd[1]);
	h->output_fd = pipefd[0];
	fcntl(h->output_fd, F_SETFL, O_NONBLOCK);
	h->check_pidfd = (int)syscall(SYS_pidfd_open, h->check_pid, 0);
	h->deadline_ms = now_ms() + h->opts.timeout_ms;
}

static void read_output(struct hr_health *h)
{
	char buf[sizeof(h->last_output)];
	ssize_t n = read(h->output_fd, buf, sizeof(buf) - 1);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	/* one line, printable: the annotation stays readable; valid UTF-8 (a character cut at
	 * the end, or bytes that are not UTF-8, as '?'), or the JSON written with it is not */
	for (ssize_t i = 0; i < n;) {
		size_t len = hr_utf8_sequence((const unsigned char *)buf + i, (size_t)(n - i));

		if (len == 0)
			buf[i] = '?';
		else if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')
			buf[i] = ' ';
		i += len > 0 ? (ssize_t)len : 1;
	}
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	memcpy(h->last_output, buf, (size_t)n + 1);
}

static void set_result(struct hr_health *h, bool ok)
{
	enum hr_health_status before = h->status;
	bool in_start_period = now_ms() - h->started_ms < h->opts.start_period_ms;

	if (ok) {
		h->failing_streak = 0;
		h->status = HR_HEALTH_HEALTHY;
	} else if (!in_start_period || h->status != HR_HEALTH_STARTING) {
		h->failing_streak++;
		if (h->failing_streak >= h->opts.retries)
			h->status = HR_HEALTH_UNHEALTHY;
	}
	record_state(h);
	if (h->status != before)
		hr_info("container %s is %s (failing streak %u)", h->id,
			hr_health_status_name(h->status), h->failing_streak);
	if (h->status == HR_HEALTH_UNHEALTHY && h->opts.on_unhealthy_kill) {
		hr_warning("container %s is unhealthy: killing it", h->id);
		syscall(SYS_pidfd_send_signal, h->container_pidfd, SIGKILL, NULL, 0);
	}
}

static void finish_check(struct hr_health *h, bool timed_out)
{
	struct timespec end;
	int status = 0;

	if (timed_out) {
		/* TERM first: the check's exec forwards it to the command inside the container */
		struct pollfd p = {.fd = h->check_pidfd, .events = POLLIN};

		kill(h->check_pid, SIGTERM);
		if (h->check_pidfd < 0 || poll(&p, 1, KILL_GRACE_MS) <= 0)
			kill(h->check_pid, SIGKILL);
		snprintf(h->last_output, sizeof(h->last_output), "timed out after %llu ms",
			 (unsigned long long)h->opts.timeout_ms);
	}
	waitpid(h->check_pid, &status, 0);
	clock_gettime(CLOCK_REALTIME, &end);
	hr_format_rfc3339(h->last_time, sizeof(h->last_time), (long)end.tv_sec, end.tv_nsec);
	h->last_exit_code = timed_out		  ? -1
			    : WIFEXITED(status)	  ? WEXITSTATUS(status)
			    : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
						  : -1;
	h->has_result = true;
	if (!timed_out)
		read_output(h);
	close(h->output_fd);
	if (h->check_pidfd >= 0)
		close(h->check_pidfd);
	h->check_pid = 0;
	h->check_pidfd = h->output_fd = -1;
	set_result(h, !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void hr_health_step(struct hr_health *h)
{
	uint64_t now = now_ms();

	if (h->opts.cmd == NULL)
		return;
	if (h->check_pid > 0) {
		siginfo_t info = {0};

		if (waitid(P_PID, (id_t)h->check_pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == h->check_pid)
			finish_check(h, false);
		else if (now >= h->deadline_ms)
			finish_check(h, true);
		return;
	}
	if (now >= h->next_ms)
		begin_check(h);
}

void hr_health_stop(struct hr_health *h)
{
	if (h->check_pid > 0) {
		kill(h->check_pid, SIGKILL);
		waitpid(h->check_pid, NULL, 0);
		close(h->output_fd);
		if (h->check_pidfd >= 0)
			close(h->check_pidfd);
		h->check_pid = 0;
	}
}

bool hr_health_gen(yajl_gen g, const char *key, const struct hr_kv *annotations, size_t n)
{
	static const size_t plen = sizeof(HR_HEALTH_ANNOTATION_PREFIX) - 1;
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (strncmp(annotations[i].key, HR_HEALTH_ANNOTATION_PREFIX, plen) != 0)
			continue;
		if (!any) {
			if (key != NULL)
				hr_jgen_key(g, key);
			yajl_gen_map_open(g);
			any = true;
		}
		hr_jgen_kv_str(g, annotations[i].key + plen, annotations[i].value);
	}
	if (any)
		yajl_gen_map_close(g);
	return any;
}
