/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_KEYS_H
#define HR_CONFIG_KEYS_H

/*
 * Every key of a document checked against the runtime-spec 1.3 it claims: a key the spec does
 * not know is a warning (the spec says unknown properties must not be errors), a field of
 * another platform (windows, solaris, vm, zos, freebsd) a warning that it is ignored, and a
 * Linux field hardrun does not implement an error naming its path and the reason, so that
 * nothing a config asks for is silently dropped and `validate` and `create` agree.
 */
#include "json.h"

enum hr_doc_kind {
	HR_DOC_CONFIG,	  /* config.json */
	HR_DOC_PROCESS,	  /* exec --process: a process object */
	HR_DOC_RESOURCES, /* update --resources: a linux.resources object */
};

void hr_cfg_check_keys(struct hr_jctx *ctx, yajl_val doc, enum hr_doc_kind kind);

#endif
