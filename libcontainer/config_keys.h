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
#include <stdbool.h>

#include "json.h"

enum hr_doc_kind {
	HR_DOC_CONFIG,	  /* config.json */
	HR_DOC_PROCESS,	  /* exec --process: a process object */
	HR_DOC_RESOURCES, /* update --resources: a linux.resources object */
};

void hr_cfg_check_keys(struct hr_jctx *ctx, yajl_val doc, enum hr_doc_kind kind);

/* What hardrun does with a key of the table: hardrun-config(5) documents each one. */
enum hr_key_status {
	HR_KEY_LINUX,	       /* a Linux field hardrun reads */
	HR_KEY_REFUSED,	       /* not implemented: an error unless its value asks for nothing */
	HR_KEY_OTHER_PLATFORM, /* another platform's: a warning that it is ignored */
};

/* The name that stands for any key of a map in a path: "linux.netDevices.NAME.name". */
#define HR_KEY_MAP_NAME "NAME"

struct hr_key_info {
	/* dotted, as the man page spells it: "mounts" then its members "mounts[].destination";
	 * a map's members under HR_KEY_MAP_NAME */
	const char *path;
	enum hr_key_status status;
	const char *why;  /* HR_KEY_REFUSED: the reason; HR_KEY_OTHER_PLATFORM: the platform */
	bool has_members; /* an object, an array of objects or a map: its members follow */
};

/* Calls fn with every key of kind's table, in table order, each before its members. */
void hr_cfg_keys_walk(enum hr_doc_kind kind, void (*fn)(const struct hr_key_info *key, void *data),
		      void *data);

#endif
