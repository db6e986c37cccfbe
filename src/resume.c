/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun resume: thaw a paused container. */
#include "cli.h"
#include "libcontainer/container_cgroup.h"

static const char usage[] =
    "Usage: hardrun resume ID\n"
    "\n"
    "Thaw every process of a paused container (cgroup.freeze 0) and wait until\n"
    "the kernel reports it thawed.\n"
    "\n"
    "Options:\n"
    "  -h, --help   print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	int r = hr_parse_no_options(&hr_cmd_resume, argc, argv, 1, 1);

	if (r >= 0)
		return r;
	return hr_container_resume(ctx, argv[optind], err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_resume = {
    .name = "resume",
    .summary = "resume all processes of a paused container",
    .usage = usage,
    .run = run,
};
