/* SPDX-License-Identifier: GPL-2.0-or-later */
/* checkpoint: a running container's processes saved by criu, hardrun's record beside them. */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checkpoint_common.h"
#include "cleanup.h"
#include "config.h"
#include "container_ops.h"
#include "container_open.h"
#include "json.h"
#include "log.h"

/* What criu cannot be given yet: refused by name rather than dumped or restored wrong. */
int hr_ckpt_refuse_unsupported(const struct hr_config *config, const char *what, struct hr_err *err)
{
	const struct hr_linux *l = &config->linux_cfg;

	if (!config->has_linux)
		return 0;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		const struct hr_namespace *ns = &l->namespaces[i];

		if (ns->path != NULL && ns->type != HR_NS_NETWORK)
			return hr_err_set(
			    err, ENOTSUP,
			    "%s: linux.namespaces: the %s namespace is joined (%s): only a "
			    "joined network namespace can be checkpointed yet",
			    what, hr_ns_type_name(ns->type), ns->path);
		if (ns->type == HR_NS_USER)
			return hr_err_set(err, ENOTSUP,
					  "%s: linux.namespaces: a user namespace cannot be "
					  "checkpointed or restored yet",
					  what);
	}
	if (l->seccomp != NULL && l->seccomp->listener_path != NULL)
		return hr_err_set(err, ENOTSUP,
				  "%s: linux.seccomp.listenerPath: a seccomp agent cannot be "
				  "checkpointed or restored yet",
				  what);
	return 0;
}

const char *hr_ckpt_joined_netns(const struct hr_config *config)
{
	const struct hr_linux *l = &config->linux_cfg;

	for (size_t i = 0; config->has_linux && i < l->n_namespaces; i++) {
		if (l->namespaces[i].type == HR_NS_NETWORK)
			return l->namespaces[i].path;
	}
	return NULL;
}

bool hr_ckpt_is_bind(const struct hr_mount *m)
{
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->n_options; i++) {
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	}
	return false;
}

/*
 * Bind mounts come from outside the container: criu saves them as external, by destination.
 * So do, with a terminal, the devpts that holds it and /dev/console bound from it: restore
 * brings a new devpts whose first pty is the new terminal (hr_ckpt_* in checkpoint_common.h).
 */
static int add_external_mounts(struct hr_criu_cmd *cmd, const struct hr_config *config,
			       struct hr_err *err)
{
	if (config->process.terminal &&
	    (hr_criu_arg(cmd, err, "--ext-mount-map=%s:%s", HR_CKPT_DEVPTS, HR_CKPT_DEVPTS) < 0 ||
	     hr_criu_arg(cmd, err, "--ext-mount-map=%s:%s", HR_CKPT_CONSOLE, HR_CKPT_CONSOLE) < 0))
		return -1;
	for (size_t i = 0; i < config->n_mounts; i++) {
		const struct hr_mount *m = &config->mounts[i];

		if (hr_ckpt_is_bind(m) && hr_criu_arg(cmd, err, "--ext-mount-map=%s:%s",
						      m->destination, m->destination) < 0)
			return -1;
	}
	return 0;
}

/* A joined network namespace, the init's, is criu's external one (hr_ckpt_joined_netns). */
static int add_external_netns(struct hr_criu_cmd *cmd, const struct hr_config *config, pid_t pid,
			      struct hr_err *err)
{
	char path[64];
	struct stat st;

	if (hr_ckpt_joined_netns(config) == NULL)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return hr_err_sys(err, "stat %s, the init's network namespace", path);
	return hr_criu_arg(cmd, err, "--external=net[%llu]:%s", (unsigned long long)st.st_ino,
			   HR_CKPT_NETNS_KEY);
}

/* Whether mount mnt_id is one of the container's (its init's mountinfo). */
static int mount_is_inside(pid_t pid, int mnt_id, bool *inside, struct hr_err *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	char path[64], line[4096];
	int id;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return hr_err_sys(err, "open %s", path);
	*inside = false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%d ", &id) == 1 && id == mnt_id)
			*inside = true;
	}
	return 0;
}

/* A pty's slave end (UNIX98: majors 136 to 143). */
static bool is_pty_slave(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) >= 136 && major(st->st_rdev) <= 143;
}

/*
 * One stdio fd of the init, as its record line: a pipe or socket as /proc names it; the
 * terminal (a pty whose master is outside, with the console socket's holder) as criu's
 * external tty key "tty[RDEV:DEV]" and its path, the key given once after --external; a file
 * opened outside the container (the caller's /dev/null, a log) as criu's external file key
 * "file[MNT:INODE]" (hex) and its path, after --external KEY; else the path.
 */
static int stdio_line(struct hr_criu_cmd *cmd, pid_t pid, int fd, char *out, size_t size,
		      bool *tty_given, struct hr_err *err)
{
	_cleanup_fclose_ FILE *info = NULL;
	char link[64], target[PATH_MAX], line[256];
	struct stat st;
	int mnt_id = -1;
	bool inside = false;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? (out[0] = '\0', 0) : hr_err_sys(err, "readlink %s", link);
	target[n] = '\0';
	if (target[0] != '/') {
		snprintf(out, size, "%s", target);
		return 0;
	}
	snprintf(line, sizeof(line), "/proc/%d/fdinfo/%d", (int)pid, fd);
	info = fopen(line, "re");
	if (info == NULL || stat(link, &st) < 0)
		return hr_err_sys(err, "%s", info == NULL ? line : link);
	while (fgets(line, sizeof(line), info) != NULL)
		sscanf(line, "mnt_id: %d", &mnt_id);
	if (is_pty_slave(&st)) {
		snprintf(out, size, "tty[%llx:%llx] %s", (unsigned long long)st.st_rdev,
			 (unsigned long long)st.st_dev, target);
		if (*tty_given)
			return 0;
		*tty_given = true;
		return hr_criu_arg(cmd, err, "--external=tty[%llx:%llx]",
				   (unsigned long long)st.st_rdev, (unsigned long long)st.st_dev);
	}
	if (mount_is_inside(pid, mnt_id, &inside, err) < 0)
		return -1;
	if (inside) {
		snprintf(out, size, "%s", target);
		return 0;
	}
	snprintf(out, size, "file[%x:%llx] %s", (unsigned)mnt_id, (unsigned long long)st.st_ino,
		 target);
	return hr_criu_arg(cmd, err, "--external=file[%x:%llx]", (unsigned)mnt_id,
			   (unsigned long long)st.st_ino);
}

/* fds 0, 1 and 2 of the init (stdio_line), one a line: what restore gives back to them. */
static int write_stdio(struct hr_criu_cmd *cmd, int images, pid_t pid, struct hr_err *err)
{
	char out[3 * (PATH_MAX + 64)] = "";
	size_t len = 0;
	bool tty_given = false;

	for (int fd = 0; fd < 3; fd++) {
		char line[PATH_MAX + 64];

		if (stdio_line(cmd, pid, fd, line, sizeof(line), &tty_given, err) < 0)
			return hr_err_prefix(err, "the init's fd %d", fd);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s\n", line);
	}
	return hr_write_file_at(images, HR_CKPT_STDIO, out, len, err);
}

/* hardrun's record: the config and state of the container, and its stdio. */
static int write_record(struct hr_criu_cmd *cmd, struct hr_opened *opened, struct hr_err *err)
{
	_cleanup_close_ int images = open(cmd->images, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int cfg = -1;
	_cleanup_free_ char *config = NULL, *state = NULL;
	size_t len;

	if (images < 0)
		return hr_err_sys(err, "open %s", cmd->images);
	cfg = openat(opened->dir.fd, HR_CONFIG_COPY, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (cfg < 0)
		return hr_err_sys(err, "open %s/%s", opened->dir.path, HR_CONFIG_COPY);
	if (hr_read_fd(cfg, HR_CONFIG_COPY, HR_CONFIG_MAX_SIZE, &config, &len, err) < 0 ||
	    hr_write_file_at(images, HR_CKPT_CONFIG, config, len, err) < 0)
		return -1;
	if (hr_state_load_annotations(&opened->dir, &opened->arena, &opened->state, err) < 0)
		return -1;
	state = hr_state_oci_json(&opened->state, opened->status, true);
	if (hr_write_file_at(images, HR_CKPT_STATE, state, strlen(state), err) < 0)
		return -1;
	return write_stdio(cmd, images, opened->state.pid, err);
}

/*
 * --parent-path: criu reads it relative to the image directory; checked here, where the
 * message can name both paths, to be a directory holding a dump's pages.
 */
static int add_parent(struct hr_criu_cmd *cmd, const char *parent, struct hr_err *err)
{
	_cleanup_close_ int images = open(cmd->images, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dir = -1;
	struct stat st;

	if (parent[0] == '\0')
		return hr_err_set(err, EINVAL, "--parent-path: empty");
	if (images < 0)
		return hr_err_sys(err, "open %s", cmd->images);
	dir = openat(images, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return hr_err_sys(err,
				  "--parent-path %s (relative to --image-path %s): a directory "
				  "an earlier --pre-dump wrote",
				  parent, cmd->images);
	if (fstatat(dir, "inventory.img", &st, 0) < 0)
		return hr_err_sys(err,
				  "--parent-path %s (relative to --image-path %s): no criu "
				  "inventory.img: not the image path of an earlier --pre-dump",
				  parent, cmd->images);
	if (hr_criu_arg(cmd, err, "--prev-images-dir=%s", parent) < 0)
		return -1;
	return 0;
}

static int dump(const struct hr_context *ctx, struct hr_opened *opened,
		const struct hr_config *config, const struct hr_checkpoint_opts *opts,
		struct hr_err *err)
{
	const char *action = opts->pre_dump ? "pre-dump" : "dump";
	struct hr_criu_cmd cmd;

	if (hr_criu_cmd_init(&cmd, &opened->arena, ctx, action, &opts->criu,
			     opts->pre_dump ? "pre-dump.log" : "dump.log", err) < 0)
		return -1;
	if (hr_criu_arg(&cmd, err, "--tree=%d", (int)opened->state.pid) < 0 ||
	    hr_criu_arg(&cmd, err, "--root=%s", opened->state.rootfs) < 0 ||
	    (opts->leave_running && !opts->pre_dump &&
	     hr_criu_arg(&cmd, err, "--leave-running") < 0) ||
	    ((opts->pre_dump || opts->parent_path) && hr_criu_arg(&cmd, err, "--track-mem") < 0) ||
	    (opts->parent_path && add_parent(&cmd, opts->parent_path, err) < 0) ||
	    add_external_mounts(&cmd, config, err) < 0 ||
	    add_external_netns(&cmd, config, opened->state.pid, err) < 0)
		return -1;
	/* a pre-dump cannot be restored from: no record beside it */
	if (!opts->pre_dump && write_record(&cmd, opened, err) < 0)
		return hr_err_prefix(err, "write hardrun's record to %s", cmd.images);
	hr_log(HR_LOG_DEBUG, "container %s: criu %s into %s (log %s)", opened->state.id, action,
	       cmd.images, cmd.log);
	return hr_criu_run(&cmd, NULL, err);
}

int hr_container_checkpoint(const struct hr_context *ctx, const char *id,
			    const struct hr_checkpoint_opts *opts, struct hr_err *err)
{
	_cleanup_config_ struct hr_config *config = NULL;
	struct hr_opened opened;
	int r = -1;

	if (hr_id_validate(id, err) < 0 || hr_container_open(ctx, id, &opened, err) < 0)
		return -1;
	if (opened.status != HR_STATUS_RUNNING) {
		hr_err_set(err, EINVAL,
			   "container %s is %s, not running: only a running one can "
			   "be checkpointed",
			   id, hr_status_name(opened.status));
		goto out;
	}
	config = hr_container_load_config(&opened, err);
	if (config == NULL || hr_ckpt_refuse_unsupported(config, "checkpoint", err) < 0 ||
	    dump(ctx, &opened, config, opts, err) < 0)
		goto out;
	r = 0;
	/* criu killed the processes: the container goes, as runc destroys it */
	if (!opts->leave_running && !opts->pre_dump)
		r = hr_container_delete_opened(&opened, true, NULL, err);
out:
	if (r < 0)
		hr_err_prefix(err, "checkpoint container %s", id);
	hr_container_close(&opened);
	return r;
}
