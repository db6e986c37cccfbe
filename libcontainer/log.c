/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "fdio.h"
#include "arena.h"
#include "config.h"
#include "json.h"

#define MAX_SECRETS 256

/* The logger is configured once from the global options and read everywhere. */
static struct {
	int fd; /* -1: stderr only */
	const char *path;
	enum hr_log_format format;
	bool debug;
	char *secrets[MAX_SECRETS];
	size_t n_secrets;
} logger = {.fd = -1};

static const char *const level_names[] = {
    [HR_LOG_DEBUG] = "debug",
    [HR_LOG_INFO] = "info",
    [HR_LOG_WARNING] = "warning",
    [HR_LOG_ERROR] = "error",
};

static int open_log(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

int hr_log_init(const char *path, enum hr_log_format format, bool debug, struct hr_err *err)
{
	logger.format = format;
	logger.debug = debug;
	logger.path = path;
	if (path == NULL)
		return 0;
	logger.fd = open_log(path);
	if (logger.fd < 0)
		return hr_err_sys(err, "open log file %s", path);
	return 0;
}

void hr_log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
	for (size_t i = 0; i < logger.n_secrets; i++) {
		explicit_bzero(logger.secrets[i], strlen(logger.secrets[i]));
		free(logger.secrets[i]);
	}
	logger.n_secrets = 0;
}

/* word is one of the '_'-separated words of name (both in upper case) */
static bool has_word(const char *name, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(name, word); p != NULL; p = strstr(p + 1, word))
		if ((p == name || p[-1] == '_') && (p[n] == '\0' || p[n] == '_'))
			return true;
	return false;
}

bool hr_is_secret_name(const char *name, size_t len)
{
	static const char *const markers[] = {"TOKEN",	    "SECRET", "PASSWORD", "PASSWD",
					      "CREDENTIAL", "APIKEY", "API_KEY",  "PRIVATE"};
	char upper[256];

	if (len >= sizeof(upper))
		len = sizeof(upper) - 1;
	for (size_t i = 0; i < len; i++)
		upper[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
	upper[len] = '\0';
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (strstr(upper, markers[i]) != NULL)
			return true;
	/* KEY and PASS only as whole words (DB_PASS, SSH_KEY): not MONKEY, BYPASS, COMPASS */
	return has_word(upper, "KEY") || has_word(upper, "PASS");
}

void hr_log_add_secret(const char *value)
{
	if (value == NULL || strlen(value) < HR_SECRET_MIN_LEN || logger.n_secrets == MAX_SECRETS)
		return;
	for (size_t i = 0; i < logger.n_secrets; i++)
		if (strcmp(logger.secrets[i], value) == 0)
			return;
	logger.secrets[logger.n_secrets++] = hr_xstrdup(value);
}

/*
 * Variables that engines, images and shells set to values that are no secret: redacting them
 * would only mangle messages (Docker's HOSTNAME is the start of the container ID, HOME a prefix of
 * many paths). Names are case-sensitive, as in the environment.
 */
static bool is_public_env_name(const char *name, size_t len)
{
	static const char *const names[] = {"PATH",	"HOME",	 "HOSTNAME", "TERM",	"LANG",
					    "LANGUAGE", "TZ",	 "USER",     "LOGNAME", "SHELL",
					    "PWD",	"SHLVL", "container"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	return len > 3 && memcmp(name, "LC_", 3) == 0;
}

static void add_config_value(const char *id, const char *value, size_t min_len)
{
	if (strlen(value) < min_len)
		return;
	/* The ID is public (state directory, `list`, the engine): a value within it hides
	 * nothing, and redacting it would mangle the ID in every message. */
	if (id != NULL && strstr(id, value) != NULL)
		return;
	hr_log_add_secret(value);
}

void hr_log_add_config_secrets(const char *id, char *const *env, size_t n_env,
			       const struct hr_kv *annotations, size_t n_annotations)
{
	for (size_t i = 0; i < n_env; i++) {
		const char *eq = strchr(env[i], '=');
		size_t len;

		if (eq == NULL)
			continue;
		len = (size_t)(eq - env[i]);
		if (hr_is_secret_name(env[i], len))
			add_config_value(id, eq + 1, HR_SECRET_MIN_LEN);
		else if (!is_public_env_name(env[i], len))
			add_config_value(id, eq + 1, HR_ENV_SECRET_MIN_LEN);
	}
	for (size_t i = 0; i < n_annotations; i++)
		if (hr_is_secret_name(annotations[i].key, strlen(annotations[i].key)))
			add_config_value(id, annotations[i].value, HR_SECRET_MIN_LEN);
}

/* Replaces every registered secret in msg (in place, bounded by size). */
static void redact(char *msg, size_t size)
{
	static const char mark[] = "[REDACTED]";

	for (size_t i = 0; i < logger.n_secrets; i++) {
		const char *secret = logger.secrets[i];
		size_t slen = strlen(secret);
		char *hit;

		while ((hit = strstr(msg, secret)) != NULL) {
			size_t tail = strlen(hit + slen);
			size_t room = size - (size_t)(hit - msg) - 1;
			size_t mlen = sizeof(mark) - 1 < room ? sizeof(mark) - 1 : room;

			if (mlen + tail > room)
				tail = room - mlen;
			memmove(hit + mlen, hit + slen, tail);
			memcpy(hit, mark, mlen);
			hit[mlen + tail] = '\0';
		}
	}
}

void hr_format_rfc3339(char *buf, size_t size, long sec, long nsec)
{
	struct tm tm;
	time_t t = (time_t)sec;

	/* by hand: glibc's strftime calls tzset, which reads /etc/localtime on every create */
	gmtime_r(&t, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
}

/*
 * Rotation under an exclusive lock on the current file, as several hardrun processes may share
 * one log. A process whose fd still points at a file another one rotated away reopens.
 */
static void rotate_if_needed(size_t incoming)
{
	struct stat by_fd, by_path;
	char from[4096], to[4096];

	if (fstat(logger.fd, &by_fd) < 0)
		return;
	if (stat(logger.path, &by_path) < 0 || by_path.st_ino != by_fd.st_ino ||
	    by_path.st_dev != by_fd.st_dev)
		goto reopen;
	if ((size_t)by_fd.st_size + incoming <= HR_LOG_ROTATE_SIZE)
		return;
	for (int i = HR_LOG_ROTATE_KEEP; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", logger.path);
		else
			snprintf(from, sizeof(from), "%s.%d", logger.path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", logger.path, i);
		if (rename(from, to) < 0 && errno != ENOENT)
			return;
	}
reopen : {
	int fd = open_log(logger.path);

	if (fd < 0)
		return;
	flock(fd, LOCK_EX);
	flock(logger.fd, LOCK_UN);
	close(logger.fd);
	logger.fd = fd;
}
}

static size_t format_line(char *out, size_t size, enum hr_log_level level, const char *msg)
{
	struct timespec now;
	char time_buf[64];
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	hr_format_rfc3339(time_buf, sizeof(time_buf), now.tv_sec, now.tv_nsec);
	if (logger.format == HR_LOG_JSON) {
		_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(false);
		const char *buf;
		size_t len;

		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "level", level_names[level]);
		hr_jgen_kv_str(g, "msg", msg);
		hr_jgen_kv_str(g, "time", time_buf);
		yajl_gen_map_close(g);
		buf = hr_jgen_buf(g, &len);
		n = snprintf(out, size, "%.*s\n", (int)len, buf);
	} else {
		n = snprintf(out, size, "%s %s: %s\n", time_buf, level_names[level], msg);
	}
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

static void write_line(enum hr_log_level level, const char *msg)
{
	char line[2 * HR_ERR_MSG_MAX + 256];
	size_t len = format_line(line, sizeof(line), level, msg);

	if (len > 0 && line[len - 1] != '\n')
		line[len - 1] = '\n';
	flock(logger.fd, LOCK_EX);
	rotate_if_needed(len);
	hr_write_all(logger.fd, line, len);
	flock(logger.fd, LOCK_UN);
}

static void write_stderr(const char *prefix, const char *msg)
{
	char line[HR_ERR_MSG_MAX + 32];
	int n = snprintf(line, sizeof(line), "hardrun: %s%s\n", prefix, msg);

	if (n > 0)
		hr_write_all(STDERR_FILENO, line,
			     (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void hr_log(enum hr_log_level level, const char *fmt, ...)
{
	char msg[HR_ERR_MSG_MAX];
	va_list ap;

	if (level == HR_LOG_DEBUG && !logger.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	redact(msg, sizeof(msg));
	if (logger.fd >= 0)
		write_line(level, msg);
	else
		write_stderr(level == HR_LOG_WARNING ? "warning: " : "", msg);
}

bool hr_log_keeps_quiet(void)
{
	return logger.fd < 0 && !logger.debug;
}

void hr_log_error_report(const struct hr_err *err)
{
	char msg[HR_ERR_MSG_MAX];

	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	redact(msg, sizeof(msg));
	if (logger.fd >= 0)
		write_line(HR_LOG_ERROR, msg);
	write_stderr("", msg);
}

void hr_log_doc_warnings(const struct hr_doc_warnings *warnings)
{
	for (size_t i = 0; i < warnings->n; i++)
		hr_log(HR_LOG_WARNING, "%s", warnings->msgs[i]);
}
