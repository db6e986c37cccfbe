/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.memoryPolicy (libcontainer/mempolicy.c): the node-list parser, the static rules, the
 * plan (with an online-nodes file of the test's own) and the child applying it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child_harness.h"
#include "helpers.h"
#include "libcontainer/mempolicy.h"

#define LB (8 * sizeof(unsigned long))

static bool has_node(const unsigned long *mask, unsigned n)
{
	return (mask[n / LB] >> (n % LB)) & 1;
}

static size_t count_nodes(const unsigned long *mask)
{
	size_t c = 0;

	for (unsigned n = 0; n <= HR_MPOL_MAX_NODE; n++)
		c += has_node(mask, n);
	return c;
}

static void parses(const char *text, size_t count)
{
	unsigned long mask[HR_MPOL_MASK_LONGS];
	struct hr_err err = {0};

	cr_assert_eq(hr_mpol_parse_nodes(text, mask, &err), 0, "\"%s\": %s", text, err.msg);
	cr_assert_eq(count_nodes(mask), count, "\"%s\": %zu nodes, want %zu", text,
		     count_nodes(mask), count);
}

static void refuses(const char *text, const char *needle)
{
	unsigned long mask[HR_MPOL_MASK_LONGS];
	struct hr_err err = {0};

	cr_assert_eq(hr_mpol_parse_nodes(text, mask, &err), -1, "\"%s\" was accepted", text);
	cr_assert_eq(err.errnum, EINVAL);
	cr_assert(strstr(err.msg, needle) != NULL, "\"%s\": \"%s\" lacks \"%s\"", text, err.msg,
		  needle);
}

Test(mempolicy, node_lists)
{
	unsigned long mask[HR_MPOL_MASK_LONGS];
	struct hr_err err = {0};

	parses("", 0);
	parses("0", 1);
	parses("0-3,7", 5);
	parses("7,0-3", 5);
	parses("1,1,1-2", 2);
	parses("0-1023", 1024);
	cr_assert_eq(hr_mpol_parse_nodes("2-4,64", mask, &err), 0);
	cr_assert(!has_node(mask, 1) && has_node(mask, 2) && has_node(mask, 4));
	cr_assert(!has_node(mask, 5) && has_node(mask, 64) && !has_node(mask, 63));
	cr_assert(!hr_mpol_nodes_empty(mask));
	cr_assert_eq(hr_mpol_parse_nodes("", mask, &err), 0);
	cr_assert(hr_mpol_nodes_empty(mask));
}

Test(mempolicy, malformed_node_lists)
{
	const char *bad[] = {",",  "0,", ",0",	"0,,1", "-1",  "1-",  "0-1-2", " 0",
			     "0 ", "a",	 "0x1", "+1",	"1;2", "0-a", "1 - 2"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refuses(bad[i], "is not a node list");
	refuses("3-1", "\"3-1\": the range 3-1 goes backwards");
	refuses("1024", "node numbers go up to 1023");
	refuses("0-99999999999999999999", "node numbers go up to 1023");
}

Test(mempolicy, names)
{
	cr_assert_eq(hr_mpol_mode_from_name("MPOL_PREFERRED_MANY"), HR_MPOL_PREFERRED_MANY);
	cr_assert_eq(hr_mpol_mode_from_name("MPOL_WEIGHTED_INTERLEAVE"), 6);
	cr_assert_eq(hr_mpol_mode_from_name("mpol_bind"), -1);
	cr_assert_str_eq(hr_mpol_mode_name(HR_MPOL_LOCAL), "MPOL_LOCAL");
	cr_assert_null(hr_mpol_mode_name(7));
	cr_assert_eq(hr_mpol_flag_from_name("MPOL_F_STATIC_NODES"), 1U << 15);
	cr_assert_eq(hr_mpol_flag_from_name("MPOL_F_NUMA_BALANCING"), 1U << 13);
	cr_assert_eq(hr_mpol_flag_from_name("MPOL_F_NODE"), 0);
	cr_assert_str_eq(hr_mpol_flag_name(HR_MPOL_F_RELATIVE_NODES), "MPOL_F_RELATIVE_NODES");
}

Test(mempolicy, static_rules)
{
	unsigned int st = HR_MPOL_F_STATIC_NODES, rel = HR_MPOL_F_RELATIVE_NODES;
	unsigned int nb = HR_MPOL_F_NUMA_BALANCING;

	cr_assert_null(hr_mpol_flag_problem(HR_MPOL_BIND, 0, st));
	cr_assert_null(hr_mpol_flag_problem(HR_MPOL_BIND, st, nb));
	cr_assert_null(hr_mpol_flag_problem(HR_MPOL_PREFERRED_MANY, 0, nb));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_BIND, st, rel));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_BIND, rel, st));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_BIND, st, st));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_INTERLEAVE, 0, nb));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_DEFAULT, 0, nb));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_LOCAL, 0, rel));
	cr_assert_not_null(hr_mpol_flag_problem(HR_MPOL_DEFAULT, 0, st));

	cr_assert_null(hr_mpol_nodes_problem(HR_MPOL_DEFAULT, 0, true));
	cr_assert_null(hr_mpol_nodes_problem(HR_MPOL_LOCAL, 0, true));
	cr_assert_null(hr_mpol_nodes_problem(HR_MPOL_PREFERRED, 0, true));
	cr_assert_null(hr_mpol_nodes_problem(HR_MPOL_WEIGHTED_INTERLEAVE, 0, false));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_DEFAULT, 0, false));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_LOCAL, 0, false));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_BIND, 0, true));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_INTERLEAVE, 0, true));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_PREFERRED_MANY, 0, true));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_WEIGHTED_INTERLEAVE, 0, true));
	cr_assert_not_null(hr_mpol_nodes_problem(HR_MPOL_PREFERRED, st, true));
}

/* A plan built against an online-nodes file saying online. */
static int build(const struct hr_mempolicy *mp, const char *online, struct hr_mpol_plan *plan,
		 struct hr_err *err)
{
	char *path = hrt_write_temp(online, strlen(online));
	int rc = hr_mpol_plan_build(mp, path, plan, err);

	unlink(path);
	free(path);
	return rc;
}

static struct hr_mempolicy policy(int mode, unsigned int flags, const char *nodes)
{
	struct hr_mempolicy mp = {.mode = mode, .flags = flags};
	struct hr_err err = {0};

	cr_assert_eq(hr_mpol_parse_nodes(nodes, mp.nodes, &err), 0, "%s", err.msg);
	return mp;
}

Test(mempolicy, plan)
{
	struct hr_mempolicy mp = policy(HR_MPOL_BIND, HR_MPOL_F_STATIC_NODES, "0-1");
	struct hr_mpol_plan plan;
	struct hr_err err = {0};

	cr_assert_eq(build(&mp, "0-1\n", &plan, &err), 0, "%s", err.msg);
	cr_assert_eq(plan.mode, HR_MPOL_BIND);
	cr_assert_eq(plan.flags, HR_MPOL_F_STATIC_NODES);
	cr_assert_str_eq(plan.mode_name, "MPOL_BIND");
	cr_assert_eq(plan.nodes[0], 3);
	cr_assert_eq(plan.maxnode, HR_MPOL_MAX_NODE + 2);

	cr_assert_eq(build(&mp, "0\n", &plan, &err), -1);
	cr_assert(strstr(err.msg, "linux.memoryPolicy.nodes: node 1 is not online on this "
				  "machine (") != NULL,
		  "%s", err.msg);

	/* relative node numbers are not node IDs */
	mp = policy(HR_MPOL_INTERLEAVE, HR_MPOL_F_RELATIVE_NODES, "3");
	cr_assert_eq(build(&mp, "0\n", &plan, &err), 0, "%s", err.msg);

	mp = policy(HR_MPOL_LOCAL, 0, "");
	cr_assert_eq(build(&mp, "0\n", &plan, &err), 0, "%s", err.msg);
	cr_assert_eq(plan.maxnode, 0);

	/* a struct built by other means is checked again, with its path */
	mp = policy(HR_MPOL_BIND, HR_MPOL_F_STATIC_NODES | HR_MPOL_F_RELATIVE_NODES, "0");
	cr_assert_eq(build(&mp, "0\n", &plan, &err), -1);
	cr_assert(strstr(err.msg, "linux.memoryPolicy.flags: ") == err.msg, "%s", err.msg);
	mp = policy(9, 0, "0");
	cr_assert_eq(build(&mp, "0\n", &plan, &err), -1);
	cr_assert_str_eq(err.msg, "linux.memoryPolicy.mode: unknown mode 9: Invalid argument");
	mp = policy(HR_MPOL_DEFAULT, 0, "0");
	cr_assert_eq(build(&mp, "0\n", &plan, &err), -1);
	cr_assert(strstr(err.msg, "linux.memoryPolicy.nodes: must be empty") == err.msg, "%s",
		  err.msg);
}

Test(mempolicy, plan_probes_the_kernel)
{
	/* what this kernel takes: MPOL_WEIGHTED_INTERLEAVE came with Linux 6.9 */
	struct hr_mempolicy mp = policy(HR_MPOL_WEIGHTED_INTERLEAVE, 0, "0");
	struct hr_mpol_plan plan;
	struct hr_err err = {0};
	int rc = build(&mp, "0\n", &plan, &err);
	int before = -1, after = -1;

	if (access("/sys/kernel/mm/mempolicy/weighted_interleave", F_OK) == 0) {
		cr_assert_eq(rc, 0, "%s", err.msg);
	} else {
		cr_assert_eq(rc, -1);
		cr_assert(strstr(err.msg, "linux.memoryPolicy.mode: MPOL_WEIGHTED_INTERLEAVE is "
					  "not supported by this kernel (") == err.msg,
			  "%s", err.msg);
	}
	/* probing leaves the caller's own policy as it was */
	mp = policy(HR_MPOL_BIND, 0, "0");
	cr_assert_eq(syscall(SYS_get_mempolicy, &before, NULL, 0, NULL, 0), 0);
	cr_assert_eq(build(&mp, "0\n", &plan, &err), 0, "%s", err.msg);
	cr_assert_eq(syscall(SYS_get_mempolicy, &after, NULL, 0, NULL, 0), 0);
	cr_assert_eq(before, after);
	cr_assert_neq(after, HR_MPOL_BIND);
}

/* The child applies a plan: its own policy is then MPOL_INTERLEAVE on node 0. */
static int child_apply(const char *arg, char *msg, size_t size)
{
	struct hr_mempolicy mp = {.mode = HR_MPOL_INTERLEAVE};
	struct hr_mpol_plan plan;
	struct hr_err err = {0};
	unsigned long got[HR_MPOL_MASK_LONGS] = {0};
	int mode = -1;

	(void)arg;
	mp.nodes[0] = 1;
	if (hr_mpol_plan_build(&mp, HR_MPOL_ONLINE_NODES, &plan, &err) < 0 ||
	    hr_mpol_apply(&plan, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	if (syscall(SYS_get_mempolicy, &mode, got, HR_MPOL_MAX_NODE + 2, NULL, 0) < 0)
		return hrc_fail(msg, size, "get_mempolicy: %s", strerror(errno));
	if (mode != HR_MPOL_INTERLEAVE || got[0] != 1)
		return hrc_fail(msg, size, "mode %d nodes %#lx, want 3 and 0x1", mode, got[0]);
	return 0;
}

Test(mempolicy, child_applies)
{
	hrc_expect_ok("mempolicy/apply", "");
}

static const struct hrc_case mempolicy_cases[] = {
    {"mempolicy/apply", child_apply},
};

__attribute__((constructor)) static void mempolicy_dispatch(void)
{
	hrc_dispatch(mempolicy_cases, sizeof(mempolicy_cases) / sizeof(mempolicy_cases[0]));
}
