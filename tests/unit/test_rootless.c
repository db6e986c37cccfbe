/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --rootless: who is rootless, and the defaults it changes (never an option given). */
#include <criterion/criterion.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#include "libcontainer/rootless.h"

static struct hr_context root_ctx(void)
{
	return (struct hr_context){.root = HR_DEFAULT_ROOT, .cgroup_manager = HR_CGROUP_CGROUPFS};
}

Test(rootless, parses_runc_values)
{
	enum hr_rootless m;
	struct hr_err err = {0};

	cr_assert_eq(hr_rootless_parse("auto", &m, &err), 0);
	cr_assert_eq(m, HR_ROOTLESS_AUTO);
	cr_assert_eq(hr_rootless_parse("true", &m, &err), 0);
	cr_assert_eq(m, HR_ROOTLESS_TRUE);
	cr_assert_eq(hr_rootless_parse("false", &m, &err), 0);
	cr_assert_eq(m, HR_ROOTLESS_FALSE);
	cr_assert_eq(hr_rootless_parse("yes", &m, &err), -1);
	cr_assert_str_eq(err.msg, "unknown --rootless (true, false or auto): yes");
}

Test(rootless, auto_is_rootless_for_a_non_root_caller_only)
{
	struct hr_context ctx = root_ctx();
	struct hr_rootless_input in = {
	    .mode = HR_ROOTLESS_AUTO, .euid = 0, .xdg_runtime_dir = "/x"};

	hr_rootless_apply(&ctx, &in);
	cr_assert(!ctx.rootless);
	cr_assert_str_eq(ctx.root, HR_DEFAULT_ROOT);
	cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_CGROUPFS);

	in.euid = 1000;
	hr_rootless_apply(&ctx, &in);
	cr_assert(ctx.rootless);
	cr_assert_str_eq(ctx.root, "/x/hardrun");
	cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_DISABLED);
	cr_assert(ctx.cgroup_rootless_default);
}

Test(rootless, true_and_false_override_the_euid)
{
	struct hr_context ctx = root_ctx();
	struct hr_rootless_input in = {
	    .mode = HR_ROOTLESS_TRUE, .euid = 0, .xdg_runtime_dir = "/x"};

	hr_rootless_apply(&ctx, &in);
	cr_assert(ctx.rootless);
	cr_assert_str_eq(ctx.root, "/x/hardrun");

	ctx = root_ctx();
	in = (struct hr_rootless_input){
	    .mode = HR_ROOTLESS_FALSE, .euid = 1000, .xdg_runtime_dir = "/x"};
	hr_rootless_apply(&ctx, &in);
	cr_assert(!ctx.rootless);
	cr_assert_str_eq(ctx.root, HR_DEFAULT_ROOT);
	cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_CGROUPFS);
}

Test(rootless, options_given_are_kept)
{
	struct hr_context ctx = {.root = "/given", .cgroup_manager = HR_CGROUP_SYSTEMD};
	struct hr_rootless_input in = {.mode = HR_ROOTLESS_AUTO,
				       .euid = 1000,
				       .xdg_runtime_dir = "/x",
				       .root_given = true,
				       .manager_given = true};

	hr_rootless_apply(&ctx, &in);
	cr_assert(ctx.rootless);
	cr_assert_str_eq(ctx.root, "/given");
	cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_SYSTEMD);
	cr_assert(!ctx.cgroup_rootless_default);
}

Test(rootless, no_state_directory_without_an_absolute_xdg_runtime_dir)
{
	static const char *const bad[] = {NULL, "", "run/user/1000"};
	char longest[5000];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hr_context ctx = root_ctx();
		struct hr_rootless_input in = {
		    .mode = HR_ROOTLESS_AUTO, .euid = 1000, .xdg_runtime_dir = bad[i]};

		hr_rootless_apply(&ctx, &in);
		cr_assert_null(ctx.root, "XDG_RUNTIME_DIR=%s", bad[i] ? bad[i] : "(unset)");
	}
	memset(longest, 'x', sizeof(longest) - 1);
	longest[0] = '/';
	longest[sizeof(longest) - 1] = '\0';
	struct hr_context ctx = root_ctx();
	struct hr_rootless_input in = {
	    .mode = HR_ROOTLESS_AUTO, .euid = 1000, .xdg_runtime_dir = longest};
	hr_rootless_apply(&ctx, &in);
	cr_assert_null(ctx.root);
}

/* rootless Podman runs its runtime as uid 0 of the user namespace it made */
Test(rootless, uid_0_of_a_user_namespace)
{
	struct hr_context ctx = root_ctx();
	struct hr_rootless_input in = {.mode = HR_ROOTLESS_AUTO,
				       .euid = 0,
				       .in_user_namespace = true,
				       .user = "podder",
				       .xdg_runtime_dir = "/run/user/2001"};

	hr_rootless_apply(&ctx, &in);
	cr_assert(ctx.rootless);
	cr_assert_str_eq(ctx.root, "/run/user/2001/hardrun");
	cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_DISABLED);
	cr_assert(ctx.cgroup_rootless_default);

	/* $USER root, or no XDG_RUNTIME_DIR: the default state directory, still rootless */
	static const char *const users[] = {"root", "podder"};
	static const char *const xdgs[] = {"/run/user/0", NULL};

	for (size_t i = 0; i < 2; i++) {
		ctx = root_ctx();
		in.user = users[i];
		in.xdg_runtime_dir = xdgs[i];
		hr_rootless_apply(&ctx, &in);
		cr_assert(ctx.rootless);
		cr_assert_str_eq(ctx.root, HR_DEFAULT_ROOT, "USER=%s", users[i]);
		cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_DISABLED);
	}

	/* --rootless false: root as usual */
	ctx = root_ctx();
	in.mode = HR_ROOTLESS_FALSE;
	in.user = "podder";
	in.xdg_runtime_dir = "/run/user/2001";
	hr_rootless_apply(&ctx, &in);
	cr_assert(!ctx.rootless);
	cr_assert_str_eq(ctx.root, HR_DEFAULT_ROOT);
	cr_assert_eq(ctx.cgroup_manager, HR_CGROUP_CGROUPFS);
}

/* The test runs in the initial user namespace (the host; the guest) */
Test(rootless, the_initial_user_namespace_is_not_a_user_namespace_of_ones_own)
{
	cr_assert(!hr_rootless_in_user_namespace());
}
