/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's output as Docker json-file lines, rotated and redacted (output_log.h). */
#include "output_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "arena.h"
#include "cleanup.h"
#include "config_model.h"
#include "health.h"
#include "json.h"
#include "log.h"

#define REDACTED    "[REDACTED]"
#define MAX_SECRETS 256
/* every byte of a line may become \ufffd or \u00XX: 6 bytes; then the other fields */
#define RECORD_MAX (HR_OUTPUT_LOG_LINE_MAX * 6 + 128)

static const char *const stream_names[] = {
    [HR_OUTPUT_STDOUT] = "stdout", [HR_OUTPUT_STDERR] = "stderr"};

void hr_output_log_opts_defaults(struct hr_output_log_opts *opts)
{
	*opts = (struct hr_output_log_opts){.max_size = HR_OUTPUT_LOG_DEFAULT_SIZE,
					    .max_files = HR_OUTPUT_LOG_DEFAULT_FILES};
}

/* One secret, or, as records are lines, each line of a multi-line one (a PEM key). */
static void add_secret(struct hr_output_log *log, const char *value)
{
	while (*value != '\0' && log->n_secrets < MAX_SECRETS) {
		size_t len = strcspn(value, "\n");

		if (len >= HR_SECRET_MIN_LEN) {
			log->secrets[log->n_secrets] = hr_xmalloc(len + 1);
			memcpy(log->secrets[log->n_secrets], value, len);
			log->secrets[log->n_secrets++][len] = '\0';
		}
		value += len + (value[len] == '\n');
	}
}

static int longest_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

static void add_secrets(struct hr_output_log *log, char *const *env, size_t n_env)
{
	log->secrets = hr_xmalloc(MAX_SECRETS * sizeof(*log->secrets));
	for (size_t i = 0; i < n_env; i++) {
		const char *eq = strchr(env[i], '=');

		if (eq != NULL && hr_is_secret_name(env[i], (size_t)(eq - env[i])))
			add_secret(log, eq + 1);
	}
	if (log->n_secrets == MAX_SECRETS)
		hr_warning("the output log redacts the first %d secret values (or lines of them) "
			   "only",
			   MAX_SECRETS);
	/* a secret that another one starts is hidden whole, not left with its tail in clear */
	qsort(log->secrets, log->n_secrets, sizeof(*log->secrets), longest_first);
}

int hr_output_log_open(struct hr_output_log *log, int dirfd, const struct hr_output_log_opts *opts,
		       char *const *env, size_t n_env, struct hr_err *err)
{
	struct stat st;

	memset(log, 0, sizeof(*log));
	log->fd = log->dirfd = -1;
	log->opts = *opts;
	if (log->opts.max_files == 0)
		log->opts.max_files = 1;
	log->record = hr_xmalloc(RECORD_MAX);
	add_secrets(log, env, n_env);
	/*
	 * Its own handle: the log may outlive the caller's (run -d's logger). Opened anew, not
	 * duplicated: a duplicate would share, and keep, the state directory's lock (flock).
	 */
	log->dirfd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (log->dirfd < 0)
		return hr_err_sys(err, "open the directory of the output log");
	log->fd = openat(log->dirfd, HR_OUTPUT_LOG_NAME,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (log->fd < 0)
		return hr_err_sys(err, "open the output log %s", HR_OUTPUT_LOG_NAME);
	if (fstat(log->fd, &st) < 0)
		return hr_err_sys(err, "stat the output log %s", HR_OUTPUT_LOG_NAME);
	log->size = (uint64_t)st.st_size;
	return 0;
}

static void stop(struct hr_output_log *log, int errnum)
{
	if (log->failed == 0)
		log->failed = errnum;
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

static void file_name(char *buf, size_t size, unsigned index)
{
	if (index == 0)
		snprintf(buf, size, "%s", HR_OUTPUT_LOG_NAME);
	else
		snprintf(buf, size, "%s.%u", HR_OUTPUT_LOG_NAME, index);
}

/* NAME.(n-2) -> NAME.(n-1), ..., NAME -> NAME.1, and a new NAME; with one file, NAME emptied. */
static void rotate(struct hr_output_log *log)
{
	char from[sizeof(HR_OUTPUT_LOG_NAME) + 8], to[sizeof(from)];

	if (log->opts.max_files == 1) {
		if (ftruncate(log->fd, 0) < 0)
			stop(log, errno);
		log->size = 0;
		return;
	}
	for (unsigned i = log->opts.max_files - 1; i >= 1; i--) {
		file_name(from, sizeof(from), i - 1);
		file_name(to, sizeof(to), i);
		if (renameat(log->dirfd, from, log->dirfd, to) < 0 && errno != ENOENT) {
			stop(log, errno);
			return;
		}
	}
	close(log->fd);
	log->fd = openat(log->dirfd, HR_OUTPUT_LOG_NAME,
			 O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
			 0600);
	if (log->fd < 0)
		stop(log, errno);
	log->size = 0;
}

/* The secret that starts at s, if one does: its length; 0 otherwise. */
static size_t secret_at(const struct hr_output_log *log, const char *s, size_t n)
{
	for (size_t i = 0; i < log->n_secrets; i++) {
		size_t len = strlen(log->secrets[i]);

		if (len <= n && memcmp(s, log->secrets[i], len) == 0)
			return len;
	}
	return 0;
}

/* The line as a JSON string's contents, secrets redacted; returns the end of what it wrote. */
static char *encode_line(const struct hr_output_log *log, char *out, const char *line, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)line[i];
		size_t len = log->n_secrets ? secret_at(log, line + i, n - i) : 0;

		if (len > 0) {
			memcpy(out, REDACTED, sizeof(REDACTED) - 1);
			out += sizeof(REDACTED) - 1;
			i += len;
		} else if (c == '"' || c == '\\') {
			*out++ = '\\';
			*out++ = (char)c;
			i++;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			*out++ = '\\';
			*out++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out, "\\u00", 4);
			out[4] = hex[c >> 4];
			out[5] = hex[c & 0xf];
			out += 6;
			i++;
		} else if ((len = hr_utf8_sequence((const unsigned char *)line + i, n - i)) > 0) {
			memcpy(out, line + i, len);
			out += len;
			i += len;
		} else {
			memcpy(out, "\\ufffd", 6);
			out += 6;
			i++;
		}
	}
	return out;
}

static void write_record(struct hr_output_log *log, const char *buf, size_t len)
{
	if (hr_write_all(log->fd, buf, len) < 0) {
		stop(log, errno);
		return;
	}
	log->size += len;
}

static void emit(struct hr_output_log *log, enum hr_output_stream stream, const char *line,
		 size_t n)
{
	char time_buf[64], *end = log->record;
	struct timespec now;
	size_t len;

	if (log->fd < 0 || n == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	hr_format_rfc3339(time_buf, sizeof(time_buf), now.tv_sec, now.tv_nsec);
	end = stpcpy(end, "{\"log\":\"");
	end = encode_line(log, end, line, n);
	end +=
	    sprintf(end, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream_names[stream], time_buf);
	len = (size_t)(end - log->record);
	if (log->size > 0 && log->size + len > log->opts.max_size)
		rotate(log);
	write_record(log, log->record, len);
}

void hr_output_log_write(struct hr_output_log *log, enum hr_output_stream stream, const char *data,
			 size_t len)
{
	typeof(log->pending[0]) *p = &log->pending[stream];

	while (len > 0 && log->fd >= 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - data) + 1 : len;

		if (take > HR_OUTPUT_LOG_LINE_MAX - p->len)
			take = HR_OUTPUT_LOG_LINE_MAX - p->len;
		memcpy(p->buf + p->len, data, take);
		p->len += take;
		data += take;
		len -= take;
		if (p->buf[p->len - 1] == '\n' || p->len == HR_OUTPUT_LOG_LINE_MAX) {
			emit(log, stream, p->buf, p->len);
			p->len = 0;
		}
	}
}

void hr_output_log_follow(struct hr_output_log *log, const int fds[HR_OUTPUT__COUNT],
			  const int copy_to[HR_OUTPUT__COUNT])
{
	struct pollfd p[HR_OUTPUT__COUNT];
	int to[HR_OUTPUT__COUNT] = {copy_to[0], copy_to[1]};
	char buf[65536];

	for (int s = 0; s < HR_OUTPUT__COUNT; s++)
		p[s] = (struct pollfd){.fd = fds[s], .events = POLLIN};
	while (p[HR_OUTPUT_STDOUT].fd >= 0 || p[HR_OUTPUT_STDERR].fd >= 0) {
		if (poll(p, HR_OUTPUT__COUNT, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int s = 0; s < HR_OUTPUT__COUNT; s++) {
			ssize_t n;

			if (p[s].fd < 0 || !(p[s].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[s].fd, buf, sizeof(buf));
			if (n > 0) {
				hr_output_log_write(log, (enum hr_output_stream)s, buf, (size_t)n);
				if (to[s] >= 0 && hr_write_all(to[s], buf, (size_t)n) < 0)
					to[s] = -1;
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR))
				p[s].fd = -1;
		}
	}
}

void hr_output_log_close(struct hr_output_log *log)
{
	/* none, or never opened */
	if (log == NULL || log->record == NULL)
		return;
	for (int s = 0; s < HR_OUTPUT__COUNT; s++) {
		emit(log, (enum hr_output_stream)s, log->pending[s].buf, log->pending[s].len);
		log->pending[s].len = 0;
	}
	if (log->fd >= 0)
		close(log->fd);
	if (log->dirfd >= 0)
		close(log->dirfd);
	log->fd = log->dirfd = -1;
	for (size_t i = 0; i < log->n_secrets; i++) {
		explicit_bzero(log->secrets[i], strlen(log->secrets[i]));
		free(log->secrets[i]);
	}
	free(log->secrets);
	log->secrets = NULL;
	log->n_secrets = 0;
	if (log->record != NULL)
		explicit_bzero(log->record, RECORD_MAX);
	free(log->record);
	log->record = NULL;
	for (int s = 0; s < HR_OUTPUT__COUNT; s++)
		explicit_bzero(log->pending[s].buf, sizeof(log->pending[s].buf));
}

void hr_output_log_wait_pump(int dirfd)
{
	_cleanup_close_ int lock =
	    openat(dirfd, HR_OUTPUT_LOGGER_LOCK, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	for (int waited = 0; lock >= 0 && waited < HR_OUTPUT_LOGGER_WAIT_MS; waited += 10) {
		if (flock(lock, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK)
			return;
		usleep(10 * 1000);
	}
}

/* NAME of dirfd into a new file of destfd; 0 when there is no NAME (nothing copied). */
static int copy_file(int dirfd, const char *name, int destfd, const char *dest, int *kept,
		     struct hr_err *err)
{
	_cleanup_close_ int in = -1, out = -1;
	struct stat st;
	off_t off = 0;

	in = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (in < 0 && errno == ENOENT)
		return 0;
	if (in < 0 || fstat(in, &st) < 0)
		return hr_err_sys(err, "read %s of the state directory", name);
	if (!S_ISREG(st.st_mode))
		return hr_err_set(err, EINVAL, "%s of the state directory is not a file", name);
	out = openat(destfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0)
		return hr_err_sys(err, "create %s/%s", dest, name);
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hr_err_sys(err, "copy %s to %s", name, dest);
		if (n == 0) /* shorter than it was: a logger still writing rotated it */
			return hr_err_set(err, EIO, "copy %s to %s: it shrank while copied", name,
					  dest);
	}
	(*kept)++;
	return 0;
}

static int write_health(int destfd, const char *dest, const struct hr_kv *annotations, size_t n,
			int *kept, struct hr_err *err)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(true);
	_cleanup_close_ int out = -1;
	const unsigned char *buf;
	size_t len;

	if (!hr_health_gen(g, NULL, annotations, n))
		return 0;
	yajl_gen_get_buf(g, &buf, &len);
	out = openat(destfd, "health.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (out < 0)
		return hr_err_sys(err, "create %s/health.json", dest);
	ssize_t written = write(out, buf, len);

	if (written < 0)
		return hr_err_sys(err, "write %s/health.json", dest);
	if (written != (ssize_t)len)
		return hr_err_set(err, EIO, "write %s/health.json: short write", dest);
	(*kept)++;
	return 0;
}

/* A copy that failed leaves no DEST/id behind, which a retry would find in its way. */
static int remove_partial(int destfd, const char *id, int idfd)
{
	char name[sizeof(HR_OUTPUT_LOG_NAME) + 8];

	for (unsigned i = 0; i < HR_OUTPUT_LOG_FILES_MAX; i++) {
		file_name(name, sizeof(name), i);
		unlinkat(idfd, name, 0);
	}
	unlinkat(idfd, "health.json", 0);
	unlinkat(destfd, id, AT_REMOVEDIR);
	return -1;
}

int hr_output_log_keep(int dirfd, const char *id, const struct hr_kv *annotations,
		       size_t n_annotations, const char *dest, int *kept, struct hr_err *err)
{
	_cleanup_close_ int destfd = -1, idfd = -1;
	char name[sizeof(HR_OUTPUT_LOG_NAME) + 8], path[PATH_MAX];

	*kept = 0;
	hr_output_log_wait_pump(dirfd);
	if (mkdir(dest, 0700) < 0 && errno != EEXIST)
		return hr_err_sys(err, "--keep-logs: create %s", dest);
	destfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (destfd < 0)
		return hr_err_sys(err, "--keep-logs: open %s", dest);
	snprintf(path, sizeof(path), "%s/%s", dest, id);
	if (mkdirat(destfd, id, 0700) < 0)
		return hr_err_sys(err, "--keep-logs: create %s%s", path,
				  errno == EEXIST ? " (the logs of an earlier container are there)"
						  : "");
	idfd = openat(destfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (idfd < 0)
		return hr_err_sys(err, "--keep-logs: open %s", path);
	for (unsigned i = 0; i < HR_OUTPUT_LOG_FILES_MAX; i++) {
		file_name(name, sizeof(name), i);
		if (copy_file(dirfd, name, idfd, path, kept, err) < 0)
			return remove_partial(destfd, id, idfd);
	}
	if (write_health(idfd, path, annotations, n_annotations, kept, err) < 0)
		return remove_partial(destfd, id, idfd);
	return 0;
}
