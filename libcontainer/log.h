/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_LOG_H
#define HR_LOG_H

#include "config_model.h"
#include "context.h"
#include "error.h"

enum hr_log_level {
	HR_LOG_DEBUG,
	HR_LOG_INFO,
	HR_LOG_WARNING,
	HR_LOG_ERROR,
};

/*
 * hardrun's own log: text lines on stderr by default, or appended to --log FILE; with
 * --log-format json each line is {"level":"...","msg":"...","time":"<RFC 3339>"}, which is what
 * containerd's shim reads back when a runtime command fails. The file rotates at
 * HR_LOG_ROTATE_SIZE, keeping HR_LOG_ROTATE_KEEP older files (FILE.1 ... FILE.3).
 *
 * Messages never carry values of process.env: callers must not pass them, and as a second
 * line of defence every value registered with hr_log_add_secret is replaced by "[REDACTED]"
 * in every line and error report.
 */
#define HR_LOG_ROTATE_SIZE (10 * 1024 * 1024)
#define HR_LOG_ROTATE_KEEP 3
int hr_log_init(const char *path, enum hr_log_format format, bool debug, struct hr_err *err);
void hr_log(enum hr_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * True when there is neither --log nor --debug: then messages nobody asked for (the findings
 * of the implicit audit-mode policy) are dropped rather than written on stderr, which for run
 * and exec is the container's.
 */
bool hr_log_keeps_quiet(void);
/* Reports an error once: to the log file if any, and always to stderr. */
void hr_log_error_report(const struct hr_err *err);
/* A parsed document's warnings (keys ignored), each once, at warning level. */
void hr_log_doc_warnings(const struct hr_doc_warnings *warnings);
void hr_log_close(void);

/* Redaction: values that must never be printed (shorter than HR_SECRET_MIN_LEN are ignored). */
#define HR_SECRET_MIN_LEN 4
void hr_log_add_secret(const char *value);
/*
 * Registers the values of a container's configuration, id being its (public) ID:
 *  - every env ("KEY=VALUE") value, but those of the public variables (PATH, HOME, HOSTNAME,
 *    TERM, LANG, LANGUAGE, LC_*, TZ, USER, LOGNAME, SHELL, PWD, SHLVL, container) and values
 *    shorter than HR_ENV_SECRET_MIN_LEN;
 *  - whatever its length (from HR_SECRET_MIN_LEN), the value of an env variable or annotation
 *    whose name looks secret (hr_is_secret_name);
 *  - never a value that occurs within id.
 */
#define HR_ENV_SECRET_MIN_LEN 8
struct hr_kv;
void hr_log_add_config_secrets(const char *id, char *const *env, size_t n_env,
			       const struct hr_kv *annotations, size_t n_annotations);
/* Names like *TOKEN*, *SECRET*, *PASSWORD*, *PASSWD*, *CREDENTIAL*, *APIKEY*, *API_KEY*,
 * *PRIVATE*, KEY and *_KEY, in any case. */
bool hr_is_secret_name(const char *name, size_t len);

/* RFC 3339 UTC timestamp with nanoseconds, e.g. 2026-11-28T02:33:45.123456789Z. */
void hr_format_rfc3339(char *buf, size_t size, long sec, long nsec);

#define hr_debug(...)	hr_log(HR_LOG_DEBUG, __VA_ARGS__)
#define hr_info(...)	hr_log(HR_LOG_INFO, __VA_ARGS__)
#define hr_warning(...) hr_log(HR_LOG_WARNING, __VA_ARGS__)

#endif
