/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CHECKPOINT_COMMON_H
#define HR_CHECKPOINT_COMMON_H

/* What checkpoint.c and restore.c share (not for other callers). */
#include <stdbool.h>

#include "config.h"
#include "error.h"

/* Refuses what criu is not given yet (a terminal, a joined or user namespace, a seccomp
 * agent), naming the field; what is "checkpoint" or "restore". */
int hr_ckpt_refuse_unsupported(const struct hr_config *config, const char *what,
			       struct hr_err *err);
/* A bind mount of the config: criu's external mounts, keyed by destination. */
bool hr_ckpt_is_bind(const struct hr_mount *m);

#endif
