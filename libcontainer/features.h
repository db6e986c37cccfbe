/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_FEATURES_H
#define HR_FEATURES_H
#endif
