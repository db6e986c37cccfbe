/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_JSON_H
#define HR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "arena.h"
#include "error.h"

/* Documents larger than this are refused before anything is allocated for them. */
#define HR_JSON_MAX_SIZE (16 * 1024 * 1024)
/* yajl frees its trees recursively: bound the nesting so that no input can exhaust the stack. */
#define HR_JSON_MAX_DEPTH 64

/* Reads a whole regular file of at most max_size bytes (NUL-terminated). */
int hr_read_file(const char *path, size_t max_size, char **data, size_t *len, struct hr_err *err);
/* Same for an open fd (a pipe or stdin included). */
int hr_read_fd(int fd, const char *name, size_t max_size, char **data, size_t *len,
	       struct hr_err *err);
/* hr_read_file, or hr_read_fd of stdin when path is "-" (--process -, --resources -). */
int hr_read_path_or_stdin(const char *path, size_t max_size, char **data, size_t *len,
			  struct hr_err *err);

/*
 * Parses a JSON document: the len bytes at data, which need not be NUL-terminated (a NUL
 * among them is an error). On error adds "name: line L, column C: <problem>" to diags and
 * returns NULL. The tree is released with yajl_tree_free.
 */
yajl_val hr_json_parse(const char *data, size_t len, const char *name, struct hr_diags *diags);
/* The same for text that is NUL-terminated at text[len]: no copy is made. */
yajl_val hr_json_parse_terminated(const char *text, size_t len, const char *name,
				  struct hr_diags *diags);

/*
 * A reading context: where the values go (arena), where problems go (diags), and the JSON path
 * of the value being read, so that every message says "file: a.b[2].c: problem".
 */
struct hr_jctx {
	const char *name;
	struct hr_arena *arena;
	struct hr_diags *diags;
	struct hr_diags *warnings; /* NULL: warnings are not kept */
	size_t path_len;
	char path[512];
};

void hr_jctx_init(struct hr_jctx *ctx, const char *name, struct hr_arena *arena,
		  struct hr_diags *diags);

/* Path handling: push returns the previous length, to be passed to pop. */
size_t hr_jpath_key(struct hr_jctx *ctx, const char *key);
size_t hr_jpath_index(struct hr_jctx *ctx, size_t index);
void hr_jpath_pop(struct hr_jctx *ctx, size_t saved);
const char *hr_jpath(const struct hr_jctx *ctx);
/* parent's member key as hr_jpath_key writes it ("a.b", "a[\"b.c\"]"), in arena. */
char *hr_jpath_member(struct hr_arena *arena, const char *parent, const char *key);

/* Adds "name: path: <message>" (path omitted when at the root). Returns false. */
bool hr_jerror(struct hr_jctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds "name: path: <message>" to ctx->warnings, when kept: what is ignored, said once. */
void hr_jwarn(struct hr_jctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Describes a value for a message: "\"abc\"", "-3", "an object", ... (strings truncated). */
const char *hr_json_describe(yajl_val v, char *buf, size_t size);

/* Object member lookup by key (NULL when absent or when obj is not an object). */
yajl_val hr_json_member(yajl_val obj, const char *key);

/*
 * Typed readers for the value at the current path. Each returns true on success and false
 * after adding a message like "expected a non-negative integer, got \"abc\"". The value must be
 * present (callers check for absence themselves).
 */
bool hr_jread_string(struct hr_jctx *ctx, yajl_val v, char **out);
bool hr_jread_bool(struct hr_jctx *ctx, yajl_val v, bool *out);
bool hr_jread_i64(struct hr_jctx *ctx, yajl_val v, int64_t *out);
bool hr_jread_u64(struct hr_jctx *ctx, yajl_val v, uint64_t *out);
bool hr_jread_int_range(struct hr_jctx *ctx, yajl_val v, int64_t min, int64_t max, int64_t *out);
bool hr_jread_u32(struct hr_jctx *ctx, yajl_val v, uint32_t *out);
bool hr_jexpect_object(struct hr_jctx *ctx, yajl_val v);
bool hr_jexpect_array(struct hr_jctx *ctx, yajl_val v);
/* An array of strings into a NULL-terminated arena array; *n gets the count. */
bool hr_jread_strv(struct hr_jctx *ctx, yajl_val v, char ***out, size_t *n);

/* Writing: thin helpers over yajl_gen that keep call sites short. */
yajl_gen hr_jgen_new(bool pretty);
void hr_jgen_str(yajl_gen g, const char *s);
void hr_jgen_key(yajl_gen g, const char *key);
void hr_jgen_kv_str(yajl_gen g, const char *key, const char *value);
void hr_jgen_kv_bool(yajl_gen g, const char *key, bool value);
void hr_jgen_kv_i64(yajl_gen g, const char *key, int64_t value);
void hr_jgen_kv_u64(yajl_gen g, const char *key, uint64_t value);
void hr_jgen_u64(yajl_gen g, uint64_t value);
void hr_jgen_strv(yajl_gen g, const char *key, const char *const *values, size_t n);
/* A parsed document (or part of one) generated again, as a value. */
void hr_jgen_value(yajl_gen g, yajl_val v);
/* The generated text (owned by g). */
const char *hr_jgen_buf(yajl_gen g, size_t *len);
/* A NUL-terminated copy of the generated text, ending with a newline if asked; its length
 * (without the NUL) in *len when len is not NULL. Free with free(). */
char *hr_jgen_dup(yajl_gen g, bool newline, size_t *len);

static inline void hr_yajl_tree_freep(yajl_val *v)
{
	if (*v != NULL)
		yajl_tree_free(*v);
}
static inline void hr_yajl_gen_freep(yajl_gen *g)
{
	if (*g != NULL)
		yajl_gen_free(*g);
}
#define _cleanup_yajl_tree_ __attribute__((cleanup(hr_yajl_tree_freep)))
#define _cleanup_yajl_gen_  __attribute__((cleanup(hr_yajl_gen_freep)))

/* The length of the UTF-8 sequence at s (at most n bytes, n > 0), or 0 when s does not start
 * one (no overlong form, no surrogate, nothing past U+10FFFF): yajl refuses such strings. */
size_t hr_utf8_sequence(const unsigned char *s, size_t n);

#endif
