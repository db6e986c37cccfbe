/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_LINUX_H
#define HR_CONFIG_LINUX_H

/*
 * config.json's "linux" section (config_linux.c), read with config_reader.h; called by
 * config.c with "linux" already on the path.
 */
#include "config_model.h"
#include "config_reader.h"

/* The personality(2) value for a domain ("LINUX", "LINUX32") and flag names; -1 if unknown. */
int hr_personality_domain(const char *name, unsigned long *value);
int hr_personality_flag(const char *name, unsigned long *value);

void hr_cfg_read_linux(struct hr_jctx *ctx, yajl_val v, struct hr_linux *l);
/* Checks across sections, once everything is read (needs the linux section). */
void hr_cfg_check_linux(struct hr_jctx *ctx, const struct hr_config *c);

#endif
