/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_VERIFY_CONFIG_H
#define HR_VERIFY_CONFIG_H

#include "verify_job.h"

/* Every process and the container held against the container's own config. */
void hr_verify_config_checks(struct verify_job *job);

#endif
