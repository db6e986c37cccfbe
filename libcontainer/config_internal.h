/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_INTERNAL_H
#define HR_CONFIG_INTERNAL_H
#include "config.h"
#endif
