/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_INTERNAL_H
#define HR_CONFIG_INTERNAL_H

/*
 * The section readers, shared by the config*.c files only; they read with config_reader.h.
 * Whether a document is valid is decided once, at the end, by whether any message was added.
 */
#include "config_model.h"
#include "config_reader.h"
#include "json.h"

/* Section readers; each is called with the section's key already on the path. */
void hr_cfg_read_process(struct hr_jctx *ctx, yajl_val v, struct hr_process *p);
void hr_cfg_read_linux(struct hr_jctx *ctx, yajl_val v, struct hr_linux *l);
void hr_cfg_read_resources(struct hr_jctx *ctx, yajl_val v, struct hr_resources *r);
void hr_cfg_read_seccomp(struct hr_jctx *ctx, yajl_val v, struct hr_seccomp *s);

/* Checks across sections, once everything is read (needs the linux section). */
void hr_cfg_check_linux(struct hr_jctx *ctx, const struct hr_config *c);

#endif
