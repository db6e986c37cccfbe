/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SEALED_EXE_H
#define HR_SEALED_EXE_H

/*
 * Protection against overwriting the host's hardrun binary through /proc/<pid>/exe
 * (CVE-2019-5736 class). While a process runs hardrun's code where a container's processes can
 * see it, /proc/<pid>/exe names hardrun; a container process that can open it could keep it
 * open and write to the host binary later. Such a process re-executes hardrun from a sealed
 * memfd copy first: its exe is then a memory file that can be neither written nor resized.
 * The copy holds the part of the binary its program headers describe, what the kernel and the
 * loader map; the debug information and section tables after it are left out.
 *
 * The copy and the second execution cost a few milliseconds, so it is made only where hardrun's
 * code and a container's processes can meet: every exec (and health probe), and a container
 * whose init can be seen by a process of the container while it is still hardrun's code (see
 * container.c, init_needs_sealed_copy). docs/architecture.md writes the trade-off down.
 */
#include "error.h"

/* Keeps a copy of main's argument vector (getopt reorders the original) for a re-execution. */
void hr_sealed_exe_remember(int argc, char **argv);

/*
 * Re-executes the remembered command line from a sealed copy of hardrun. Returns only on error,
 * or at once with 0 when this process already runs from a sealed copy. Call it before anything
 * is created or printed: the command starts over in the copy.
 */
int hr_reexec_from_sealed_copy(struct hr_err *err);

#endif
