/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun pause: freeze every process of a container (cgroup.freeze). */
#include "cli.h"
#include "libcontainer/container_cgroup.h"

static const char usage[] =
    "Usage: hardrun pause ID\n"
    "\n"
    "Freeze every process of a running container through its cgroup's\n"
    "cgroup.freeze, and wait until the kernel reports it frozen. `state` then\n"
    "says \"paused\". Needs a cgroup (not --cgroup-manager=disabled).\n"
    "\n"
    "Options:\n"
    "  -h, --help   print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	int r = hr_parse_no_options(&hr_cmd_pause, argc, argv, 1, 1);

	if (r >= 0)
		return r;
	return hr_container_pause(ctx, argv[optind], err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_pause = {
    .name = "pause",
    .summary = "suspend all processes of a container",
    .usage = usage,
    .run = run,
};
