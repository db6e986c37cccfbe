/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun's own log: which values of a configuration are redacted (every env value that may be
 * a secret, never the container ID nor the public variables engines set), and when messages
 * nobody asked for are kept off stderr.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/config.h"
#include "libcontainer/log.h"

/* A Docker container ID: Docker sets HOSTNAME to its first 12 characters. */
#define ID "d3f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789abcd"

TestSuite(log, .fini = hr_log_close);

/* Sends the log to a temporary file (each test runs in its own process). */
static char *log_to_temp(bool debug)
{
	char *path = hrt_write_temp("", 0);
	struct hr_err err = {0};

	hr_log_close();
	cr_assert_eq(hr_log_init(path, HR_LOG_TEXT, debug, &err), 0, "%s", err.msg);
	return path;
}

static char *read_log(const char *path)
{
	size_t len;

	hr_log_close();
	return hrt_read_file(path, &len);
}

/* One message through the log, with the secrets of env and annotations registered. */
static char *logged(char *const *env, size_t n_env, const struct hr_kv *annotations,
		    size_t n_annotations, const char *msg)
{
	_cleanup_free_ char *path = log_to_temp(false);
	char *text;

	hr_log_add_config_secrets(ID, env, n_env, annotations, n_annotations);
	hr_info("%s", msg);
	text = read_log(path);
	unlink(path);
	return text;
}

Test(log, docker_hostname_never_mangles_the_container_id)
{
	char *env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		       "HOSTNAME=d3f0a1b2c3d4", "API_TOKEN=tok-4711-planted"};
	_cleanup_free_ char *log =
	    logged(env, 3, NULL, 0, "container " ID ": exec tok-4711-planted failed");

	cr_expect(strstr(log, "container " ID ": exec [REDACTED] failed\n"), "%s", log);
}

Test(log, a_value_within_the_id_is_not_redacted_whatever_its_name)
{
	/* the ID is public: redacting a part of it would hide nothing */
	char *env[] = {"CONTAINER_ID=" ID, "SHORT_ID=a1b2c3d4e5f6", "SESSION_TOKEN=d3f0a1b2"};
	_cleanup_free_ char *log = logged(env, 3, NULL, 0, "container " ID " started");

	cr_expect(strstr(log, "container " ID " started\n"), "%s", log);
}

Test(log, public_variables_are_not_redacted)
{
	char *env[] = {"PATH=/usr/bin:/bin",	 "HOME=/home/appuser",	  "HOSTNAME=web-frontend-7",
		       "TERM=xterm-256color",	 "LANG=en_US.UTF-8",	  "LC_ALL=en_US.UTF-8",
		       "TZ=Europe/Amsterdam",	 "USER=appuser-name",	  "LOGNAME=appuser-name",
		       "SHELL=/bin/bash-static", "PWD=/home/appuser/src", "SHLVL=10000000",
		       "LANGUAGE=en_US:en",	 "container=podman-v5"};
	const char *msg = "mount /home/appuser/src on web-frontend-7 as appuser-name with "
			  "xterm-256color in en_US.UTF-8, Europe/Amsterdam, /bin/bash-static, "
			  "10000000, en_US:en, podman-v5, /usr/bin:/bin";
	_cleanup_free_ char *log = logged(env, 14, NULL, 0, msg);

	cr_expect(strstr(log, msg), "%s", log);
	cr_expect(strstr(log, "[REDACTED]") == NULL, "%s", log);
}

Test(log, every_other_env_value_of_8_bytes_or_more_is_redacted)
{
	/* names that do not look secret still hold secrets: the whole env is redacted */
	char *env[] = {"DATABASE_URL=postgres://app:pw-4711@db/app", "AWS_ACCESS_KEY_ID=AKIA4711",
		       "Path=/not/the/PATH", "GREETING=1234567", "LC_=lc-underscore-only"};
	_cleanup_free_ char *log =
	    logged(env, 5, NULL, 0,
		   "a postgres://app:pw-4711@db/app b AKIA4711 c /not/the/PATH d 1234567 e "
		   "lc-underscore-only");

	cr_expect(strstr(log, "a [REDACTED] b [REDACTED] c [REDACTED] d 1234567 e [REDACTED]\n"),
		  "%s", log);
}

Test(log, secret_names_are_redacted_from_4_bytes)
{
	char *env[] = {"DB_PASSWORD=pw42", "api_key=k123456", "OTHER=abc", "TOKEN=xyz"};
	struct hr_kv annotations[] = {{"org.example.token", "annot-4"},
				      {"org.example.note", "visible-note"}};
	_cleanup_free_ char *log =
	    logged(env, 4, annotations, 2, "pw42 k123456 abc xyz annot-4 visible-note");

	cr_expect(strstr(log, "[REDACTED] [REDACTED] abc xyz [REDACTED] visible-note\n"), "%s",
		  log);
}

Test(log, which_names_look_secret)
{
	static const char *const secret[] = {
	    "DB_PASSWORD",	 "api_key", "TOKEN",	"DB_PASS",     "PASS",	     "SSH_KEY",
	    "AWS_ACCESS_KEY_ID", "KEY",	    "GH_TOKEN", "PASSWD_FILE", "private_pem"};
	static const char *const plain[] = {"PATH",	"MONKEY",  "BYPASS_PROXY", "COMPASS",
					    "KEYBOARD", "PASSAGE", "HOSTNAME",	   "LANG"};

	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		cr_expect(hr_is_secret_name(secret[i], strlen(secret[i])), "%s", secret[i]);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		cr_expect(!hr_is_secret_name(plain[i], strlen(plain[i])), "%s", plain[i]);
}

Test(log, keeps_quiet_without_a_log_file_nor_debug)
{
	struct hr_err err = {0};
	_cleanup_free_ char *path = NULL;

	cr_assert_eq(hr_log_init(NULL, HR_LOG_TEXT, false, &err), 0);
	cr_expect(hr_log_keeps_quiet());
	hr_log_close();
	cr_assert_eq(hr_log_init(NULL, HR_LOG_TEXT, true, &err), 0);
	cr_expect(!hr_log_keeps_quiet(), "--debug asks for everything");
	hr_log_close();
	path = log_to_temp(false);
	cr_expect(!hr_log_keeps_quiet(), "a log file takes everything");
	hr_log_close();
	unlink(path);
}

/* UTC with nanoseconds, the form of state.json's "created" and the JSON log's "time". */
Test(log, rfc3339_is_utc_with_nanoseconds)
{
	char buf[64];

	hr_format_rfc3339(buf, sizeof(buf), 0, 0);
	cr_assert_str_eq(buf, "1970-01-01T00:00:00.000000000Z");
	/* the nanoseconds as nine digits; a leap day */
	hr_format_rfc3339(buf, sizeof(buf), 1796657046L, 123456789L);
	cr_assert_str_eq(buf, "2026-12-07T15:24:06.123456789Z");
	hr_format_rfc3339(buf, sizeof(buf), 951782400L, 5L);
	cr_assert_str_eq(buf, "2000-02-29T00:00:00.000000005Z");
}
