/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun create: set a container up, its init waiting for `start`. */
#include <stdlib.h>

#include "cli.h"
#include "libcontainer/container.h"

static const char usage[] =
    "Usage: hardrun create [OPTIONS] ID\n"
    "\n"
    "Create a container from a bundle: namespaces, rootfs, privilege drop, all done; its\n"
    "init waits for `hardrun start ID` before it executes process.args.\n"
    "\n"
    "Options:\n"
    "  -b, --bundle DIR         the bundle (default: current directory)\n"
    "  -f, --config FILE        the config file, relative to the bundle (default config.json)\n"
    "      --pid-file FILE      write the init's pid to FILE (digits, no newline)\n"
    "      --console-socket S   send the pty master to the unix socket S (process.terminal)\n"
    "      --no-pivot           use MS_MOVE + chroot instead of pivot_root\n"
    "      --no-new-keyring     keep the caller's session keyring\n"
    "      --preserve-fds N     pass the open fds among 3..N+2 to the container (closed ones\n"
    "                           are skipped); with LISTEN_FDS=n in the environment (socket\n"
    "                           activation, LISTEN_PID unset or hardrun's), fds 3..n+2 go\n"
    "                           first with LISTEN_FDS=n LISTEN_PID=1, the N ones after them\n"
    "      --seccomp-record FILE  record every system call the container's processes make;\n"
    "                           when the last exits, write FILE: a linux.seccomp allowing\n"
    "                           exactly those (others fail with EPERM), for spec\n"
    "                           --seccomp-from. Slower: each call waits for the recorder\n"
    "  -h, --help               print this help\n"
    "\n"
    "With NOTIFY_SOCKET set, the process gets NOTIFY_SOCKET=/run/notify/notify.sock (a\n"
    "socket of the state directory, bound read-only); start (or run) forwards its READY=1.\n";

enum {
	OPT_PID_FILE = 0x100,
	OPT_CONSOLE_SOCKET,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_PRESERVE,
	OPT_SECCOMP_RECORD,
};

const struct option hr_create_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"config", required_argument, NULL, 'f'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"seccomp-record", required_argument, NULL, OPT_SECCOMP_RECORD},
    HR_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

int hr_parse_create_option(const struct hr_command *cmd, int c, struct hr_create_opts *opts)
{
	char *end;
	long n;

	switch (c) {
	case 'b':
		opts->bundle = optarg;
		return 0;
	case 'f':
		opts->config_path = optarg;
		return 0;
	case OPT_PID_FILE:
		opts->pid_file = optarg;
		return 0;
	case OPT_CONSOLE_SOCKET:
		opts->console_socket = optarg;
		return 0;
	case OPT_NO_PIVOT:
		opts->no_pivot = true;
		return 0;
	case OPT_NO_NEW_KEYRING:
		opts->no_new_keyring = true;
		return 0;
	case OPT_PRESERVE:
		n = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || n < 0 || n > 65536)
			return hr_usage_error(cmd, "--preserve-fds: expected a number, got \"%s\"",
					      optarg);
		opts->preserve_fds = (int)n;
		return 0;
	case OPT_SECCOMP_RECORD:
		opts->seccomp_record = optarg;
		return 0;
	default:
		return -1;
	}
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct hr_create_opts opts = {0};
	int c, r;

	while ((c = hr_getopt(&hr_cmd_create, argc, argv, hr_create_options, "b:f:")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		r = hr_parse_create_option(&hr_cmd_create, c, &opts);
		if (r != 0)
			return HR_EXIT_USAGE;
	}
	if (!hr_expect_args(&hr_cmd_create, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	opts.id = argv[optind];
	return hr_container_create(ctx, &opts, NULL, err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_create = {
    .name = "create",
    .summary = "create a container, its process waiting for start",
    .usage = usage,
    .run = run,
};
