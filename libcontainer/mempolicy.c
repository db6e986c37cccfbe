/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mempolicy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "id_list.h"

#define LONG_BITS (8 * sizeof(unsigned long))

static const struct {
	const char *name;
	int mode;
} mode_table[] = {
    {"MPOL_DEFAULT", HR_MPOL_DEFAULT},
    {"MPOL_BIND", HR_MPOL_BIND},
    {"MPOL_INTERLEAVE", HR_MPOL_INTERLEAVE},
    {"MPOL_WEIGHTED_INTERLEAVE", HR_MPOL_WEIGHTED_INTERLEAVE},
    {"MPOL_PREFERRED", HR_MPOL_PREFERRED},
    {"MPOL_PREFERRED_MANY", HR_MPOL_PREFERRED_MANY},
    {"MPOL_LOCAL", HR_MPOL_LOCAL},
};

static const struct {
	const char *name;
	unsigned int flag;
} flag_table[] = {
    {"MPOL_F_NUMA_BALANCING", HR_MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", HR_MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", HR_MPOL_F_STATIC_NODES},
};

int hr_mpol_mode_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(mode_table) / sizeof(mode_table[0]); i++)
		if (strcmp(mode_table[i].name, name) == 0)
			return mode_table[i].mode;
	return -1;
}

const char *hr_mpol_mode_name(int mode)
{
	for (size_t i = 0; i < sizeof(mode_table) / sizeof(mode_table[0]); i++)
		if (mode_table[i].mode == mode)
			return mode_table[i].name;
	return NULL;
}

unsigned int hr_mpol_flag_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(flag_table) / sizeof(flag_table[0]); i++)
		if (strcmp(flag_table[i].name, name) == 0)
			return flag_table[i].flag;
	return 0;
}

const char *hr_mpol_flag_name(unsigned int flag)
{
	for (size_t i = 0; i < sizeof(flag_table) / sizeof(flag_table[0]); i++)
		if (flag_table[i].flag == flag)
			return flag_table[i].name;
	return NULL;
}

int hr_mpol_parse_nodes(const char *text, unsigned long mask[HR_MPOL_MASK_LONGS],
			struct hr_err *err)
{
	static const struct hr_id_list_syntax syntax = {.max = HR_MPOL_MAX_NODE, .empty = true};
	struct hr_id_list_error e;

	if (hr_id_list_parse(text, &syntax, mask, &e) == 0)
		return 0;
	if (e.problem == HR_ID_LIST_TOO_LARGE)
		return hr_err_set(err, EINVAL, "\"%.64s\": node numbers go up to %d", text,
				  HR_MPOL_MAX_NODE);
	if (e.problem == HR_ID_LIST_REVERSED)
		return hr_err_set(err, EINVAL, "\"%.64s\": the range %lu-%lu goes backwards", text,
				  e.first, e.last);
	return hr_err_set(err, EINVAL,
			  "\"%.64s\" is not a node list (node numbers and ranges N-M, separated "
			  "by commas, as in \"0-3,7\")",
			  text);
}

bool hr_mpol_nodes_empty(const unsigned long mask[HR_MPOL_MASK_LONGS])
{
	for (size_t i = 0; i < HR_MPOL_MASK_LONGS; i++)
		if (mask[i] != 0)
			return false;
	return true;
}

static bool mode_takes_nodes(int mode)
{
	return mode != HR_MPOL_DEFAULT && mode != HR_MPOL_LOCAL;
}

const char *hr_mpol_flag_problem(int mode, unsigned int earlier, unsigned int flag)
{
	if (earlier & flag)
		return "given twice";
	if ((flag | earlier) == (HR_MPOL_F_STATIC_NODES | HR_MPOL_F_RELATIVE_NODES))
		return "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other";
	if (flag == HR_MPOL_F_NUMA_BALANCING && mode != HR_MPOL_BIND &&
	    mode != HR_MPOL_PREFERRED_MANY)
		return "MPOL_F_NUMA_BALANCING goes only with MPOL_BIND or MPOL_PREFERRED_MANY";
	if (flag != HR_MPOL_F_NUMA_BALANCING && !mode_takes_nodes(mode))
		return "a node flag on a mode that takes no nodes (MPOL_DEFAULT, MPOL_LOCAL)";
	return NULL;
}

const char *hr_mpol_nodes_problem(int mode, unsigned int flags, bool empty)
{
	if (!mode_takes_nodes(mode))
		return empty ? NULL : "must be empty: MPOL_DEFAULT and MPOL_LOCAL take no nodes";
	if (!empty)
		return NULL;
	if (mode != HR_MPOL_PREFERRED)
		return "required: MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE and "
		       "MPOL_PREFERRED_MANY need at least one node";
	if (flags & (HR_MPOL_F_STATIC_NODES | HR_MPOL_F_RELATIVE_NODES))
		return "required: MPOL_PREFERRED with MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES "
		       "needs a node";
	return NULL;
}

/* The static rules of hr_mpol_flag_problem and hr_mpol_nodes_problem, on a whole policy. */
static int check_static(const struct hr_mempolicy *mp, struct hr_err *err)
{
	unsigned int seen = 0;
	const char *why;

	if (hr_mpol_mode_name(mp->mode) == NULL)
		return hr_err_set(err, EINVAL, "linux.memoryPolicy.mode: unknown mode %d",
				  mp->mode);
	for (size_t i = 0; i < sizeof(flag_table) / sizeof(flag_table[0]); i++) {
		if (!(mp->flags & flag_table[i].flag))
			continue;
		why = hr_mpol_flag_problem(mp->mode, seen, flag_table[i].flag);
		if (why != NULL)
			return hr_err_set(err, EINVAL, "linux.memoryPolicy.flags: %s: %s",
					  flag_table[i].name, why);
		seen |= flag_table[i].flag;
	}
	if (mp->flags & ~seen)
		return hr_err_set(err, EINVAL, "linux.memoryPolicy.flags: unknown flags %#x",
				  mp->flags & ~seen);
	why = hr_mpol_nodes_problem(mp->mode, mp->flags, hr_mpol_nodes_empty(mp->nodes));
	if (why != NULL)
		return hr_err_set(err, EINVAL, "linux.memoryPolicy.nodes: %s", why);
	return 0;
}

/*
 * Whether this kernel takes mode (with its flags): set_mempolicy checks the mode and flags
 * before it reads the nodemask, so a nodemask it cannot read gives EFAULT for a mode it takes
 * and EINVAL for one it does not, and the caller's policy stays as it was.
 */
static int probe(int mode, bool *ok, struct hr_err *err)
{
	long page = sysconf(_SC_PAGESIZE);
	void *guard;
	long rc;
	int saved;

	guard = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED)
		return hr_err_sys(err, "linux.memoryPolicy: mmap a guard page");
	rc = syscall(SYS_set_mempolicy, mode, guard, (unsigned long)HR_MPOL_MAX_NODE + 2);
	saved = errno;
	if (munmap(guard, (size_t)page) < 0)
		return hr_err_sys(err, "linux.memoryPolicy: munmap the guard page");
	if (rc == 0 || saved == EFAULT || saved == EINVAL) {
		*ok = rc < 0 && saved == EFAULT;
		return 0;
	}
	if (saved == ENOSYS)
		return hr_err_set(err, ENOSYS,
				  "linux.memoryPolicy: this kernel has no NUMA memory policies");
	errno = saved;
	return hr_err_sys(err, "linux.memoryPolicy: set_mempolicy (probing the kernel)");
}

static int check_kernel(const struct hr_mempolicy *mp, const char *mode_name, struct hr_err *err)
{
	struct utsname u;
	bool ok;

	if (uname(&u) < 0)
		return hr_err_sys(err, "linux.memoryPolicy: uname");
	if (probe(mp->mode, &ok, err) < 0)
		return -1;
	if (!ok)
		return hr_err_set(
		    err, EINVAL, "linux.memoryPolicy.mode: %s is not supported by this kernel (%s)",
		    mode_name, u.release);
	for (size_t i = 0; i < sizeof(flag_table) / sizeof(flag_table[0]); i++) {
		if (!(mp->flags & flag_table[i].flag))
			continue;
		if (probe(mp->mode | (int)flag_table[i].flag, &ok, err) < 0)
			return -1;
		if (!ok)
			return hr_err_set(err, EINVAL,
					  "linux.memoryPolicy.flags: %s with %s is not supported "
					  "by this kernel (%s)",
					  flag_table[i].name, mode_name, u.release);
	}
	return 0;
}

static int read_online(const char *path, unsigned long online[HR_MPOL_MASK_LONGS],
		       struct hr_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return hr_err_sys(err, "linux.memoryPolicy.nodes: open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return hr_err_sys(err, "linux.memoryPolicy.nodes: read %s", path);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	if (hr_mpol_parse_nodes(buf, online, err) < 0)
		return hr_err_prefix(err, "linux.memoryPolicy.nodes: %s", path);
	return 0;
}

static int check_online(const struct hr_mempolicy *mp, const char *online_path, struct hr_err *err)
{
	unsigned long online[HR_MPOL_MASK_LONGS];

	if (read_online(online_path, online, err) < 0)
		return -1;
	for (size_t n = 0; n <= HR_MPOL_MAX_NODE; n++) {
		unsigned long bit = 1UL << (n % LONG_BITS);

		if ((mp->nodes[n / LONG_BITS] & bit) && !(online[n / LONG_BITS] & bit))
			return hr_err_set(err, EINVAL,
					  "linux.memoryPolicy.nodes: node %zu is not online on "
					  "this machine (%s)",
					  n, online_path);
	}
	return 0;
}

int hr_mpol_plan_build(const struct hr_mempolicy *mp, const char *online_path,
		       struct hr_mpol_plan *plan, struct hr_err *err)
{
	bool empty;

	memset(plan, 0, sizeof(*plan));
	if (check_static(mp, err) < 0)
		return -1;
	plan->mode = mp->mode;
	plan->flags = mp->flags;
	plan->mode_name = hr_mpol_mode_name(mp->mode);
	if (check_kernel(mp, plan->mode_name, err) < 0)
		return -1;
	empty = hr_mpol_nodes_empty(mp->nodes);
	if (!empty && !(mp->flags & HR_MPOL_F_RELATIVE_NODES) &&
	    check_online(mp, online_path, err) < 0)
		return -1;
	if (!empty) {
		memcpy(plan->nodes, mp->nodes, sizeof(plan->nodes));
		/* the kernel reads maxnode - 1 bits */
		plan->maxnode = HR_MPOL_MAX_NODE + 2;
	}
	return 0;
}

int hr_mpol_apply(const struct hr_mpol_plan *plan, struct hr_err *err)
{
	const unsigned long *nodes = plan->maxnode > 0 ? plan->nodes : NULL;

	if (syscall(SYS_set_mempolicy, plan->mode | (int)plan->flags, nodes, plan->maxnode) < 0)
		return hr_err_sys(err, "linux.memoryPolicy: set_mempolicy(%s)", plan->mode_name);
	return 0;
}
