/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SPEC_H
#define HR_SPEC_H
#endif
