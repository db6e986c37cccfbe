/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "libcontainer/json.h"

const char hrt_base_config[] = "{"
			       "\"ociVersion\": \"1.2.0\","
			       "\"root\": {\"path\": \"rootfs\"},"
			       "\"process\": {"
			       "  \"args\": [\"sh\"],"
			       "  \"cwd\": \"/\","
			       "  \"env\": [\"PATH=/usr/bin:/bin\", \"TERM=xterm\"],"
			       "  \"user\": {\"uid\": 0, \"gid\": 0}"
			       "},"
			       "\"hostname\": \"box\","
			       "\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", "
			       "\"source\": \"proc\"}],"
			       "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": "
			       "\"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": "
			       "\"mount\"}]}"
			       "}";

char *hrt_json(const char *sq)
{
	char *s = strdup(sq);

	cr_assert_not_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static yajl_val parse_or_fail(const char *json)
{
	char errbuf[256] = "";
	yajl_val v = yajl_tree_parse(json, errbuf, sizeof(errbuf));

	cr_assert_not_null(v, "test JSON does not parse: %s\n%s", errbuf, json);
	return v;
}

static void gen_value(yajl_gen g, yajl_val v);

/* base may be NULL (a member only in the patch): nulls in the patch are dropped there too. */
static void gen_merged(yajl_gen g, yajl_val base, yajl_val patch)
{
	if (!YAJL_IS_OBJECT(patch)) {
		gen_value(g, patch);
		return;
	}
	if (!YAJL_IS_OBJECT(base))
		base = NULL;
	yajl_gen_map_open(g);
	for (size_t i = 0; base != NULL && i < base->u.object.len; i++) {
		const char *key = base->u.object.keys[i];
		yajl_val p = hr_json_member(patch, key);

		if (p != NULL && YAJL_IS_NULL(p))
			continue;
		hr_jgen_key(g, key);
		if (p != NULL)
			gen_merged(g, base->u.object.values[i], p);
		else
			gen_value(g, base->u.object.values[i]);
	}
	for (size_t i = 0; i < patch->u.object.len; i++) {
		const char *key = patch->u.object.keys[i];
		yajl_val p = patch->u.object.values[i];

		if (YAJL_IS_NULL(p) || (base != NULL && hr_json_member(base, key) != NULL))
			continue;
		hr_jgen_key(g, key);
		gen_merged(g, NULL, p);
	}
	yajl_gen_map_close(g);
}

static void gen_value(yajl_gen g, yajl_val v)
{
	if (YAJL_IS_STRING(v)) {
		hr_jgen_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			hr_jgen_key(g, v->u.object.keys[i]);
			gen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_value(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

char *hrt_merge(const char *base, const char *patch)
{
	yajl_val b = parse_or_fail(base), p = parse_or_fail(patch);
	yajl_gen g = hr_jgen_new(false);
	char *out;

	gen_merged(g, b, p);
	out = strdup(hr_jgen_buf(g, NULL));
	cr_assert_not_null(out);
	yajl_gen_free(g);
	yajl_tree_free(b);
	yajl_tree_free(p);
	return out;
}

char *hrt_base_with(const char *sq)
{
	char *patch = hrt_json(sq);
	char *out = hrt_merge(hrt_base_config, patch);

	free(patch);
	return out;
}

char *hrt_read_file(const char *path, size_t *len)
{
	struct hr_err err = {0};
	char *data = NULL;
	size_t n = 0;

	cr_assert_eq(hr_read_file(path, 64 * 1024 * 1024, &data, &n, &err), 0, "%s", err.msg);
	if (len != NULL)
		*len = n;
	return data;
}

char *hrt_write_temp(const void *data, size_t len)
{
	char *path = strdup("/tmp/hardrun-test-XXXXXX");
	const char *p = data;
	int fd;

	cr_assert_not_null(path);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp failed");
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		cr_assert_gt(n, 0, "write to %s failed", path);
		p += n;
		len -= (size_t)n;
	}
	close(fd);
	return path;
}

char *hrt_diags_text(const struct hr_diags *d)
{
	size_t size = 1;
	char *s;

	for (size_t i = 0; i < d->len; i++)
		size += strlen(d->msgs[i]) + 3;
	s = calloc(1, size);
	cr_assert_not_null(s);
	for (size_t i = 0; i < d->len; i++) {
		strcat(s, "  ");
		strcat(s, d->msgs[i]);
		strcat(s, "\n");
	}
	return s;
}

size_t hrt_diags_count_matching(const struct hr_diags *d, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < d->len; i++)
		if (strstr(d->msgs[i], needle) != NULL)
			n++;
	return n;
}

bool hrt_diags_contain(const struct hr_diags *d, const char *needle)
{
	return hrt_diags_count_matching(d, needle) > 0;
}

struct hr_config *hrt_parse(const char *json, struct hr_diags *d)
{
	return hr_config_parse(json, strlen(json), HRT_NAME, d);
}

void hrt_assert_rejects_at(const char *file, int line, const char *json, const char *needle)
{
	struct hr_diags d = {0};
	struct hr_config *c = hrt_parse(json, &d);
	bool found = hrt_diags_contain(&d, needle);
	char *text = hrt_diags_text(&d);

	if (c != NULL)
		hr_config_free(c);
	if (c != NULL || !found) {
		char msg[8192];

		snprintf(msg, sizeof(msg),
			 "%s:%d: expected a message containing\n  %s\n%s%s\ndocument: %s", file,
			 line, needle, c ? "but the document was accepted\n" : "got:\n", text,
			 json);
		free(text);
		hr_diags_free(&d);
		cr_assert_fail("%s", msg);
	}
	free(text);
	hr_diags_free(&d);
}

struct hr_config *hrt_assert_parses_at(const char *file, int line, const char *json)
{
	struct hr_diags d = {0};
	struct hr_config *c = hrt_parse(json, &d);

	if (c == NULL || d.len != 0) {
		char *text = hrt_diags_text(&d);
		char msg[8192];

		snprintf(msg, sizeof(msg), "%s:%d: expected the document to parse, got:\n%s\n%s",
			 file, line, text, json);
		free(text);
		hr_diags_free(&d);
		if (c != NULL)
			hr_config_free(c);
		cr_assert_fail("%s", msg);
	}
	hr_diags_free(&d);
	return c;
}

void hrt_assert_sq_rejects_at(const char *file, int line, const char *sq, const char *needle)
{
	char *json = hrt_json(sq);

	hrt_assert_rejects_at(file, line, json, needle);
	free(json);
}

void hrt_assert_patch_rejects_at(const char *file, int line, const char *sq, const char *needle)
{
	char *json = hrt_base_with(sq);

	hrt_assert_rejects_at(file, line, json, needle);
	free(json);
}

struct hr_config *hrt_assert_sq_parses_at(const char *file, int line, const char *sq)
{
	char *json = hrt_json(sq);
	struct hr_config *c = hrt_assert_parses_at(file, line, json);

	free(json);
	return c;
}

struct hr_config *hrt_assert_patch_parses_at(const char *file, int line, const char *sq)
{
	char *json = hrt_base_with(sq);
	struct hr_config *c = hrt_assert_parses_at(file, line, json);

	free(json);
	return c;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void hrt_rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
