/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ENVFILE_H
#define HR_ENVFILE_H
#endif
