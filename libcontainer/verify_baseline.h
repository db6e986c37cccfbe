/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_VERIFY_BASELINE_H
#define HR_VERIFY_BASELINE_H

#include "verify_job.h"

/* The profile or policy of opts into baseline (source NULL: none asked for). */
int hr_baseline_load(const struct hr_verify_options *opts, struct hr_baseline *baseline,
		     struct hr_err *err);
void hr_baseline_free(struct hr_baseline *baseline);
/* Every process and the container held against the baseline's rules. */
void hr_verify_baseline_checks(struct verify_job *job);

#endif
