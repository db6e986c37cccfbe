/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_OUTPUT_LOG_H
#define HR_OUTPUT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/*
 * The container's own output, kept as Docker's json-file driver keeps it, so that the tools
 * that read Docker's logs read it: one JSON object a line,
 *   {"log":"hello\n","stream":"stdout","time":"2026-12-07T21:00:00.123456789Z"}
 * "log" is one line of the output with its newline; a line longer than HR_OUTPUT_LOG_LINE_MAX
 * is cut into records of that size without one (Docker cuts at 16 KiB too), and so is what is
 * left when the output ends without a newline. Bytes that are not UTF-8 become U+FFFD.
 *
 * The file (HR_OUTPUT_LOG_NAME in a directory, the container's state directory) rotates when
 * the next record would take it past max_size: NAME.1 becomes NAME.2 and so on, the oldest of
 * max_files is dropped. The values of the container's secret-looking variables (log.h's
 * hr_is_secret_name, at least HR_SECRET_MIN_LEN bytes) are written as "[REDACTED]"; a secret
 * split by the cut of an overlong line is not seen.
 */
#define HR_OUTPUT_LOG_NAME	    "output.log"
#define HR_OUTPUT_LOG_LINE_MAX	    16384
#define HR_OUTPUT_LOG_DEFAULT_SIZE  (10 * 1024 * 1024)
#define HR_OUTPUT_LOG_DEFAULT_FILES 3
#define HR_OUTPUT_LOG_FILES_MAX	    100

/* held (flock) by run's output pump while it lives: delete waits for it */
#define HR_OUTPUT_LOGGER_LOCK "output.lock"
/* how long delete waits for run's output pump to write the last lines */
#define HR_OUTPUT_LOGGER_WAIT_MS 2000

enum hr_output_stream { HR_OUTPUT_STDOUT, HR_OUTPUT_STDERR, HR_OUTPUT__COUNT };

struct hr_output_log_opts {
	bool enabled;
	uint64_t max_size;  /* bytes a file may reach (a record larger than this is still kept) */
	unsigned max_files; /* NAME and NAME.1 .. NAME.(max_files-1) */
};

/* Zeroed, it is "not opened": hr_output_log_close does nothing. */
struct hr_output_log {
	int dirfd; /* its own handle of the caller's (O_PATH) */
	int fd;
	uint64_t size;
	struct hr_output_log_opts opts;
	char **secrets;
	size_t n_secrets;
	char *record; /* a record being encoded: room for the worst case of a whole line */
	struct {
		char buf[HR_OUTPUT_LOG_LINE_MAX];
		size_t len;
	} pending[HR_OUTPUT__COUNT];
	int failed; /* the errno that stopped the log (the output itself is still relayed) */
};

void hr_output_log_opts_defaults(struct hr_output_log_opts *opts);

/*
 * Creates (or appends to) NAME in dirfd (the caller keeps its own handle); env ("KEY=VALUE", n_env
 * of them) gives the values to redact. log is released with hr_output_log_close, also after a
 * failure here.
 */
int hr_output_log_open(struct hr_output_log *log, int dirfd, const struct hr_output_log_opts *opts,
		       char *const *env, size_t n_env, struct hr_err *err);

/* Adds what a stream produced. A failing write stops the log and is kept in log->failed. */
void hr_output_log_write(struct hr_output_log *log, enum hr_output_stream stream, const char *data,
			 size_t len);

/*
 * Logs what fds (the non-blocking read ends of the process's stdout and stderr pipes) carry
 * until both end, and copies it to copy_to (-1: not copied; a failing copy is given up, the
 * log goes on): the loop of run's output pump, a process nothing else runs in.
 */
void hr_output_log_follow(struct hr_output_log *log, const int fds[HR_OUTPUT__COUNT],
			  const int copy_to[HR_OUTPUT__COUNT]);

/* Writes the streams' unfinished lines, closes the file, forgets the secrets (NULL: none). */
void hr_output_log_close(struct hr_output_log *log);

/*
 * delete --keep-logs DEST: copies what the state directory dirfd holds of container id's
 * output log (NAME, NAME.1, ...) into DEST/id/ (DEST made if absent; id/ must not exist: an
 * earlier container's logs are never overwritten), and its health check's settings and last
 * results (hr_health_gen of the annotations) as DEST/id/health.json. Waits up to
 * HR_OUTPUT_LOGGER_WAIT_MS for a logger still writing. Files 0600, directories 0700.
 * *kept is the number of files written.
 */
struct hr_kv;
/* Waits, up to HR_OUTPUT_LOGGER_WAIT_MS, for the output pump of the container whose state
 * directory is dirfd (when it has one) to end: delete, before it removes or keeps the log. */
void hr_output_log_wait_pump(int dirfd);
int hr_output_log_keep(int dirfd, const char *id, const struct hr_kv *annotations,
		       size_t n_annotations, const char *dest, int *kept, struct hr_err *err);

#endif
