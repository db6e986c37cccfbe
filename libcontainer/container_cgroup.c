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
#include "health.h"
#include "json.h"
#include "log.h"
#include "proc_view.h"
#include "storage_use.h"

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

/* A tmpfs this full is reported: the guide's "monitor temp directory size". */
#define TMPFS_FULL_PERCENT 90
#define MAX_FULL_TMPFS	   256

struct watch {
	const struct hr_context *ctx;
	const char *id;
	char path[PATH_MAX];
	struct hr_cgroup_handle cgroup; /* its path is path: the state is closed while streaming */
	int pidfd;
	int inotify;
	int interval_ms;
	struct hr_proc_view init; /* the init's /proc directory; procfd -1 when unreadable */
	int full[MAX_FULL_TMPFS]; /* the mount ids of the tmpfs at TMPFS_FULL_PERCENT or more */
	size_t n_full;
};

static bool was_full(const struct watch *w, int mount_id)
{
	for (size_t i = 0; i < w->n_full; i++)
		if (w->full[i] == mount_id)
			return true;
	return false;
}

/* The space used, measured once an interval for the stats and the full-tmpfs lines. */
struct measured {
	struct hr_arena arena;
	struct hr_storage_use *use;
	size_t n;
	bool known; /* false: the init's /proc could not be read */
};

static void measure(const struct watch *w, struct measured *m)
{
	struct hr_err err;

	*m = (struct measured){.known = false};
	m->known =
	    w->init.procfd >= 0 && hr_storage_usage(&w->init, &m->arena, &m->use, &m->n, &err) == 0;
}

/*
 * The health check's settings and last results, from the state, read without its lock: a
 * command holding the container for long (a checkpoint's dump) must not stall the stream.
 */
static void gen_health(const struct watch *w, yajl_gen g)
{
	struct hr_container_dir dir;
	struct hr_arena arena = {0};
	struct hr_state state;
	struct hr_err err;

	if (hr_container_dir_peek(w->ctx->root, w->id, &dir, &err) == 0 &&
	    hr_state_read(&dir, &arena, &state, &err) == 0 &&
	    hr_state_load_annotations(&dir, &arena, &state, &err) == 0)
		hr_health_gen(g, "health", state.annotations, state.n_annotations);
	hr_container_dir_close(&dir);
	hr_arena_free(&arena);
}

/*
 * runc's stats event, one line, {"type":"stats","id":ID,"data":{...}}, its data the cgroup's
 * (cgroup_stats.h) and hardrun's own: "storage" (state's space used per writable file
 * system) and "health" (when the container has a check), what the guide asks to watch.
 */
static int print_stats(const struct watch *w, const struct measured *m, struct hr_err *err)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(false);
	_cleanup_free_ char *line = NULL;

	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "type", "stats");
	hr_jgen_kv_str(g, "id", w->id);
	hr_jgen_key(g, "data");
	yajl_gen_map_open(g);
	if (hr_cgroup_stats(&w->cgroup, g, err) < 0)
		return -1;
	if (m->known) {
		hr_jgen_key(g, "storage");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < m->n; i++)
			hr_storage_use_gen(g, &m->use[i]);
		yajl_gen_array_close(g);
	}
	gen_health(w, g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	line = hr_jgen_dup(g, false, NULL);
	printf("%s\n", line);
	fflush(stdout);
	return 0;
}

static void print_storage_event(const char *id, const struct hr_storage_use *u)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(false);
	_cleanup_free_ char *line = NULL;

	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "type", "storage");
	hr_jgen_kv_str(g, "id", id);
	hr_jgen_key(g, "data");
	hr_storage_use_gen(g, u);
	yajl_gen_map_close(g);
	line = hr_jgen_dup(g, false, NULL);
	printf("%s\n", line);
	fflush(stdout);
}

/*
 * One "storage" line when a tmpfs of the container reaches TMPFS_FULL_PERCENT of its size, and
 * again only after it has gone below (storage_use.h measures it from the host's side). Known by
 * mount id, which no other mount shares while it exists.
 */
static void report_full_tmpfs(struct watch *w, const struct measured *m)
{
	size_t n_full = 0;
	int full[MAX_FULL_TMPFS];

	if (!m->known)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const struct hr_storage_use *u = &m->use[i];

		if (strcmp(u->fstype, "tmpfs") != 0 || u->size == 0 ||
		    u->used < u->size / 100 * TMPFS_FULL_PERCENT)
			continue;
		if (!was_full(w, u->mount_id))
			print_storage_event(w->id, u);
		/* past MAX_FULL_TMPFS full ones, the others are reported at every interval */
		if (n_full < MAX_FULL_TMPFS)
			full[n_full++] = u->mount_id;
	}
	memcpy(w->full, full, n_full * sizeof(full[0]));
	w->n_full = n_full;
}

/* One interval: the stats line, then the full tmpfs, from one measure. */
static int report(struct watch *w, struct hr_err *err)
{
	struct measured m;
	int r;

	measure(w, &m);
	r = print_stats(w, &m, err);
	if (r == 0)
		report_full_tmpfs(w, &m);
	hr_arena_free(&m.arena);
	return r;
}

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
			if (report(w, err) < 0)
				return -1;
			next = now_ms() + w->interval_ms;
		}
	}
}

int hr_container_events(const struct hr_context *ctx, const struct hr_events_opts *opts,
			struct hr_err *err)
{
	struct watch w = {.ctx = ctx, .id = opts->id, .pidfd = -1, .inotify = -1};
	struct hr_opened opened;
	struct hr_err no_view;
	uint64_t start_time;
	pid_t pid;
	int r;

	if (open_with_cgroup(ctx, opts->id, &opened, err) < 0)
		return -1;
	snprintf(w.path, sizeof(w.path), "%s", opened.state.cgroup_path);
	pid = opened.state.pid;
	start_time = opened.state.pid_start_time;
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
	/* the init's /proc directory for the space used; without it there is none */
	if (hr_proc_view_open(pid, start_time, &w.init, &no_view) < 0)
		w.init.procfd = -1;
	if (opts->stats) {
		struct measured m;

		measure(&w, &m);
		r = print_stats(&w, &m, err);
		hr_arena_free(&m.arena);
		hr_proc_view_close(&w.init);
		close(w.pidfd);
		return r;
	}
	w.interval_ms = opts->interval_ms > 0 ? opts->interval_ms : 5000;
	w.inotify = hr_cgroup_oom_watch(&w.cgroup); /* -1: no memory controller, no OOM events */
	r = stream(&w, err);
	hr_proc_view_close(&w.init);
	close(w.pidfd);
	if (w.inotify >= 0)
		close(w.inotify);
	return r;
}
