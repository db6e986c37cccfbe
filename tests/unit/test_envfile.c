/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Env files and environment lists (`hardrun spec --env-file`). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcontainer/arena.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/envfile.h"

#define SECRET "s3cr3t-Value"

static int parse(const char *text, struct hr_env_list *env, struct hr_err *err)
{
	return hr_envfile_parse(text, strlen(text), "app.env", env, err);
}

static void assert_env(const struct hr_env_list *env, const char *const *expected, size_t n)
{
	cr_assert_eq(env->len, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(env->items[i], expected[i]);
	cr_assert_null(env->items[n]);
}
#define EXPECT(...)                                                                                \
	(const char *const[]){__VA_ARGS__},                                                        \
	    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

/* A message must carry the file and line, and nothing of the line itself. */
static void assert_no_leak(const struct hr_err *err, const char *expected)
{
	cr_assert_str_eq(err->msg, expected);
	cr_assert(strstr(err->msg, SECRET) == NULL);
}

Test(envfile, comments_blank_lines_and_whitespace)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_eq(parse("# a comment\n"
			   "\n"
			   "   \t\n"
			   "A=1\n"
			   "   # an indented comment\n"
			   "\tB=two words  \n"
			   "  C=\n"
			   "D=x=y#not a comment\n"
			   "E=\"quotes kept\"\n"
			   "F=last line without newline",
			   &env, &err),
		     0, "%s", err.msg);
	assert_env(&env, EXPECT("A=1", "B=two words  ", "C=", "D=x=y#not a comment",
				"E=\"quotes kept\"", "F=last line without newline"));
}

Test(envfile, crlf)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_eq(parse("A=1\r\n# c\r\n\r\nB=2\r\n", &env, &err), 0, "%s", err.msg);
	assert_env(&env, EXPECT("A=1", "B=2"));
}

Test(envfile, empty)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_eq(parse("", &env, &err), 0);
	cr_assert_eq(env.len, 0);
	cr_assert_eq(parse("\n\n# only comments\n", &env, &err), 0);
	cr_assert_eq(env.len, 0);
}

Test(envfile, line_without_equals)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_lt(parse("A=1\n# c\n" SECRET "\nB=2\n", &env, &err), 0);
	assert_no_leak(&err, "app.env:3: expected KEY=VALUE");
	cr_assert_eq(err.errnum, 0);
}

Test(envfile, invalid_keys)
{
	static const char *const lines[] = {
	    "1KEY=" SECRET, "=" SECRET,		  "MY-KEY=" SECRET, "export KEY=" SECRET,
	    "KEY =" SECRET, "K\xc3\xa9Y=" SECRET, "KEY.X=" SECRET,
	};
	struct hr_err err = {0};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		_cleanup_env_list_ struct hr_env_list env = {0};
		_cleanup_free_ char *text = hr_xmalloc(strlen(lines[i]) + 16);

		sprintf(text, "\nOK=1\n%s\n", lines[i]);
		cr_assert_lt(parse(text, &env, &err), 0, "%s accepted", lines[i]);
		assert_no_leak(&err, "app.env:3: invalid variable name (expected "
				     "[A-Za-z_][A-Za-z0-9_]* before '=')");
	}
}

Test(envfile, valid_keys)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_eq(parse("_=1\n_A9=2\nabc=3\nZ=4\n", &env, &err), 0, "%s", err.msg);
	assert_env(&env, EXPECT("_=1", "_A9=2", "abc=3", "Z=4"));
	cr_assert(hr_env_key_valid("PATH", 4));
	cr_assert(!hr_env_key_valid("", 0));
	cr_assert(!hr_env_key_valid("9", 1));
	cr_assert(!hr_env_key_valid("A B", 3));
}

Test(envfile, duplicates_last_wins_first_position_kept)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_eq(parse("A=1\nB=2\nA=3\nAB=4\nA=5\n", &env, &err), 0);
	assert_env(&env, EXPECT("A=5", "B=2", "AB=4"));
	cr_assert_str_eq(hr_env_list_get(&env, "A"), "A=5");
	cr_assert_str_eq(hr_env_list_get(&env, "AB"), "AB=4");
	cr_assert_null(hr_env_list_get(&env, "C"));
}

Test(envfile, very_long_lines)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	size_t big = HR_ENV_ENTRY_MAX - 1 - 2; /* "V=" + value: the longest execve accepts */
	_cleanup_free_ char *text = hr_xmalloc(2 * HR_ENV_ENTRY_MAX + 64);
	struct hr_err err = {0};
	char *p = text;

	p += sprintf(p, "V=");
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, "\nW=1\n");
	cr_assert_eq(parse(text, &env, &err), 0, "%s", err.msg);
	cr_assert_eq(strlen(env.items[0]), HR_ENV_ENTRY_MAX - 1);
	cr_assert_str_eq(env.items[1], "W=1");

	p = text;
	p += sprintf(p, "A=1\nV=");
	memset(p, 'x', HR_ENV_ENTRY_MAX);
	p += HR_ENV_ENTRY_MAX;
	strcpy(p, "\n");
	cr_assert_lt(parse(text, &env, &err), 0);
	cr_assert_str_eq(err.msg, "app.env:2: KEY=VALUE longer than the limit of 131071 bytes");
}

Test(envfile, nul_and_invalid_utf8)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	static const char text[] = "A=1\nB=" SECRET "\0x\n";
	struct hr_err err = {0};

	cr_assert_lt(hr_envfile_parse(text, sizeof(text) - 1, "app.env", &env, &err), 0);
	assert_no_leak(&err, "app.env:2: value is not valid UTF-8 or contains a NUL byte");
	cr_assert_lt(parse("A=ok\nB=caf\xe9 " SECRET "\n", &env, &err), 0);
	assert_no_leak(&err, "app.env:2: value is not valid UTF-8 or contains a NUL byte");
	hr_env_list_free(&env);
	cr_assert_eq(parse("A=caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\n", &env, &err), 0);
	cr_assert_eq(env.len, 1);
}

Test(envfile, utf8_validator)
{
	static const char *const good[] = {
	    "", "abc", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x90\xb3", "\xf4\x8f\xbf\xbf"};
	static const char *const bad[] = {
	    "\x80",
	    "\xc0\x80", /* overlong NUL */
	    "\xc3",
	    "\xe0\x80\xaf", /* overlong */
	    "\xed\xa0\x80",
	    /* surrogate */ "\xf4\x90\x80\x80", /* > U+10FFFF */
	    "\xf8\x88\x80\x80\x80",
	    "\xe2\x82",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert(hr_utf8_valid(good[i], strlen(good[i])), "good[%zu]", i);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!hr_utf8_valid(bad[i], strlen(bad[i])), "bad[%zu]", i);
}

static char *write_temp(const char *content, size_t len)
{
	char *path = hr_xstrdup("/tmp/hardrun-envfile-test.XXXXXX");
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

Test(envfile, load_file)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	static const char text[] = "# db\nDB_PASSWORD=" SECRET "\nDB_USER=app\n";
	_cleanup_free_ char *path = write_temp(text, sizeof(text) - 1);
	struct hr_err err = {0};

	hr_env_list_set(&env, "PATH=/bin");
	cr_assert_eq(hr_envfile_load(path, &env, &err), 0, "%s", err.msg);
	assert_env(&env, EXPECT("PATH=/bin", "DB_PASSWORD=" SECRET, "DB_USER=app"));
	unlink(path);
}

Test(envfile, load_errors_name_the_file_and_line)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	static const char text[] = "A=1\n\n" SECRET "\n";
	_cleanup_free_ char *path = write_temp(text, sizeof(text) - 1);
	struct hr_err err = {0};
	char expected[256];

	cr_assert_lt(hr_envfile_load(path, &env, &err), 0);
	snprintf(expected, sizeof(expected), "%s:3: expected KEY=VALUE", path);
	assert_no_leak(&err, expected);
	unlink(path);
}

Test(envfile, missing_file_and_directory)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};

	cr_assert_lt(hr_envfile_load("/nonexistent/app.env", &env, &err), 0);
	cr_assert_eq(err.errnum, ENOENT);
	cr_assert_str_eq(err.msg, "open /nonexistent/app.env: No such file or directory");
	cr_assert_lt(hr_envfile_load("/tmp", &env, &err), 0);
	cr_assert_eq(err.errnum, EISDIR);
}

Test(envfile, too_large)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	size_t size = HR_ENVFILE_MAX_SIZE + 1;
	_cleanup_free_ char *content = hr_xmalloc(size);
	_cleanup_free_ char *path = NULL;
	struct hr_err err = {0};

	memset(content, '\n', size);
	path = write_temp(content, size);
	cr_assert_lt(hr_envfile_load(path, &env, &err), 0);
	cr_assert_eq(err.errnum, EFBIG);
	unlink(path);
}

Test(envfile, from_a_pipe)
{
	_cleanup_env_list_ struct hr_env_list env = {0};
	struct hr_err err = {0};
	char path[64];
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "K=v\n", 4), 4);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	cr_assert_eq(hr_envfile_load(path, &env, &err), 0, "%s", err.msg);
	close(fds[0]);
	assert_env(&env, EXPECT("K=v"));
}
