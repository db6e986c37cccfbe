/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's output log: Docker json-file records, cut lines, rotation, redaction. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcontainer/output_log.h"

static char dir[] = "/tmp/hr-output-log-XXXXXX";
static int dirfd_ = -1;

static void setup(void)
{
	strcpy(dir, "/tmp/hr-output-log-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	dirfd_ = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dirfd_, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(dirfd_);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* The whole of file NAME in dir (empty when absent), in a static buffer. */
static const char *contents(const char *name)
{
	static char buf[1 << 20];
	int fd = openat(dirfd_, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

TestSuite(output_log, .init = setup, .fini = teardown);

Test(output_log, writes_docker_json_file_records_a_line_each)
{
	struct hr_output_log_opts opts;
	struct hr_output_log log;
	struct hr_err err = {0};
	const char *text;

	hr_output_log_opts_defaults(&opts);
	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, NULL, 0, &err), 0, "%s", err.msg);
	/* a line arriving in pieces is one record; stderr's are kept apart from stdout's */
	hr_output_log_write(&log, HR_OUTPUT_STDOUT, "hel", 3);
	hr_output_log_write(&log, HR_OUTPUT_STDERR, "oops \"q\"\\\n", 10);
	hr_output_log_write(&log, HR_OUTPUT_STDOUT, "lo\nsecond\tline\nno newline", 25);
	hr_output_log_close(&log);
	text = contents("output.log");
	cr_assert_eq(count(text, "\n"), 4, "%s", text);
	cr_assert(
	    strstr(text, "{\"log\":\"oops \\\"q\\\"\\\\\\n\",\"stream\":\"stderr\",\"time\":\"") ==
		text,
	    "%s", text);
	cr_assert(strstr(text, "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"20") != NULL,
		  "%s", text);
	cr_assert(strstr(text, "{\"log\":\"second\\tline\\n\",\"stream\":\"stdout\"") != NULL, "%s",
		  text);
	/* what the output ended with, without its newline, at close */
	cr_assert(strstr(text, "{\"log\":\"no newline\",\"stream\":\"stdout\"") != NULL, "%s",
		  text);
	cr_assert(strstr(text, "Z\"}\n") != NULL, "%s", text);
}

Test(output_log, control_bytes_escaped_and_bad_utf8_replaced)
{
	struct hr_output_log_opts opts;
	struct hr_output_log log;
	struct hr_err err = {0};
	/* é (valid), a lone continuation byte, an overlong '/', a surrogate, ESC and DEL */
	static const char in[] = "\xc3\xa9 \x80 \xc0\xaf \xed\xa0\x80 \x1b\x7f\n";
	const char *text;

	hr_output_log_opts_defaults(&opts);
	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, NULL, 0, &err), 0, "%s", err.msg);
	hr_output_log_write(&log, HR_OUTPUT_STDOUT, in, sizeof(in) - 1);
	hr_output_log_close(&log);
	text = contents("output.log");
	cr_assert(strstr(text, "\"log\":\"\xc3\xa9 \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
			       "\\u001b\\u007f\\n\"") != NULL,
		  "%s", text);
}

Test(output_log, an_overlong_line_is_cut_at_16_KiB)
{
	struct hr_output_log_opts opts;
	struct hr_output_log log;
	struct hr_err err = {0};
	static char line[HR_OUTPUT_LOG_LINE_MAX + 11];
	const char *text;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	hr_output_log_opts_defaults(&opts);
	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, NULL, 0, &err), 0, "%s", err.msg);
	hr_output_log_write(&log, HR_OUTPUT_STDOUT, line, sizeof(line));
	hr_output_log_close(&log);
	text = contents("output.log");
	cr_assert_eq(count(text, "\"stream\""), 2, "%.200s", text);
	cr_assert(strstr(text, "\"log\":\"xxxxxxxxxx\\n\"") != NULL, "the rest of the line");
	cr_assert(strstr(text, "xxx\",\"stream\"") != NULL, "the cut part has no newline");
}

Test(output_log, rotates_keeping_max_files)
{
	struct hr_output_log_opts opts = {.enabled = true, .max_size = 1000, .max_files = 3};
	struct hr_output_log log;
	struct hr_err err = {0};
	char line[64];
	struct stat st;

	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, NULL, 0, &err), 0, "%s", err.msg);
	for (int i = 0; i < 100; i++) {
		int n = snprintf(line, sizeof(line), "line %03d\n", i);

		hr_output_log_write(&log, HR_OUTPUT_STDOUT, line, (size_t)n);
	}
	hr_output_log_close(&log);
	cr_assert_eq(log.failed, 0);
	for (const char *name = "output.log"; name != NULL;
	     name = strcmp(name, "output.log") == 0	? "output.log.1"
		    : strcmp(name, "output.log.1") == 0 ? "output.log.2"
							: NULL) {
		cr_assert_eq(fstatat(dirfd_, name, &st, 0), 0, "%s is missing", name);
		cr_assert_leq(st.st_size, 1000, "%s has %lld bytes", name, (long long)st.st_size);
	}
	cr_assert_neq(fstatat(dirfd_, "output.log.3", &st, 0), 0, "a fourth file is kept");
	/* the newest line in the current file, the ones before it in .1 */
	cr_assert(strstr(contents("output.log"), "line 099") != NULL);
	cr_assert(strstr(contents("output.log"), "line 000") == NULL);
	cr_assert(strstr(contents("output.log.2"), "line 000") == NULL, "the oldest is dropped");
}

Test(output_log, secret_values_are_redacted_others_kept)
{
	struct hr_output_log_opts opts;
	struct hr_output_log log;
	struct hr_err err = {0};
	char *env[] = {"PATH=/usr/bin", "API_TOKEN=s3cr3t-t0ken", "DB_PASSWORD=hunter22",
		       "PASSWORD=abc", "GREETING=hello-world"};
	static const char out[] = "token s3cr3t-t0ken pw hunter22hunter22 abc hello-world\n";
	const char *text;

	hr_output_log_opts_defaults(&opts);
	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, env, 5, &err), 0, "%s", err.msg);
	hr_output_log_write(&log, HR_OUTPUT_STDERR, out, sizeof(out) - 1);
	hr_output_log_close(&log);
	text = contents("output.log");
	/* too short a value (abc) is left: it would redact every "abc" */
	cr_assert(strstr(text, "\"log\":\"token [REDACTED] pw [REDACTED][REDACTED] abc "
			       "hello-world\\n\"") != NULL,
		  "%s", text);
	cr_assert(strstr(text, "s3cr3t") == NULL && strstr(text, "hunter22") == NULL);
}

Test(output_log, a_symlink_in_place_of_the_file_is_refused)
{
	struct hr_output_log_opts opts;
	struct hr_output_log log;
	struct hr_err err = {0};

	cr_assert_eq(symlinkat("/etc/passwd", dirfd_, "output.log"), 0);
	hr_output_log_opts_defaults(&opts);
	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, NULL, 0, &err), -1);
	cr_assert(strstr(err.msg, "output log") != NULL, "%s", err.msg);
	hr_output_log_close(&log);
}

Test(output_log, multi_line_secrets_by_line_and_the_longest_first)
{
	struct hr_output_log_opts opts;
	struct hr_output_log log;
	struct hr_err err = {0};
	char *env[] = {
	    "DB_PASSWORD=abcdefgh", "API_TOKEN=abcdefgh-tail-secret",
	    "SSH_PRIVATE_KEY=-----BEGIN KEY-----\nc2VjcmV0LWtleS1ib2R5\n-----END KEY-----"};
	static const char out[] = "t=abcdefgh-tail-secret p=abcdefgh\n"
				  "key:\nc2VjcmV0LWtleS1ib2R5\n";
	const char *text;

	hr_output_log_opts_defaults(&opts);
	cr_assert_eq(hr_output_log_open(&log, dirfd_, &opts, env, 3, &err), 0, "%s", err.msg);
	hr_output_log_write(&log, HR_OUTPUT_STDOUT, out, sizeof(out) - 1);
	hr_output_log_close(&log);
	text = contents("output.log");
	/* the longer token whole, not the password inside it with the token's tail in clear */
	cr_assert(strstr(text, "\"log\":\"t=[REDACTED] p=[REDACTED]\\n\"") != NULL, "%s", text);
	/* a line of the key, logged as a record of its own */
	cr_assert(strstr(text, "\"log\":\"[REDACTED]\\n\"") != NULL, "%s", text);
	cr_assert(strstr(text, "tail-secret") == NULL && strstr(text, "c2VjcmV0") == NULL, "%s",
		  text);
}
