/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_VERIFY_REPORT_H
#define HR_VERIFY_REPORT_H

#include <stdio.h>
#include <yajl/yajl_gen.h>

#include "verify_job.h"

/* A header line, a line per check, the counts. */
int hr_verify_print_text(const struct hr_verify_report *report, FILE *out);
/* {"id", "baseline", "summary", "checks"}, generated into g. */
void hr_verify_gen_json(yajl_gen g, const struct hr_verify_report *report);

#endif
