/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state, kill, delete, ps and the helpers the lifecycle files share. */
#include "container_ops.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_manager.h"
#include "cleanup.h"
#include "container_open.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "output_log.h"
#include "proc_view.h"
#include "storage_use.h"

int hr_signal_parse(const char *name, int *signal)
{
	char *end;
	long n;

	if (isdigit((unsigned char)name[0])) {
		n = strtol(name, &end, 10);
		if (*end != '\0' || n <= 0 || n > SIGRTMAX)
			return -1;
		*signal = (int)n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (int s = 1; s < SIGRTMIN; s++) {
		const char *abbrev = sigabbrev_np(s);

		if (abbrev != NULL && strcasecmp(abbrev, name) == 0) {
			*signal = s;
			return 0;
		}
	}
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool max = toupper((unsigned char)name[3]) == 'A';
		long off = 0;

		if (name[5] != '\0') {
			off = strtol(name + 5, &end, 10);
			if (*end != '\0')
				return -1;
		}
		n = max ? SIGRTMAX + off : SIGRTMIN + off;
		if (n < SIGRTMIN || n > SIGRTMAX)
			return -1;
		*signal = (int)n;
		return 0;
	}
	return -1;
}

struct storage_list {
	struct hr_storage_use *use;
	size_t n;
};

/* "storage": [{"path", "type", "size", "used", "usedPercent"}...] */
static void gen_storage(yajl_gen g, void *arg)
{
	const struct storage_list *list = arg;

	if (list->n == 0)
		return;
	hr_jgen_key(g, "storage");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < list->n; i++)
		hr_storage_use_gen(g, &list->use[i]);
	yajl_gen_array_close(g);
}

/*
 * The space used on a live container's writable file systems (storage_use.h). Only what can
 * be read: a caller who may not look into the init's /proc directory (a rootless owner: the
 * init is not dumpable) gets the state without it.
 */
static void measure_storage(struct hr_opened *opened, struct storage_list *list)
{
	struct hr_proc_view view;
	struct hr_err err = {0};

	list->use = NULL;
	list->n = 0;
	if (opened->status == HR_STATUS_STOPPED ||
	    hr_proc_view_open(opened->state.pid, opened->state.pid_start_time, &view, &err) < 0)
		return;
	if (hr_storage_usage(&view, &opened->arena, &list->use, &list->n, &err) < 0)
		hr_debug("container %s: storage use: %s", opened->state.id, err.msg);
	hr_proc_view_close(&view);
}

int hr_container_state(const struct hr_context *ctx, const char *id, char **json,
		       struct hr_err *err)
{
	struct hr_opened opened;
	struct storage_list storage;
	struct hr_state_extra extra = {.gen = gen_storage, .arg = &storage};

	if (hr_container_open(ctx, id, &opened, err) < 0)
		return -1;
	if (hr_state_load_annotations(&opened.dir, &opened.arena, &opened.state, err) < 0) {
		hr_container_close(&opened);
		return -1;
	}
	/* what is measured is not the state's: no other command waits on the lock meanwhile */
	if (flock(opened.dir.fd, LOCK_UN) < 0) {
		hr_err_sys(err, "unlock container %s", id);
		hr_container_close(&opened);
		return -1;
	}
	measure_storage(&opened, &storage);
	*json = hr_state_oci_json_extra(&opened.state, opened.status, true, &extra);
	hr_container_close(&opened);
	return 0;
}

static int ns_inode(pid_t pid, const char *ns, ino_t *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	if (stat(path, &st) < 0)
		return -1;
	*ino = st.st_ino;
	return 0;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || strlen(p) < 4)
		return -1;
	return (pid_t)strtol(p + 4, NULL, 10);
}

static bool descends_from(pid_t pid, pid_t ancestor)
{
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		if (pid == ancestor)
			return true;
		pid = parent_of(pid);
	}
	return pid == ancestor;
}

/*
 * The container's processes without a cgroup to ask: every process of its own pid namespace,
 * or, when it shares ours, its init and the init's descendants.
 */
static int collect_pids(pid_t init, pid_t **pids, size_t *n, struct hr_err *err)
{
	_cleanup_dir_ DIR *proc = opendir("/proc");
	ino_t init_ns, own_ns, ns;
	bool own_pidns;
	struct dirent *de;
	size_t cap = 16;

	if (proc == NULL)
		return hr_err_sys(err, "open /proc");
	if (ns_inode(init, "pid", &init_ns) < 0 || ns_inode(getpid(), "pid", &own_ns) < 0)
		return hr_err_sys(err, "read the pid namespace of %d", (int)init);
	own_pidns = init_ns != own_ns;
	*n = 0;
	*pids = hr_xcalloc(cap, sizeof(pid_t));
	while ((de = readdir(proc)) != NULL) {
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);

		if (pid <= 0)
			continue;
		if (own_pidns ? (ns_inode(pid, "pid", &ns) < 0 || ns != init_ns)
			      : !descends_from(pid, init))
			continue;
		if (*n == cap) {
			cap *= 2;
			*pids = hr_xrealloc(*pids, cap, sizeof(pid_t));
		}
		(*pids)[(*n)++] = pid;
	}
	return 0;
}

int hr_container_pids_opened(const struct hr_opened *opened, pid_t **pids, size_t *n,
			     struct hr_err *err)
{
	struct hr_cgroup_handle cg = hr_state_cgroup(&opened->state);
	int r = 0;

	*pids = NULL;
	*n = 0;
	if (cg.manager != HR_CGROUP_DISABLED) {
		r = hr_cgroup_pids(&cg, pids, n, err);
		if (r < 0 && err->errnum == ENOENT && opened->status == HR_STATUS_STOPPED)
			r = 0;
	} else if (opened->status != HR_STATUS_STOPPED) {
		r = collect_pids(opened->state.pid, pids, n, err);
	}
	return r;
}

int hr_container_pids(const struct hr_context *ctx, const char *id, pid_t **pids, size_t *n,
		      struct hr_err *err)
{
	struct hr_opened opened;
	int r;

	*pids = NULL;
	*n = 0;
	if (hr_container_open(ctx, id, &opened, err) < 0)
		return -1;
	r = hr_container_pids_opened(&opened, pids, n, err);
	hr_container_close(&opened);
	return r;
}

static int signal_init(const struct hr_state *state, int signal, struct hr_err *err)
{
	_cleanup_close_ int pidfd = -1;
	int r = hr_pidfd_open_verified(state->pid, state->pid_start_time, &pidfd, err);

	if (r == -ESRCH)
		return hr_err_set(err, ESRCH, "container %s is not running", state->id);
	if (r < 0)
		return -1;
	if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0) < 0)
		return hr_err_sys(err, "send signal %d to container %s", signal, state->id);
	return 0;
}

static int signal_all(const struct hr_state *state, int signal, struct hr_err *err)
{
	struct hr_cgroup_handle cg = hr_state_cgroup(state);
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_close_ int pidfd = -1;
	size_t n = 0;
	int r = hr_pidfd_open_verified(state->pid, state->pid_start_time, &pidfd, err);

	if (r == -ESRCH)
		return hr_err_set(err, ESRCH, "container %s is not running", state->id);
	if (r == 0 && cg.manager != HR_CGROUP_DISABLED)
		return hr_cgroup_kill(&cg, signal, err);
	if (r < 0 || collect_pids(state->pid, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int fd;

		if (pids[i] == state->pid)
			continue;
		fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		if (fd < 0)
			continue;
		syscall(SYS_pidfd_send_signal, fd, signal, NULL, 0);
		close(fd);
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0) < 0 && errno != ESRCH)
		return hr_err_sys(err, "send signal %d to container %s", signal, state->id);
	return 0;
}

int hr_container_kill(const struct hr_context *ctx, const char *id, int signal, bool all,
		      struct hr_err *err)
{
	struct hr_opened opened;
	int r;

	if (hr_container_open(ctx, id, &opened, err) < 0)
		return -1;
	if (opened.status == HR_STATUS_STOPPED)
		r = hr_err_set(err, ESRCH, "container %s is not running", id);
	else if (all)
		r = signal_all(&opened.state, signal, err);
	else
		r = signal_init(&opened.state, signal, err);
	hr_container_close(&opened);
	return r;
}

/* Kills the init (and so its pid namespace) and waits until it is gone. */
static int kill_and_wait(const struct hr_state *state, struct hr_err *err)
{
	_cleanup_close_ int pidfd = -1;
	struct pollfd p;
	int r = hr_pidfd_open_verified(state->pid, state->pid_start_time, &pidfd, err);

	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return -1;
	/*
	 * ENOENT: the cgroup is gone, so nothing is left in it: systemd removes a scope once it
	 * is empty, e.g. when criu's dump has killed the processes and the init is a zombie
	 */
	if (signal_all(state, SIGKILL, err) < 0 && err->errnum != ESRCH && err->errnum != ENOENT)
		return -1;
	p = (struct pollfd){.fd = pidfd, .events = POLLIN};
	if (poll(&p, 1, 10000) <= 0)
		return hr_err_set(err, ETIMEDOUT, "container %s: init did not exit after SIGKILL",
				  state->id);
	return 0;
}

/*
 * The init of a container whose state is missing or unreadable, found by the record create
 * keeps beside the state (checked by its start time, so a recycled pid is never hit), killed
 * with its processes. 1 when one was killed, 0 when there was none, -1 on error.
 */
static int kill_recorded_init(const struct hr_container_dir *dir, const char *id,
			      struct hr_err *err)
{
	struct hr_state state = {.id = (char *)id};
	struct hr_err no_record = {0};
	_cleanup_close_ int pidfd = -1;

	if (hr_init_record_read(dir, &state.pid, &state.pid_start_time, &no_record) < 0)
		return 0;
	if (hr_pidfd_open_verified(state.pid, state.pid_start_time, &pidfd, err) == -ESRCH)
		return 0;
	return kill_and_wait(&state, err) < 0 ? -1 : 1;
}

/*
 * What an interrupted create left (a directory without state), or, with --force, a container
 * whose state cannot be read (corrupt, truncated, oversized, from another version): its init
 * killed if it is still there, the directory removed. A cgroup is named only in the state: it
 * is left, and the warning says so. why is NULL for an interrupted create.
 */
static int remove_without_state(const struct hr_context *ctx, const char *id, const char *why,
				struct hr_err *err)
{
	struct hr_container_dir dir;
	int killed, r = -1;

	if (hr_container_dir_open(ctx->root, id, &dir, err) < 0)
		return -1;
	killed = kill_recorded_init(&dir, id, err);
	if (killed >= 0)
		r = hr_container_dir_remove(&dir, err);
	hr_container_dir_close(&dir);
	if (r == 0 && why != NULL)
		hr_warning("container %s: its state could not be read (%s): %s, its directory "
			   "removed; a cgroup it had is named only there and is left",
			   id, why, killed ? "its init killed" : "no process of it left");
	return r;
}

/* delete --keep-logs DIR: the output log and the health results, before they are removed */
static int keep_logs_of(struct hr_opened *opened, const char *dest, struct hr_err *err)
{
	int kept = 0;

	if (hr_state_load_annotations(&opened->dir, &opened->arena, &opened->state, err) < 0 ||
	    hr_output_log_keep(opened->dir.fd, opened->state.id, opened->state.annotations,
			       opened->state.n_annotations, dest, &kept, err) < 0)
		return hr_err_prefix(err,
				     "delete container %s: its logs could not be kept, so it "
				     "stays",
				     opened->state.id);
	if (kept == 0)
		hr_warning("container %s: no output log nor health results to keep in %s",
			   opened->state.id, dest);
	return 0;
}

int hr_container_delete_opened(struct hr_opened *opened, bool force, const char *keep_logs,
			       struct hr_err *err)
{
	const char *id = opened->state.id;
	struct hr_cgroup_handle cg;
	struct hr_err hook_err = {0};

	if ((opened->status == HR_STATUS_RUNNING || opened->status == HR_STATUS_PAUSED) && !force)
		return hr_err_set(err, EBUSY,
				  "cannot delete container %s: it is %s (stop it first, or use "
				  "--force)",
				  id, hr_status_name(opened->status));
	if (opened->status != HR_STATUS_STOPPED && kill_and_wait(&opened->state, err) < 0)
		return -1;
	/* also what a failed or stopped container left in its cgroup, and the parents it made */
	cg = hr_state_cgroup(&opened->state);
	if (hr_cgroup_destroy(&cg, err) < 0)
		return hr_err_prefix(err, "delete container %s", id);
	/* a failing poststop hook is a warning, and the later ones still run (as runc) */
	if (hr_container_run_hooks(opened, HR_HOOK_POSTSTOP, HR_STATUS_STOPPED, true, &hook_err) <
	    0)
		hr_warning("%s", hook_err.msg);
	/* a pump writing the last lines would write into a removed directory */
	hr_output_log_wait_pump(opened->dir.fd);
	if (keep_logs != NULL && keep_logs_of(opened, keep_logs, err) < 0)
		return -1;
	return hr_container_dir_remove(&opened->dir, err);
}

int hr_container_delete(const struct hr_context *ctx, const char *id, bool force,
			const char *keep_logs, struct hr_err *err)
{
	struct hr_opened opened;
	int r;

	if (hr_container_open(ctx, id, &opened, err) < 0) {
		if (err->errnum == ENODATA)
			return remove_without_state(ctx, id, NULL, err);
		/* runc's --force: already gone is done (containerd's shim cleanup relies on it) */
		if (force && err->errnum == ENOENT)
			return 0;
		/* the directory is there and locked by us, but the state in it cannot be read */
		if (force && err->errnum != EWOULDBLOCK && err->errnum != EBUSY &&
		    err->errnum != EACCES && err->errnum != EPERM) {
			char why[256];

			snprintf(why, sizeof(why), "%s", err->msg);
			return remove_without_state(ctx, id, why, err);
		}
		return -1;
	}
	r = hr_container_delete_opened(&opened, force, keep_logs, err);
	hr_container_close(&opened);
	return r;
}

int hr_container_delete_each(const struct hr_context *ctx, char *const *ids, size_t n, bool force,
			     const char *keep_logs, struct hr_err *err)
{
	size_t failed = 0;

	if (n == 1)
		return hr_container_delete(ctx, ids[0], force, keep_logs, err);
	for (size_t i = 0; i < n; i++) {
		struct hr_err one = {0};

		if (hr_container_delete(ctx, ids[i], force, keep_logs, &one) < 0) {
			hr_log_error_report(&one);
			failed++;
		}
	}
	if (failed > 0)
		return hr_err_set(err, 0, "%zu of %zu containers not deleted", failed, n);
	return 0;
}
