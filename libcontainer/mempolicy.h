/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_MEMPOLICY_H
#define HR_MEMPOLICY_H

/*
 * linux.memoryPolicy: the NUMA memory policy of the container's processes, set with
 * set_mempolicy(2) in the child before execve (the policy survives execve).
 *
 *   config reader (parent):  hr_mpol_mode_from_name, hr_mpol_flag_from_name,
 *                            hr_mpol_parse_nodes, hr_mpol_flag_problem, hr_mpol_nodes_problem
 *                            (static rules: validate and create agree on them)
 *   plan (parent, create):   hr_mpol_plan_build: the static rules again, then what depends on
 *                            the machine: the mode and flags this kernel takes (probed without
 *                            changing the caller's policy), the nodes that are online
 *   child:                   hr_mpol_apply: one system call, nothing parsed, nothing allocated
 */
#include <stdbool.h>
#include <stddef.h>

#include "config_model.h"
#include "error.h"

/* Where the online nodes are listed ("0-1,3"). */
#define HR_MPOL_ONLINE_NODES "/sys/devices/system/node/online"

struct hr_mpol_plan {
	int mode;	       /* HR_MPOL_* */
	unsigned int flags;    /* HR_MPOL_F_* */
	unsigned long maxnode; /* set_mempolicy's maxnode: 0 when there are no nodes */
	const char *mode_name; /* "MPOL_BIND", for messages */
	unsigned long nodes[HR_MPOL_MASK_LONGS];
};

/* "MPOL_BIND" -> HR_MPOL_BIND; -1 when unknown. */
int hr_mpol_mode_from_name(const char *name);
/* HR_MPOL_BIND -> "MPOL_BIND"; NULL for another value. */
const char *hr_mpol_mode_name(int mode);
/* "MPOL_F_STATIC_NODES" -> HR_MPOL_F_STATIC_NODES; 0 when unknown. */
unsigned int hr_mpol_flag_from_name(const char *name);
/* One HR_MPOL_F_* bit -> its name; NULL for another value. */
const char *hr_mpol_flag_name(unsigned int flag);

/*
 * Parses a node list ("0-3,7": decimal node numbers and ranges N-M with N <= M, separated by
 * commas, nothing else) into mask (zeroed first). An empty text is the empty set. Fails (EINVAL,
 * a message without any JSON path) on anything else or a node above HR_MPOL_MAX_NODE.
 */
int hr_mpol_parse_nodes(const char *text, unsigned long mask[HR_MPOL_MASK_LONGS],
			struct hr_err *err);
bool hr_mpol_nodes_empty(const unsigned long mask[HR_MPOL_MASK_LONGS]);

/*
 * Why flag cannot be added to a policy of this mode that already has the flags `earlier`
 * (a duplicate, MPOL_F_STATIC_NODES with MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING with a
 * mode other than MPOL_BIND or MPOL_PREFERRED_MANY, a node flag on a mode without nodes); NULL
 * when it can.
 */
const char *hr_mpol_flag_problem(int mode, unsigned int earlier, unsigned int flag);

/*
 * Why this mode cannot have these nodes (empty or not) with these flags: MPOL_DEFAULT and
 * MPOL_LOCAL take none, MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE and
 * MPOL_PREFERRED_MANY need some, MPOL_PREFERRED with a node flag needs some. NULL when it can.
 */
const char *hr_mpol_nodes_problem(int mode, unsigned int flags, bool empty);

/*
 * The plan for the child. Checks mp again (for a struct built by other means), then that this
 * kernel knows the mode and each flag (set_mempolicy probed with a nodemask it cannot read:
 * EINVAL means refused, EFAULT accepted, nothing changes), then, unless the nodes are relative
 * (MPOL_F_RELATIVE_NODES), that every node is listed in online_path (HR_MPOL_ONLINE_NODES).
 * Every message names its JSON path (linux.memoryPolicy.mode, .nodes, .flags).
 */
int hr_mpol_plan_build(const struct hr_mempolicy *mp, const char *online_path,
		       struct hr_mpol_plan *plan, struct hr_err *err);

/* Child side: set_mempolicy(2) on the calling thread. Async-signal-safe, no allocation. */
int hr_mpol_apply(const struct hr_mpol_plan *plan, struct hr_err *err);

#endif
