/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The typed readers of config.json values, below every config*.c section reader: each takes
 * the value at the current JSON path of ctx and reports every problem through hr_jerror.
 */
#include "config_reader.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

size_t hr_cfg_diag_count(const struct hr_diags *diags)
{
	return diags->len + diags->dropped;
}

yajl_val hr_cfg_member(yajl_val obj, const char *key)
{
	yajl_val v = hr_json_member(obj, key);

	return YAJL_IS_NULL(v) ? NULL : v;
}

yajl_val hr_cfg_enter(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required,
		      size_t *saved)
{
	yajl_val v = hr_cfg_member(obj, key);
	size_t at = hr_jpath_key(ctx, key);

	if (v != NULL) {
		*saved = at;
		return v;
	}
	if (required)
		hr_jerror(ctx, "required property is missing");
	hr_jpath_pop(ctx, at);
	return NULL;
}

bool hr_cfg_string(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required, char **out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, required, &saved);
	bool ok;

	if (v == NULL)
		return !required;
	ok = hr_jread_string(ctx, v, out);
	hr_jpath_pop(ctx, saved);
	return ok;
}

bool hr_cfg_bool(struct hr_jctx *ctx, yajl_val obj, const char *key, bool *out, bool *has)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);
	bool ok;

	if (v == NULL)
		return true;
	ok = hr_jread_bool(ctx, v, out);
	if (ok && has != NULL)
		*has = true;
	hr_jpath_pop(ctx, saved);
	return ok;
}

bool hr_cfg_u32(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required, uint32_t *out,
		bool *has)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, required, &saved);
	bool ok;

	if (v == NULL)
		return !required;
	ok = hr_jread_u32(ctx, v, out);
	if (ok && has != NULL)
		*has = true;
	hr_jpath_pop(ctx, saved);
	return ok;
}

bool hr_cfg_i64(struct hr_jctx *ctx, yajl_val obj, const char *key, hr_opt_i64 *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);

	if (v == NULL)
		return true;
	out->set = hr_jread_i64(ctx, v, &out->value);
	hr_jpath_pop(ctx, saved);
	return out->set;
}

bool hr_cfg_u64(struct hr_jctx *ctx, yajl_val obj, const char *key, hr_opt_u64 *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);

	if (v == NULL)
		return true;
	out->set = hr_jread_u64(ctx, v, &out->value);
	hr_jpath_pop(ctx, saved);
	return out->set;
}

bool hr_cfg_strv(struct hr_jctx *ctx, yajl_val obj, const char *key, char ***out, size_t *n)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);
	bool ok;

	if (v == NULL)
		return true;
	ok = hr_jread_strv(ctx, v, out, n);
	hr_jpath_pop(ctx, saved);
	return ok;
}

bool hr_cfg_type_error(struct hr_jctx *ctx, yajl_val v, const char *expected)
{
	char desc[64];

	return hr_jerror(ctx, "expected %s, got %s", expected,
			 hr_json_describe(v, desc, sizeof(desc)));
}

/* The JSON type of v, never its value: for messages about values that may be secret. */
static const char *type_name(yajl_val v)
{
	if (YAJL_IS_STRING(v))
		return "a string";
	if (YAJL_IS_NUMBER(v))
		return "a number";
	if (YAJL_IS_OBJECT(v))
		return "an object";
	if (YAJL_IS_ARRAY(v))
		return "an array";
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return "a boolean";
	return "null";
}

bool hr_cfg_read_u64_range(struct hr_jctx *ctx, yajl_val v, uint64_t min, uint64_t max,
			   uint64_t *out)
{
	uint64_t value = 0;

	if (!hr_jread_u64(ctx, v, &value))
		return false;
	if (value < min || value > max)
		return hr_jerror(ctx, "%" PRIu64 " is out of range (%" PRIu64 "..%" PRIu64 ")",
				 value, min, max);
	*out = value;
	return true;
}

bool hr_cfg_read_nonneg_i64(struct hr_jctx *ctx, yajl_val v, int64_t *out)
{
	uint64_t value = 0;

	if (!hr_cfg_read_u64_range(ctx, v, 0, INT64_MAX, &value))
		return false;
	*out = (int64_t)value;
	return true;
}

bool hr_cfg_read_secret_string(struct hr_jctx *ctx, yajl_val v, char **out)
{
	if (!YAJL_IS_STRING(v))
		return hr_jerror(ctx, "expected a string, got %s", type_name(v));
	*out = hr_arena_strdup(ctx->arena, v->u.string);
	return true;
}

bool hr_cfg_read_env(struct hr_jctx *ctx, yajl_val v, char ***out, size_t *n)
{
	bool ok = true;
	char **env;

	if (!YAJL_IS_ARRAY(v))
		return hr_jerror(ctx, "expected an array of \"KEY=VALUE\" strings, got %s",
				 type_name(v));
	env = hr_arena_array(ctx->arena, v->u.array.len + 1, sizeof(*env));
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i];
		size_t saved = hr_jpath_index(ctx, i);

		if (!YAJL_IS_STRING(e))
			ok =
			    hr_jerror(ctx, "expected a \"KEY=VALUE\" string, got %s", type_name(e));
		else if (e->u.string[0] == '=' || strchr(e->u.string, '=') == NULL)
			ok = hr_jerror(ctx, "expected KEY=VALUE with a non-empty KEY");
		else
			env[i] = hr_arena_strdup(ctx->arena, e->u.string);
		hr_jpath_pop(ctx, saved);
	}
	*out = env;
	*n = v->u.array.len;
	return ok;
}

bool hr_cfg_read_string_map(struct hr_jctx *ctx, yajl_val v, struct hr_kv **out, size_t *n)
{
	struct hr_kv *kv;
	bool ok = true;

	if (!hr_jexpect_object(ctx, v))
		return false;
	kv = hr_arena_array(ctx->arena, v->u.object.len + 1, sizeof(*kv));
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		size_t saved = hr_jpath_key(ctx, key);

		if (*key == '\0')
			ok = hr_jerror(ctx, "empty key");
		else if (hr_cfg_read_secret_string(ctx, v->u.object.values[i], &kv[i].value))
			kv[i].key = hr_arena_strdup(ctx->arena, key);
		else
			ok = false;
		hr_jpath_pop(ctx, saved);
	}
	*out = kv;
	*n = v->u.object.len;
	return ok;
}

bool hr_cfg_check_abs(struct hr_jctx *ctx, const char *path)
{
	if (path[0] != '/')
		return hr_jerror(ctx, "must be an absolute path, got \"%.64s\"", path);
	return true;
}

bool hr_cfg_check_container_path(struct hr_jctx *ctx, const char *path)
{
	if (!hr_cfg_check_abs(ctx, path))
		return false;
	for (const char *p = path; *p != '\0';) {
		const char *end = strchrnul(p, '/');

		if (end - p == 2 && p[0] == '.' && p[1] == '.')
			return hr_jerror(ctx, "must not contain a \"..\" component, got \"%.64s\"",
					 path);
		p = *end ? end + 1 : end;
	}
	return true;
}

bool hr_cfg_path(struct hr_jctx *ctx, yajl_val obj, const char *key, bool required,
		 enum hr_cfg_path_kind kind, char **out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, required, &saved);
	bool ok;

	if (v == NULL)
		return !required;
	ok = hr_jread_string(ctx, v, out);
	if (ok && kind == HR_CFG_PATH_NONEMPTY && **out == '\0')
		ok = hr_jerror(ctx, "must not be empty");
	else if (ok && kind == HR_CFG_PATH_ABS)
		ok = hr_cfg_check_abs(ctx, *out);
	else if (ok && kind == HR_CFG_PATH_CONTAINER)
		ok = hr_cfg_check_container_path(ctx, *out);
	hr_jpath_pop(ctx, saved);
	return ok;
}

void *hr_cfg_array(struct hr_jctx *ctx, yajl_val obj, const char *key, size_t elem_size,
		   hr_cfg_item_fn fn, size_t *n)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);
	unsigned char *items = NULL;

	*n = 0;
	if (v == NULL)
		return NULL;
	if (hr_jexpect_array(ctx, v) && v->u.array.len > 0) {
		items = hr_arena_array(ctx->arena, v->u.array.len, elem_size);
		for (size_t i = 0; i < v->u.array.len; i++) {
			yajl_val item = v->u.array.values[i];
			size_t at = hr_jpath_index(ctx, i);

			if (hr_jexpect_object(ctx, item))
				fn(ctx, item, items + i * elem_size);
			hr_jpath_pop(ctx, at);
		}
		*n = v->u.array.len;
	}
	hr_jpath_pop(ctx, saved);
	return items;
}

void hr_cfg_read_id_mapping(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_id_mapping *m = elem;
	bool ok = hr_cfg_u32(ctx, item, "containerID", true, &m->container_id, NULL);

	ok = hr_cfg_u32(ctx, item, "hostID", true, &m->host_id, NULL) && ok;
	if (!hr_cfg_u32(ctx, item, "size", true, &m->size, NULL) || !ok)
		return;
	if (m->size == 0)
		hr_jerror(ctx, "size must be at least 1");
	else if ((uint64_t)m->container_id + m->size - 1 > UINT32_MAX ||
		 (uint64_t)m->host_id + m->size - 1 > UINT32_MAX)
		hr_jerror(ctx, "the range goes past ID 4294967295");
}
