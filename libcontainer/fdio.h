/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_FDIO_H
#define HR_FDIO_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/*
 * Writes all of buf to fd, again after EINTR and short writes: 0, or -1 with errno (EIO when
 * the fd took nothing, which write(2) only does for a zero-length request).
 */
static inline int hr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif
