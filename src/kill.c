/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun kill: send a signal to a container's init (or all its processes). */
#include <signal.h>

#include "cli.h"
#include "libcontainer/container_ops.h"

static const char usage[] =
    "Usage: hardrun kill [--all] ID [SIGNAL]\n"
    "\n"
    "Send SIGNAL (a name with or without SIG, or a number; default TERM) to the container's\n"
    "init. The process is identified by pidfd, never by a pid that could have been reused.\n"
    "\n"
    "Options:\n"
    "  -a, --all    signal every process of the container\n"
    "  -h, --help   print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	bool all = false;
	int c, sig = SIGTERM;

	while ((c = hr_getopt(&hr_cmd_kill, argc, argv, opts, "a")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c != 'a')
			return HR_EXIT_USAGE;
		all = true;
	}
	if (!hr_expect_args(&hr_cmd_kill, argc - optind, 1, 2))
		return HR_EXIT_USAGE;
	if (argc - optind == 2 && hr_signal_parse(argv[optind + 1], &sig) < 0)
		return hr_usage_error(&hr_cmd_kill, "unknown signal \"%s\"", argv[optind + 1]);
	return hr_container_kill(ctx, argv[optind], sig, all, err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_kill = {
    .name = "kill",
    .summary = "send a signal to a container",
    .usage = usage,
    .run = run,
};
