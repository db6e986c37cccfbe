/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proc_view: what verify reads of a process, held against what the process knows of itself. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_harness.h"
#include "libcontainer/arena.h"
#include "libcontainer/proc_view.h"
#include "libcontainer/state.h"

Test(proc_view, reads_the_ids_flags_and_namespaces_a_process_has)
{
	struct hr_proc_view v;
	struct hr_err err;
	uint64_t start;
	char st;

	cr_assert_eq(hr_proc_start_time(getpid(), &start, &st), 0);
	cr_assert_eq(hr_proc_view_open(getpid(), start, &v, &err), 0, "%s", err.msg);
	cr_assert_eq(v.uid[0], getuid());
	cr_assert_eq(v.uid[1], geteuid());
	cr_assert_eq(v.gid[1], getegid());
	cr_assert_eq(v.n_groups, (size_t)getgroups(0, NULL));
	cr_assert_eq(v.no_new_privs, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	cr_assert_eq(v.seccomp_mode, prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	for (int t = 0; t < HR_NS__COUNT; t++)
		cr_assert_eq(v.ns[t], hr_proc_own_ns(t), "namespace %s", hr_ns_type_name(t));
	cr_assert_neq(v.ns[HR_NS_PID], 0);
	cr_assert(v.cgroup[0] == '/' || v.cgroup[0] == '\0', "cgroup %s", v.cgroup);
	cr_assert(hr_proc_view_alive(&v));
	hr_proc_view_close(&v);
	/* another process's start time: the pid is not that process */
	cr_assert_eq(hr_proc_view_open(getpid(), start + 1, &v, &err), -ESRCH);
}

/*
 * A process that sets NNP, says so by closing its report (end of file), and exits when its
 * stdin ends: a child of the harness (an exec of this binary, which valgrind follows cleanly),
 * never killed, so that its valgrind log is complete.
 */
static int child_nnp(const char *arg, char *msg, size_t size)
{
	char c;

	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hrc_fail(msg, size, "NNP: %s", strerror(errno));
	close(HRC_REPORT_FD);
	while (read(STDIN_FILENO, &c, 1) > 0) {
	}
	_exit(0);
}

Test(proc_view, sees_another_process_and_notices_when_it_is_gone)
{
	int in[2], report, status;
	struct hr_proc_view v;
	struct hr_err err;
	pid_t child;
	char c;

	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	child = hrc_start("proc_view/nnp", "", in[0], &report);
	close(in[0]);
	cr_assert_eq(read(report, &c, 1), 0, "the child reported instead of closing");
	close(report);
	cr_assert_eq(hr_proc_view_open(child, 0, &v, &err), 0, "%s", err.msg);
	cr_assert_eq(v.no_new_privs, 1);
	cr_assert_eq(v.ns[HR_NS_MOUNT], hr_proc_own_ns(HR_NS_MOUNT));
	cr_assert(hr_proc_view_alive(&v));
	close(in[1]);
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
	cr_assert_not(hr_proc_view_alive(&v), "a reaped process is not alive");
	hr_proc_view_close(&v);
	cr_assert_eq(hr_proc_view_open(child, 0, &v, &err), -ESRCH);
}

Test(proc_view, reads_the_mount_table_in_order_with_its_options)
{
	struct hr_proc_view v;
	struct hr_arena arena = {0};
	struct hr_mountinfo *m;
	struct hr_err err;
	size_t n, lines = 0;
	bool root = false;
	char line[8192];
	FILE *f = fopen("/proc/self/mountinfo", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	fclose(f);
	cr_assert_eq(hr_proc_view_open(getpid(), 0, &v, &err), 0, "%s", err.msg);
	cr_assert_eq(hr_proc_mountinfo(&v, &arena, &m, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, lines);
	for (size_t i = 0; i < n; i++) {
		cr_assert(m[i].id > 0 && m[i].mount_point[0] == '/' && m[i].fstype[0] != '\0');
		cr_assert(hr_proc_has_option(m[i].options, "ro") ||
			      hr_proc_has_option(m[i].options, "rw"),
			  "%s: %s", m[i].mount_point, m[i].options);
		root = root || strcmp(m[i].mount_point, "/") == 0;
	}
	cr_assert(root, "no mount at /");
	hr_proc_view_close(&v);
	hr_arena_free(&arena);
}

Test(proc_view, option_lists_match_whole_names_and_keys)
{
	char buf[32];

	cr_assert(hr_proc_has_option("rw,nosuid,nodev", "nosuid"));
	cr_assert_not(hr_proc_has_option("rw,nosuidx,nodev", "nosuid"));
	cr_assert_not(hr_proc_has_option("rw", "r"));
	cr_assert_not(hr_proc_has_option("", "ro"));
	cr_assert(hr_proc_option_value("rw,size=65536k,mode=1777", "size", buf, sizeof(buf)));
	cr_assert_str_eq(buf, "65536k");
	cr_assert(hr_proc_option_value("mode=755,size=1k", "size", buf, sizeof(buf)));
	cr_assert_str_eq(buf, "1k");
	cr_assert_not(hr_proc_option_value("rw,sizex=1,size", "size", buf, sizeof(buf)));
}

Test(proc_view, ids_map_through_the_user_namespace_both_ways)
{
	struct hr_proc_view v;
	struct hr_err err;
	uint32_t out;

	cr_assert_eq(hr_proc_view_open(getpid(), 0, &v, &err), 0, "%s", err.msg);
	/* the initial user namespace maps every id to itself */
	if (hr_proc_own_ns(HR_NS_USER) == 0xEFFFFFFD /* PROC_USER_INIT_INO */) {
		cr_assert(hr_proc_map_id(&v, false, 1001, false, &out));
		cr_assert_eq(out, 1001);
		cr_assert(hr_proc_map_id(&v, true, 1001, true, &out));
		cr_assert_eq(out, 1001);
	}
	cr_assert_not(hr_proc_map_id(&v, false, UINT32_MAX, false, &out),
		      "4294967295 is never mapped");
	hr_proc_view_close(&v);
}

static const struct hrc_case proc_view_cases[] = {
    {"proc_view/nnp", child_nnp},
};

__attribute__((constructor)) static void proc_view_children(void)
{
	hrc_dispatch(proc_view_cases, sizeof(proc_view_cases) / sizeof(proc_view_cases[0]));
}
