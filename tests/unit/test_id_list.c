/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hr_id_list_parse: the one parser of "0-3,7" lists (CPUs, memory nodes, cpusets). */
#include <criterion/criterion.h>
#include <limits.h>

#include "libcontainer/id_list.h"

#define BITS (8 * sizeof(unsigned long))

static bool has(const unsigned long *mask, unsigned n)
{
	return (mask[n / BITS] >> (n % BITS)) & 1;
}

static size_t count(const unsigned long *mask, size_t longs)
{
	size_t n = 0;

	for (size_t i = 0; i < longs; i++)
		n += (size_t)__builtin_popcountl(mask[i]);
	return n;
}

Test(id_list, ranges_and_strides_set_their_bits)
{
	static const struct hr_id_list_syntax syntax = {.max = 127, .strides = true};
	unsigned long mask[2] = {~0UL, ~0UL};
	struct hr_id_list_error e;

	cr_assert_eq(hr_id_list_parse("0-7:2/4,100,127", &syntax, mask, &e), 0);
	cr_assert_eq(count(mask, 2), 6, "%zu bits", count(mask, 2));
	cr_assert(has(mask, 0) && has(mask, 1) && !has(mask, 2) && !has(mask, 3));
	cr_assert(has(mask, 4) && has(mask, 5) && !has(mask, 6) && has(mask, 100));
	cr_assert(has(mask, 127));
}

Test(id_list, says_what_is_wrong_and_where)
{
	static const struct hr_id_list_syntax syntax = {.max = 99, .strides = true};
	static const struct {
		const char *text;
		enum hr_id_list_problem problem;
		int where; /* offset in text */
	} cases[] = {
	    {"", HR_ID_LIST_NO_NUMBER, 0},	   {"1,", HR_ID_LIST_NO_NUMBER, 2},
	    {"1-x", HR_ID_LIST_NO_NUMBER, 2},	   {"100", HR_ID_LIST_TOO_LARGE, 0},
	    {"1-100", HR_ID_LIST_TOO_LARGE, 2},	   {"5-2", HR_ID_LIST_REVERSED, 0},
	    {"0-9:0/2", HR_ID_LIST_BAD_STRIDE, 3}, {"0-9:3/2", HR_ID_LIST_BAD_STRIDE, 3},
	    {"0-9:3", HR_ID_LIST_UNEXPECTED, 5},   {"1;2", HR_ID_LIST_UNEXPECTED, 1},
	    {" 1", HR_ID_LIST_NO_NUMBER, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hr_id_list_error e;

		cr_expect_eq(hr_id_list_parse(cases[i].text, &syntax, NULL, &e), -1, "\"%s\"",
			     cases[i].text);
		cr_expect_eq(e.problem, cases[i].problem, "\"%s\": problem %d", cases[i].text,
			     e.problem);
		cr_expect_eq(e.where - cases[i].text, cases[i].where, "\"%s\": at %td",
			     cases[i].text, e.where - cases[i].text);
	}
}

Test(id_list, options_of_the_syntax)
{
	static const struct hr_id_list_syntax loose = {
	    .max = ULONG_MAX, .spaces = true, .empty = true};
	static const struct hr_id_list_syntax strict = {.max = ULONG_MAX};
	struct hr_id_list_error e;

	cr_assert_eq(hr_id_list_parse("", &loose, NULL, &e), 0);
	cr_assert_eq(hr_id_list_parse(" 2 - 4 , 7 ", &loose, NULL, &e), 0);
	cr_assert_eq(hr_id_list_parse("18446744073709551615", &strict, NULL, &e), 0);
	cr_assert_eq(hr_id_list_parse("18446744073709551616", &strict, NULL, &e), -1);
	cr_assert_eq(e.problem, HR_ID_LIST_TOO_LARGE);
	cr_assert_eq(hr_id_list_parse("0-3:1/2", &strict, NULL, &e), -1,
		     "a stride without strides");
	cr_assert_eq(e.problem, HR_ID_LIST_UNEXPECTED);
}
