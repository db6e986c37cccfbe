/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CHECKPOINT_COMMON_H
#define HR_CHECKPOINT_COMMON_H

/* What checkpoint.c and restore.c share (not for other callers). */
#include <stdbool.h>

#include "config.h"
#include "error.h"

/* Refuses what criu is not given yet (a joined namespace other than the network one, a user
 * namespace, a seccomp agent), naming the field; what is "checkpoint" or "restore". */
int hr_ckpt_refuse_unsupported(const struct hr_config *config, const char *what,
			       struct hr_err *err);
/*
 * The path of the network namespace the config joins, NULL when it creates its own (or has
 * none). A joined one is not the container's: checkpoint saves it as criu's external
 * namespace HR_CKPT_NETNS_KEY (runc's key), and restore hands criu the namespace at the
 * restoring config's path under that key.
 */
const char *hr_ckpt_joined_netns(const struct hr_config *config);
#define HR_CKPT_NETNS_KEY "extRootNetNS"
/*
 * A terminal: its devpts and /dev/console are criu's external mounts under these keys (their
 * destinations); restore maps them to a new devpts instance and its first pty.
 */
#define HR_CKPT_DEVPTS	"/dev/pts"
#define HR_CKPT_CONSOLE "/dev/console"
/* A bind mount of the config: criu's external mounts, keyed by destination. */
bool hr_ckpt_is_bind(const struct hr_mount *m);

#endif
