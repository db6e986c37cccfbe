/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CAPABILITIES_H
#define HR_CAPABILITIES_H

/*
 * Capability names as the runtime-spec writes them ("CAP_SYS_ADMIN", upper case, with the
 * prefix) and their CAP_* numbers from <linux/capability.h>. The table is hardrun's own, so that
 * what a config may name does not depend on the libcap-ng found at build time; numbers are
 * below 64 so that a set fits a uint64_t bit mask.
 */
#include <stddef.h>
#include <stdint.h>

/* The CAP_* number of name, or -1 when this build does not know it (case-sensitive). */
int hr_cap_from_name(const char *name);
/* "CAP_SYS_ADMIN" for 21; NULL for a number outside 0..hr_cap_last(). */
const char *hr_cap_name(int cap);
/* The highest capability number this build knows (CAP_CHECKPOINT_RESTORE, 40). */
int hr_cap_last(void);
/* How many capabilities this build knows: hr_cap_last() + 1 (numbers are contiguous). */
size_t hr_cap_count(void);
/*
 * The capabilities of a bit mask for a message, "CAP_KILL, CAP_NET_BIND_SERVICE" ("capability
 * 50" for a number this build does not name), cut at size; returns buf.
 */
const char *hr_cap_list(uint64_t mask, char *buf, size_t size);

#endif
