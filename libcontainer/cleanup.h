/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CLEANUP_H
#define HR_CLEANUP_H

/*
 * __attribute__((cleanup)) helpers, as in systemd and crun: a variable declared with one of
 * these is released when it goes out of scope, so early returns on error cannot leak.
 * Use steal_pointer()/steal_fd() to hand ownership to the caller.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void hr_freep(void *p)
{
	free(*(void **)p);
}

static inline void hr_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void hr_fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

static inline void hr_closedirp(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

/* Frees a NULL-terminated array of strings and the array. */
static inline void hr_strv_freep(char ***v)
{
	if (*v == NULL)
		return;
	for (char **s = *v; *s != NULL; s++)
		free(*s);
	free(*v);
}

#define _cleanup_free_	 __attribute__((cleanup(hr_freep)))
#define _cleanup_close_	 __attribute__((cleanup(hr_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(hr_fclosep)))
#define _cleanup_dir_	 __attribute__((cleanup(hr_closedirp)))
#define _cleanup_strv_	 __attribute__((cleanup(hr_strv_freep)))

static inline void *hr_steal_pointer(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}

static inline int hr_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#define steal_pointer(pp) hr_steal_pointer(pp)
#define steal_fd(fd)	  hr_steal_fd(fd)

#endif
