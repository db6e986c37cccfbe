/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process module. Plans are checked in the test process; credential changes, labels, fd
 * marking and execve run in child processes (child_harness.h), which check what they can see
 * (/proc/self/status, fcntl, the result of an execve) and report.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libcontainer/process.h"
#include "libcontainer/process_fds.h"
#include "tests/unit/child_harness.h"

#define CAP_BIT(c) (UINT64_C(1) << (c))
#define ZERO_CAPS  "0000000000000000"
#define NBS_CAP	   "0000000000000400"

static char *test_args[] = {"/bin/sh", "-c", "true", NULL};
static char *test_env[] = {"FOO=bar", "PATH=/opt/bin:/usr/bin", "SECRET=x", NULL};

static struct hr_process base_process(void)
{
	struct hr_process p = {0};

	p.args = test_args;
	p.n_args = 3;
	p.env = test_env;
	p.n_env = 3;
	p.cwd = "/";
	return p;
}

static struct hr_process_plan *build(const struct hr_process *proc, struct hr_arena *arena)
{
	struct hr_process_plan *plan = NULL;
	struct hr_err err = {0};

	cr_assert_eq(hr_process_plan_build(proc, NULL, arena, &plan, &err), 0, "%s", err.msg);
	return plan;
}

/* In a child: builds the plan, or reports why not. */
static struct hr_process_plan *child_build(const struct hr_process *proc, const struct hr_linux *lx,
					   struct hr_arena *arena, char *msg, size_t size)
{
	struct hr_process_plan *plan = NULL;
	struct hr_err err = {0};

	if (hr_process_plan_build(proc, lx, arena, &plan, &err) < 0)
		hrc_fail(msg, size, "plan: %s", err.msg);
	return plan;
}

/* ---- plan building (no root) ---- */

Test(process, plan_defaults_and_copies)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;

	proc.has_capabilities = true;
	proc.caps.bounding = CAP_BIT(CAP_NET_BIND_SERVICE) | CAP_BIT(CAP_CHOWN);
	proc.caps.effective = CAP_BIT(CAP_CHOWN);
	proc.caps.ambient = proc.caps.permitted = proc.caps.inheritable = CAP_BIT(CAP_KILL);
	proc.user.uid = 1001;
	proc.user.gid = 1002;
	proc.no_new_privileges = true;
	plan = build(&proc, &arena);
	cr_assert_eq(plan->umask, 0022);
	cr_assert_eq(plan->uid, 1001);
	cr_assert_eq(plan->gid, 1002);
	cr_assert(plan->no_new_privileges);
	cr_assert_eq(plan->caps.bounding, proc.caps.bounding);
	cr_assert_eq(plan->caps.effective, proc.caps.effective);
	cr_assert_eq(plan->caps.permitted, CAP_BIT(CAP_KILL));
	cr_assert_eq(plan->caps.inheritable, CAP_BIT(CAP_KILL));
	cr_assert_eq(plan->caps.ambient, CAP_BIT(CAP_KILL));
	cr_assert_eq(plan->n_env, 4, "no HOME in env: one is added");
	cr_assert_str_eq(plan->env[0], "FOO=bar");
	cr_assert_neq(plan->env[0], test_env[0], "env must be copied into the arena");
	cr_assert_eq(plan->env[3], plan->home_env);
	cr_assert_str_eq(plan->env[3], "HOME=/", "until the child reads /etc/passwd");
	cr_assert_null(plan->env[4]);
	cr_assert_str_eq(plan->path_env, "/opt/bin:/usr/bin");
	cr_assert_str_eq(plan->args[2], "true");
	cr_assert_null(plan->args[3]);
	cr_assert_str_eq(plan->cwd, "/");
	cr_assert_not(plan->has_personality);
}

Test(process, plan_umask_path_caps_absent)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	char *env[] = {"A=1", NULL};

	proc.env = env;
	proc.n_env = 1;
	proc.user.has_umask = true;
	proc.user.umask = 077;
	proc.cwd = NULL;
	plan = build(&proc, &arena);
	cr_assert_eq(plan->umask, 077);
	cr_assert_str_eq(plan->path_env, HR_DEFAULT_PATH);
	cr_assert_eq(plan->n_env, 2);
	cr_assert_not_null(plan->home_env);
	cr_assert_str_eq(plan->cwd, "/");
	cr_assert_eq(plan->caps.bounding | plan->caps.effective | plan->caps.permitted |
			 plan->caps.inheritable | plan->caps.ambient,
		     0, "no capabilities object means every set is empty");
}

Test(process, plan_home_kept_when_env_has_one)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	char *env[] = {"HOME=/srv", "PATH=/bin", "PATH=/sbin", NULL};

	proc.env = env;
	proc.n_env = 3;
	plan = build(&proc, &arena);
	cr_assert_null(plan->home_env);
	cr_assert_eq(plan->n_env, 3);
	cr_assert_null(plan->env[3]);
	cr_assert_str_eq(plan->path_env, "/bin", "the first PATH counts");
}

Test(process, plan_unknown_caps_removed)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;

	proc.has_capabilities = true;
	proc.caps.bounding = CAP_BIT(63) | CAP_BIT(CAP_CHOWN);
	plan = build(&proc, &arena);
	cr_assert_eq(plan->caps.bounding, CAP_BIT(CAP_CHOWN));
	cr_assert_eq(plan->unknown_caps, CAP_BIT(63));
}

/* `runc spec` lists ambient capabilities that are not inheritable: the kernel cannot raise them */
Test(process, plan_ambient_needs_permitted_and_inheritable)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	uint64_t three =
	    CAP_BIT(CAP_KILL) | CAP_BIT(CAP_NET_BIND_SERVICE) | CAP_BIT(CAP_AUDIT_WRITE);

	proc.has_capabilities = true;
	proc.caps.bounding = proc.caps.effective = proc.caps.permitted = proc.caps.ambient = three;
	proc.caps.inheritable = CAP_BIT(CAP_KILL) | CAP_BIT(CAP_CHOWN);
	plan = build(&proc, &arena);
	cr_assert_eq(plan->caps.ambient, CAP_BIT(CAP_KILL), "raised: permitted and inheritable");
	cr_assert_eq(plan->ambient_not_raised, three & ~CAP_BIT(CAP_KILL));
	cr_assert_eq(plan->caps.effective, three, "the other sets are as the config says");
	cr_assert_eq(plan->caps.inheritable, CAP_BIT(CAP_KILL) | CAP_BIT(CAP_CHOWN));
}

Test(process, plan_personality_and_rlimits)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_rlimit rl[] = {{RLIMIT_NOFILE, "RLIMIT_NOFILE", 1024, 4096}};
	char *flags[] = {"ADDR_NO_RANDOMIZE"};
	struct hr_personality pers = {"LINUX32", flags, 1};
	struct hr_linux lx = {0};
	struct hr_process_plan *plan = NULL;
	struct hr_err err = {0};

	lx.personality = &pers;
	proc.rlimits = rl;
	proc.n_rlimits = 1;
	cr_assert_eq(hr_process_plan_build(&proc, &lx, &arena, &plan, &err), 0, "%s", err.msg);
	cr_assert(plan->has_personality);
	cr_assert_eq(plan->personality, PER_LINUX32 | ADDR_NO_RANDOMIZE);
	cr_assert_eq(plan->n_rlimits, 1);
	cr_assert_str_eq(plan->rlimits[0].name, "RLIMIT_NOFILE");
	cr_assert_eq(plan->rlimits[0].hard, 4096);

	pers.domain = "LINUX64";
	cr_assert_lt(hr_process_plan_build(&proc, &lx, &arena, &plan, &err), 0);
	cr_assert_str_eq(err.msg, "linux.personality.domain: unknown domain \"LINUX64\": "
				  "Invalid argument");
	pers.domain = "LINUX";
	rl[0].soft = 5000;
	cr_assert_lt(hr_process_plan_build(&proc, &lx, &arena, &plan, &err), 0);
	cr_assert(strstr(err.msg, "RLIMIT_NOFILE: soft limit 5000 exceeds hard limit 4096"), "%s",
		  err.msg);
}

Test(process, plan_io_priority)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan = build(&proc, &arena);
	struct hr_err err = {0};

	cr_assert(!plan->has_io_priority);
	proc.has_io_priority = true;
	proc.io_priority_class = HR_IOPRIO_CLASS_IDLE;
	proc.io_priority = 7;
	plan = build(&proc, &arena);
	cr_assert(plan->has_io_priority);
	cr_assert_eq(plan->io_priority_class, HR_IOPRIO_CLASS_IDLE);
	cr_assert_eq(plan->io_priority, 7);
	cr_assert_str_eq(plan->io_priority_name, "IOPRIO_CLASS_IDLE");

	/* a struct hr_process built by hand, not by the parser, is checked as well */
	proc.io_priority = 8;
	cr_assert_lt(hr_process_plan_build(&proc, NULL, &arena, &plan, &err), 0);
	cr_assert_str_eq(err.msg, "process.ioPriority.priority: 8 is out of range (0..7): "
				  "Invalid argument");
	proc.io_priority = 0;
	proc.io_priority_class = 0;
	cr_assert_lt(hr_process_plan_build(&proc, NULL, &arena, &plan, &err), 0);
	cr_assert_str_eq(err.msg, "process.ioPriority.class: unknown class 0: Invalid argument");
}

Test(process, plan_scheduler)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan = build(&proc, &arena);
	struct hr_err err = {0};

	cr_assert(!plan->has_scheduler);
	proc.has_scheduler = true;
	proc.scheduler.policy = HR_SCHED_RR;
	proc.scheduler.priority = 42;
	plan = build(&proc, &arena);
	cr_assert(plan->has_scheduler);
	cr_assert_eq(plan->scheduler.policy, HR_SCHED_RR);
	cr_assert_eq(plan->scheduler.priority, 42);

	/* a struct hr_process built by hand, not by the parser, is checked as well */
	proc.scheduler.policy = 9;
	cr_assert_lt(hr_process_plan_build(&proc, NULL, &arena, &plan, &err), 0);
	cr_assert_str_eq(err.msg, "process.scheduler.policy: unknown policy 9: Invalid argument");
	proc.scheduler.policy = HR_SCHED_DEADLINE;
	proc.scheduler.priority = 0;
	proc.scheduler.runtime = 4096;
	proc.scheduler.deadline = 2048;
	cr_assert_lt(hr_process_plan_build(&proc, NULL, &arena, &plan, &err), 0);
	cr_assert_str_eq(err.msg,
			 "process.scheduler.runtime: 4096 ns is greater than the deadline, "
			 "2048 ns (runtime <= deadline <= period): Invalid argument");
}

Test(process, plan_exec_cpu_affinity)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan = build(&proc, &arena);

	cr_assert(!plan->cpu_affinity.has_initial && !plan->cpu_affinity.has_final);
	proc.cpu_affinity.has_final = true;
	CPU_ZERO(&proc.cpu_affinity.final);
	CPU_SET(3, &proc.cpu_affinity.final);
	plan = build(&proc, &arena);
	cr_assert(!plan->cpu_affinity.has_initial);
	cr_assert(plan->cpu_affinity.has_final);
	cr_assert_eq(CPU_COUNT(&plan->cpu_affinity.final), 1);
	cr_assert(CPU_ISSET(3, &plan->cpu_affinity.final));
}

/* ---- credentials and capabilities (root, in children) ---- */

struct drop_expect {
	const char *ids; /* the Uid: and Gid: lines */
	const char *groups;
	const char *caps[5]; /* CapInh, CapPrm, CapEff, CapBnd, CapAmb */
	const char *cwd;
};

static int drop_and_check(const struct hr_process *proc, const struct drop_expect *e, char *msg,
			  size_t size)
{
	static const char *const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process_plan *plan = child_build(proc, NULL, &arena, msg, size);
	struct hr_err err = {0};
	char cwd[PATH_MAX];

	if (plan == NULL)
		return -1;
	if (hr_process_drop_privileges(plan, &err) < 0)
		return hrc_fail(msg, size, "drop_privileges: %s", err.msg);
	if (hrc_expect_field("Uid", e->ids, msg, size) < 0 ||
	    hrc_expect_field("Gid", e->ids, msg, size) < 0 ||
	    hrc_expect_field("Groups", e->groups, msg, size) < 0 ||
	    hrc_expect_field("Umask", "0022", msg, size) < 0)
		return -1;
	for (size_t i = 0; i < 5; i++)
		if (hrc_expect_field(keys[i], e->caps[i], msg, size) < 0)
			return -1;
	if (getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, e->cwd) != 0)
		return hrc_fail(msg, size, "cwd is %s, want %s", cwd, e->cwd);
	return 0;
}

static int child_drop_1001(const char *arg, char *msg, size_t size)
{
	struct hr_process proc = base_process();
	gid_t gids[] = {2000, 3000};
	struct drop_expect e = {"1001\t1001\t1001\t1001",
				"2000 3000",
				{ZERO_CAPS, ZERO_CAPS, ZERO_CAPS, ZERO_CAPS, ZERO_CAPS},
				"/tmp"};

	(void)arg;
	proc.user.uid = proc.user.gid = 1001;
	proc.user.additional_gids = gids;
	proc.user.n_additional_gids = 2;
	proc.has_capabilities = true;
	proc.cwd = "/tmp";
	return drop_and_check(&proc, &e, msg, size);
}

static int child_drop_nbs(const char *arg, char *msg, size_t size)
{
	struct hr_process proc = base_process();
	struct drop_expect e = {
	    "1001\t1001\t1001\t1001", "", {ZERO_CAPS, NBS_CAP, NBS_CAP, NBS_CAP, ZERO_CAPS}, "/"};

	(void)arg;
	proc.user.uid = proc.user.gid = 1001;
	proc.has_capabilities = true;
	proc.caps.bounding = proc.caps.effective = proc.caps.permitted =
	    CAP_BIT(CAP_NET_BIND_SERVICE);
	return drop_and_check(&proc, &e, msg, size);
}

static int child_drop_ambient(const char *arg, char *msg, size_t size)
{
	struct hr_process proc = base_process();
	struct drop_expect e = {
	    "1001\t1001\t1001\t1001", "", {NBS_CAP, NBS_CAP, NBS_CAP, NBS_CAP, NBS_CAP}, "/"};

	(void)arg;
	proc.user.uid = proc.user.gid = 1001;
	proc.has_capabilities = true;
	proc.caps.bounding = proc.caps.effective = proc.caps.permitted = proc.caps.inheritable =
	    proc.caps.ambient = CAP_BIT(CAP_NET_BIND_SERVICE);
	return drop_and_check(&proc, &e, msg, size);
}

static int child_drop_root(const char *arg, char *msg, size_t size)
{
	struct hr_process proc = base_process();
	struct drop_expect e = {
	    "0\t0\t0\t0", "", {ZERO_CAPS, ZERO_CAPS, ZERO_CAPS, ZERO_CAPS, ZERO_CAPS}, "/"};

	(void)arg;
	return drop_and_check(&proc, &e, msg, size);
}

Test(process, drop_to_1001_without_caps)
{
	hrc_require_root();
	hrc_expect_ok("process/drop_1001", "");
}

Test(process, drop_keeps_net_bind_service)
{
	hrc_require_root();
	hrc_expect_ok("process/drop_nbs", "");
}

Test(process, drop_ambient_net_bind_service)
{
	hrc_require_root();
	hrc_expect_ok("process/drop_ambient", "");
}

Test(process, drop_root_without_capabilities_object)
{
	hrc_require_root();
	hrc_expect_ok("process/drop_root", "");
}

/* arg: "1" when the plan asks for no_new_privileges. */
static int child_nnp(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	struct hr_err err = {0};

	proc.user.uid = proc.user.gid = 1001;
	proc.no_new_privileges = strcmp(arg, "1") == 0;
	plan = child_build(&proc, NULL, &arena, msg, size);
	if (plan == NULL || hrc_expect_field("NoNewPrivs", "0", msg, size) < 0)
		return -1;
	if (hr_process_drop_privileges(plan, &err) < 0 ||
	    hr_process_set_no_new_privs(plan, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	return hrc_expect_field("NoNewPrivs", arg, msg, size);
}

Test(process, no_new_privs)
{
	hrc_require_root();
	hrc_expect_ok("process/nnp", "0");
	hrc_expect_ok("process/nnp", "1");
}

static int child_personality(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	char *flags[] = {"ADDR_NO_RANDOMIZE"};
	struct hr_personality pers = {"LINUX32", flags, 1};
	struct hr_linux lx = {.personality = &pers};
	struct hr_process_plan *plan = child_build(&proc, &lx, &arena, msg, size);
	struct hr_err err = {0};
	int persona;

	(void)arg;
	if (plan == NULL)
		return -1;
	if (hr_process_drop_privileges(plan, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	persona = personality(0xffffffff);
	if (persona != (PER_LINUX32 | ADDR_NO_RANDOMIZE))
		return hrc_fail(msg, size, "personality is 0x%x", persona);
	return 0;
}

Test(process, personality_applied)
{
	hrc_require_root();
	hrc_expect_ok("process/personality", "");
}

/*
 * The realtime class needs CAP_SYS_ADMIN: it is applied first, before the drop to uid 1001
 * without capabilities, and survives it.
 */
static int child_io_priority(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	struct hr_err err = {0};
	long prio;

	(void)arg;
	proc.user.uid = 1001;
	proc.user.gid = 1001;
	proc.has_io_priority = true;
	proc.io_priority_class = HR_IOPRIO_CLASS_RT;
	proc.io_priority = 3;
	plan = child_build(&proc, NULL, &arena, msg, size);
	if (plan == NULL)
		return -1;
	if (hr_process_drop_privileges(plan, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	prio = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	if (prio != ((HR_IOPRIO_CLASS_RT << 13) | 3))
		return hrc_fail(msg, size, "ioprio is 0x%lx", prio);
	return 0;
}

Test(process, io_priority_applied_before_the_drop)
{
	hrc_require_root();
	hrc_expect_ok("process/io_priority", "");
}

/*
 * SCHED_BATCH with a nice below 0, which needs CAP_SYS_NICE: applied before the drop to uid
 * 1001 without capabilities, and survives it. (Not a realtime policy: nothing here spins.)
 */
static int child_scheduler(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	struct hr_err err = {0};
	int policy;

	(void)arg;
	proc.user.uid = 1001;
	proc.user.gid = 1001;
	proc.has_scheduler = true;
	proc.scheduler.policy = HR_SCHED_BATCH;
	proc.scheduler.nice = -7;
	plan = child_build(&proc, NULL, &arena, msg, size);
	if (plan == NULL)
		return -1;
	if (hr_process_drop_privileges(plan, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	policy = sched_getscheduler(0);
	if (policy != SCHED_BATCH)
		return hrc_fail(msg, size, "policy is %d", policy);
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) != -7 || errno != 0)
		return hrc_fail(msg, size, "nice is %d", getpriority(PRIO_PROCESS, 0));
	return 0;
}

Test(process, scheduler_applied_before_the_drop)
{
	hrc_require_root();
	hrc_expect_ok("process/scheduler", "");
}

/* Reports "errno|message" of a failing hr_process_drop_privileges; arg: the cwd, or "" to
 * become uid 1001 without capabilities first. */
static int child_drop_error(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	struct hr_err err = {0};

	proc.user.uid = 1002;
	if (arg[0] != '\0')
		proc.cwd = (char *)arg;
	plan = child_build(&proc, NULL, &arena, msg, size);
	if (plan == NULL)
		return -1;
	if (arg[0] == '\0' && (setgroups(0, NULL) < 0 || setresgid(1001, 1001, 1001) < 0 ||
			       setresuid(1001, 1001, 1001) < 0))
		return hrc_fail(msg, size, "test setup: %s", strerror(errno));
	if (hr_process_drop_privileges(plan, &err) == 0)
		return hrc_fail(msg, size, "drop_privileges succeeded");
	snprintf(msg, size, "%d|%s", err.errnum, err.msg);
	return 0;
}

static void expect_drop_error(const char *arg, int errnum, const char *want)
{
	char out[2048];
	char prefix[16];

	hrc_expect("process/drop_error", arg, out, sizeof(out));
	snprintf(prefix, sizeof(prefix), "%d|", errnum);
	cr_assert(strncmp(out, prefix, strlen(prefix)) == 0, "errno: %s", out);
	cr_assert(strstr(out, want) != NULL, "want \"%s\" in \"%s\"", want, out);
}

Test(process, errors_name_the_operation)
{
	hrc_require_root();
	expect_drop_error("", EPERM, "setgroups(0 groups): Operation not permitted");
}

Test(process, cwd_refuses_fd_paths_and_files)
{
	char dir[] = "/tmp/hr-cwd-XXXXXX";
	char file[PATH_MAX];

	hrc_require_root();
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0, "the child is uid 1002 by then");
	expect_drop_error("/proc/self/fd/0", EPERM, "CVE-2024-21626");
	snprintf(file, sizeof(file), "%s/file", dir);
	close(open(file, O_CREAT | O_WRONLY, 0644));
	expect_drop_error(file, ENOTDIR, "chdir to cwd");
	expect_drop_error("/nonexistent-hr-cwd", ENOENT, "chdir to cwd /nonexistent-hr-cwd");
	unlink(file);
	rmdir(dir);
}

#define ESCAPE_FD 50

/*
 * CVE-2024-21626 itself: a directory of the host leaked as an fd, reached from inside a root
 * through a symlink to /proc/self/fd/N. arg: the new root, holding proc/ and link.
 */
static int child_cwd_escape(const char *root, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	struct hr_err err = {0};
	char proc_dir[PATH_MAX];

	proc.cwd = "/link";
	plan = child_build(&proc, NULL, &arena, msg, size);
	snprintf(proc_dir, sizeof(proc_dir), "%s/proc", root);
	if (plan == NULL || dup2(open("/", O_PATH | O_DIRECTORY), ESCAPE_FD) < 0 ||
	    unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("/proc", proc_dir, "none", MS_BIND | MS_REC, NULL) < 0 || chroot(root) < 0 ||
	    chdir("/") < 0)
		return hrc_fail(msg, size, "test setup: %s", strerror(errno));
	if (hr_process_drop_privileges(plan, &err) == 0)
		return hrc_fail(msg, size, "drop_privileges succeeded: cwd escaped the root");
	snprintf(msg, size, "%d|%s", err.errnum, err.msg);
	return 0;
}

static bool have_openat2(void)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC};
	long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd >= 0)
		close((int)fd);
	return fd >= 0;
}

Test(process, cwd_cannot_escape_through_a_leaked_fd)
{
	char root[] = "/tmp/hr-escape-XXXXXX";
	char path[PATH_MAX];
	char target[64];
	char out[2048];

	hrc_require_root();
	cr_assert_not_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/link", root);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", ESCAPE_FD);
	cr_assert_eq(symlink(target, path), 0);
	hrc_expect("process/cwd_escape", root, out, sizeof(out));
	/* openat2 refuses the magic link; without it (Linux < 5.6, valgrind) getcwd sees that the
	 * directory is outside the root. */
	snprintf(target, sizeof(target), "%d|chdir to cwd /link (magic links are refused)", ELOOP);
	if (have_openat2())
		cr_assert(strncmp(out, target, strlen(target)) == 0, "%s", out);
	else
		cr_assert(strstr(out, "cwd /link is not inside the container") != NULL, "%s", out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", root);
	rmdir(path);
	rmdir(root);
}

static int child_labels(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_process_plan *plan;
	struct hr_err err = {0};

	proc.apparmor_profile = (char *)arg;
	plan = child_build(&proc, NULL, &arena, msg, size);
	if (plan == NULL)
		return -1;
	if (hr_process_apply_labels(plan, &err) == 0)
		return hrc_fail(msg, size, "apply_labels succeeded");
	snprintf(msg, size, "%s", err.msg);
	return 0;
}

Test(process, labels)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	struct hr_err err = {0};
	char out[2048];

	cr_assert_eq(hr_process_apply_labels(build(&proc, &arena), &err), 0, "%s", err.msg);
	/* A profile that cannot exist: fails whether or not AppArmor is enabled here. */
	hrc_expect("process/labels", "hardrun-test-no-such-profile", out, sizeof(out));
	cr_assert(strstr(out, "set AppArmor exec profile \"hardrun-test-no-such-profile\"") != NULL,
		  "%s", out);
}

/* ---- parent side ---- */

static bool has_effective_cap(int cap)
{
	char value[64];

	cr_assert_eq(hrc_status_field("CapEff", value, sizeof(value)), 0);
	return (strtoull(value, NULL, 16) >> cap) & 1;
}

static long limits_value(pid_t pid, const char *row, int column)
{
	char path[64];
	char line[256];
	long value = -2;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, row, strlen(row)) == 0) {
			char *p = line + 26; /* the fixed-width "Limit" column */

			value = strtol(p, &p, 10);
			if (column == 1)
				value = strtol(p, NULL, 10);
		}
	}
	fclose(f);
	return value;
}

/* Waits on stdin; with arg "1" first lowers its own RLIMIT_MSGQUEUE hard limit to 1000. */
static int child_wait(const char *arg, char *msg, size_t size)
{
	struct rlimit low = {1000, 1000};
	char c;

	if (strcmp(arg, "1") == 0 && setrlimit(RLIMIT_MSGQUEUE, &low) < 0)
		return hrc_fail(msg, size, "setrlimit: %s", strerror(errno));
	if (write(HRC_REPORT_FD, "r", 1) != 1 || read(0, &c, 1) < 0)
		return hrc_fail(msg, size, "pipe: %s", strerror(errno));
	return 0;
}

Test(process, apply_from_parent_rlimits_and_oom)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	/* Not RLIMIT_NOFILE: valgrind keeps its own fds above the child's limit. */
	struct hr_rlimit rl[] = {{RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 1234, 4321},
				 {RLIMIT_CORE, "RLIMIT_CORE", 0, 0}};
	struct hr_process_plan *plan;
	struct hr_err err = {0};
	struct rlimit mine;
	char buf[32] = "";
	char path[64];
	bool raise_hard;
	int in[2], report, fd;
	pid_t pid;

	hrc_require_root();
	raise_hard = has_effective_cap(CAP_SYS_RESOURCE);
	if (!raise_hard)
		fprintf(stderr, "warning: process: CAP_SYS_RESOURCE is not effective here (a "
				"restricted root): raising a hard limit above the child's is not "
				"tested, lowering it is\n");
	proc.rlimits = rl;
	proc.n_rlimits = 2;
	proc.has_oom_score_adj = true;
	proc.oom_score_adj = 500;
	plan = build(&proc, &arena);
	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	pid = hrc_start("process/wait", raise_hard ? "1" : "0", in[0], &report);
	close(in[0]);
	cr_assert_eq(read(report, buf, 1), 1, "the child did not start");
	cr_assert_eq(getrlimit(RLIMIT_MSGQUEUE, &mine), 0);
	cr_assert_eq(limits_value(pid, "Max msgqueue size", 1),
		     raise_hard ? 1000 : (long)mine.rlim_max);

	cr_assert_eq(hr_process_apply_from_parent(plan, pid, &err), 0, "%s", err.msg);
	cr_assert_eq(limits_value(pid, "Max msgqueue size", 0), 1234);
	cr_assert_eq(limits_value(pid, "Max msgqueue size", 1), 4321);
	cr_assert_eq(limits_value(pid, "Max core file size", 1), 0);
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_gt(read(fd, buf, sizeof(buf) - 1), 0);
	close(fd);
	cr_assert_eq(atoi(buf), 500);
	close(in[1]);
	hrc_finish(pid, report, buf, sizeof(buf));

	/* A dead pid: the error names the limit and the pid. */
	cr_assert_lt(hr_process_apply_from_parent(plan, pid, &err), 0);
	cr_assert(strstr(err.msg, "set RLIMIT_MSGQUEUE (soft 1234, hard 4321) on pid") != NULL,
		  "%s", err.msg);
	cr_assert_eq(err.errnum, ESRCH);
}

/* ---- executable resolution ---- */

struct tree {
	char root[32];
	char a[64], b[64], c[64];
};

static void write_file(const char *path, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
}

/* root/a/foo (not executable), root/b/foo (executable), root/c/bar (not executable) */
static void make_tree(struct tree *t)
{
	char path[128];

	snprintf(t->root, sizeof(t->root), "/tmp/hr-path-XXXXXX");
	cr_assert_not_null(mkdtemp(t->root));
	snprintf(t->a, sizeof(t->a), "%s/a", t->root);
	snprintf(t->b, sizeof(t->b), "%s/b", t->root);
	snprintf(t->c, sizeof(t->c), "%s/c", t->root);
	cr_assert_eq(mkdir(t->a, 0755), 0);
	cr_assert_eq(mkdir(t->b, 0755), 0);
	cr_assert_eq(mkdir(t->c, 0755), 0);
	snprintf(path, sizeof(path), "%s/foo", t->a);
	write_file(path, 0644);
	snprintf(path, sizeof(path), "%s/foo", t->b);
	write_file(path, 0755);
	snprintf(path, sizeof(path), "%s/bar", t->c);
	write_file(path, 0644);
}

static void remove_tree(struct tree *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	cr_assert_eq(system(cmd), 0);
}

static int resolve(const char *arg0, const char *path_value, char *buf, size_t size,
		   struct hr_err *err)
{
	struct hr_process_plan plan = {0};
	char *args[] = {(char *)arg0, NULL};

	plan.args = args;
	plan.n_args = 1;
	plan.path_env = path_value;
	return hr_process_resolve_executable(&plan, buf, size, err);
}

Test(process, resolve_in_path)
{
	struct tree t;
	struct hr_err err = {0};
	char path_value[256];
	char buf[PATH_MAX];
	char want[PATH_MAX];

	make_tree(&t);
	snprintf(path_value, sizeof(path_value), "%s:%s", t.a, t.b);
	cr_assert_eq(resolve("foo", path_value, buf, sizeof(buf), &err), 0, "%s", err.msg);
	snprintf(want, sizeof(want), "%s/foo", t.b);
	cr_assert_str_eq(buf, want, "a non-executable match is passed over");

	cr_assert_lt(resolve("nope", path_value, buf, sizeof(buf), &err), 0);
	cr_assert_str_eq(err.msg, "exec: \"nope\": executable file not found in $PATH");
	cr_assert_eq(err.errnum, ENOENT);

	snprintf(path_value, sizeof(path_value), "%s:%s", t.a, t.c);
	cr_assert_lt(resolve("bar", path_value, buf, sizeof(buf), &err), 0);
	cr_assert_str_eq(err.msg, "exec: \"bar\": permission denied");
	cr_assert_eq(err.errnum, EACCES);

	cr_assert_lt(resolve("foo", path_value, buf, 8, &err), 0);
	cr_assert_eq(err.errnum, ENAMETOOLONG);
	remove_tree(&t);
}

Test(process, resolve_with_slash)
{
	struct tree t;
	struct hr_err err = {0};
	char arg[128];
	char want[256];
	char buf[PATH_MAX];

	make_tree(&t);
	snprintf(arg, sizeof(arg), "%s/foo", t.b);
	cr_assert_eq(resolve(arg, "", buf, sizeof(buf), &err), 0, "%s", err.msg);
	cr_assert_str_eq(buf, arg);

	snprintf(arg, sizeof(arg), "%s/missing", t.b);
	cr_assert_lt(resolve(arg, "", buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "exec: \"%s\": stat %s: no such file or directory", arg, arg);
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(err.errnum, ENOENT);

	snprintf(arg, sizeof(arg), "%s/foo", t.a);
	cr_assert_lt(resolve(arg, "", buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "exec: \"%s\": permission denied", arg);
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(err.errnum, EACCES);

	cr_assert_lt(resolve(t.a, "", buf, sizeof(buf), &err), 0, "a directory is not executable");
	cr_assert_eq(err.errnum, EACCES);
	remove_tree(&t);
}

Test(process, resolve_default_path)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process proc = base_process();
	char *args[] = {"sh", NULL};
	char *env[] = {"HOME=/root", NULL};
	struct hr_process_plan *plan;
	struct hr_err err = {0};
	char buf[PATH_MAX];

	proc.args = args;
	proc.n_args = 1;
	proc.env = env;
	proc.n_env = 1;
	plan = build(&proc, &arena);
	cr_assert_eq(hr_process_resolve_executable(plan, buf, sizeof(buf), &err), 0, "%s", err.msg);
	cr_assert(strlen(buf) > 3 && strcmp(buf + strlen(buf) - 3, "/sh") == 0, "%s", buf);
	cr_assert_eq(access(buf, X_OK), 0);
}

/* ---- fds and exec ---- */

/*
 * fds 3..9 open without FD_CLOEXEC (fd 4 with it); preserve 2 (3, 4), keep 7 and the report
 * fd (FD_CLOEXEC, as the lead keeps its sync socket): afterwards 3 and 4 are open without
 * FD_CLOEXEC, 7 and the report fd unchanged, everything else closed. arg "proc" uses the
 * /proc/self/fd fallback.
 */
static int close_fds_case(const char *arg, char *msg, size_t size)
{
	int keep[] = {7, HRC_REPORT_FD, 12345};
	struct hr_err err = {0};
	int devnull = fcntl(open("/dev/null", O_RDWR), F_DUPFD, 20); /* above the tested range */
	int rc;

	for (int fd = 3; fd <= 9; fd++)
		if (dup2(devnull, fd) < 0)
			return hrc_fail(msg, size, "dup2: %s", strerror(errno));
	fcntl(4, F_SETFD, FD_CLOEXEC);
	if (strcmp(arg, "proc") == 0)
		rc = hr_process_close_from_proc(5, keep, 3, &err) < 0 || fcntl(4, F_SETFD, 0) < 0;
	else
		rc = hr_process_close_fds(2, keep, 3, &err);
	if (rc != 0)
		return hrc_fail(msg, size, "close_fds: %s", err.msg);
	for (int fd = 3; fd <= 9; fd++) {
		bool open_fd = fd == 3 || fd == 4 || fd == 7;
		int flags = fcntl(fd, F_GETFD);

		if ((flags >= 0) != open_fd || (open_fd && (flags & FD_CLOEXEC)))
			return hrc_fail(msg, size, "fd %d: flags %d", fd, flags);
	}
	if (fcntl(devnull, F_GETFD) >= 0)
		return hrc_fail(msg, size, "fd %d above the kept ones is still open", devnull);
	if (!(fcntl(HRC_REPORT_FD, F_GETFD) & FD_CLOEXEC))
		return hrc_fail(msg, size, "the kept report fd lost FD_CLOEXEC");
	return 0;
}

/* After close_fds_case, execs a shell that lists which of fds 3..9 it received. */
static int child_fds_exec(const char *arg, char *msg, size_t size)
{
	static char *sh[] = {"/bin/sh", "-c",
			     "for f in 3 4 5 6 7 8 9; do "
			     "[ \"$(readlink /proc/self/fd/$f)\" = /dev/null ] && printf '%s ' $f; "
			     "done; exit 0",
			     NULL};
	static char *env[] = {NULL};
	struct hr_process_plan plan = {.args = sh, .env = env};
	struct hr_err err = {0};

	if (close_fds_case(arg, msg, size) < 0)
		return -1;
	/* The shell reports on stdout, which becomes the report pipe. */
	if (dup2(HRC_REPORT_FD, STDOUT_FILENO) < 0)
		return hrc_fail(msg, size, "dup2: %s", strerror(errno));
	hr_process_exec(&plan, "/bin/sh", &err);
	return hrc_fail(msg, size, "%s", err.msg);
}

Test(process, close_fds_closes_all_but_preserved_and_kept)
{
	char out[2048];

	hrc_expect_ok("process/fds", "");
	hrc_expect("process/fds_exec", "", out, sizeof(out));
	cr_assert_str_eq(out, "3 4 7 ", "only the preserved and the kept fds cross execve");
}

Test(process, close_from_proc_fallback)
{
	char out[2048];

	hrc_expect_ok("process/fds", "proc");
	hrc_expect("process/fds_exec", "proc", out, sizeof(out));
	cr_assert_str_eq(out, "3 4 7 ");
}

static int child_exec_env(const char *arg, char *msg, size_t size)
{
	static char *args[] = {"sh", "-c", "[ \"$FOO\" = bar ] && [ -z \"$HOME\" ] && exit 7",
			       NULL};
	static char *env[] = {"FOO=bar", NULL};
	struct hr_process_plan plan = {.args = args, .env = env};
	struct hr_err err = {0};

	(void)arg;
	hr_process_exec(&plan, "/bin/sh", &err);
	return hrc_fail(msg, size, "%s", err.msg);
}

Test(process, exec_uses_plan_args_and_env)
{
	struct hr_err err = {0};
	struct hr_process_plan plan = {.args = test_args, .env = test_env};
	char out[256];
	int status = hrc_run("process/exec_env", "", out, sizeof(out));

	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status 0x%x: %s", status, out);
	cr_assert_lt(hr_process_exec(&plan, "/nonexistent/hr-test", &err), 0);
	cr_assert_str_eq(err.msg, "exec /nonexistent/hr-test: no such file or directory");
	cr_assert_eq(err.errnum, ENOENT);
}

static int child_fds(const char *arg, char *msg, size_t size)
{
	return close_fds_case(arg, msg, size);
}

static const struct hrc_case process_cases[] = {
    {"process/drop_1001", child_drop_1001},
    {"process/drop_nbs", child_drop_nbs},
    {"process/drop_ambient", child_drop_ambient},
    {"process/drop_root", child_drop_root},
    {"process/nnp", child_nnp},
    {"process/personality", child_personality},
    {"process/io_priority", child_io_priority},
    {"process/scheduler", child_scheduler},
    {"process/drop_error", child_drop_error},
    {"process/cwd_escape", child_cwd_escape},
    {"process/labels", child_labels},
    {"process/wait", child_wait},
    {"process/fds", child_fds},
    {"process/fds_exec", child_fds_exec},
    {"process/exec_env", child_exec_env},
};

__attribute__((constructor)) static void process_children(void)
{
	hrc_dispatch(process_cases, sizeof(process_cases) / sizeof(process_cases[0]));
}
