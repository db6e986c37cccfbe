/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sealed_exe.h"

#include <elf.h>
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

/*
 * How much of the binary the copy needs: up to the end of the last part a program header
 * describes (the loadable segments, the interpreter's name, notes). What follows, debug
 * information and the symbol and section tables, is never mapped: a -g build is three times
 * the size of what runs. The whole file when it is not the ELF this was built as.
 */
static off_t mapped_extent(int exe, off_t size, Elf64_Ehdr *eh)
{
	Elf64_Phdr ph[64];
	off_t end;

	if (pread(exe, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(ph[0]) || eh->e_phnum == 0 ||
	    eh->e_phnum > sizeof(ph) / sizeof(ph[0]))
		return size;
	if (pread(exe, ph, eh->e_phnum * sizeof(ph[0]), (off_t)eh->e_phoff) !=
	    (ssize_t)(eh->e_phnum * sizeof(ph[0])))
		return size;
	end = (off_t)(eh->e_phoff + eh->e_phnum * sizeof(ph[0]));
	for (size_t i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_filesz > 0 && (off_t)(ph[i].p_offset + ph[i].p_filesz) > end)
			end = (off_t)(ph[i].p_offset + ph[i].p_filesz);
	}
	return end < size ? end : size;
}

/* Copies the first len bytes; a shortened copy's header names no section headers any more. */
static int copy_image(int exe, int copy, off_t len, off_t size, Elf64_Ehdr *eh, struct hr_err *err)
{
	for (off_t left = len; left > 0;) {
		ssize_t n = sendfile(copy, exe, NULL, (size_t)left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hr_err_sys(err, "copy hardrun into a memfd");
		left -= n;
	}
	if (len == size)
		return 0;
	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = SHN_UNDEF;
	if (pwrite(copy, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh))
		return hr_err_sys(err, "write the header of the copy of hardrun");
	return 0;
}

int hr_reexec_from_sealed_copy(struct hr_err *err)
{
	_cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int copy = -1;
	struct stat st;
	Elf64_Ehdr eh;
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
	if (copy_image(exe, copy, mapped_extent(exe, st.st_size, &eh), st.st_size, &eh, err) < 0)
		return -1;
	if (fcntl(copy, F_ADD_SEALS, REQUIRED_SEALS) < 0)
		return hr_err_sys(err, "seal the copy of hardrun");
	syscall(SYS_execveat, copy, "", remembered_argv, environ, AT_EMPTY_PATH);
	return hr_err_sys(err, "execute the sealed copy of hardrun");
}
