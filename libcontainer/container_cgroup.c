/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause, resume, update and events: the commands that act on a container's cgroup. */
#include "container_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_manager.h"
#include "cleanup.h"
#include "container_open.h"
#include "log.h"

/* Opens the container and checks that it has a cgroup. */
static int open_with_cgroup(const struct hr_context *ctx, const char *id, struct hr_opened *opened,
			    struct hr_err *err)
{
	if (hr_container_open(ctx, id, opened, err) < 0)
		return -1;
	if (opened->state.cgroup_path == NULL || opened->state.cgroup_path[0] == '\0') {
		hr_container_close(opened);
		return hr_err_set(err, ENOTSUP,
				  "container %s has no cgroup: hardrun runs it with "
				  "--cgroup-manager=disabled",
				  id);
	}
	return 0;
}

static int set_frozen(const struct hr_context *ctx, const char *id, bool frozen, struct hr_err *err)
{
	struct hr_opened opened;
	struct hr_cgroup_handle cg;
	int r;

	if (open_with_cgroup(ctx, id, &opened, err) < 0)
		return -1;
	cg = hr_state_cgroup(&opened.state);
	if (frozen && opened.status != HR_STATUS_RUNNING)
		r = hr_err_set(err, EINVAL, "container %s is not running (%s)", id,
			       hr_status_name(opened.status));
	else if (!frozen && opened.status != HR_STATUS_PAUSED)
		r = hr_err_set(err, EINVAL, "container %s is not paused (%s)", id,
			       hr_status_name(opened.status));
	else
		r = hr_cgroup_freeze(&cg, frozen, err);
	if (r < 0 && opened.status == HR_STATUS_RUNNING && frozen)
		hr_err_prefix(err, "pause container %s", id);
	hr_container_close(&opened);
	return r;
}

int hr_container_pause(const struct hr_context *ctx, const char *id, struct hr_err *err)
{
	return set_frozen(ctx, id, true, err);
}

int hr_container_resume(const struct hr_context *ctx, const char *id, struct hr_err *err)
{
	return set_frozen(ctx, id, false, err);
}

int hr_container_update(const struct hr_context *ctx, const char *id,
			const struct hr_resources *resources, struct hr_err *err)
{
	struct hr_opened opened;
	struct hr_cgroup_handle cg;
	int r;

	if (open_with_cgroup(ctx, id, &opened, err) < 0)
		return -1;
	cg = hr_state_cgroup(&opened.state);
	/* replacing a live device filter is not atomic: the rules stay as created */
	if (resources->n_devices > 0)
		hr_warning("linux.resources.devices: device rules are not changed by update: "
			   "ignored (they stay as at create)");
	if (opened.status == HR_STATUS_STOPPED)
		r = hr_err_set(err, EINVAL, "container %s is not running (stopped)", id);
	else
		r = hr_cgroup_apply(&cg, resources, err);
	if (r < 0)
		hr_err_prefix(err, "update container %s", id);
	hr_container_close(&opened);
	return r;
}

/* ---- events ---- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int print_stats(const char *id, const struct hr_cgroup_handle *cg, struct hr_err *err)
{
	_cleanup_free_ char *line = hr_cgroup_stats(cg, id, err);

	if (line == NULL)
		return -1;
	printf("%s\n", line);
	fflush(stdout);
	return 0;
}

/* One "oom" line per oom_kill increment seen since *last. */
static void report_oom(const char *id, const struct hr_cgroup_handle *cg, int64_t *last)
{
	int64_t now = hr_cgroup_oom_kills(cg);

	if (now > *last) {
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
		fflush(stdout);
	}
	if (now >= 0)
		*last = now;
}

struct watch {
	const char *id;
	char path[PATH_MAX];
	struct hr_cgroup_handle cgroup; /* its path is path: the state is closed while streaming */
	int pidfd;
	int inotify;
	int interval_ms;
};

static int stream(struct watch *w, struct hr_err *err)
{
	int64_t last = hr_cgroup_oom_kills(&w->cgroup);
	long next = now_ms() + w->interval_ms;
	char buf[4096];

	for (;;) {
		struct pollfd fds[2] = {{.fd = w->pidfd, .events = POLLIN},
					{.fd = w->inotify, .events = POLLIN}};
		long left = next - now_ms();
		int n = poll(fds, w->inotify >= 0 ? 2 : 1, left > 0 ? (int)left : 0);

		if (n < 0 && errno != EINTR)
			return hr_err_sys(err, "wait for events of container %s", w->id);
		if (n > 0 && (fds[1].revents & POLLIN)) {
			while (read(w->inotify, buf, sizeof(buf)) > 0)
				;
			report_oom(w->id, &w->cgroup, &last);
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			report_oom(w->id, &w->cgroup, &last);
			return 0; /* the container stopped */
		}
		if (now_ms() >= next) {
			if (print_stats(w->id, &w->cgroup, err) < 0)
				return -1;
			next = now_ms() + w->interval_ms;
		}
	}
}

int hr_container_events(const struct hr_context *ctx, const struct hr_events_opts *opts,
			struct hr_err *err)
{
	struct watch w = {.id = opts->id, .pidfd = -1, .inotify = -1};
	struct hr_opened opened;
	int r;

	if (open_with_cgroup(ctx, opts->id, &opened, err) < 0)
		return -1;
	snprintf(w.path, sizeof(w.path), "%s", opened.state.cgroup_path);
	w.cgroup = hr_state_cgroup(&opened.state);
	w.cgroup.path = w.path;
	r = opened.status == HR_STATUS_STOPPED
		? -ESRCH
		: hr_pidfd_open_verified(opened.state.pid, opened.state.pid_start_time, &w.pidfd,
					 err);
	/* the lock is not held while streaming: delete must not wait for us */
	hr_container_close(&opened);
	if (r == -ESRCH)
		return hr_err_set(err, ESRCH, "container %s is not running", opts->id);
	if (r < 0)
		return -1;
	if (opts->stats) {
		r = print_stats(opts->id, &w.cgroup, err);
		close(w.pidfd);
		return r;
	}
	w.interval_ms = opts->interval_ms > 0 ? opts->interval_ms : 5000;
	w.inotify = hr_cgroup_oom_watch(&w.cgroup); /* -1: no memory controller, no OOM events */
	r = stream(&w, err);
	close(w.pidfd);
	if (w.inotify >= 0)
		close(w.inotify);
	return r;
}
