/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun features: print what this build supports, as the runtime-spec features document. */
#include <stdio.h>

#include "cli.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/features.h"

static const char usage[] =
    "Usage: hardrun features\n"
    "\n"
    "Print the features this build of hardrun supports as the OCI runtime-spec \"features\"\n"
    "document (JSON): the spec versions, hooks, mount options, namespaces, capabilities,\n"
    "cgroup and seccomp support. See hardrun-features(8).\n"
    "\n"
    "Options:\n"
    "  -h, --help   print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	_cleanup_free_ char *doc = NULL;
	int c;

	(void)ctx;
	while ((c = hr_getopt(&hr_cmd_features, argc, argv, opts, "")) != -1) {
		switch (c) {
		case HR_OPT_HELP:
			return HR_EXIT_OK;
		default:
			return HR_EXIT_USAGE;
		}
	}
	if (!hr_expect_args(&hr_cmd_features, argc - optind, 0, 0))
		return HR_EXIT_USAGE;
	doc = hr_features_json();
	if (fputs(doc, stdout) == EOF || fflush(stdout) != 0) {
		hr_err_sys(err, "write the features document to stdout");
		return HR_EXIT_ERROR;
	}
	return HR_EXIT_OK;
}

const struct hr_command hr_cmd_features = {
    .name = "features",
    .summary = "print the features this build supports (JSON)",
    .usage = usage,
    .run = run,
};
