/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun delete: remove a container and everything create made for it. */
#include "cli.h"
#include "libcontainer/container_ops.h"

static const char usage[] =
    "Usage: hardrun delete [--force] [--keep-logs DIR] ID...\n"
    "\n"
    "Delete created or stopped containers: a waiting init is killed, poststop hooks run (a\n"
    "failing one is a warning), the state is removed. With several IDs each is deleted in\n"
    "turn; a failure is reported and the others are still deleted (the exit status is 1).\n"
    "\n"
    "Options:\n"
    "  -f, --force        also delete a running container (its processes are killed)\n"
    "      --keep-logs DIR  first copy its output log (run --output-log) and its health\n"
    "                     check's settings and last results into DIR/ID/ (made 0700; an\n"
    "                     existing DIR/ID is an error): for an incident review. When they\n"
    "                     cannot be copied, the container stays\n"
    "  -h, --help         print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'f'},
	    {"keep-logs", required_argument, NULL, 'k'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *keep_logs = NULL;
	bool force = false;
	int c;

	while ((c = hr_getopt(&hr_cmd_delete, argc, argv, opts, "f")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c == 'k')
			keep_logs = optarg;
		else if (c == 'f')
			force = true;
		else
			return HR_EXIT_USAGE;
	}
	if (!hr_expect_args(&hr_cmd_delete, argc - optind, 1, -1))
		return HR_EXIT_USAGE;
	return hr_container_delete_each(ctx, argv + optind, (size_t)(argc - optind), force,
					keep_logs, err) < 0
		   ? HR_EXIT_ERROR
		   : HR_EXIT_OK;
}

const struct hr_command hr_cmd_delete = {
    .name = "delete",
    .summary = "delete containers",
    .usage = usage,
    .run = run,
};
