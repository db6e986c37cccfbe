/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ERROR_H
#define HR_ERROR_H

#include <stddef.h>

/*
 * The one error convention of hardrun: a function that can fail returns a negative value and
 * fills a caller-provided struct hr_err with the errno (0 when there is none) and a message
 * naming the object, the operation and the cause. The message lives in a fixed buffer so that
 * the container's child side can report an error after clone without allocating.
 * main() prints it once.
 */
#define HR_ERR_MSG_MAX 1024

struct hr_err {
	int errnum;
	char msg[HR_ERR_MSG_MAX];
};

/* Sets the error; when errnum != 0 appends ": strerror(errnum)". Always returns -1. */
int hr_err_set(struct hr_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same as hr_err_set(err, errno, ...), errno read before anything else runs. */
int hr_err_sys(struct hr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepends "context: " to the message already in err. Always returns -1. */
int hr_err_prefix(struct hr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void hr_err_clear(struct hr_err *err);

/*
 * A list of diagnostics, for the places that report every problem they find (validation)
 * rather than stopping at the first one.
 */
struct hr_diags {
	char **msgs;
	size_t len;
	size_t cap;
	size_t dropped; /* messages beyond HR_DIAGS_MAX, counted but not stored */
};

#define HR_DIAGS_MAX 256

void hr_diags_add(struct hr_diags *diags, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hr_diags_free(struct hr_diags *diags);

/* Moves the first diagnostic (and the count of the others) into err; returns -1. */
int hr_diags_to_err(const struct hr_diags *diags, struct hr_err *err);

#endif
