/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_H
#define HR_CONFIG_H

/*
 * Parsing and validating config.json (and exec's process.json, update's resources.json) into
 * the structures of config_model.h, once, in the parent. hr_config_free releases a config's
 * arena at once.
 */
#include <stddef.h>

#include "config_model.h"
#include "error.h"

/* Config files larger than this are refused before they are read (engines put megabytes of
 * annotations in configs: 8 MiB of them and 1,000 mounts are tested). */
#define HR_CONFIG_MAX_SIZE (16 * 1024 * 1024)

/*
 * Parse and validate. Every problem found is added to diags as "name: json.path: problem";
 * the return value is the config when there was none, NULL otherwise. name is what messages
 * call the document (usually the file name, e.g. "config.json"). data need not be
 * NUL-terminated; a JSON null member counts as absent (as in Go, hence runc); unknown members
 * and the sections of other platforms are ignored. Checks that tie sections together
 * (hostname and the UTS namespace, mappings and the user namespace, ...) apply when there is
 * a linux section. No message ever quotes an env entry or an annotation value.
 */
struct hr_config *hr_config_parse(const char *data, size_t len, const char *name,
				  struct hr_diags *diags);
struct hr_config *hr_config_load_file(const char *path, struct hr_diags *diags);
void hr_config_free(struct hr_config *config);

/*
 * The standalone documents are validated as their config.json counterparts, and their JSON
 * paths start at their own root: "process.json: args: must have at least one element",
 * "resources.json: memory.limit: ...".
 */
struct hr_process_doc *hr_process_parse(const char *data, size_t len, const char *name,
					struct hr_diags *diags);
void hr_process_doc_free(struct hr_process_doc *doc);

struct hr_resources_doc *hr_resources_parse(const char *data, size_t len, const char *name,
					    struct hr_diags *diags);
void hr_resources_doc_free(struct hr_resources_doc *doc);

/* Single-error convenience for the runtime commands: the first problem goes into err. */
struct hr_config *hr_config_load(const char *path, struct hr_err *err);

static inline void hr_config_freep(struct hr_config **c)
{
	if (*c != NULL)
		hr_config_free(*c);
}
#define _cleanup_config_ __attribute__((cleanup(hr_config_freep)))

#endif
