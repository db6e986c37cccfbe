/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container opened for an operation: its state directory locked, its state read, its
 * status decided; and the files an operation writes beside it.
 */
#include "container_open.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"

int hr_container_open(const struct hr_context *ctx, const char *id, struct hr_opened *opened,
		      struct hr_err *err)
{
	memset(opened, 0, sizeof(*opened));
	opened->dir.fd = -1;
	if (hr_container_dir_open(ctx->root, id, &opened->dir, err) < 0)
		return -1;
	if (hr_state_read(&opened->dir, &opened->arena, &opened->state, err) < 0) {
		hr_container_close(opened);
		return -1;
	}
	opened->status = hr_state_status(&opened->dir, &opened->state);
	return 0;
}

void hr_container_close(struct hr_opened *opened)
{
	hr_container_dir_close(&opened->dir);
	hr_arena_free(&opened->arena);
}

struct hr_config *hr_container_load_config(struct hr_opened *opened, struct hr_err *err)
{
	_cleanup_close_ int fd =
	    openat(opened->dir.fd, HR_CONFIG_COPY, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *data = NULL;
	struct hr_diags diags = {0};
	struct hr_config *config;
	char name[PATH_MAX];
	size_t len;

	snprintf(name, sizeof(name), "%s/%s", opened->dir.path, HR_CONFIG_COPY);
	if (fd < 0)
		return hr_err_sys(err, "open %s", name), NULL;
	if (hr_read_fd(fd, name, HR_CONFIG_MAX_SIZE, &data, &len, err) < 0)
		return NULL;
	config = hr_config_parse(data, len, name, &diags);
	if (config == NULL)
		hr_diags_to_err(&diags, err);
	hr_diags_free(&diags);
	return config;
}

int hr_container_run_hooks(struct hr_opened *opened, enum hr_hook_kind kind, enum hr_status status,
			   bool keep_going, struct hr_err *err)
{
	_cleanup_config_ struct hr_config *config = NULL;
	_cleanup_free_ char *json = NULL;
	_cleanup_close_ int fd = -1;
	const char *id = opened->state.id;
	struct hr_state state;

	/* the state knows whether the config has any: then a large config is not read for none */
	if (opened->state.hook_kinds_known && !(opened->state.hook_kinds & (1u << kind)))
		return 0;
	config = hr_container_load_config(opened, err);
	if (config == NULL)
		return hr_err_prefix(err, "%s hooks of container %s", hr_hook_kind_name(kind), id);
	if (config->hooks[kind].len == 0)
		return 0;
	/* a copy: the annotations may be the config's, released when this returns */
	state = opened->state;
	hr_state_annotations_from(&state, config);
	json = hr_state_oci_json(&state, status, false);
	fd = hr_memfd_with("hardrun-state", json, err);
	if (fd < 0)
		return hr_err_prefix(err, "%s hooks of container %s", hr_hook_kind_name(kind), id);
	if (!keep_going) {
		if (hr_hooks_run(config->hooks, kind, fd, err) < 0)
			return hr_err_prefix(err, "container %s", id);
		return 0;
	}
	for (size_t i = 0; i < config->hooks[kind].len; i++) {
		struct hr_err hook_err = {0};

		if (hr_hook_run(config->hooks, kind, i, fd, &hook_err) < 0)
			hr_warning("container %s: %s", id, hook_err.msg);
	}
	return 0;
}

int hr_write_file_at(int dirfd, const char *name, const char *data, size_t len, struct hr_err *err)
{
	_cleanup_close_ int fd =
	    openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return hr_err_sys(err, "create %s", name);
	if (write(fd, data, len) != (ssize_t)len)
		return hr_err_sys(err, "write %s", name);
	return 0;
}

int hr_write_pid_file(const char *path, pid_t pid, struct hr_err *err)
{
	char tmp[PATH_MAX], digits[16];
	int n = snprintf(digits, sizeof(digits), "%d", (int)pid);
	_cleanup_close_ int fd = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.hardrun-tmp", path) >= sizeof(tmp))
		return hr_err_set(err, ENAMETOOLONG, "pid file %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return hr_err_sys(err, "create pid file %s", tmp);
	if (write(fd, digits, (size_t)n) != n)
		return hr_err_sys(err, "write pid file %s", tmp);
	if (rename(tmp, path) < 0) {
		hr_err_sys(err, "rename %s to %s", tmp, path);
		unlink(tmp);
		return -1;
	}
	return 0;
}
