/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ENVFILE_H
#define HR_ENVFILE_H

/*
 * Environment lists and env files (`hardrun spec --env K=V --env-file FILE`).
 *
 * An env file holds one KEY=VALUE per line. Blank lines and lines whose first non-blank
 * character is '#' are skipped; leading spaces and tabs before KEY are ignored; a trailing
 * "\r" (CRLF files) is dropped; VALUE is taken verbatim up to the end of the line (no quote
 * or escape processing, no variable expansion, no "export " prefix). KEY must match
 * [A-Za-z_][A-Za-z0-9_]*. A later definition of a key replaces the earlier one (the first
 * one's position is kept), as docker does.
 *
 * Values are secrets until proven otherwise: no message ever contains a line, a key or a
 * value, only the file name and the line number; memory that held them is cleared before it
 * is freed.
 */
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Env files larger than this are refused. */
#define HR_ENVFILE_MAX_SIZE (1024 * 1024)
/* The kernel's MAX_ARG_STRLEN: execve fails with E2BIG on a longer "KEY=VALUE" string. */
#define HR_ENV_ENTRY_MAX (32 * 4096)

/* "KEY=VALUE" strings in insertion order, each key at most once; heap-allocated. */
struct hr_env_list {
	char **items;
	size_t len;
	size_t cap;
};

/* True when s[0..len) matches [A-Za-z_][A-Za-z0-9_]*. */
bool hr_env_key_valid(const char *s, size_t len);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no NUL). */
bool hr_utf8_valid(const char *s, size_t len);

/*
 * Adds "KEY=VALUE" (kv must contain '=' after a valid key: callers check with
 * hr_env_entry_check), replacing an entry with the same key.
 */
void hr_env_list_set(struct hr_env_list *env, const char *kv);
/* The entry for key, or NULL. */
const char *hr_env_list_get(const struct hr_env_list *env, const char *key);
/* Clears every string before freeing it. */
void hr_env_list_free(struct hr_env_list *env);

/*
 * Checks one "KEY=VALUE" entry of length len: a valid key, an '=', valid UTF-8, and a length
 * below HR_ENV_ENTRY_MAX. On failure returns -1 with a message that describes the problem
 * without quoting any part of the entry ("expected KEY=VALUE", "invalid variable name", ...).
 */
int hr_env_entry_check(const char *kv, size_t len, struct hr_err *err);

/*
 * Parses an env file's text into env. name is what messages call the file. On the first bad
 * line returns -1 with "NAME:LINE: expected KEY=VALUE" (or "invalid variable name", ...).
 * Entries of lines before a bad one may already have been added.
 */
int hr_envfile_parse(const char *data, size_t len, const char *name, struct hr_env_list *env,
		     struct hr_err *err);

/* Reads and parses the file at path (a regular file, a pipe or a /dev/fd/N). */
int hr_envfile_load(const char *path, struct hr_env_list *env, struct hr_err *err);

static inline void hr_env_list_freep(struct hr_env_list *env)
{
	hr_env_list_free(env);
}
#define _cleanup_env_list_ __attribute__((cleanup(hr_env_list_freep)))

#endif
