/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A process as the kernel reports it, read from the host's /proc (see proc_view.h). */
#include "proc_view.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "state.h"

/* /proc/PID/status holds one line per field; a Groups line of 65536 groups is ~450 KiB. */
#define STATUS_MAX    (1024 * 1024)
#define MOUNTINFO_MAX (64 * 1024 * 1024)
#define IDMAP_MAX     (64 * 1024)

static const char *const ns_files[HR_NS__COUNT] = {
    [HR_NS_PID] = "pid", [HR_NS_NETWORK] = "net", [HR_NS_MOUNT] = "mnt",     [HR_NS_IPC] = "ipc",
    [HR_NS_UTS] = "uts", [HR_NS_USER] = "user",	  [HR_NS_CGROUP] = "cgroup", [HR_NS_TIME] = "time",
};

/* The file under the view's /proc directory, read whole; the message names /proc/PID/name. */
static int read_proc_file(const struct hr_proc_view *view, const char *name, size_t max,
			  char **data, struct hr_err *err)
{
	_cleanup_close_ int fd = openat(view->procfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char what[64];
	size_t len;

	snprintf(what, sizeof(what), "/proc/%d/%s", (int)view->pid, name);
	if (fd < 0)
		return errno == ESRCH || errno == ENOENT ? -ESRCH
							 : hr_err_sys(err, "open %s", what);
	if (hr_read_fd(fd, what, max, data, &len, err) < 0)
		return err->errnum == ESRCH ? -ESRCH : -1;
	return 0;
}

/* The value after "Key:\t" in a status text, NULL when the key is absent. */
static const char *status_field(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = text; line != NULL && *line != '\0';) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			return line + klen + 1 + strspn(line + klen + 1, " \t");
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return NULL;
}

static int status_ids(const char *text, const char *key, uint32_t out[4])
{
	const char *v = status_field(text, key);

	return v != NULL && sscanf(v, "%u %u %u %u", &out[0], &out[1], &out[2], &out[3]) == 4 ? 0
											      : -1;
}

static int status_hex(const char *text, const char *key, uint64_t *out)
{
	const char *v = status_field(text, key);
	char *end;

	if (v == NULL)
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 16);
	return errno != 0 || end == v ? -1 : 0;
}

static int status_int(const char *text, const char *key, int *out)
{
	const char *v = status_field(text, key);

	return v != NULL && sscanf(v, "%d", out) == 1 ? 0 : -1;
}

static void status_groups(const char *text, struct hr_proc_view *view)
{
	const char *p = status_field(text, "Groups");
	char *end;

	view->n_groups = 0;
	while (p != NULL && *p != '\n' && *p != '\0') {
		unsigned long g = strtoul(p, &end, 10);

		if (end == p)
			break;
		if (view->n_groups < HR_PROC_VIEW_GROUPS)
			view->groups[view->n_groups] = (gid_t)g;
		view->n_groups++;
		p = end + strspn(end, " \t");
	}
}

static int read_status(struct hr_proc_view *view, struct hr_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = read_proc_file(view, "status", STATUS_MAX, &text, err);

	if (r < 0)
		return r;
	if (status_ids(text, "Uid", view->uid) < 0 || status_ids(text, "Gid", view->gid) < 0 ||
	    status_hex(text, "CapInh", &view->cap_inheritable) < 0 ||
	    status_hex(text, "CapPrm", &view->cap_permitted) < 0 ||
	    status_hex(text, "CapEff", &view->cap_effective) < 0 ||
	    status_hex(text, "CapBnd", &view->cap_bounding) < 0 ||
	    status_hex(text, "CapAmb", &view->cap_ambient) < 0 ||
	    status_int(text, "NoNewPrivs", &view->no_new_privs) < 0 ||
	    status_int(text, "Seccomp", &view->seccomp_mode) < 0)
		return hr_err_set(err, EPROTO, "/proc/%d/status: a field is missing or malformed",
				  (int)view->pid);
	if (status_int(text, "Seccomp_filters", &view->seccomp_filters) < 0)
		view->seccomp_filters = -1;
	status_groups(text, view);
	return 0;
}

static int read_namespaces(struct hr_proc_view *view, struct hr_err *err)
{
	for (int t = 0; t < HR_NS__COUNT; t++) {
		char name[16];
		struct stat st;

		snprintf(name, sizeof(name), "ns/%s", ns_files[t]);
		/* the ns files are magic links to nsfs inodes: following them is the point */
		if (fstatat(view->procfd, name, &st, 0) == 0) {
			view->ns[t] = st.st_ino;
		} else if (errno == ENOENT && t == HR_NS_TIME) {
			view->ns[t] = 0;
		} else {
			return errno == ESRCH || errno == ENOENT
				   ? -ESRCH
				   : hr_err_sys(err, "stat /proc/%d/%s", (int)view->pid, name);
		}
	}
	return 0;
}

static int read_cgroup(struct hr_proc_view *view, struct hr_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = read_proc_file(view, "cgroup", 1024 * 1024, &text, err);
	const char *line;

	if (r < 0)
		return r;
	view->cgroup[0] = '\0';
	for (line = text; line != NULL && *line != '\0';) {
		if (strncmp(line, "0::", 3) == 0) {
			size_t len = strcspn(line + 3, "\n");

			snprintf(view->cgroup, sizeof(view->cgroup), "%.*s", (int)len, line + 3);
			break;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return 0;
}

static int open_proc_dir(struct hr_proc_view *view, struct hr_err *err)
{
	char path[32];
	struct statfs sfs;

	snprintf(path, sizeof(path), "/proc/%d", (int)view->pid);
	view->procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (view->procfd < 0)
		return errno == ENOENT ? -ESRCH : hr_err_sys(err, "open %s", path);
	if (fstatfs(view->procfd, &sfs) < 0)
		return hr_err_sys(err, "statfs %s", path);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return hr_err_set(err, EXDEV, "%s is not on a procfs (type 0x%lx)", path,
				  (unsigned long)sfs.f_type);
	return 0;
}

int hr_proc_view_open(pid_t pid, uint64_t start_time, struct hr_proc_view *view, struct hr_err *err)
{
	uint64_t started;
	int r;

	memset(view, 0, sizeof(*view));
	view->pid = pid;
	view->procfd = -1;
	r = open_proc_dir(view, err);
	/* the directory is bound to the process it was opened for, not to the number: once the
	 * start time read through it matches, a reused pid can never be read through it */
	if (r == 0 && start_time != 0) {
		int s = hr_proc_start_time_at(view->procfd, "stat", &started, NULL);

		if (s == -ESRCH || s == -ENOENT || (s == 0 && started != start_time))
			r = -ESRCH;
		else if (s < 0)
			r = hr_err_set(err, -s, "read /proc/%d/stat", (int)pid);
	}
	if (r == 0)
		r = read_status(view, err);
	if (r == 0)
		r = read_namespaces(view, err);
	if (r == 0)
		r = read_cgroup(view, err);
	if (r == 0 && !hr_proc_view_alive(view))
		r = -ESRCH;
	if (r < 0)
		hr_proc_view_close(view);
	return r;
}

bool hr_proc_view_alive(const struct hr_proc_view *view)
{
	/* once the process is reaped, nothing under its directory can be looked up any more */
	return view->procfd >= 0 && faccessat(view->procfd, "stat", F_OK, 0) == 0;
}

void hr_proc_view_close(struct hr_proc_view *view)
{
	if (view->procfd >= 0)
		close(view->procfd);
	view->procfd = -1;
}

ino_t hr_proc_own_ns(enum hr_ns_type type)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_files[type]);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Undoes the kernel's octal escapes of space, tab, newline and backslash, in place. */
static char *unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static int parse_mountinfo_line(char *line, struct hr_arena *arena, struct hr_mountinfo *m)
{
	char *save = NULL, *f[6], *tok;
	int i;

	for (i = 0; i < 6 && (tok = strtok_r(i ? NULL : line, " ", &save)) != NULL; i++)
		f[i] = tok;
	if (i < 6)
		return -1;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL && strcmp(tok, "-") != 0)
		; /* optional fields: shared:N, master:N, propagate_from:N, unbindable */
	if (tok == NULL)
		return -1;
	m->id = atoi(f[0]);
	m->parent = atoi(f[1]);
	m->root = hr_arena_strdup(arena, unescape(f[3]));
	m->mount_point = hr_arena_strdup(arena, unescape(f[4]));
	m->options = hr_arena_strdup(arena, f[5]);
	if ((tok = strtok_r(NULL, " ", &save)) == NULL)
		return -1;
	m->fstype = hr_arena_strdup(arena, tok);
	if ((tok = strtok_r(NULL, " ", &save)) == NULL)
		return -1;
	m->source = hr_arena_strdup(arena, unescape(tok));
	tok = strtok_r(NULL, " ", &save);
	m->super_options = hr_arena_strdup(arena, tok ? tok : "");
	return 0;
}

int hr_proc_mountinfo(const struct hr_proc_view *view, struct hr_arena *arena,
		      struct hr_mountinfo **mounts, size_t *n, struct hr_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t lines = 0, count = 0;
	char *save = NULL, *line;
	int r = read_proc_file(view, "mountinfo", MOUNTINFO_MAX, &text, err);

	if (r < 0)
		return r == -ESRCH ? hr_err_set(err, ESRCH, "process %d exited", (int)view->pid)
				   : -1;
	for (const char *p = text; *p != '\0'; p++)
		lines += *p == '\n';
	*mounts = hr_arena_array(arena, lines + 1, sizeof(**mounts));
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (parse_mountinfo_line(line, arena, &(*mounts)[count]) < 0)
			return hr_err_set(err, EPROTO, "/proc/%d/mountinfo: malformed line %zu",
					  (int)view->pid, count + 1);
		count++;
	}
	*n = count;
	return 0;
}

bool hr_proc_has_option(const char *list, const char *option)
{
	size_t olen = strlen(option);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len == olen && strncmp(p, option, olen) == 0)
			return true;
		p += len;
		p += *p == ',';
	}
	return false;
}

bool hr_proc_option_value(const char *list, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)(len - klen - 1), p + klen + 1);
			return true;
		}
		p += len;
		p += *p == ',';
	}
	return false;
}

bool hr_proc_map_id(const struct hr_proc_view *view, bool gid, uint32_t id, bool inverse,
		    uint32_t *out)
{
	_cleanup_free_ char *text = NULL;
	struct hr_err err;
	const char *p;

	if (read_proc_file(view, gid ? "gid_map" : "uid_map", IDMAP_MAX, &text, &err) < 0)
		return false;
	for (p = text; p != NULL && *p != '\0';) {
		unsigned long inside, outside, count;

		if (sscanf(p, "%lu %lu %lu", &inside, &outside, &count) == 3) {
			unsigned long from = inverse ? outside : inside;
			unsigned long to = inverse ? inside : outside;

			if (id >= from && id - from < count) {
				*out = (uint32_t)(to + (id - from));
				return true;
			}
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}
