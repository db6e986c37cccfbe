/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON layer: parsing with positions, paths in messages, typed readers, files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/arena.h"
#include "libcontainer/json.h"

static struct hr_arena arena;
static struct hr_diags diags;
static struct hr_jctx ctx;

static void setup(void)
{
	hr_jctx_init(&ctx, "t.json", &arena, &diags);
}

static void teardown(void)
{
	hr_arena_free(&arena);
	hr_diags_free(&diags);
}

TestSuite(json, .init = setup, .fini = teardown);

static yajl_val parse_ok(const char *sq)
{
	char *text = hrt_json(sq);
	yajl_val v = hr_json_parse(text, strlen(text), "t.json", &diags);

	cr_assert_not_null(v, "%s does not parse: %s", text, diags.len ? diags.msgs[0] : "");
	free(text);
	return v;
}

static void expect_last(const char *expected)
{
	cr_assert_gt(diags.len, 0, "no message, expected %s", expected);
	cr_expect_str_eq(diags.msgs[diags.len - 1], expected);
}

Test(json, parse_errors_have_line_and_column)
{
	static const char text[] = "{\n  \"a\": [1, 2,\n  \"b\": 3\n}";

	cr_expect_null(hr_json_parse(text, strlen(text), "t.json", &diags));
	cr_assert_eq(diags.len, 1);
	cr_expect(strncmp(diags.msgs[0], "t.json: line 3, column ", 23) == 0, "%s", diags.msgs[0]);
	cr_expect(strstr(diags.msgs[0], "parse error") != NULL, "%s", diags.msgs[0]);
}

Test(json, truncated_document)
{
	static const char text[] = "{\"a\": {\"b\": [1, 2";

	cr_expect_null(hr_json_parse(text, strlen(text), "t.json", &diags));
	cr_assert_eq(diags.len, 1);
	cr_expect(strncmp(diags.msgs[0], "t.json: line 1, column ", 23) == 0, "%s", diags.msgs[0]);
}

Test(json, nesting_limit)
{
	char text[2 * (HR_JSON_MAX_DEPTH + 1) + 1];
	yajl_val v;

	memset(text, '[', HR_JSON_MAX_DEPTH);
	memset(text + HR_JSON_MAX_DEPTH, ']', HR_JSON_MAX_DEPTH);
	text[2 * HR_JSON_MAX_DEPTH] = '\0';
	v = hr_json_parse(text, strlen(text), "t.json", &diags);
	cr_expect_not_null(v, "%d levels are allowed", HR_JSON_MAX_DEPTH);
	if (v != NULL)
		yajl_tree_free(v);
	memset(text, '[', HR_JSON_MAX_DEPTH + 1);
	memset(text + HR_JSON_MAX_DEPTH + 1, ']', HR_JSON_MAX_DEPTH + 1);
	text[2 * (HR_JSON_MAX_DEPTH + 1)] = '\0';
	cr_expect_null(hr_json_parse(text, strlen(text), "t.json", &diags));
	expect_last("t.json: line 1, column 65: nesting deeper than 64 levels");
	/* brackets inside strings do not count */
	v = parse_ok(
	    "['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[']");
	yajl_tree_free(v);
}

Test(json, nul_byte)
{
	static const char text[] = "{\"a\":\n \"x\0y\"}";

	cr_expect_null(hr_json_parse(text, sizeof(text) - 1, "t.json", &diags));
	expect_last("t.json: line 2, column 4: NUL byte in JSON text");
}

/* (data, len) is all there is: no byte after it is read (ASan and valgrind would see one). */
Test(json, unterminated_buffer)
{
	static const char doc[] = "{\"a\": [1, 2]}";
	char *text = malloc(sizeof(doc) - 1);
	yajl_val v;

	cr_assert_not_null(text);
	memcpy(text, doc, sizeof(doc) - 1);
	v = hr_json_parse(text, sizeof(doc) - 1, "t.json", &diags);
	cr_assert_not_null(v);
	cr_expect_eq(YAJL_GET_ARRAY(v->u.object.values[0])->len, 2);
	yajl_tree_free(v);
	/* cut short: a syntax error at the end, not whatever followed in memory */
	cr_expect_null(hr_json_parse(text, 8, "t.json", &diags));
	expect_last("t.json: line 1, column 9: parse error: premature EOF");
	free(text);
}

Test(json, paths)
{
	size_t a = hr_jpath_key(&ctx, "linux");
	size_t b = hr_jpath_key(&ctx, "resources");

	cr_expect_str_eq(hr_jpath(&ctx), "linux.resources");
	hr_jpath_index(&ctx, 3);
	hr_jpath_key(&ctx, "major");
	cr_expect_str_eq(hr_jpath(&ctx), "linux.resources[3].major");
	hr_jpath_pop(&ctx, b);
	hr_jpath_key(&ctx, "sysctl");
	hr_jpath_key(&ctx, "net.ipv4.ip_forward");
	cr_expect_str_eq(hr_jpath(&ctx), "linux.sysctl[\"net.ipv4.ip_forward\"]");
	hr_jpath_pop(&ctx, a);
	cr_expect_str_eq(hr_jpath(&ctx), "");
	hr_jpath_key(&ctx, "");
	cr_expect_str_eq(hr_jpath(&ctx), "[\"\"]");
	hr_jpath_pop(&ctx, a);
	hr_jpath_index(&ctx, 0);
	cr_expect_str_eq(hr_jpath(&ctx), "[0]");
}

Test(json, long_paths_are_cut_not_overflowed)
{
	char key[100];

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	for (int i = 0; i < 50; i++) {
		hr_jpath_key(&ctx, key);
		hr_jpath_index(&ctx, SIZE_MAX);
	}
	cr_expect_lt(strlen(hr_jpath(&ctx)), sizeof(ctx.path));
	hr_jerror(&ctx, "problem");
	cr_expect(strstr(diags.msgs[0], ": problem") != NULL);
	hr_jpath_pop(&ctx, 0);
	cr_expect_str_eq(hr_jpath(&ctx), "");
}

Test(json, error_at_root_and_below)
{
	hr_jerror(&ctx, "at the root %d", 1);
	expect_last("t.json: at the root 1");
	hr_jpath_key(&ctx, "process");
	hr_jerror(&ctx, "below");
	expect_last("t.json: process: below");
}

Test(json, describe)
{
	yajl_val v = parse_ok("['short', 'a string that is longer than forty characters, by far', "
			      "12.5e3, {}, [], true, false, null]");
	char buf[64];
	static const char *const expected[] = {
	    "\"short\"", "\"a string that is longer than forty chara...\"",
	    "12.5e3",	 "an object",
	    "an array",	 "true",
	    "false",	 "null"};

	for (size_t i = 0; i < 8; i++)
		cr_expect_str_eq(hr_json_describe(v->u.array.values[i], buf, sizeof(buf)),
				 expected[i]);
	cr_expect_str_eq(hr_json_describe(NULL, buf, sizeof(buf)), "nothing");
	yajl_tree_free(v);
}

Test(json, member_last_duplicate_wins)
{
	yajl_val v = parse_ok("{'a': 1, 'b': 2, 'a': 3}");

	cr_expect_str_eq(hr_json_member(v, "a")->u.number.r, "3");
	cr_expect_null(hr_json_member(v, "c"));
	cr_expect_null(hr_json_member(v->u.object.values[0], "a"), "not an object");
	cr_expect_null(hr_json_member(NULL, "a"));
	yajl_tree_free(v);
}

Test(json, typed_readers_accept)
{
	yajl_val v = parse_ok("['s', true, -9223372036854775807, 18446744073709551615, 4294967295, "
			      "7, ['x', 'y']]");
	yajl_val *e = v->u.array.values;
	char *s = NULL, **strv = NULL;
	bool b = false;
	int64_t i = 0;
	uint64_t u = 0;
	uint32_t u32 = 0;
	size_t n = 0;

	cr_expect(hr_jread_string(&ctx, e[0], &s));
	cr_expect_str_eq(s, "s");
	cr_expect(hr_jread_bool(&ctx, e[1], &b));
	cr_expect(b);
	cr_expect(hr_jread_i64(&ctx, e[2], &i));
	cr_expect_eq(i, -INT64_MAX);
	cr_expect(hr_jread_u64(&ctx, e[3], &u));
	cr_expect_eq(u, UINT64_MAX);
	cr_expect(hr_jread_u32(&ctx, e[4], &u32));
	cr_expect_eq(u32, UINT32_MAX);
	cr_expect(hr_jread_int_range(&ctx, e[5], 7, 7, &i));
	cr_expect_eq(i, 7);
	cr_expect(hr_jread_strv(&ctx, e[6], &strv, &n));
	cr_expect_eq(n, 2);
	cr_expect_str_eq(strv[1], "y");
	cr_expect_null(strv[2]);
	cr_expect_eq(diags.len, 0);
	yajl_tree_free(v);
}

Test(json, typed_readers_refuse)
{
	yajl_val v = parse_ok("{'s': 1, 'b': 'true', 'i': 1.0, 'big': 9223372036854775808, "
			      "'u': -1, 'ubig': 18446744073709551616, 'u32': 4294967296, 'r': 11, "
			      "'sv': ['a', 2], 'o': [], 'a': {}}");
	int64_t i;
	uint64_t u;
	uint32_t u32;
	bool b;
	char *s, **strv;
	size_t n;

	hr_jpath_key(&ctx, "x");
	cr_expect(!hr_jread_string(&ctx, hr_json_member(v, "s"), &s));
	expect_last("t.json: x: expected a string, got 1");
	cr_expect(!hr_jread_bool(&ctx, hr_json_member(v, "b"), &b));
	expect_last("t.json: x: expected true or false, got \"true\"");
	cr_expect(!hr_jread_i64(&ctx, hr_json_member(v, "i"), &i));
	expect_last("t.json: x: expected an integer, got 1.0");
	cr_expect(!hr_jread_i64(&ctx, hr_json_member(v, "big"), &i));
	expect_last("t.json: x: 9223372036854775808 is out of range for a 64-bit integer");
	cr_expect(!hr_jread_u64(&ctx, hr_json_member(v, "u"), &u));
	expect_last("t.json: x: expected a non-negative integer, got -1");
	cr_expect(!hr_jread_u64(&ctx, hr_json_member(v, "ubig"), &u));
	expect_last("t.json: x: 18446744073709551616 is out of range for an unsigned 64-bit "
		    "integer");
	cr_expect(!hr_jread_u32(&ctx, hr_json_member(v, "u32"), &u32));
	expect_last("t.json: x: 4294967296 is out of range (0..4294967295)");
	cr_expect(!hr_jread_int_range(&ctx, hr_json_member(v, "r"), 1, 10, &i));
	expect_last("t.json: x: 11 is out of range (1..10)");
	cr_expect(!hr_jread_strv(&ctx, hr_json_member(v, "sv"), &strv, &n));
	expect_last("t.json: x[1]: expected a string, got 2");
	cr_expect(!hr_jexpect_object(&ctx, hr_json_member(v, "o")));
	expect_last("t.json: x: expected an object, got an array");
	cr_expect(!hr_jexpect_array(&ctx, hr_json_member(v, "a")));
	expect_last("t.json: x: expected an array, got an object");
	cr_expect_eq(diags.len, 11);
	yajl_tree_free(v);
}

Test(json, read_file_limits)
{
	static const char content[] = "{\"a\": 1}";
	char *path = hrt_write_temp(content, strlen(content));
	struct hr_err err = {0};
	char *data = NULL;
	size_t len = 0;

	cr_expect_eq(hr_read_file(path, 100, &data, &len, &err), 0);
	cr_expect_eq(len, strlen(content));
	cr_expect_str_eq(data, content);
	free(data);
	data = NULL;
	cr_expect_lt(hr_read_file(path, 4, &data, &len, &err), 0);
	cr_expect_eq(err.errnum, EFBIG);
	cr_expect(strstr(err.msg, path) != NULL && strstr(err.msg, "larger than the limit"), "%s",
		  err.msg);
	cr_expect_null(data);
	cr_expect_lt(hr_read_file("/", 100, &data, &len, &err), 0);
	cr_expect_eq(err.errnum, EISDIR);
	cr_expect_lt(hr_read_file("/nonexistent", 100, &data, &len, &err), 0);
	cr_expect_eq(err.errnum, ENOENT);
	unlink(path);
	free(path);
}

Test(json, read_fd_pipe_limit)
{
	int fds[2];
	struct hr_err err = {0};
	char *data = NULL;
	size_t len = 0;

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	cr_expect_lt(hr_read_fd(fds[0], "stdin", 5, &data, &len, &err), 0);
	cr_expect_eq(err.errnum, EFBIG);
	cr_expect(strncmp(err.msg, "read stdin: larger than the limit", 33) == 0, "%s", err.msg);
	close(fds[0]);
	cr_assert_eq(pipe(fds), 0);
	close(fds[1]);
	cr_expect_eq(hr_read_fd(fds[0], "stdin", 5, &data, &len, &err), 0);
	cr_expect_eq(len, 0);
	cr_expect_str_eq(data, "");
	free(data);
	close(fds[0]);
}

Test(json, generator_round_trip)
{
	yajl_gen g = hr_jgen_new(false);
	const char *out;
	size_t len;

	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "s", "a\"b");
	hr_jgen_kv_bool(g, "b", true);
	hr_jgen_kv_i64(g, "i", INT64_MIN);
	hr_jgen_kv_u64(g, "u", UINT64_MAX);
	const char *const v[] = {"x", "y"};
	hr_jgen_strv(g, "v", v, 2);
	yajl_gen_map_close(g);
	out = hr_jgen_buf(g, &len);
	cr_expect_str_eq(out, "{\"s\":\"a\\\"b\",\"b\":true,\"i\":-9223372036854775808,"
			      "\"u\":18446744073709551615,\"v\":[\"x\",\"y\"]}");
	cr_expect_eq(len, strlen(out));
	yajl_gen_free(g);
}

Test(json_helpers, merge_patch)
{
	char *m = hrt_merge("{\"a\": {\"b\": 1, \"c\": [1]}, \"d\": 2}",
			    "{\"a\": {\"b\": null, \"c\": [2], \"e\": {\"f\": null, \"g\": 1}}, "
			    "\"h\": 18446744073709551615}");

	cr_expect_str_eq(m,
			 "{\"a\":{\"c\":[2],\"e\":{\"g\":1}},\"d\":2,\"h\":18446744073709551615}");
	free(m);
}
