/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "cleanup.h"

static const char *hr_json_describe_raw(yajl_val v, char *buf, size_t size);

/* Control characters in a value would forge lines in logs and terminals: show them as '?'. */
static void neutralize_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int hr_read_fd(int fd, const char *name, size_t max_size, char **data, size_t *len,
	       struct hr_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0, used = 0;
	struct stat st;

	/* a regular file's size is known: one allocation, not a doubling series of copies */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		cap = (uint64_t)st.st_size < max_size ? (size_t)st.st_size + 4096 : max_size + 2;
		buf = hr_xmalloc(cap);
	}
	for (;;) {
		ssize_t n;

		if (cap - used < 4096) {
			cap = cap ? cap * 2 : 16384;
			if (cap > max_size + 2)
				cap = max_size + 2;
			buf = hr_xrealloc(buf, cap, 1);
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return hr_err_sys(err, "read %s", name);
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max_size)
			return hr_err_set(err, EFBIG, "read %s: larger than the limit of %zu bytes",
					  name, max_size);
	}
	if (buf == NULL)
		buf = hr_xmalloc(1);
	buf[used] = '\0';
	*data = steal_pointer(&buf);
	*len = used;
	return 0;
}

int hr_read_path_or_stdin(const char *path, size_t max_size, char **data, size_t *len,
			  struct hr_err *err)
{
	if (strcmp(path, "-") == 0)
		return hr_read_fd(STDIN_FILENO, "stdin", max_size, data, len, err);
	return hr_read_file(path, max_size, data, len, err);
}

int hr_read_file(const char *path, size_t max_size, char **data, size_t *len, struct hr_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return hr_err_sys(err, "open %s", path);
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat %s", path);
	if (S_ISDIR(st.st_mode))
		return hr_err_set(err, EISDIR, "read %s", path);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size)
		return hr_err_set(err, EFBIG,
				  "read %s: %jd bytes is larger than the limit of %zu bytes", path,
				  (intmax_t)st.st_size, max_size);
	return hr_read_fd(fd, path, max_size, data, len, err);
}

static void offset_to_line_column(const char *data, size_t offset, size_t *line, size_t *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

/* Finds the first place where nesting exceeds HR_JSON_MAX_DEPTH; returns its offset or -1. */
static ssize_t find_excess_depth(const char *data, size_t len)
{
	bool in_string = false, escaped = false;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > HR_JSON_MAX_DEPTH)
				return (ssize_t)i;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return -1;
}

/* Re-runs the parse with yajl's event parser, which can tell where it stopped. */
static void report_syntax_error(const char *data, size_t len, const char *name,
				struct hr_diags *diags)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	yajl_status st;
	size_t offset = len, line, column;
	char problem[256] = "invalid JSON";

	if (h == NULL)
		hr_oom();
	st = yajl_parse(h, (const unsigned char *)data, len);
	/* after the whole text was taken, a failure is at its end (premature EOF) */
	bool at_end = st == yajl_status_ok;

	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok) {
		unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)data, len);

		offset = at_end ? len : yajl_get_bytes_consumed(h);
		if (offset > len)
			offset = len;
		if (msg != NULL) {
			snprintf(problem, sizeof(problem), "%s", (const char *)msg);
			/* yajl ends its messages with a newline */
			problem[strcspn(problem, "\n")] = '\0';
			yajl_free_error(h, msg);
		}
	}
	yajl_free(h);
	offset_to_line_column(data, offset, &line, &column);
	hr_diags_add(diags, "%s: line %zu, column %zu: %s", name, line, column, problem);
}

yajl_val hr_json_parse_terminated(const char *text, size_t len, const char *name,
				  struct hr_diags *diags)
{
	char errbuf[256] = "";
	const char *nul = memchr(text, '\0', len);
	yajl_val tree;
	ssize_t deep;
	size_t line, column;

	if (nul != NULL) {
		offset_to_line_column(text, (size_t)(nul - text), &line, &column);
		hr_diags_add(diags, "%s: line %zu, column %zu: NUL byte in JSON text", name, line,
			     column);
		return NULL;
	}
	deep = find_excess_depth(text, len);
	if (deep >= 0) {
		offset_to_line_column(text, (size_t)deep, &line, &column);
		hr_diags_add(diags, "%s: line %zu, column %zu: nesting deeper than %d levels", name,
			     line, column, HR_JSON_MAX_DEPTH);
		return NULL;
	}
	tree = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	if (tree == NULL)
		report_syntax_error(text, len, name, diags);
	return tree;
}

yajl_val hr_json_parse(const char *data, size_t len, const char *name, struct hr_diags *diags)
{
	/* yajl's tree parser reads up to a NUL: a terminated copy, since data need not be one */
	_cleanup_free_ char *text = hr_xmalloc(len + 1);

	if (len > 0)
		memcpy(text, data, len);
	text[len] = '\0';
	return hr_json_parse_terminated(text, len, name, diags);
}

void hr_jctx_init(struct hr_jctx *ctx, const char *name, struct hr_arena *arena,
		  struct hr_diags *diags)
{
	ctx->name = name;
	ctx->arena = arena;
	ctx->diags = diags;
	ctx->warnings = NULL;
	ctx->path_len = 0;
	ctx->path[0] = '\0';
}

static bool is_plain_key(const char *key)
{
	if (*key == '\0')
		return false;
	for (const char *p = key; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	}
	return true;
}

static void path_append(struct hr_jctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void path_append(struct hr_jctx *ctx, const char *fmt, ...)
{
	size_t room = sizeof(ctx->path) - ctx->path_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ctx->path + ctx->path_len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ctx->path_len = (size_t)n >= room ? sizeof(ctx->path) - 1 : ctx->path_len + (size_t)n;
}

size_t hr_jpath_key(struct hr_jctx *ctx, const char *key)
{
	size_t saved = ctx->path_len;

	if (is_plain_key(key))
		path_append(ctx, "%s%s", ctx->path_len ? "." : "", key);
	else
		path_append(ctx, "[\"%.64s\"]", key);
	return saved;
}

char *hr_jpath_member(struct hr_arena *arena, const char *parent, const char *key)
{
	if (is_plain_key(key))
		return hr_arena_printf(arena, "%s.%s", parent, key);
	return hr_arena_printf(arena, "%s[\"%.64s\"]", parent, key);
}

size_t hr_jpath_index(struct hr_jctx *ctx, size_t index)
{
	size_t saved = ctx->path_len;

	path_append(ctx, "[%zu]", index);
	return saved;
}

void hr_jpath_pop(struct hr_jctx *ctx, size_t saved)
{
	ctx->path_len = saved;
	ctx->path[saved] = '\0';
}

const char *hr_jpath(const struct hr_jctx *ctx)
{
	return ctx->path;
}

/* The path for a message: keys are the document's, and may hold control characters. */
static const char *shown_path(const struct hr_jctx *ctx, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ctx->path_len ? ctx->path : ".");
	neutralize_controls(buf);
	return buf;
}

bool hr_jerror(struct hr_jctx *ctx, const char *fmt, ...)
{
	char msg[512], path[sizeof(ctx->path)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	neutralize_controls(msg);
	if (ctx->path_len)
		hr_diags_add(ctx->diags, "%s: %s: %s", ctx->name,
			     shown_path(ctx, path, sizeof(path)), msg);
	else
		hr_diags_add(ctx->diags, "%s: %s", ctx->name, msg);
	return false;
}

void hr_jwarn(struct hr_jctx *ctx, const char *fmt, ...)
{
	char msg[512], path[sizeof(ctx->path)];
	va_list ap;

	if (ctx->warnings == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	neutralize_controls(msg);
	hr_diags_add(ctx->warnings, "%s: %s: %s", ctx->name, shown_path(ctx, path, sizeof(path)),
		     msg);
}

const char *hr_json_describe(yajl_val v, char *buf, size_t size)
{
	hr_json_describe_raw(v, buf, size);
	neutralize_controls(buf);
	return buf;
}

static const char *hr_json_describe_raw(yajl_val v, char *buf, size_t size)
{
	if (v == NULL)
		snprintf(buf, size, "nothing");
	else if (YAJL_IS_STRING(v))
		snprintf(buf, size, "\"%.40s%s\"", v->u.string,
			 strlen(v->u.string) > 40 ? "..." : "");
	else if (YAJL_IS_NUMBER(v))
		snprintf(buf, size, "%.40s", v->u.number.r);
	else if (YAJL_IS_OBJECT(v))
		snprintf(buf, size, "an object");
	else if (YAJL_IS_ARRAY(v))
		snprintf(buf, size, "an array");
	else if (YAJL_IS_TRUE(v))
		snprintf(buf, size, "true");
	else if (YAJL_IS_FALSE(v))
		snprintf(buf, size, "false");
	else
		snprintf(buf, size, "null");
	return buf;
}

static bool type_error(struct hr_jctx *ctx, yajl_val v, const char *expected)
{
	char desc[64];

	return hr_jerror(ctx, "expected %s, got %s", expected,
			 hr_json_describe(v, desc, sizeof(desc)));
}

yajl_val hr_json_member(yajl_val obj, const char *key)
{
	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return NULL;
	/* the last occurrence wins for duplicate keys, as in Go's encoding/json */
	for (size_t i = obj->u.object.len; i-- > 0;)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

bool hr_jread_string(struct hr_jctx *ctx, yajl_val v, char **out)
{
	if (!YAJL_IS_STRING(v))
		return type_error(ctx, v, "a string");
	*out = hr_arena_strdup(ctx->arena, v->u.string);
	return true;
}

bool hr_jread_bool(struct hr_jctx *ctx, yajl_val v, bool *out)
{
	if (YAJL_IS_TRUE(v))
		*out = true;
	else if (YAJL_IS_FALSE(v))
		*out = false;
	else
		return type_error(ctx, v, "true or false");
	return true;
}

/* A JSON number that is an integer in its text form (no fraction, no exponent). */
static bool is_integer_text(const char *r)
{
	if (*r == '-')
		r++;
	if (*r == '\0')
		return false;
	for (; *r; r++)
		if (*r < '0' || *r > '9')
			return false;
	return true;
}

bool hr_jread_i64(struct hr_jctx *ctx, yajl_val v, int64_t *out)
{
	if (!YAJL_IS_NUMBER(v) || !is_integer_text(v->u.number.r))
		return type_error(ctx, v, "an integer");
	if (!(v->u.number.flags & YAJL_NUMBER_INT_VALID)) {
		/* yajl refuses INT64_MIN itself: decide with strtoll */
		char *end;
		long long value;

		errno = 0;
		value = strtoll(v->u.number.r, &end, 10);
		if (errno == ERANGE || *end != '\0')
			return hr_jerror(ctx, "%.40s is out of range for a 64-bit integer",
					 v->u.number.r);
		*out = value;
		return true;
	}
	*out = v->u.number.i;
	return true;
}

bool hr_jread_u64(struct hr_jctx *ctx, yajl_val v, uint64_t *out)
{
	char *end;
	unsigned long long value;

	if (!YAJL_IS_NUMBER(v) || !is_integer_text(v->u.number.r) || v->u.number.r[0] == '-')
		return type_error(ctx, v, "a non-negative integer");
	errno = 0;
	value = strtoull(v->u.number.r, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return hr_jerror(ctx, "%.40s is out of range for an unsigned 64-bit integer",
				 v->u.number.r);
	*out = value;
	return true;
}

bool hr_jread_int_range(struct hr_jctx *ctx, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
	int64_t value;

	if (!hr_jread_i64(ctx, v, &value))
		return false;
	if (value < min || value > max)
		return hr_jerror(ctx, "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")",
				 value, min, max);
	*out = value;
	return true;
}

bool hr_jread_u32(struct hr_jctx *ctx, yajl_val v, uint32_t *out)
{
	uint64_t value;

	if (!hr_jread_u64(ctx, v, &value))
		return false;
	if (value > UINT32_MAX)
		return hr_jerror(ctx, "%" PRIu64 " is out of range (0..%" PRIu32 ")", value,
				 UINT32_MAX);
	*out = (uint32_t)value;
	return true;
}

bool hr_jexpect_object(struct hr_jctx *ctx, yajl_val v)
{
	return YAJL_IS_OBJECT(v) ? true : type_error(ctx, v, "an object");
}

bool hr_jexpect_array(struct hr_jctx *ctx, yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? true : type_error(ctx, v, "an array");
}

bool hr_jread_strv(struct hr_jctx *ctx, yajl_val v, char ***out, size_t *n)
{
	char **strv;
	bool ok = true;
	size_t len;

	if (!hr_jexpect_array(ctx, v))
		return false;
	len = v->u.array.len;
	strv = hr_arena_array(ctx->arena, len + 1, sizeof(*strv));
	for (size_t i = 0; i < len; i++) {
		size_t saved = hr_jpath_index(ctx, i);

		ok = hr_jread_string(ctx, v->u.array.values[i], &strv[i]) && ok;
		hr_jpath_pop(ctx, saved);
	}
	*out = strv;
	*n = len;
	return ok;
}

yajl_gen hr_jgen_new(bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		hr_oom();
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return g;
}

void hr_jgen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void hr_jgen_key(yajl_gen g, const char *key)
{
	hr_jgen_str(g, key);
}

void hr_jgen_kv_str(yajl_gen g, const char *key, const char *value)
{
	hr_jgen_key(g, key);
	hr_jgen_str(g, value);
}

void hr_jgen_kv_bool(yajl_gen g, const char *key, bool value)
{
	hr_jgen_key(g, key);
	yajl_gen_bool(g, value);
}

void hr_jgen_kv_i64(yajl_gen g, const char *key, int64_t value)
{
	hr_jgen_key(g, key);
	yajl_gen_integer(g, value);
}

void hr_jgen_u64(yajl_gen g, uint64_t value)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, value);

	yajl_gen_number(g, buf, (size_t)n);
}

void hr_jgen_kv_u64(yajl_gen g, const char *key, uint64_t value)
{
	hr_jgen_key(g, key);
	hr_jgen_u64(g, value);
}

void hr_jgen_strv(yajl_gen g, const char *key, const char *const *values, size_t n)
{
	hr_jgen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		hr_jgen_str(g, values[i]);
	yajl_gen_array_close(g);
}

void hr_jgen_value(yajl_gen g, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			hr_jgen_key(g, v->u.object.keys[i]);
			hr_jgen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			hr_jgen_value(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		hr_jgen_str(g, YAJL_GET_STRING(v));
	} else if (YAJL_IS_NUMBER(v)) {
		/* as written: no loss through a double */
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

const char *hr_jgen_buf(yajl_gen g, size_t *len)
{
	const unsigned char *buf = NULL;
	size_t n = 0;

	yajl_gen_get_buf(g, &buf, &n);
	if (len != NULL)
		*len = n;
	return (const char *)buf;
}

char *hr_jgen_dup(yajl_gen g, bool newline, size_t *len)
{
	size_t n;
	const char *text = hr_jgen_buf(g, &n);
	char *out = hr_xmalloc(n + 2);

	memcpy(out, text, n);
	if (newline && (n == 0 || out[n - 1] != '\n'))
		out[n++] = '\n';
	out[n] = '\0';
	if (len != NULL)
		*len = n;
	return out;
}

/* The length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
size_t hr_utf8_sequence(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}
