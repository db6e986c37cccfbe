/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun verify: a running container held against its config and a baseline (verify.h). */
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capabilities.h"
#include "cleanup.h"
#include "container_open.h"
#include "container_ops.h"
#include "json.h"
#include "mountopts.h"
#include "paths.h"
#include "policy.h"
#include "proc_view.h"
#include "verify_baseline.h"
#include "verify_config.h"
#include "verify_job.h"
#include "verify_report.h"

static int open_cgroup(struct verify_job *job, struct hr_err *err)
{
	const char *path = job->state->cgroup_path;
	const char *rel;
	_cleanup_close_ int root = -1;

	job->cgroup_fd = -1;
	if (path == NULL)
		return 0;
	rel = strncmp(path, HR_CGROUP_ROOT "/", sizeof(HR_CGROUP_ROOT)) == 0
		  ? path + sizeof(HR_CGROUP_ROOT)
		  : path + (path[0] == '/');
	snprintf(job->cgroup_rel, sizeof(job->cgroup_rel), "/%s", rel);
	root = open(HR_CGROUP_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hr_err_sys(err, "open %s", HR_CGROUP_ROOT);
	job->cgroup_fd = hr_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
				    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (job->cgroup_fd < 0)
		return hr_err_sys(err, "open the container's cgroup %s", path);
	return 0;
}

/* ---- gathering ----------------------------------------------------------------------- */

static int open_views(struct verify_job *job, const struct hr_opened *opened, struct hr_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r =
	    hr_proc_view_open(opened->state.pid, opened->state.pid_start_time, &job->views[0], err);

	if (r == -ESRCH)
		return hr_err_set(err, ESRCH, "container %s is not running", opened->state.id);
	if (r < 0 || hr_container_pids_opened(opened, &pids, &n, err) < 0)
		return -1;
	job->views = hr_xrealloc(job->views, n + 1, sizeof(*job->views));
	job->n_views = 1;
	for (size_t i = 0; i < n; i++) {
		if (pids[i] == job->views[0].pid)
			continue;
		r = hr_proc_view_open(pids[i], 0, &job->views[job->n_views], err);
		if (r == -ESRCH)
			continue; /* exited since the list was read: nothing left to verify */
		if (r < 0)
			return -1;
		job->n_views++;
	}
	return 0;
}

static int gather(struct verify_job *job, const struct hr_opened *opened, struct hr_err *err)
{
	if (opened->status != HR_STATUS_RUNNING && opened->status != HR_STATUS_PAUSED)
		return hr_err_set(err, ESRCH,
				  "container %s is %s: only a running or paused one "
				  "can be verified",
				  opened->state.id, hr_status_name(opened->status));
	job->views = hr_xcalloc(1, sizeof(*job->views));
	job->views[0].procfd = -1;
	if (open_views(job, opened, err) < 0 ||
	    hr_proc_mountinfo(&job->views[0], &job->arena, &job->mounts, &job->n_mounts, err) < 0 ||
	    open_cgroup(job, err) < 0)
		return -1;
	/* the container's root as its init sees it: a magic link, followed on purpose, then
	 * every lookup below stays in it (hr_path_open_in_root) */
	job->root_fd = openat(job->views[0].procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (job->root_fd < 0)
		return hr_err_sys(err, "open /proc/%d/root", (int)job->views[0].pid);
	for (int t = 0; t < HR_NS__COUNT; t++)
		job->own_ns[t] = hr_proc_own_ns(t);
	job->page_size = sysconf(_SC_PAGESIZE);
	return 0;
}

static void job_free(struct verify_job *job)
{
	for (size_t i = 0; i < job->n_views; i++)
		hr_proc_view_close(&job->views[i]);
	if (job->n_views == 0 && job->views != NULL)
		hr_proc_view_close(&job->views[0]);
	free(job->views);
	if (job->root_fd >= 0)
		close(job->root_fd);
	if (job->cgroup_fd >= 0)
		close(job->cgroup_fd);
	hr_config_free(job->config);
	hr_baseline_free(&job->baseline);
	hr_arena_free(&job->arena);
}

int hr_verify_container(const struct hr_context *ctx, const char *id,
			const struct hr_verify_options *opts, struct hr_verify_report *report,
			struct hr_err *err)
{
	struct verify_job job = {.report = report, .root_fd = -1, .cgroup_fd = -1};
	struct hr_opened opened;
	int r = -1;

	memset(report, 0, sizeof(*report));
	report->id = hr_xstrdup(id);
	if (hr_baseline_load(opts, &job.baseline, err) < 0) {
		job_free(&job);
		return -1;
	}
	job.baseline_source = job.baseline.source;
	if (job.baseline.source != NULL)
		report->baseline = hr_xstrdup(job.baseline.label);
	if (hr_container_open(ctx, id, &opened, err) < 0) {
		job_free(&job);
		return -1;
	}
	job.state = &opened.state;
	job.config = hr_container_load_config(&opened, err);
	if (job.config != NULL && gather(&job, &opened, err) == 0) {
		hr_verify_config_checks(&job);
		if (job.baseline.source != NULL) {
			job.in_baseline = true;
			hr_verify_baseline_checks(&job);
		}
		r = 0;
	}
	job_free(&job);
	hr_container_close(&opened);
	return r;
}

/* The running and paused containers of a root, for --all. */
struct id_list {
	char **ids;
	size_t n;
};

static int collect_running(const struct hr_state *state, enum hr_status status, void *data)
{
	struct id_list *list = data;

	if (status == HR_STATUS_RUNNING || status == HR_STATUS_PAUSED) {
		list->ids = hr_xrealloc(list->ids, list->n + 1, sizeof(*list->ids));
		list->ids[list->n++] = hr_xstrdup(state->id);
	}
	return 0;
}

static int report_one(const struct hr_context *ctx, const struct hr_verify_options *opts,
		      const char *id, FILE *out, yajl_gen g, bool *failed, struct hr_err *err)
{
	struct hr_verify_report report;
	int r = hr_verify_container(ctx, id, opts, &report, err);

	if (r == 0) {
		*failed = *failed || report.counts[HR_VERIFY_FAIL] > 0;
		if (g != NULL)
			hr_verify_gen_json(g, &report);
		else
			r = hr_verify_print_text(&report, out);
		if (r < 0)
			hr_err_sys(err, "write the report");
	}
	hr_verify_report_free(&report);
	return r;
}

int hr_verify(const struct hr_context *ctx, const struct hr_verify_options *opts, const char *id,
	      FILE *out, bool *failed, struct hr_err *err)
{
	_cleanup_yajl_gen_ yajl_gen g = opts->json ? hr_jgen_new(true) : NULL;
	struct id_list list = {0};
	int r = 0;

	*failed = false;
	if (id != NULL)
		r = report_one(ctx, opts, id, out, g, failed, err);
	else if (ctx->root == NULL)
		r = hr_err_set(err, EINVAL, "no state directory: set --root or XDG_RUNTIME_DIR");
	else if ((r = hr_state_foreach(ctx->root, collect_running, &list, err)) == 0) {
		if (g != NULL)
			yajl_gen_array_open(g);
		for (size_t i = 0; i < list.n && r == 0; i++) {
			r = report_one(ctx, opts, list.ids[i], out, g, failed, err);
			/* stopped or deleted since it was listed: nothing runs to verify */
			if (r < 0 && (err->errnum == ESRCH || err->errnum == ENOENT))
				r = 0;
			if (r == 0 && g == NULL && i + 1 < list.n)
				fputc('\n', out);
		}
		if (g != NULL)
			yajl_gen_array_close(g);
	}
	for (size_t i = 0; i < list.n; i++)
		free(list.ids[i]);
	free(list.ids);
	if (r == 0 && g != NULL) {
		size_t len;
		const char *text = hr_jgen_buf(g, &len);

		if (fwrite(text, 1, len, out) != len || fputc('\n', out) == EOF)
			r = hr_err_sys(err, "write the report");
	}
	if (r == 0 && fflush(out) == EOF)
		r = hr_err_sys(err, "write the report");
	return r;
}
