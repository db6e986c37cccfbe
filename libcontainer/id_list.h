/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ID_LIST_H
#define HR_ID_LIST_H

/*
 * The kernel's list syntax for CPUs and memory nodes ("0-3,7", as in cpuset.cpus,
 * execCPUAffinity and set_mempolicy's node lists): numbers and ranges N-M separated by
 * commas, with, where the syntax allows them, spaces around the numbers and strides
 * ("0-31:2/8": two of every eight). One parser for every such list; each caller words its
 * own messages from what went wrong and where.
 */
#include <stdbool.h>
#include <stddef.h>

struct hr_id_list_syntax {
	unsigned long max; /* the largest number taken */
	bool spaces;	   /* spaces allowed around each number */
	bool strides;	   /* ":used/group" allowed after a range */
	bool empty;	   /* "" is an empty list rather than a malformed one */
};

enum hr_id_list_problem {
	HR_ID_LIST_OK,
	HR_ID_LIST_NO_NUMBER,  /* no number at where */
	HR_ID_LIST_TOO_LARGE,  /* the number at where is above max */
	HR_ID_LIST_REVERSED,   /* the range first-last ends below where it starts */
	HR_ID_LIST_BAD_STRIDE, /* a stride with used 0, or used above group, at where */
	HR_ID_LIST_UNEXPECTED, /* something else than "," at where */
};

struct hr_id_list_error {
	enum hr_id_list_problem problem;
	const char *where;	   /* in the text */
	unsigned long first, last; /* the range, for HR_ID_LIST_REVERSED */
};

/*
 * Parses text; each number in it is set in mask (max + 1 bits, cleared first) unless mask is
 * NULL. Returns 0, or -1 with *e saying what is wrong.
 */
int hr_id_list_parse(const char *text, const struct hr_id_list_syntax *syntax, unsigned long *mask,
		     struct hr_id_list_error *e);

#endif
