/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What can be done to a cgroup v2 directory that exists, whichever driver made it: read and
 * write its files, adopt it (open it and apply the plan of limits), enter, signal, list, freeze,
 * update and destroy it. Both drivers (cgroup_fs.c, cgroup_systemd.c) stand on this file, and
 * their ops tables point at its functions; neither calls the other, and nothing above the
 * drivers calls this file.
 */
#include "cgroup_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"

#define FREEZE_TIMEOUT_MS 10000
#define EMPTY_TIMEOUT_MS  2000
#define RMDIR_RETRY_MS	  1000
#define MAX_TREE_DEPTH	  32
#define CGROUP_FILE_MAX	  (4 * 1024 * 1024)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static int file_path(char *out, size_t size, const char *path, const char *file, struct hr_err *err)
{
	if ((size_t)snprintf(out, size, "%s/%s", path, file) >= size)
		return hr_err_set(err, ENAMETOOLONG, "cgroup file %s/%s", path, file);
	return 0;
}

int hr_cgroup_read(const char *path, const char *file, char *buf, size_t size, struct hr_err *err)
{
	char p[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (file_path(p, sizeof(p), path, file, err) < 0)
		return -1;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open %s", p);
	n = read(fd, buf, size - 1);
	if (n < 0)
		return hr_err_sys(err, "read %s", p);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

/* A whole cgroup file (cgroup.procs, memory.stat); caller frees. */
static char *read_all(const char *path, const char *file, struct hr_err *err)
{
	char p[PATH_MAX];
	_cleanup_close_ int fd = -1;
	char *data = NULL;
	size_t len;

	if (file_path(p, sizeof(p), path, file, err) < 0)
		return NULL;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open %s", p), NULL;
	if (hr_read_fd(fd, p, CGROUP_FILE_MAX, &data, &len, err) < 0)
		return NULL;
	return data;
}

int hr_cgroup_write(const char *path, const char *file, const char *value, struct hr_err *err)
{
	char p[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);

	if (file_path(p, sizeof(p), path, file, err) < 0)
		return -1;
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open %s", p);
	if (write(fd, value, len) != (ssize_t)len)
		return hr_err_sys(err, "write \"%s\" to %s", value, p);
	return 0;
}

int64_t hr_cgroup_keyed(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = text; line != NULL && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return strtoll(line + klen + 1, NULL, 10);
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return -1;
}

/* ---- controllers ---- */

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* On a controller that dir cannot give its children, sets *missing to it and fails (ENOTSUP). */
static int enable_in(const char *dir, unsigned wanted, unsigned *missing, struct hr_err *err)
{
	char enabled[512], available[512], plus[32];

	if (hr_cgroup_read(dir, "cgroup.subtree_control", enabled, sizeof(enabled), err) < 0)
		return -1;
	for (unsigned bit = 1; bit <= HR_CTRL_MISC; bit <<= 1) {
		const char *name = hr_cgroup_controller_name(bit);

		if (!(wanted & bit) || has_word(enabled, name))
			continue;
		if (hr_cgroup_read(dir, "cgroup.controllers", available, sizeof(available), err) <
		    0)
			return -1;
		if (!has_word(available, name)) {
			*missing = bit;
			return hr_err_set(err, ENOTSUP,
					  "the %s cgroup controller is not available (not in "
					  "%s/cgroup.controllers: \"%s\")",
					  name, dir, available);
		}
		snprintf(plus, sizeof(plus), "+%s", name);
		if (hr_cgroup_write(dir, "cgroup.subtree_control", plus, err) < 0) {
			if (err->errnum == EBUSY)
				hr_err_prefix(err,
					      "%s has processes of its own and cannot delegate "
					      "controllers",
					      dir);
			return -1;
		}
	}
	return 0;
}

/*
 * Enables the controllers in every ancestor of the cgroup at path, from the root down; *missing
 * gets the controller that is not available, if that is why it fails.
 */
static int enable_controllers(const char *path, unsigned wanted, unsigned *missing,
			      struct hr_err *err)
{
	char dir[PATH_MAX];
	size_t root_len = strlen(HR_CGROUP_ROOT);
	const char *leaf = strrchr(path, '/');

	if (wanted == 0)
		return 0;
	if (strncmp(path, HR_CGROUP_ROOT "/", root_len + 1) != 0 || leaf == NULL)
		return hr_err_set(err, EINVAL, "%s is not below " HR_CGROUP_ROOT, path);
	for (const char *p = path + root_len; p != NULL && p <= leaf; p = strchr(p + 1, '/')) {
		size_t len = (size_t)(p - path);

		memcpy(dir, path, len);
		dir[len] = '\0';
		if (enable_in(dir, wanted, missing, err) < 0)
			return *missing != 0
				   ? -1
				   : hr_err_prefix(err, "enable controllers for %s", path);
	}
	return 0;
}

/* ---- applying a plan ---- */

/*
 * Names the config field that wanted a controller the cgroup cannot have: a
 * linux.resources.unified key itself, the section (linux.resources.rdma) of the others.
 */
static int name_controller_user(const struct hr_cgroup_plan *plan, unsigned controller,
				struct hr_err *err)
{
	for (size_t i = 0; i < plan->n_writes; i++) {
		const char *what = plan->writes[i].what;
		size_t len = strncmp(what, "unified", 7) == 0 ? strlen(what) : strcspn(what, ".[");

		if (hr_cgroup_controller_of(plan->writes[i].file) == controller)
			return hr_err_prefix(err, "linux.resources.%.*s", (int)len, what);
	}
	return -1;
}

/* A file the plan writes that the cgroup does not have (w->if_missing says what that means). */
static int missing_file(const char *path, const struct hr_cgroup_write *w, struct hr_err *err)
{
	bool swap = strcmp(w->file, "memory.swap.max") == 0;

	if (w->if_missing == HR_MISSING_QUIET) {
		hr_debug("%s: no %s, linux.resources.%s not applied", path, w->file, w->what);
		return 0;
	}
	if (w->if_missing == HR_MISSING_WARN) {
		hr_warning(
		    "linux.resources.%s: the kernel has no swap accounting (no %s in %s): %s",
		    w->what, w->file, path,
		    strcmp(w->value, "0") == 0
			? "\"no swap\" cannot be enforced, the container's memory may be "
			  "swapped out"
			: "swap stays unlimited, as asked");
		return 0;
	}
	if (swap)
		return hr_err_set(
		    err, ENOENT,
		    "linux.resources.%s: the kernel has no swap accounting (no %s in "
		    "%s): %s bytes of swap beyond the memory limit cannot be set (set "
		    "swap equal to the memory limit, or -1)",
		    w->what, w->file, path, w->value);
	if (strncmp(w->what, "unified", 7) == 0)
		return hr_err_set(err, ENOENT,
				  "linux.resources.%s: no such file in the container's cgroup %s "
				  "(its controller is not enabled there, or the kernel has no such "
				  "file)",
				  w->what, path);
	return hr_err_set(err, ENOENT, "linux.resources.%s: the kernel has no %s in cgroup %s",
			  w->what, w->file, path);
}

static int apply_write(const char *path, const struct hr_cgroup_write *w, struct hr_err *err)
{
	char p[PATH_MAX];

	if (file_path(p, sizeof(p), path, w->file, err) < 0)
		return -1;
	if (access(p, F_OK) < 0)
		return errno == ENOENT ? missing_file(path, w, err)
				       : hr_err_sys(err, "linux.resources.%s: %s", w->what, p);
	if (hr_cgroup_write(path, w->file, w->value, err) == 0)
		return 0;
	if (err->errnum == ENODEV && strcmp(w->file, "rdma.max") == 0)
		return hr_err_set(err, ENODEV,
				  "linux.resources.%s: the kernel has no such RDMA device (set "
				  "rdma.max to \"%s\" in %s)",
				  w->what, w->value, path);
	return hr_err_set(err, err->errnum, "linux.resources.%s: set %s to \"%s\" in %s", w->what,
			  w->file, w->value, path);
}

static int apply_plan(const char *path, const struct hr_cgroup_plan *plan, struct hr_err *err)
{
	unsigned missing = 0;

	if (enable_controllers(path, plan->controllers, &missing, err) < 0)
		return missing != 0 ? name_controller_user(plan, missing, err) : -1;
	for (size_t i = 0; i < plan->n_writes; i++)
		if (apply_write(path, &plan->writes[i], err) < 0)
			return -1;
	return 0;
}

static int attach_devices(const char *path, const struct hr_cgroup_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int fd = -1;

	if (plan->dev_prog == NULL)
		return 0;
	/* BPF_PROG_ATTACH refuses O_PATH descriptors */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open %s", path);
	if (hr_devfilter_attach(fd, plan->dev_prog, plan->dev_prog_len, err) < 0)
		return hr_err_prefix(err, "linux.resources.devices: %s", path);
	return 0;
}

/* ---- adopting a directory ---- */

int hr_cgroup_of(pid_t pid, char *out, size_t size, struct hr_err *err)
{
	_cleanup_free_ char *data = NULL;
	char file[32];
	size_t len;

	if (pid == 0)
		snprintf(file, sizeof(file), "/proc/self/cgroup");
	else
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	if (hr_read_file(file, 65536, &data, &len, err) < 0)
		return -1;
	return hr_cgroup_parse_self(data, out, size, err);
}

int hr_cgroup_self(char *out, size_t size, struct hr_err *err)
{
	return hr_cgroup_of(0, out, size, err);
}

bool hr_cgroup_has_processes(const char *path)
{
	char buf[16];
	struct hr_err ignored;

	return hr_cgroup_read(path, "cgroup.procs", buf, sizeof(buf), &ignored) == 0 &&
	       buf[0] != '\0';
}

/* Opens the directory at cg->path and applies r: limits, then the device filter. */
static int open_and_apply(struct hr_cgroup *cg, const struct hr_resources *r, struct hr_err *err)
{
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	int ret = -1;

	if (hr_cgroup_plan_build(r, &arena, &plan, err) < 0)
		goto out;
	cg->fd = open(cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->fd < 0) {
		hr_err_sys(err, "open %s", cg->path);
		goto out;
	}
	if (apply_plan(cg->path, &plan, err) < 0 || attach_devices(cg->path, &plan, err) < 0)
		goto out;
	ret = 0;
out:
	hr_arena_free(&arena);
	return ret;
}

int hr_cgroup_adopt(struct hr_cgroup *cg, const char *rel, const struct hr_resources *r,
		    struct hr_err *err)
{
	if ((size_t)snprintf(cg->path, sizeof(cg->path), "%s%s", HR_CGROUP_ROOT, rel) >=
	    sizeof(cg->path))
		return hr_err_set(err, ENAMETOOLONG, "cgroup path %s", rel);
	return open_and_apply(cg, r, err);
}

int hr_cgroup_dir_enter(const char *path, pid_t pid, struct hr_err *err)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return hr_cgroup_write(path, "cgroup.procs", buf, err);
}

/* ---- processes ---- */

static void push_pid(pid_t **pids, size_t *n, size_t *cap, pid_t pid)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*pids = hr_xrealloc(*pids, *cap, sizeof(pid_t));
	}
	(*pids)[(*n)++] = pid;
}

static int collect(const char *path, int depth, pid_t **pids, size_t *n, size_t *cap,
		   struct hr_err *err)
{
	_cleanup_free_ char *procs = read_all(path, "cgroup.procs", err);
	_cleanup_dir_ DIR *d = NULL;
	struct dirent *de;

	if (procs == NULL)
		return -1;
	for (char *p = procs; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		push_pid(pids, n, cap, (pid_t)pid);
		p = end + (*end == '\n');
	}
	if (depth >= MAX_TREE_DEPTH || (d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
			continue;
		if (collect(sub, depth + 1, pids, n, cap, err) < 0 && err->errnum != ENOENT)
			return -1;
	}
	return 0;
}

int hr_cgroup_dir_pids(const char *path, pid_t **pids, size_t *n, struct hr_err *err)
{
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	if (collect(path, 0, pids, n, &cap, err) < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int hr_cgroup_dir_signal(const char *path, int signal, struct hr_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n;

	/* cgroup.kill (Linux 5.14) also reaches processes forked while we iterate */
	if (signal == SIGKILL) {
		if (hr_cgroup_write(path, "cgroup.kill", "1", err) == 0)
			return 0;
		if (err->errnum != ENOENT)
			return -1;
	}
	if (hr_cgroup_dir_pids(path, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);

		if (fd < 0)
			continue;
		syscall(SYS_pidfd_send_signal, fd, signal, NULL, 0);
		close(fd);
	}
	return 0;
}

/* ---- freezing ---- */

int hr_cgroup_dir_is_frozen(const char *path)
{
	char buf[8];
	struct hr_err ignored;

	if (path == NULL || path[0] == '\0' ||
	    hr_cgroup_read(path, "cgroup.freeze", buf, sizeof(buf), &ignored) < 0)
		return -1;
	return buf[0] == '1';
}

/* Waits until cgroup.events says `key want`, woken by its notifications (POLLPRI). */
static int wait_event(const char *path, const char *key, int64_t want, long timeout_ms,
		      struct hr_err *err)
{
	char p[PATH_MAX], buf[256];
	_cleanup_close_ int fd = -1;
	long deadline = now_ms() + timeout_ms;

	if (file_path(p, sizeof(p), path, "cgroup.events", err) < 0)
		return -1;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open %s", p);
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};
		long left = deadline - now_ms();

		if (n < 0)
			return hr_err_sys(err, "read %s", p);
		buf[n] = '\0';
		if (hr_cgroup_keyed(buf, key) == want)
			return 0;
		if (left <= 0)
			return hr_err_set(err, ETIMEDOUT, "%s: still not \"%s %lld\" after %ld ms",
					  p, key, (long long)want, timeout_ms);
		/* a notification can be missed between read and poll: wake up now and then */
		if (poll(&pfd, 1, left < 100 ? (int)left : 100) < 0 && errno != EINTR)
			return hr_err_sys(err, "poll %s", p);
	}
}

int hr_cgroup_dir_freeze(const char *path, bool frozen, struct hr_err *err)
{
	if (hr_cgroup_write(path, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	return wait_event(path, "frozen", frozen ? 1 : 0, FREEZE_TIMEOUT_MS, err);
}

/* ---- removing ---- */

static int remove_tree(const char *path, int depth)
{
	_cleanup_dir_ DIR *d = opendir(path);
	struct dirent *de;

	while (d != NULL && depth < MAX_TREE_DEPTH && (de = readdir(d)) != NULL) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) < sizeof(sub))
			remove_tree(sub, depth + 1);
	}
	return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
}

/*
 * Removes up to n ancestors of path (the ones create made), nearest first, stopping at the
 * first that is not empty: another container may live there (its create retries when this
 * races with it).
 */
static void remove_parents(const char *path, int n)
{
	char up[PATH_MAX];
	char *slash;

	if ((size_t)snprintf(up, sizeof(up), "%s", path) >= sizeof(up))
		return;
	for (int i = 0; i < n; i++) {
		slash = strrchr(up, '/');
		if (slash == NULL || (size_t)(slash - up) <= strlen(HR_CGROUP_ROOT))
			return;
		*slash = '\0';
		if (rmdir(up) < 0)
			return;
	}
}

/* Kills what is left in the cgroup, waits for it to empty (bounded), then removes it. */
static int kill_and_remove(const char *path, struct hr_err *err)
{
	struct hr_err ignored;
	long deadline;

	if (hr_cgroup_has_processes(path))
		hr_cgroup_dir_signal(path, SIGKILL, &ignored);
	wait_event(path, "populated", 0, EMPTY_TIMEOUT_MS, &ignored);
	deadline = now_ms() + RMDIR_RETRY_MS;
	while (remove_tree(path, 0) < 0) {
		if (errno != EBUSY || now_ms() >= deadline)
			return hr_err_sys(err, "remove cgroup %s", path);
		hr_cgroup_dir_signal(path, SIGKILL, &ignored);
		sleep_ms(10);
	}
	return 0;
}

int hr_cgroup_dir_destroy(const char *path, int parents, struct hr_err *err)
{
	if (path == NULL || path[0] == '\0')
		return 0;
	if ((access(path, F_OK) == 0 || errno != ENOENT) && kill_and_remove(path, err) < 0)
		return -1;
	remove_parents(path, parents);
	return 0;
}

/* ---- update ---- */

void hr_cgroup_dir_complete(const char *path, struct hr_resources *r)
{
	char buf[64];
	struct hr_err ignored;

	if (r->has_memory && r->memory.swap.set && !r->memory.limit.set &&
	    hr_cgroup_read(path, "memory.max", buf, sizeof(buf), &ignored) == 0)
		r->memory.limit = (hr_opt_i64){true, strcmp(buf, "max") == 0 ? -1 : atoll(buf)};
	if (r->has_cpu && r->cpu.period.set && !r->cpu.quota.set &&
	    hr_cgroup_read(path, "cpu.max", buf, sizeof(buf), &ignored) == 0)
		r->cpu.quota = (hr_opt_i64){true, strncmp(buf, "max", 3) == 0 ? -1 : atoll(buf)};
}

int hr_cgroup_dir_check_update(const char *path, const struct hr_resources *r, struct hr_err *err)
{
	char buf[64];
	unsigned long long usage;
	int64_t limit = r->memory.limit.value;

	if (!r->has_memory || !r->memory.check_before_update || !r->memory.limit.set || limit <= 0)
		return 0;
	if (hr_cgroup_read(path, "memory.current", buf, sizeof(buf), err) < 0)
		return hr_err_prefix(err, "linux.resources.memory.checkBeforeUpdate");
	usage = strtoull(buf, NULL, 10);
	if (usage > (unsigned long long)limit)
		return hr_err_set(err, EBUSY,
				  "linux.resources.memory.checkBeforeUpdate: the new limit %lld is "
				  "below the current usage %llu (memory.current): not applied",
				  (long long)limit, usage);
	return 0;
}

int hr_cgroup_dir_apply(const char *path, const struct hr_resources *resources, struct hr_err *err)
{
	struct hr_resources r = *resources;
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	int ret;

	if (hr_cgroup_dir_check_update(path, resources, err) < 0)
		return -1;
	hr_cgroup_dir_complete(path, &r);
	/* device rules stay as created: replacing a live filter is not atomic */
	r.n_devices = 0;
	ret = hr_cgroup_plan_build(&r, &arena, &plan, err);
	if (ret == 0)
		ret = apply_plan(path, &plan, err);
	hr_arena_free(&arena);
	return ret;
}
