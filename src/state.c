/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun state: print the OCI state of a container. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "libcontainer/container_ops.h"

static const char usage[] =
    "Usage: hardrun state ID\n"
    "\n"
    "Print the container's state as the OCI runtime-spec defines it (JSON):\n"
    "ociVersion, id, status (created, running, paused or stopped), pid (0 once\n"
    "stopped), bundle, rootfs, created, owner and annotations; while the init lives,\n"
    "storage: the bytes used on each writable file system (tmpfs, volumes).\n"
    "\n"
    "Options:\n"
    "  -h, --help   print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	char *json = NULL;
	int r = hr_parse_no_options(&hr_cmd_state, argc, argv, 1, 1);

	if (r >= 0)
		return r;
	if (hr_container_state(ctx, argv[optind], &json, err) < 0)
		return HR_EXIT_ERROR;
	puts(json);
	free(json);
	return HR_EXIT_OK;
}

const struct hr_command hr_cmd_state = {
    .name = "state",
    .summary = "print the state of a container",
    .usage = usage,
    .run = run,
};
