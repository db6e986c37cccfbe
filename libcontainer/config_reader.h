/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_READER_H
#define HR_CONFIG_READER_H

/*
 * Typed readers of config.json values, used by every config*.c section reader and nothing
 * else. A reader takes the value at the current JSON path of ctx and reports every problem
 * through hr_jerror. Readers of optional members treat a JSON null as an absent member, as
 * Go's encoding/json (and so runc) does.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_model.h"
#include "json.h"

#define HR_N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* obj[key], NULL when absent, null, or when obj is not an object. */
yajl_val hr_cfg_member(yajl_val obj, const char *key);

/*
 * Looks obj[key] up. Present: pushes key onto the path (*saved gets what to pop) and returns
 * the value. Absent: returns NULL, after reporting "required property is missing" if required.
 */
yajl_val hr_cfg_enter(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required,
		      size_t *saved);

/* Typed member readers: true when the member is absent (and optional) or read correctly. */
bool hr_cfg_string(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required, char **out);
bool hr_cfg_bool(struct hr_jctx *ctx, yajl_val obj, const char *key, bool *out, bool *has);
bool hr_cfg_u32(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required, uint32_t *out,
		bool *has);
bool hr_cfg_i64(struct hr_jctx *ctx, yajl_val obj, const char *key, hr_opt_i64 *out);
bool hr_cfg_u64(struct hr_jctx *ctx, yajl_val obj, const char *key, hr_opt_u64 *out);
bool hr_cfg_strv(struct hr_jctx *ctx, yajl_val obj, const char *key, char ***out, size_t *n);

/* Value readers with the full int64 range (hr_jread_i64 does not take INT64_MIN). */
/* An int64 field that must not be negative (device numbers). */
bool hr_cfg_read_nonneg_i64(struct hr_jctx *ctx, yajl_val v, int64_t *out);
bool hr_cfg_read_u64_range(struct hr_jctx *ctx, yajl_val v, uint64_t min, uint64_t max,
			   uint64_t *out);
/* A string whose text never reaches a message (env entries, annotation values). */
bool hr_cfg_read_secret_string(struct hr_jctx *ctx, yajl_val v, char **out);
/* An env array: strings "KEY=VALUE" with a non-empty KEY; messages name indices only. */
bool hr_cfg_read_env(struct hr_jctx *ctx, yajl_val v, char ***out, size_t *n);
/*
 * An object of strings into a key/value array; keys must not be empty. A value that is not a
 * string is reported by its type only (annotation values may be secrets).
 */
bool hr_cfg_read_string_map(struct hr_jctx *ctx, yajl_val v, struct hr_kv **out, size_t *n);

/* Path checks on a value already read, reported at the current path. */
bool hr_cfg_check_abs(struct hr_jctx *ctx, const char *path);
bool hr_cfg_check_container_path(struct hr_jctx *ctx, const char *path); /* abs, no ".." */

enum hr_cfg_path_kind {
	HR_CFG_PATH_NONEMPTY,  /* any non-empty string (root.path is relative to the bundle) */
	HR_CFG_PATH_ABS,       /* absolute (host paths, process.cwd) */
	HR_CFG_PATH_CONTAINER, /* absolute without a ".." component (paths in the container) */
};
/* A string member that is a path of the given kind. */
bool hr_cfg_path(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required,
		 enum hr_cfg_path_kind kind, char **out);

/*
 * An array of objects at obj[key] read into a zeroed arena array of elem_size elements, fn
 * filling one element from one object with the path at the element. Returns the array (NULL
 * when absent or empty) and its length in *n.
 */
typedef void (*hr_cfg_item_fn)(struct hr_jctx *ctx, yajl_val item, void *elem);
void *hr_cfg_array(struct hr_jctx *ctx, yajl_val obj, const char *key, size_t elem_size,
		   hr_cfg_item_fn fn, size_t *n);

/* A linux.uidMappings / mounts[].uidMappings element (struct hr_id_mapping). */
void hr_cfg_read_id_mapping(struct hr_jctx *ctx, yajl_val item, void *elem);

/* Reports "expected EXPECTED, got <a description of v>"; false. */
bool hr_cfg_type_error(struct hr_jctx *ctx, yajl_val v, const char *expected);

/* Number of messages in diags, the dropped ones included. */
size_t hr_cfg_diag_count(const struct hr_diags *diags);

#endif
