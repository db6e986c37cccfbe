/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sealed_exe.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "arena.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static char **remembered_argv;

void hr_sealed_exe_remember(int argc, char **argv)
{
	remembered_argv = hr_xcalloc((size_t)argc + 1, sizeof(*argv));
	memcpy(remembered_argv, argv, (size_t)argc * sizeof(*argv));
}

int hr_reexec_from_sealed_copy(struct hr_err *err)
{
	_cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int copy = -1;
	struct stat st;
	int seals;

	if (remembered_argv == NULL)
		return hr_err_set(err, EINVAL, "re-execute hardrun: no command line remembered");
	if (exe < 0)
		return hr_err_sys(err, "open /proc/self/exe");
	seals = fcntl(exe, F_GET_SEALS);
	if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS)
		return 0;
	if (fstat(exe, &st) < 0)
		return hr_err_sys(err, "stat /proc/self/exe");
	copy = memfd_create("hardrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return hr_err_sys(err, "memfd_create for a sealed copy of hardrun");
	for (off_t left = st.st_size; left > 0;) {
		ssize_t n = sendfile(copy, exe, NULL, (size_t)left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hr_err_sys(err, "copy hardrun into a memfd");
		left -= n;
	}
	if (fcntl(copy, F_ADD_SEALS, REQUIRED_SEALS) < 0)
		return hr_err_sys(err, "seal the copy of hardrun");
	syscall(SYS_execveat, copy, "", remembered_argv, environ, AT_EMPTY_PATH);
	return hr_err_sys(err, "execute the sealed copy of hardrun");
}
