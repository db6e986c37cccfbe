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
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container_open.h"

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
	int r;

	if (open_with_cgroup(ctx, id, &opened, err) < 0)
		return -1;
	if (frozen && opened.status != HR_STATUS_RUNNING)
		r = hr_err_set(err, EINVAL, "container %s is not running (%s)", id,
			       hr_status_name(opened.status));
	else if (!frozen && opened.status != HR_STATUS_PAUSED)
		r = hr_err_set(err, EINVAL, "container %s is not paused (%s)", id,
			       hr_status_name(opened.status));
	else
		r = hr_cgroup_freeze(opened.state.cgroup_path, frozen, err);
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
	int r;

	if (open_with_cgroup(ctx, id, &opened, err) < 0)
		return -1;
	if (opened.status == HR_STATUS_STOPPED)
		r = hr_err_set(err, EINVAL, "container %s is not running (stopped)", id);
	else
		r = hr_cgroup_apply(opened.state.cgroup_path, resources, err);
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

static int print_stats(const char *id, const char *path, struct hr_err *err)
{
	_cleanup_free_ char *line = hr_cgroup_stats_event(id, path, err);

	if (line == NULL)
		return -1;
	printf("%s\n", line);
	fflush(stdout);
	return 0;
}

static int64_t oom_kills(const char *path)
{
	char buf[512];
	struct hr_err ignored;

	if (hr_cgroup_read(path, "memory.events", buf, sizeof(buf), &ignored) < 0)
		return 0;
	return hr_cgroup_keyed(buf, "oom_kill");
}

/* One "oom" line per oom_kill increment seen since *last. */
static void report_oom(const char *id, const char *path, int64_t *last)
{
	int64_t now = oom_kills(path);

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
	int pidfd;
	int inotify;
	int interval_ms;
};

static int stream(struct watch *w, struct hr_err *err)
{
	int64_t last = oom_kills(w->path);
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
			report_oom(w->id, w->path, &last);
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			report_oom(w->id, w->path, &last);
			return 0; /* the container stopped */
		}
		if (now_ms() >= next) {
			if (print_stats(w->id, w->path, err) < 0)
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
	char file[PATH_MAX + 16];
	int r;

	if (open_with_cgroup(ctx, opts->id, &opened, err) < 0)
		return -1;
	snprintf(w.path, sizeof(w.path), "%s", opened.state.cgroup_path);
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
		r = print_stats(opts->id, w.path, err);
		close(w.pidfd);
		return r;
	}
	w.interval_ms = opts->interval_ms > 0 ? opts->interval_ms : 5000;
	snprintf(file, sizeof(file), "%s/memory.events", w.path);
	w.inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.inotify >= 0 && inotify_add_watch(w.inotify, file, IN_MODIFY) < 0) {
		close(w.inotify);
		w.inotify = -1; /* no memory controller: no OOM events */
	}
	r = stream(&w, err);
	close(w.pidfd);
	if (w.inotify >= 0)
		close(w.inotify);
	return r;
}
