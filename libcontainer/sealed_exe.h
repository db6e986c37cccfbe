/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SEALED_EXE_H
#define HR_SEALED_EXE_H

/*
 * Protection against overwriting the host's hardrun binary through /proc/<pid>/exe
 * (CVE-2019-5736 class). While a container's init or an exec'd process runs hardrun's code
 * inside the container, /proc/<pid>/exe names hardrun; a container process that can open it
 * could keep it open and write to the host binary later. So the commands that put hardrun's
 * code into a container re-execute hardrun from a sealed memfd copy first: its exe is then a
 * memory file that can be neither written nor resized.
 */
#include "error.h"

/* Returns only on error or when already running from a sealed copy (then 0). */
int hr_reexec_from_sealed_copy(char **argv, struct hr_err *err);

#endif
