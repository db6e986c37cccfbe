/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "envfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cleanup.h"

static bool is_key_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

bool hr_env_key_valid(const char *s, size_t len)
{
	if (len == 0 || !is_key_start(s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_key_char(s[i]))
			return false;
	return true;
}

bool hr_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t n;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false; /* continuation byte, overlong 2-byte lead, or > U+10FFFF */
		}
		if (len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

static ssize_t find_key(const struct hr_env_list *env, const char *key, size_t klen)
{
	for (size_t i = 0; i < env->len; i++) {
		const char *item = env->items[i];

		if (strncmp(item, key, klen) == 0 && item[klen] == '=')
			return (ssize_t)i;
	}
	return -1;
}

static void free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void hr_env_list_set(struct hr_env_list *env, const char *kv)
{
	ssize_t at = find_key(env, kv, key_len(kv));

	if (at >= 0) {
		free_secret(env->items[at]);
		env->items[at] = hr_xstrdup(kv);
		return;
	}
	if (env->len + 1 >= env->cap) {
		env->cap = env->cap ? env->cap * 2 : 16;
		env->items = hr_xrealloc(env->items, env->cap, sizeof(*env->items));
	}
	env->items[env->len++] = hr_xstrdup(kv);
	env->items[env->len] = NULL;
}

const char *hr_env_list_get(const struct hr_env_list *env, const char *key)
{
	ssize_t at = find_key(env, key, strlen(key));

	return at >= 0 ? env->items[at] : NULL;
}

void hr_env_list_free(struct hr_env_list *env)
{
	for (size_t i = 0; i < env->len; i++)
		free_secret(env->items[i]);
	free(env->items);
	env->items = NULL;
	env->len = env->cap = 0;
}

int hr_env_entry_check(const char *kv, size_t len, struct hr_err *err)
{
	const char *eq = memchr(kv, '=', len);

	if (eq == NULL)
		return hr_err_set(err, 0, "expected KEY=VALUE");
	if (!hr_env_key_valid(kv, (size_t)(eq - kv)))
		return hr_err_set(
		    err, 0, "invalid variable name (expected [A-Za-z_][A-Za-z0-9_]* before '=')");
	if (len >= HR_ENV_ENTRY_MAX)
		return hr_err_set(err, 0, "KEY=VALUE longer than the limit of %d bytes",
				  HR_ENV_ENTRY_MAX - 1);
	if (!hr_utf8_valid(kv, len))
		return hr_err_set(err, 0, "value is not valid UTF-8 or contains a NUL byte");
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int hr_envfile_parse(const char *data, size_t len, const char *name, struct hr_env_list *env,
		     struct hr_err *err)
{
	size_t lineno = 0, pos = 0;

	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		_cleanup_free_ char *entry = NULL;

		pos += line_len + (nl ? 1 : 0);
		lineno++;
		if (line_len > 0 && line[line_len - 1] == '\r')
			line_len--;
		while (line_len > 0 && is_blank(*line)) {
			line++;
			line_len--;
		}
		if (line_len == 0 || line[0] == '#')
			continue;
		if (hr_env_entry_check(line, line_len, err) < 0)
			return hr_err_prefix(err, "%s:%zu", name, lineno);
		entry = hr_xmalloc(line_len + 1);
		memcpy(entry, line, line_len);
		entry[line_len] = '\0';
		hr_env_list_set(env, entry);
		explicit_bzero(entry, line_len);
	}
	return 0;
}

/*
 * One buffer of the maximum size, allocated once: growing it with realloc would leave copies
 * of the secrets in freed memory. Pages never written are never touched.
 */
static int read_secret_file(const char *path, char **data, size_t *len, struct hr_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf;
	size_t used = 0;
	struct stat st;

	if (fd < 0)
		return hr_err_sys(err, "open %s", path);
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat %s", path);
	if (S_ISDIR(st.st_mode))
		return hr_err_set(err, EISDIR, "read %s", path);
	if (S_ISREG(st.st_mode) && st.st_size > HR_ENVFILE_MAX_SIZE)
		return hr_err_set(err, EFBIG, "read %s: larger than the limit of %d bytes", path,
				  HR_ENVFILE_MAX_SIZE);
	buf = hr_xmalloc(HR_ENVFILE_MAX_SIZE + 2);
	for (;;) {
		ssize_t n = read(fd, buf + used, HR_ENVFILE_MAX_SIZE + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || used + (size_t)n > HR_ENVFILE_MAX_SIZE) {
			int saved = n < 0 ? errno : EFBIG;

			explicit_bzero(buf, used + (n > 0 ? (size_t)n : 0));
			free(buf);
			if (saved == EFBIG)
				return hr_err_set(err, EFBIG,
						  "read %s: larger than the limit of %d bytes",
						  path, HR_ENVFILE_MAX_SIZE);
			return hr_err_set(err, saved, "read %s", path);
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	return 0;
}

int hr_envfile_load(const char *path, struct hr_env_list *env, struct hr_err *err)
{
	char *data = NULL;
	size_t len = 0;
	int r;

	if (read_secret_file(path, &data, &len, err) < 0)
		return -1;
	r = hr_envfile_parse(data, len, path, env, err);
	explicit_bzero(data, len);
	free(data);
	return r;
}
