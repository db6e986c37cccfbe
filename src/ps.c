/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun ps: the processes of a container. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libcontainer/container_ops.h"
#include "libcontainer/json.h"

static const char usage[] = "Usage: hardrun ps [--format table|json] ID\n"
			    "\n"
			    "List the processes of a container (host pids).\n"
			    "\n"
			    "Options:\n"
			    "  -f, --format FORMAT  table (default: PID and command) or json (an\n"
			    "                       array of pids)\n"
			    "  -h, --help           print this help\n";

static void print_row(pid_t pid)
{
	char path[64], cmd[256] = "";
	int fd;
	ssize_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
	}
	for (ssize_t i = 0; i < n - 1; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	cmd[n > 0 ? n : 0] = '\0';
	printf("%-8d %s\n", (int)pid, cmd);
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	bool json = false;
	pid_t *pids = NULL;
	size_t n = 0;
	int c;

	while ((c = hr_getopt(&hr_cmd_ps, argc, argv, opts, "f:")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c != 'f')
			return HR_EXIT_USAGE;
		if (strcmp(optarg, "json") == 0)
			json = true;
		else if (strcmp(optarg, "table") != 0)
			return hr_usage_error(&hr_cmd_ps, "--format: table or json, not \"%s\"",
					      optarg);
	}
	if (!hr_expect_args(&hr_cmd_ps, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	if (hr_container_pids(ctx, argv[optind], &pids, &n, err) < 0)
		return HR_EXIT_ERROR;
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++)
			print_row(pids[i]);
	}
	free(pids);
	return HR_EXIT_OK;
}

const struct hr_command hr_cmd_ps = {
    .name = "ps",
    .summary = "list the processes of a container",
    .usage = usage,
    .run = run,
};
