/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "json.h"

/* The logger is configured once from the global options and read everywhere. */
static struct {
	int fd; /* -1: stderr only */
	enum hr_log_format format;
	bool debug;
} logger = {.fd = -1};

static const char *const level_names[] = {
	[HR_LOG_DEBUG] = "debug",
	[HR_LOG_INFO] = "info",
	[HR_LOG_WARNING] = "warning",
	[HR_LOG_ERROR] = "error",
};

int hr_log_init(const char *path, enum hr_log_format format, bool debug, struct hr_err *err)
{
	logger.format = format;
	logger.debug = debug;
	if (path == NULL)
		return 0;
	logger.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (logger.fd < 0)
		return hr_err_sys(err, "open log file %s", path);
	return 0;
}

void hr_log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
}

void hr_format_rfc3339(char *buf, size_t size, long sec, long nsec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	char base[32];

	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, nsec);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void write_line(int fd, enum hr_log_level level, const char *msg)
{
	struct timespec now;
	char time_buf[64];

	clock_gettime(CLOCK_REALTIME, &now);
	hr_format_rfc3339(time_buf, sizeof(time_buf), now.tv_sec, now.tv_nsec);
	if (logger.format == HR_LOG_JSON) {
		_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(false);
		const char *out;
		size_t len;

		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "level", level_names[level]);
		hr_jgen_kv_str(g, "msg", msg);
		hr_jgen_kv_str(g, "time", time_buf);
		yajl_gen_map_close(g);
		out = hr_jgen_buf(g, &len);
		write_all(fd, out, len);
		write_all(fd, "\n", 1);
	} else {
		char line[HR_ERR_MSG_MAX + 128];
		int n = snprintf(line, sizeof(line), "%s %s: %s\n", time_buf, level_names[level],
				 msg);
		if (n > 0)
			write_all(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
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
	if (logger.fd >= 0) {
		write_line(logger.fd, level, msg);
	} else {
		char line[HR_ERR_MSG_MAX + 32];
		int n = snprintf(line, sizeof(line), "hardrun: %s%s\n",
				 level == HR_LOG_WARNING ? "warning: " : "", msg);
		if (n > 0)
			write_all(STDERR_FILENO, line,
				  (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
}

void hr_log_error_report(const struct hr_err *err)
{
	char line[HR_ERR_MSG_MAX + 16];
	int n;

	if (logger.fd >= 0)
		write_line(logger.fd, HR_LOG_ERROR, err->msg);
	n = snprintf(line, sizeof(line), "hardrun: %s\n", err->msg);
	if (n > 0)
		write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
