/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CHECKPOINT_H
#define HR_CHECKPOINT_H

/*
 * checkpoint and restore (checkpoint.c): a running container's process tree saved with criu(8)
 * into an image directory, and a new container restored from one. Beside criu's images the
 * directory holds hardrun's record of the container (HR_CKPT_CONFIG, HR_CKPT_STATE,
 * HR_CKPT_STDIO).
 */
#include <stdbool.h>

#include "context.h"
#include "criu.h"
#include "error.h"

#define HR_CKPT_CONFIG "hardrun-config.json" /* the config the container was created with */
#define HR_CKPT_STATE  "hardrun-state.json"  /* its OCI state at the checkpoint */
#define HR_CKPT_STDIO  "hardrun-stdio"	     /* what its init's fds 0, 1, 2 were, one a line */

struct hr_checkpoint_opts {
	struct hr_criu_opts criu;
	bool leave_running;
	/* criu pre-dump: the memory only, with its tracking on; the container goes on running */
	bool pre_dump;
	/* an earlier pre-dump's image directory, relative to the image path (criu's rule) or
	 * absolute: only the pages changed since it are saved (criu --prev-images-dir) */
	const char *parent_path;
};

/*
 * Dumps the running container's init and its descendants into the image directory
 * (criu dump, log dump.log in the work directory). Then, unless leave_running, the processes
 * are gone (criu kills them) and the container is deleted, as runc does. With pre_dump, only
 * the memory is saved (criu pre-dump, log pre-dump.log) and the container runs on; a later
 * checkpoint with parent_path naming that directory saves only what changed since.
 */
int hr_container_checkpoint(const struct hr_context *ctx, const char *id,
			    const struct hr_checkpoint_opts *opts, struct hr_err *err);

struct hr_restore_opts {
	struct hr_criu_opts criu;
	const char *id;
	const char *bundle; /* default: the current directory */
	const char *pid_file;
	const char *console_socket;
	bool detach;
};

/*
 * Creates container id from the bundle's config and restores the checkpointed processes into
 * it (criu restore, log restore.log): its cgroup as create makes it, the rootfs and the bind
 * mounts of the config given to criu. With detach returns once it runs; otherwise supervises
 * it as run does, returns its exit status in *status and deletes it.
 */
int hr_container_restore(const struct hr_context *ctx, const struct hr_restore_opts *opts,
			 int *status, struct hr_err *err);

#endif
