/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun verify: prove the hardening of a running container from what the kernel reports. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/log.h"
#include "libcontainer/verify.h"

static const char usage[] =
    "Usage: hardrun verify [--format text|json] [--profile production|development |\n"
    "                      --policy FILE] (ID | --all)\n"
    "\n"
    "Prove the hardening of a running container from what the kernel reports: every process's\n"
    "uid, gid and groups, its five capability sets, no_new_privs and seccomp filter\n"
    "(/proc/PID/status), its namespaces and cgroup; the init's mounts (the read-only root,\n"
    "each mount of the config with its flags and tmpfs size, masked and read-only paths); the\n"
    "cgroup's memory.max, cpu.max and pids.max. Each is held against the container's config\n"
    "and, with --profile or --policy, against the security guide's rules. Nothing is read\n"
    "through the container's own files: it cannot feed verify a false answer.\n"
    "\n"
    "One line per check: PASS or FAIL with what was observed and what was expected, or SKIP\n"
    "with the reason. Exit status: 0 when no check FAILs, 1 when one does or the container\n"
    "cannot be verified, 2 for a usage error.\n"
    "\n"
    "Options:\n"
    "      --format FORMAT   text (default) or json\n"
    "  -p, --profile NAME    also hold it against a spec profile: its user (1001:1001),\n"
    "                        /app/temp and its limits as maxima (production or development)\n"
    "      --policy FILE     also hold it against a policy file's rules and limits\n"
    "                        (hardrun-policy(5)); its ignored rules are not checked\n"
    "  -a, --all             every running or paused container\n"
    "  -h, --help            print this help\n"
    "\n"
    "See hardrun-verify(8).\n";

enum {
	OPT_FORMAT = 0x100,
	OPT_POLICY,
};

static int parse_options(struct hr_verify_options *o, bool *all, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"profile", required_argument, NULL, 'p'},
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"all", no_argument, NULL, 'a'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct hr_err perr;
	int c;

	while ((c = hr_getopt(&hr_cmd_verify, argc, argv, opts, "p:a")) != -1) {
		if (c == OPT_FORMAT && strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
			return hr_usage_error(
			    &hr_cmd_verify, "--format: expected text or json, got \"%s\"", optarg);
		if (c == OPT_FORMAT) {
			o->json = strcmp(optarg, "json") == 0;
		} else if (c == 'p') {
			if (hr_spec_parse_profile(optarg, &o->profile, &perr) < 0)
				return hr_usage_error(&hr_cmd_verify, "--profile: %s", perr.msg);
			if (o->profile == HR_PROFILE_MINIMAL)
				return hr_usage_error(&hr_cmd_verify,
						      "--profile: minimal is no baseline (use "
						      "production or development)");
			o->has_profile = true;
		} else if (c == OPT_POLICY) {
			o->policy_path = optarg;
		} else if (c == 'a') {
			*all = true;
		} else {
			return c == HR_OPT_HELP ? HR_EXIT_OK : HR_EXIT_USAGE;
		}
	}
	if (o->has_profile && o->policy_path != NULL)
		return hr_usage_error(&hr_cmd_verify, "--profile and --policy are exclusive");
	if (!hr_expect_args(&hr_cmd_verify, argc - optind, *all ? 0 : 1, *all ? 0 : 1))
		return HR_EXIT_USAGE;
	return -1;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct hr_verify_options opts = {0};
	bool all = false, failed;
	int status = parse_options(&opts, &all, argc, argv);

	if (status >= 0)
		return status;
	if (hr_verify(ctx, &opts, all ? NULL : argv[optind], stdout, &failed, err) < 0)
		return HR_EXIT_ERROR;
	return failed ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_verify = {
    .name = "verify",
    .summary = "prove a running container's hardening from what the kernel reports",
    .usage = usage,
    .run = run,
};
