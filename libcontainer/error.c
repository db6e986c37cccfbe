/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append_strerror(struct hr_err *err)
{
	size_t used = strnlen(err->msg, sizeof(err->msg));
	char buf[128];
	const char *desc = strerror_r(err->errnum, buf, sizeof(buf));

	if (used < sizeof(err->msg))
		snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", desc);
}

static int vset(struct hr_err *err, int errnum, const char *fmt, va_list ap)
{
	err->errnum = errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (errnum != 0)
		append_strerror(err);
	return -1;
}

int hr_err_set(struct hr_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int hr_err_sys(struct hr_err *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vset(err, saved, fmt, ap);
	va_end(ap);
	return -1;
}

int hr_err_prefix(struct hr_err *err, const char *fmt, ...)
{
	char prefix[HR_ERR_MSG_MAX];
	char old[HR_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void hr_err_clear(struct hr_err *err)
{
	err->errnum = 0;
	err->msg[0] = '\0';
}

void hr_diags_add(struct hr_diags *diags, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	if (diags->len >= HR_DIAGS_MAX) {
		diags->dropped++;
		return;
	}
	if (diags->len == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 8;
		char **grown = realloc(diags->msgs, cap * sizeof(*grown));

		if (grown == NULL) {
			diags->dropped++;
			return;
		}
		diags->msgs = grown;
		diags->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL) {
		diags->dropped++;
		return;
	}
	diags->msgs[diags->len++] = msg;
}

void hr_diags_free(struct hr_diags *diags)
{
	for (size_t i = 0; i < diags->len; i++)
		free(diags->msgs[i]);
	free(diags->msgs);
	diags->msgs = NULL;
	diags->len = diags->cap = diags->dropped = 0;
}

int hr_diags_to_err(const struct hr_diags *diags, struct hr_err *err)
{
	size_t others = diags->len + diags->dropped;

	if (diags->len == 0)
		return hr_err_set(err, EINVAL, "invalid input");
	others--;
	if (others == 0)
		return hr_err_set(err, EINVAL, "%s", diags->msgs[0]);
	return hr_err_set(err, EINVAL, "%s (and %zu more problem%s)", diags->msgs[0], others,
			  others == 1 ? "" : "s");
}
