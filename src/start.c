/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun start: release a created container's init to execute the user process. */
#include "cli.h"
#include "libcontainer/container.h"

static const char usage[] =
    "Usage: hardrun start ID\n"
    "\n"
    "Start a created container: its init executes process.args, then the\n"
    "poststart hooks run. With NOTIFY_SOCKET set (and set for create), start\n"
    "returns once the container's READY=1 is forwarded to it.\n"
    "\n"
    "Options:\n"
    "  -h, --help   print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	int r = hr_parse_no_options(&hr_cmd_start, argc, argv, 1, 1);

	if (r >= 0)
		return r;
	return hr_container_start(ctx, argv[optind], err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_start = {
    .name = "start",
    .summary = "start a created container",
    .usage = usage,
    .run = run,
};
