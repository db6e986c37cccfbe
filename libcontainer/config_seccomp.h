/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_SECCOMP_H
#define HR_CONFIG_SECCOMP_H

/*
 * linux.seccomp (config_seccomp.c), read inside the linux section.
 */
#include "config_model.h"
#include "config_reader.h"

void hr_cfg_read_seccomp(struct hr_jctx *ctx, yajl_val v, struct hr_seccomp *s);

#endif
