/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp compilation, the cache, and filters installed in child processes (child_harness.h;
 * a filter cannot be removed: the test process itself never installs one).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <grp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libcontainer/cleanup.h"
#include "libcontainer/config.h"
#include "libcontainer/process.h"
#include "libcontainer/seccomp_filter.h"
#include "libcontainer/spec.h"
#include "tests/unit/child_harness.h"

/* ---- profiles ---- */

static char *mkdir_names[] = {"mkdir", "mkdirat", "hardrun_no_such_syscall"};
static char *getppid_names[] = {"getppid"};
static char *personality_names[] = {"personality"};
static char *unshare_names[] = {"unshare"};
static char *kcmp_names[] = {"kcmp"};

static struct hr_seccomp_arg personality_args[] = {
    {.index = 0, .value = 0xffffffff, .op = SCMP_CMP_NE}};
static struct hr_seccomp_arg unshare_args[] = {
    {.index = 0, .value = CLONE_NEWUSER, .value_two = CLONE_NEWUSER, .op = SCMP_CMP_MASKED_EQ}};
/* Two conditions on argument 0: ORed (runc's rule), not ANDed (which would never match). */
static struct hr_seccomp_arg kcmp_args[] = {{.index = 0, .value = 1, .op = SCMP_CMP_EQ},
					    {.index = 0, .value = 2, .op = SCMP_CMP_EQ}};

static struct hr_seccomp_rule test_rules[] = {
    {.names = mkdir_names,
     .n_names = 3,
     .action = HR_SECCOMP_ERRNO,
     .has_errno_ret = true,
     .errno_ret = 1},
    {.names = getppid_names, .n_names = 1, .action = HR_SECCOMP_ERRNO},
    {.names = personality_names,
     .n_names = 1,
     .action = HR_SECCOMP_ERRNO,
     .has_errno_ret = true,
     .errno_ret = EDOM,
     .args = personality_args,
     .n_args = 1},
    {.names = unshare_names,
     .n_names = 1,
     .action = HR_SECCOMP_ERRNO,
     .args = unshare_args,
     .n_args = 1},
    {.names = kcmp_names,
     .n_names = 1,
     .action = HR_SECCOMP_ERRNO,
     .has_errno_ret = true,
     .errno_ret = ENOTTY,
     .args = kcmp_args,
     .n_args = 2},
};

static uint32_t test_arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32};

static struct hr_seccomp test_profile(void)
{
	struct hr_seccomp sc = {0};

	sc.default_action = HR_SECCOMP_ALLOW;
	sc.syscalls = test_rules;
	sc.n_syscalls = sizeof(test_rules) / sizeof(test_rules[0]);
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		sc.architectures = test_arches;
		sc.n_architectures = 3;
	}
	return sc;
}

/* Installs a program that has no SCMP_ACT_NOTIFY rule. */
static int install(const struct hr_seccomp_program *prog, struct hr_err *err)
{
	int listener = -1;

	if (hr_seccomp_install(prog, &listener, err) < 0)
		return -1;
	if (listener >= 0) {
		close(listener);
		return hr_err_set(err, EINVAL, "a listener fd came without SCMP_ACT_NOTIFY rules");
	}
	return 0;
}

static struct hr_seccomp_program *compile_ok(const struct hr_seccomp *sc, const char *cache,
					     struct hr_arena *arena)
{
	struct hr_seccomp_program *prog = NULL;
	struct hr_err err = {0};

	cr_assert_eq(hr_seccomp_compile(sc, cache, arena, &prog, &err), 0, "%s", err.msg);
	cr_assert_not_null(prog);
	cr_assert_gt(prog->len, 0);
	return prog;
}

static void compile_fails(const struct hr_seccomp *sc, const char *want)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp_program *prog = NULL;
	struct hr_err err = {0};

	cr_assert_lt(hr_seccomp_compile(sc, NULL, &arena, &prog, &err), 0);
	cr_assert(strstr(err.msg, want) != NULL, "want \"%s\" in \"%s\"", want, err.msg);
}

/* ---- compilation ---- */

Test(seccomp_filter, compile_basic)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = test_profile();
	struct hr_seccomp_program *prog = compile_ok(&sc, NULL, &arena);
	struct hr_err err = {0};

	int listener = 0;

	cr_assert_eq(prog->flags, 0);
	cr_assert_not(hr_seccomp_has_listener(prog));
	cr_assert_not(prog->from_cache);
	cr_assert_leq(prog->len, BPF_MAXINSNS);
	cr_assert_eq(hr_seccomp_compile(NULL, NULL, &arena, &prog, &err), 0);
	cr_assert_null(prog, "no seccomp object, no program");
	cr_assert_eq(hr_seccomp_install(NULL, &listener, &err), 0);
	cr_assert_eq(listener, -1);
}

Test(seccomp_filter, refused_inputs)
{
	static char *names[] = {"getpid"};
	struct hr_seccomp_rule rule = {.names = names, .n_names = 1, .action = HR_SECCOMP_LOG};
	struct hr_seccomp_arg bad_arg = {.index = 6, .op = SCMP_CMP_EQ};
	char *bad_flags[] = {"SECCOMP_FILTER_FLAG_BOGUS"};
	struct hr_seccomp sc = {
	    .default_action = HR_SECCOMP_ALLOW, .syscalls = &rule, .n_syscalls = 1};

	rule.action = HR_SECCOMP_LOG;
	rule.has_errno_ret = true;
	compile_fails(&sc, "seccomp: syscalls[0]: errnoRet is not valid with SCMP_ACT_LOG");
	rule.has_errno_ret = false;
	rule.action = HR_SECCOMP_ERRNO;
	rule.args = &bad_arg;
	rule.n_args = 1;
	compile_fails(&sc, "seccomp: syscalls[0].args[0]: index 6 is not 0..5");
	rule.n_args = 0;
	sc.flags = bad_flags;
	sc.n_flags = 1;
	compile_fails(&sc, "seccomp: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
}

Test(seccomp_filter, flags_and_actions)
{
	static char *names[] = {"socketcall", "getpid", "kill"};
	char *flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
			 "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
	struct hr_seccomp_rule rules[] = {
	    {.names = names, .n_names = 3, .action = HR_SECCOMP_ALLOW},
	    {.names = names, .n_names = 1, .action = HR_SECCOMP_TRACE},
	};
	struct hr_seccomp sc = {.default_action = HR_SECCOMP_KILL_PROCESS,
				.flags = flags,
				.n_flags = 3,
				.syscalls = rules,
				.n_syscalls = 2};
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp_program *prog;

	if (seccomp_api_get() < 4) {
		/* valgrind does not implement seccomp(2): libseccomp sees API level 1. */
		fprintf(stderr, "warning: seccomp API level %u: checking the refusals only\n",
			seccomp_api_get());
		compile_fails(&sc, "seccomp: defaultAction SCMP_ACT_KILL_PROCESS is not supported "
				   "here (seccomp API level");
		sc.default_action = HR_SECCOMP_ERRNO;
		compile_fails(&sc, "seccomp: flag SECCOMP_FILTER_FLAG_");
		return;
	}
	prog = compile_ok(&sc, NULL, &arena);
	cr_assert_eq(prog->flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
				      SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	sc.default_action = HR_SECCOMP_ALLOW; /* the ALLOW rule now equals it: skipped */
	compile_ok(&sc, NULL, &arena);
}

/* ---- installed filters ---- */

/* In a child: compiles the test profile (flags as given), sets NNP, installs the filter. */
static int child_install(char **flags, size_t n_flags, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = test_profile();
	struct hr_process_plan plan = {.no_new_privileges = true};
	struct hr_seccomp_program *prog = NULL;
	struct hr_err err = {0};
	char field[64];

	sc.flags = flags;
	sc.n_flags = n_flags;
	if (hr_seccomp_compile(&sc, NULL, &arena, &prog, &err) < 0 ||
	    hr_process_set_no_new_privs(&plan, &err) < 0 || install(prog, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	if (hrc_status_field("Seccomp", field, sizeof(field)) < 0 || strcmp(field, "2") != 0)
		return hrc_fail(msg, size, "Seccomp: %s", field);
	return 0;
}

/* arg: a directory to try mkdir in; "tsync" in the case name adds SECCOMP_FILTER_FLAG_TSYNC. */
static int check_mkdir(const char *dir, char **flags, size_t n_flags, char *msg, size_t size)
{
	char path[256];

	if (child_install(flags, n_flags, msg, size) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sub", dir);
	if (mkdir(path, 0755) == 0 || errno != EPERM)
		return hrc_fail(msg, size, "mkdir: %s", strerror(errno));
	if (mkdirat(AT_FDCWD, path, 0755) == 0 || errno != EPERM)
		return hrc_fail(msg, size, "mkdirat: %s", strerror(errno));
	if (getppid() != -1 || errno != EPERM)
		return hrc_fail(msg, size,
				"getppid was not refused with the default errnoRet EPERM");
	if (getpid() <= 0)
		return hrc_fail(msg, size, "getpid is allowed");
	return 0;
}

static int child_mkdir(const char *arg, char *msg, size_t size)
{
	return check_mkdir(arg, NULL, 0, msg, size);
}

static int child_mkdir_tsync(const char *arg, char *msg, size_t size)
{
	static char *flags[] = {"SECCOMP_FILTER_FLAG_TSYNC"};

	return check_mkdir(arg, flags, 1, msg, size);
}

static int child_arguments(const char *arg, char *msg, size_t size)
{
	pid_t self = getpid();

	(void)arg;
	if (child_install(NULL, 0, msg, size) < 0)
		return -1;
	if (personality(0xffffffff) < 0)
		return hrc_fail(msg, size, "personality(0xffffffff): %s", strerror(errno));
	if (personality(PER_LINUX) != -1 || errno != EDOM)
		return hrc_fail(msg, size, "personality(PER_LINUX) was not refused with EDOM");
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != -1 || errno != EPERM)
		return hrc_fail(msg, size, "unshare(CLONE_NEWUSER) was not refused");
	if (unshare(0) != 0)
		return hrc_fail(msg, size, "unshare(0): %s", strerror(errno));
	if (syscall(SYS_kcmp, 1, self, KCMP_FILE, 0, 0) != -1 || errno != ENOTTY)
		return hrc_fail(msg, size, "kcmp(1, ...) was not refused with ENOTTY");
	if (syscall(SYS_kcmp, 2, self, KCMP_FILE, 0, 0) != -1 || errno != ENOTTY)
		return hrc_fail(msg, size, "kcmp(2, ...) was not refused with ENOTTY");
	if (syscall(SYS_kcmp, self, self, KCMP_FILE, 0, 0) == -1 && errno == ENOTTY)
		return hrc_fail(msg, size, "kcmp(self, ...) was refused");
	return 0;
}

Test(seccomp_filter, installed_filter_refuses_mkdir)
{
	char dir[] = "/tmp/hr-seccomp-XXXXXX";

	cr_assert_not_null(mkdtemp(dir));
	hrc_expect_ok("seccomp/mkdir", dir);
	cr_assert_eq(rmdir(dir), 0, "the filter only lived in the child");
}

Test(seccomp_filter, argument_conditions)
{
	hrc_expect_ok("seccomp/arguments", "");
}

Test(seccomp_filter, tsync_flag_installs)
{
	char dir[] = "/tmp/hr-seccomp-XXXXXX";

	cr_assert_not_null(mkdtemp(dir));
	if (seccomp_api_get() < 2) {
		char out[2048];

		/* valgrind does not implement seccomp(2): TSYNC must be refused, early. */
		fprintf(stderr, "warning: seccomp API level %u: checking the refusal only\n",
			seccomp_api_get());
		cr_assert_neq(hrc_run("seccomp/mkdir_tsync", dir, out, sizeof(out)), 0);
		cr_assert(strstr(out, "seccomp: flag SECCOMP_FILTER_FLAG_TSYNC (SCMP_FLTATR_CTL_"
				      "TSYNC) is not supported here") != NULL,
			  "%s", out);
	} else {
		hrc_expect_ok("seccomp/mkdir_tsync", dir);
	}
	rmdir(dir);
}

static int child_without_nnp(const char *arg, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = test_profile();
	struct hr_seccomp_program *prog = NULL;
	struct hr_err err = {0};

	(void)arg;
	if (hr_seccomp_compile(&sc, NULL, &arena, &prog, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return hrc_fail(msg, size, "setup: %s", strerror(errno));
	if (install(prog, &err) == 0)
		return hrc_fail(msg, size, "installed without NNP or CAP_SYS_ADMIN");
	if (err.errnum != EACCES || strstr(err.msg, "no_new_privs is not set") == NULL)
		return hrc_fail(msg, size, "unexpected error: %s", err.msg);
	return 0;
}

Test(seccomp_filter, install_needs_nnp_or_sys_admin)
{
	hrc_require_root();
	hrc_expect_ok("seccomp/without_nnp", "");
}

/* ---- the cache ---- */

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void remove_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static void assert_same_program(const struct hr_seccomp_program *a,
				const struct hr_seccomp_program *b)
{
	cr_assert_eq(a->len, b->len);
	cr_assert_eq(a->flags, b->flags);
	cr_assert_eq(memcmp(a->filter, b->filter, a->len * sizeof(struct sock_filter)), 0,
		     "cached program differs from the compiled one");
}

Test(seccomp_filter, cache_round_trip)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = test_profile();
	char root[] = "/tmp/hr-seccache-XXXXXX";
	char cache[64];
	char file[256];
	struct hr_seccomp_program *first, *second;
	struct stat st;

	cr_assert_not_null(mkdtemp(root));
	snprintf(cache, sizeof(cache), "%s/a/.seccomp-cache", root);
	first = compile_ok(&sc, cache, &arena);
	cr_assert_not(first->from_cache);
	cr_assert_eq(stat(cache, &st), 0);
	cr_assert(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700, "mode %o", st.st_mode);
	cr_assert_gt(hr_seccomp_cache_path(&sc, cache, file, sizeof(file)), 0);
	cr_assert_eq(stat(file, &st), 0, "%s", file);
	cr_assert_eq(st.st_mode & 077, 0);
	cr_assert_eq(count_entries(cache), 1, "no temporary file is left behind");

	second = compile_ok(&sc, cache, &arena);
	cr_assert(second->from_cache);
	assert_same_program(first, second);
	/* Without the cache the compilation is deterministic too. */
	assert_same_program(first, compile_ok(&sc, NULL, &arena));

	/* A different profile is a different entry. */
	test_rules[0].errno_ret = 2;
	cr_assert_not(compile_ok(&sc, cache, &arena)->from_cache);
	test_rules[0].errno_ret = 1;
	cr_assert_eq(count_entries(cache), 2);
	cr_assert(compile_ok(&sc, cache, &arena)->from_cache);
	remove_dir(root);
}

Test(seccomp_filter, cache_rejects_bad_files_and_dirs)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = test_profile();
	char cache[] = "/tmp/hr-seccache-XXXXXX";
	char file[256];
	struct hr_seccomp_program *first, *p;
	struct stat st;

	cr_assert_not_null(mkdtemp(cache));
	first = compile_ok(&sc, cache, &arena);
	cr_assert_gt(hr_seccomp_cache_path(&sc, cache, file, sizeof(file)), 0);
	cr_assert_eq(stat(file, &st), 0);

	/* Truncated to a size that is not a whole number of instructions: recompiled. */
	cr_assert_eq(truncate(file, st.st_size - 3), 0);
	p = compile_ok(&sc, cache, &arena);
	cr_assert_not(p->from_cache);
	assert_same_program(first, p);
	cr_assert(compile_ok(&sc, cache, &arena)->from_cache, "the entry was rewritten");

	/* A directory others may write to is not trusted. */
	cr_assert_eq(chmod(cache, 0777), 0);
	cr_assert_not(compile_ok(&sc, cache, &arena)->from_cache);
	cr_assert_eq(chmod(cache, 0700), 0);
	/* Nor a file others may write to. */
	cr_assert_eq(chmod(file, 0666), 0);
	cr_assert_not(compile_ok(&sc, cache, &arena)->from_cache);
	remove_dir(cache);
}

/* ---- the production profile of `hardrun spec` ---- */

/* The config `hardrun spec --profile production` writes, parsed; NULL (and msg) on error. */
static struct hr_config *production_config(char *msg, size_t size)
{
	_cleanup_free_ char *doc = NULL;
	struct hr_spec_options opts;
	struct hr_diags diags = {0};
	struct hr_err err = {0};
	struct hr_config *config;
	size_t len = 0;
	int rc;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	rc = hr_spec_generate(&opts, "/tmp/hr-bundle", &doc, &len, &err);
	hr_spec_options_free(&opts);
	if (rc < 0) {
		hrc_fail(msg, size, "spec: %s", err.msg);
		return NULL;
	}
	config = hr_config_parse(doc, len, "config.json", &diags);
	if (config == NULL)
		hrc_fail(msg, size, "parse: %s", diags.len > 0 ? diags.msgs[0] : "?");
	else if (config->linux_cfg.seccomp == NULL)
		hrc_fail(msg, size, "the production profile has no linux.seccomp");
	hr_diags_free(&diags);
	if (config != NULL && config->linux_cfg.seccomp == NULL) {
		hr_config_free(config);
		return NULL;
	}
	return config;
}

Test(seccomp_filter, production_profile_compiles_and_caches)
{
	_cleanup_config_ struct hr_config *config = NULL;
	_cleanup_arena_ struct hr_arena arena = {0};
	char cache[] = "/tmp/hr-seccache-XXXXXX";
	struct hr_seccomp_program *first, *second;
	char msg[1024] = "";

	config = production_config(msg, sizeof(msg));
	cr_assert_not_null(config, "%s", msg);
	cr_assert_eq(config->linux_cfg.seccomp->default_action, HR_SECCOMP_ERRNO);
	cr_assert_not_null(mkdtemp(cache));
	first = compile_ok(config->linux_cfg.seccomp, cache, &arena);
	second = compile_ok(config->linux_cfg.seccomp, cache, &arena);
	cr_assert_not(first->from_cache);
	cr_assert(second->from_cache);
	assert_same_program(first, second);
	remove_dir(cache);
}

static int child_production(const char *arg, char *msg, size_t size)
{
	_cleanup_config_ struct hr_config *config = production_config(msg, size);
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_process_plan plan = {.no_new_privileges = true};
	struct hr_seccomp_program *prog = NULL;
	struct hr_err err = {0};
	int status;
	pid_t pid;

	(void)arg;
	if (config == NULL)
		return -1;
	if (hr_seccomp_compile(config->linux_cfg.seccomp, NULL, &arena, &prog, &err) < 0 ||
	    hr_process_set_no_new_privs(&plan, &err) < 0 || install(prog, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	if (getpid() <= 0 || personality(0xffffffff) < 0)
		return hrc_fail(msg, size, "getpid or personality(query) refused");
	if (personality(READ_IMPLIES_EXEC) != -1 || errno != EPERM)
		return hrc_fail(msg, size, "personality(READ_IMPLIES_EXEC) was not refused");
	if (unshare(CLONE_NEWNS) != -1 || errno != EPERM)
		return hrc_fail(msg, size, "unshare(CLONE_NEWNS) was not refused");
	if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) != -1 ||
	    errno != EPERM)
		return hrc_fail(msg, size, "keyctl was not refused");
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return hrc_fail(msg, size, "clone3 does not look absent");
	pid = fork();
	if (pid == 0)
		execl("/bin/true", "true", (char *)NULL), _exit(127);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return hrc_fail(msg, size, "fork and exec /bin/true: %s", strerror(errno));
	return 0;
}

Test(seccomp_filter, production_profile_installed)
{
	hrc_expect_ok("seccomp/production", "");
}

/* ---- user notification ---- */

static char *notify_names[] = {"mkdir", "mkdirat"};
static struct hr_seccomp_rule notify_rules[] = {
    {.names = notify_names, .n_names = 2, .action = HR_SECCOMP_NOTIFY},
};

static struct hr_seccomp notify_profile(void)
{
	return (struct hr_seccomp){.default_action = HR_SECCOMP_ALLOW,
				   .listener_path = "/run/agent.sock",
				   .syscalls = notify_rules,
				   .n_syscalls = 1};
}

Test(seccomp_filter, notify_flags)
{
	char *flags[] = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"};
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = notify_profile();
	struct hr_seccomp_program *prog;

	if (seccomp_api_get() < 5) {
		/* valgrind does not implement seccomp(2): libseccomp sees API level 1. */
		fprintf(stderr, "warning: seccomp API level %u: checking the refusal only\n",
			seccomp_api_get());
		compile_fails(&sc, "seccomp: syscalls[0]: SCMP_ACT_NOTIFY is not supported here "
				   "(seccomp API level");
		return;
	}
	prog = compile_ok(&sc, NULL, &arena);
	cr_assert(hr_seccomp_has_listener(prog));
	cr_assert_eq(prog->flags, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	/* WAIT_KILLABLE_RECV goes to the kernel only with a listener; TSYNC then needs ESRCH */
	sc.flags = flags;
	sc.n_flags = 2;
	prog = compile_ok(&sc, NULL, &arena);
	cr_assert_eq(prog->flags, SECCOMP_FILTER_FLAG_NEW_LISTENER |
				      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV |
				      SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
	notify_rules[0].action = HR_SECCOMP_ERRNO;
	prog = compile_ok(&sc, NULL, &arena);
	notify_rules[0].action = HR_SECCOMP_NOTIFY;
	cr_assert_eq(prog->flags, SECCOMP_FILTER_FLAG_TSYNC, "flags 0x%x", prog->flags);
	cr_assert_not(hr_seccomp_has_listener(prog));
}

/* A grandchild, under the filter, calls mkdir; the child answers it on the listener fd. */
static int answer_one(int listener, pid_t pid, char *msg, size_t size)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return hrc_fail(msg, size, "SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(errno));
	if ((pid_t)req.pid != pid || (req.data.nr != SYS_mkdir && req.data.nr != SYS_mkdirat))
		return hrc_fail(msg, size, "notified of syscall %d from %d", req.data.nr,
				(int)req.pid);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.error = -ENOTSUP;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return hrc_fail(msg, size, "SECCOMP_IOCTL_NOTIF_SEND: %s", strerror(errno));
	return 0;
}

static int child_notify(const char *dir, char *msg, size_t size)
{
	_cleanup_arena_ struct hr_arena arena = {0};
	struct hr_seccomp sc = notify_profile();
	struct hr_process_plan plan = {.no_new_privileges = true};
	struct hr_seccomp_program *prog = NULL;
	_cleanup_close_ int listener = -1;
	struct hr_err err = {0};
	char path[256];
	int status;
	pid_t pid;

	if (hr_seccomp_compile(&sc, NULL, &arena, &prog, &err) < 0 ||
	    hr_process_set_no_new_privs(&plan, &err) < 0 ||
	    hr_seccomp_install(prog, &listener, &err) < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	if (listener < 0)
		return hrc_fail(msg, size, "no listener fd");
	snprintf(path, sizeof(path), "%s/sub", dir);
	pid = fork();
	if (pid == 0)
		_exit(mkdir(path, 0755) < 0 && errno == ENOTSUP ? 0 : 1);
	if (pid < 0)
		return hrc_fail(msg, size, "fork: %s", strerror(errno));
	if (answer_one(listener, pid, msg, size) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hrc_fail(msg, size, "mkdir did not fail with the agent's ENOTSUP");
	return 0;
}

Test(seccomp_filter, notify_listener_answers)
{
	char dir[] = "/tmp/hr-seccomp-XXXXXX";

	if (seccomp_api_get() < 5) {
		fprintf(stderr, "warning: seccomp API level %u: no listener to test\n",
			seccomp_api_get());
		return;
	}
	cr_assert_not_null(mkdtemp(dir));
	hrc_expect_ok("seccomp/notify", dir);
	cr_assert_eq(rmdir(dir), 0, "the agent's answer, not the kernel, made mkdir fail");
}

static const struct hrc_case seccomp_cases[] = {
    {"seccomp/mkdir", child_mkdir},	      {"seccomp/mkdir_tsync", child_mkdir_tsync},
    {"seccomp/arguments", child_arguments},   {"seccomp/without_nnp", child_without_nnp},
    {"seccomp/production", child_production}, {"seccomp/notify", child_notify},
};

__attribute__((constructor)) static void seccomp_children(void)
{
	hrc_dispatch(seccomp_cases, sizeof(seccomp_cases) / sizeof(seccomp_cases[0]));
}
