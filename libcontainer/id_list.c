/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "id_list.h"

#include <limits.h>
#include <string.h>

#define LONG_BITS (sizeof(unsigned long) * CHAR_BIT)

static int problem(struct hr_id_list_error *e, enum hr_id_list_problem what, const char *where)
{
	e->problem = what;
	e->where = where;
	return -1;
}

static const char *skip_spaces(const char *s, const struct hr_id_list_syntax *syntax)
{
	while (syntax->spaces && *s == ' ')
		s++;
	return s;
}

/* A decimal number at *p (within the spaces the syntax allows), at most max; advances *p. */
static int parse_number(const char **p, unsigned long max, const struct hr_id_list_syntax *syntax,
			unsigned long *out, struct hr_id_list_error *e)
{
	const char *s = skip_spaces(*p, syntax), *start = s;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return problem(e, HR_ID_LIST_NO_NUMBER, s);
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned long digit = (unsigned long)(*s - '0');

		if (v > (max - digit) / 10)
			return problem(e, HR_ID_LIST_TOO_LARGE, start);
		v = v * 10 + digit;
	}
	*p = skip_spaces(s, syntax);
	*out = v;
	return 0;
}

/* ":used/group" after a range, where the syntax takes it. */
static int parse_stride(const char **p, const struct hr_id_list_syntax *syntax, unsigned long *used,
			unsigned long *group, struct hr_id_list_error *e)
{
	const char *start = *p;

	*used = *group = 1;
	if (!syntax->strides || **p != ':')
		return 0;
	(*p)++;
	if (parse_number(p, ULONG_MAX, syntax, used, e) < 0)
		return -1;
	if (**p != '/')
		return problem(e, HR_ID_LIST_UNEXPECTED, *p);
	(*p)++;
	if (parse_number(p, ULONG_MAX, syntax, group, e) < 0)
		return -1;
	if (*used == 0 || *used > *group)
		return problem(e, HR_ID_LIST_BAD_STRIDE, start);
	return 0;
}

static void set_range(unsigned long *mask, unsigned long first, unsigned long last,
		      unsigned long used, unsigned long group)
{
	if (mask == NULL)
		return;
	for (unsigned long n = first; n <= last; n++) {
		if ((n - first) % group < used)
			mask[n / LONG_BITS] |= 1UL << (n % LONG_BITS);
		if (n == last)
			break;
	}
}

int hr_id_list_parse(const char *text, const struct hr_id_list_syntax *syntax, unsigned long *mask,
		     struct hr_id_list_error *e)
{
	const char *p = text;

	memset(e, 0, sizeof(*e));
	if (mask != NULL)
		memset(mask, 0, (syntax->max / LONG_BITS + 1) * sizeof(unsigned long));
	if (*text == '\0' && syntax->empty)
		return 0;
	for (;;) {
		unsigned long first, last, used, group;

		if (parse_number(&p, syntax->max, syntax, &first, e) < 0)
			return -1;
		last = first;
		if (*p == '-') {
			p++;
			if (parse_number(&p, syntax->max, syntax, &last, e) < 0)
				return -1;
			if (last < first) {
				e->first = first;
				e->last = last;
				return problem(e, HR_ID_LIST_REVERSED, text);
			}
		}
		if (parse_stride(&p, syntax, &used, &group, e) < 0)
			return -1;
		set_range(mask, first, last, used, group);
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return problem(e, HR_ID_LIST_UNEXPECTED, p);
		p++;
	}
}
