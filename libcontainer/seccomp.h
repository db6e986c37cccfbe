/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SECCOMP_H
#define HR_SECCOMP_H
#endif
