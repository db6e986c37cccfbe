/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_VERSION_H
#define HR_VERSION_H

#include <stdio.h>

/*
 * `hardrun --version`:
 *   hardrun version X.Y.Z
 *   commit: <git commit>
 *   spec: 1.3.0
 *   +SECCOMP +CAP ...
 * The feature line lists what this build can do (a '+' prefix) or cannot ('-').
 */
void hr_print_version(FILE *out);

#endif
