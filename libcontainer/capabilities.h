/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CAPABILITIES_H
#define HR_CAPABILITIES_H
#endif
