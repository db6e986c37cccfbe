/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_RESOURCES_H
#define HR_CONFIG_RESOURCES_H

/*
 * linux.resources (config_resources.c): read inside the linux section, and alone as the
 * document of `hardrun update --resources`.
 */
#include "config_model.h"
#include "config_reader.h"

void hr_cfg_read_resources(struct hr_jctx *ctx, yajl_val v, struct hr_resources *r);

#endif
