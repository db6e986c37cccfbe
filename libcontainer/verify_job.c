/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every verify check stands on: the report, ids, mounts and cgroup files (verify_job.h). */
#include "verify_job.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capabilities.h"
#include "cleanup.h"
#include "paths.h"

/* ---- the report ---------------------------------------------------------------------- */

struct hr_verify_check *hr_verify_add(struct verify_job *job, pid_t pid, const char *rule,
				      const char *name, bool ok)
{
	struct hr_verify_report *r = job->report;
	struct hr_verify_check *c;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->checks = hr_xrealloc(r->checks, r->cap, sizeof(*r->checks));
	}
	c = &r->checks[r->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->pid = pid;
	c->source = rule != NULL || job->in_baseline ? job->baseline_source : "config";
	c->rule = rule;
	c->result = ok ? HR_VERIFY_PASS : HR_VERIFY_FAIL;
	r->counts[c->result]++;
	return c;
}

void hr_verify_set(struct hr_verify_check *c, const char *observed, const char *expected_fmt, ...)
{
	va_list ap;

	snprintf(c->observed, sizeof(c->observed), "%s", observed);
	va_start(ap, expected_fmt);
	vsnprintf(c->expected, sizeof(c->expected), expected_fmt, ap);
	va_end(ap);
}

void hr_verify_skip(struct verify_job *job, pid_t pid, const char *rule, const char *name,
		    const char *reason)
{
	struct hr_verify_check *c = hr_verify_add(job, pid, rule, name, true);

	job->report->counts[c->result]--;
	c->result = HR_VERIFY_SKIP;
	job->report->counts[c->result]++;
	snprintf(c->expected, sizeof(c->expected), "%s", reason);
}

/* ---- what a process is, in the container's terms ------------------------------------- */

/*
 * The four ids (real, effective, saved, filesystem) as the container's user namespace names
 * them: "1001", or "1001/0/1001/1001" when they differ; a host id it does not map is "host N".
 * all_equal gets whether the four are the same mapped id, *id that id.
 */
void hr_verify_ids(const struct verify_job *job, const struct hr_proc_view *v, bool gid, char *buf,
		   size_t size, bool *all_equal, uint32_t *id)
{
	const uint32_t *host = gid ? v->gid : v->uid;
	uint32_t mapped[4];
	bool ok[4];
	size_t off = 0;

	for (int i = 0; i < 4; i++)
		ok[i] = hr_proc_map_id(&job->views[0], gid, host[i], true, &mapped[i]);
	*all_equal = ok[0];
	for (int i = 1; i < 4; i++)
		*all_equal = *all_equal && ok[i] && mapped[i] == mapped[0];
	*id = mapped[0];
	buf[0] = '\0';
	for (int i = 0; i < (*all_equal ? 1 : 4) && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, ok[i] ? "%s%u" : "%shost %u",
					i ? "/" : "", ok[i] ? mapped[i] : host[i]);
	if (*all_equal && mapped[0] != host[0] && off < size)
		snprintf(buf + off, size - off, " (host %u)", host[0]);
}

const char *hr_verify_caps(uint64_t mask, char *buf, size_t size)
{
	if (mask == 0) {
		snprintf(buf, size, "none");
		return buf;
	}
	return hr_cap_list(mask, buf, size);
}

/* ---- the container's mounts ---------------------------------------------------------- */

/* "/a//b/" as "/a/b": the config's destinations, compared with mountinfo's. */
static void clean_path(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = in; *p != '\0' && o + 1 < size; p++)
		if (!(*p == '/' && (p[1] == '/' || p[1] == '\0') && o > 0))
			out[o++] = *p;
	if (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	if (o == 0 && size > 1)
		snprintf(out, size, "/");
}

const struct hr_mountinfo *hr_verify_mount_at(const struct verify_job *job, const char *path)
{
	char clean[4096];

	clean_path(path, clean, sizeof(clean));
	for (size_t i = job->n_mounts; i-- > 0;)
		if (strcmp(job->mounts[i].mount_point, clean) == 0)
			return &job->mounts[i];
	return NULL;
}

/*
 * The mount at path, following symlinks inside the container's root (a destination under
 * /var/run is mounted under /run when /var/run links there): the mount of the file path
 * resolves to, when that file is the mount's root. NULL when nothing is mounted there.
 */
const struct hr_mountinfo *hr_verify_mount_resolved(const struct verify_job *job, const char *path)
{
	const struct hr_mountinfo *m = hr_verify_mount_at(job, path);
	_cleanup_close_ int fd = -1;
	struct statx stx;
	const char *base = strrchr(path, '/');

	if (m != NULL || job->root_fd < 0)
		return m;
	fd = hr_path_open_in_root(job->root_fd, path, O_PATH, 0);
	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return NULL;
	for (size_t i = job->n_mounts; i-- > 0;) {
		const char *mbase = strrchr(job->mounts[i].mount_point, '/');

		if ((uint64_t)job->mounts[i].id == stx.stx_mnt_id)
			return base != NULL && mbase != NULL && strcmp(base, mbase) == 0
				   ? &job->mounts[i]
				   : NULL;
	}
	return NULL;
}

/* Whether path exists in the container (looked up in its root, never followed out of it). */
enum hr_verify_presence hr_verify_presence(const struct verify_job *job, const char *path)
{
	_cleanup_close_ int fd = -1;

	if (hr_verify_mount_at(job, path) != NULL)
		return HR_VERIFY_MOUNTED;
	if (job->root_fd < 0)
		return HR_VERIFY_UNKNOWN;
	fd = hr_path_open_in_root(job->root_fd, path, O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	if (fd >= 0)
		return HR_VERIFY_PRESENT;
	return errno == ENOENT || errno == ENOTDIR ? HR_VERIFY_ABSENT : HR_VERIFY_UNKNOWN;
}

/* ---- the cgroup ---------------------------------------------------------------------- */

/* A file of the container's cgroup, read under /sys/fs/cgroup without following a symlink. */
int hr_verify_cgroup_read(const struct verify_job *job, const char *file, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (job->cgroup_fd < 0)
		return -1;
	fd = hr_openat2(job->cgroup_fd, file, O_RDONLY | O_CLOEXEC, 0,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 || (n = read(fd, buf, size - 1)) < 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

const char *hr_verify_result_name(enum hr_verify_result result)
{
	static const char *const names[] = {"PASS", "FAIL", "SKIP"};

	return result < HR_VERIFY__COUNT ? names[result] : "?";
}

void hr_verify_report_free(struct hr_verify_report *report)
{
	free(report->id);
	free(report->baseline);
	free(report->checks);
	memset(report, 0, sizeof(*report));
}
