/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun restore: a new container from a checkpoint, restored by criu(8). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/checkpoint.h"

static const char usage[] =
    "Usage: hardrun restore [OPTIONS] ID\n"
    "\n"
    "Create container ID from the bundle's config and restore into it the processes that\n"
    "`hardrun checkpoint` saved, with criu(8). Without --detach, wait for it as `run` does:\n"
    "its exit status becomes hardrun's, and the container is deleted. See\n"
    "hardrun-restore(8).\n"
    "\n"
    "Options:\n"
    "  -d, --detach             return once the container runs again\n"
    "  -b, --bundle DIR         the bundle (default: the current directory)\n"
    "      --pid-file FILE      write the restored init's pid to FILE\n"
    "      --console-socket S   where the new terminal's master goes (required when\n"
    "                           process.terminal is true)\n"
    "      --image-path DIR     criu's images (default ./checkpoint)\n"
    "      --work-path DIR      where criu's log (restore.log) goes (default: the image path)\n"
    "      --tcp-established    restore established TCP connections\n"
    "      --ext-unix-sk        allow unix sockets connected outside the container\n"
    "      --shell-job          allow a process of a shell job\n"
    "      --file-locks         restore file locks\n"
    "      --manage-cgroups-mode soft|full|strict|ignore\n"
    "                           criu's --manage-cgroups (default soft)\n"
    "  -h, --help               print this help\n"
    "\n"
    "runc's --no-subreaper and --no-pivot are accepted (nothing to change); --lazy-pages,\n"
    "--empty-ns and --auto-dedup are refused: not supported yet.\n";

enum {
	OPT_IMAGE_PATH = 0x100,
	OPT_WORK_PATH,
	OPT_PID_FILE,
	OPT_CONSOLE_SOCKET,
	OPT_TCP,
	OPT_EXT_UNIX,
	OPT_SHELL_JOB,
	OPT_FILE_LOCKS,
	OPT_CGROUPS_MODE,
	OPT_NOTHING,
	OPT_UNSUPPORTED,
};

static const struct option opts_table[] = {
    {"detach", no_argument, NULL, 'd'},
    {"bundle", required_argument, NULL, 'b'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
    {"image-path", required_argument, NULL, OPT_IMAGE_PATH},
    {"work-path", required_argument, NULL, OPT_WORK_PATH},
    {"tcp-established", no_argument, NULL, OPT_TCP},
    {"ext-unix-sk", no_argument, NULL, OPT_EXT_UNIX},
    {"shell-job", no_argument, NULL, OPT_SHELL_JOB},
    {"file-locks", no_argument, NULL, OPT_FILE_LOCKS},
    {"manage-cgroups-mode", required_argument, NULL, OPT_CGROUPS_MODE},
    {"no-subreaper", no_argument, NULL, OPT_NOTHING},
    {"no-pivot", no_argument, NULL, OPT_NOTHING},
    {"lazy-pages", no_argument, NULL, OPT_UNSUPPORTED},
    {"empty-ns", required_argument, NULL, OPT_UNSUPPORTED},
    {"auto-dedup", no_argument, NULL, OPT_UNSUPPORTED},
    HR_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

/* The options that only set a flag; NULL for the others. */
static bool *flag_for(int c, struct hr_restore_opts *o)
{
	switch (c) {
	case 'd':
		return &o->detach;
	case OPT_TCP:
		return &o->criu.tcp_established;
	case OPT_EXT_UNIX:
		return &o->criu.ext_unix_sk;
	case OPT_SHELL_JOB:
		return &o->criu.shell_job;
	case OPT_FILE_LOCKS:
		return &o->criu.file_locks;
	default:
		return NULL;
	}
}

/* The option as given: "--page-server" of "--page-server=X" or of "--page-server X". */
static const char *given_option(char **argv)
{
	const char *a = argv[optind - 1];
	static char name[64];

	if (strncmp(a, "--", 2) != 0 && optind >= 2)
		a = argv[optind - 2];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(a, "="), a);
	return name;
}

/* Returns -1 when the option was taken, else the exit status. */
static int take_option(int c, char **argv, struct hr_restore_opts *o)
{
	bool *flag = flag_for(c, o);

	if (flag != NULL) {
		*flag = true;
		return -1;
	}
	switch (c) {
	case 'b':
		o->bundle = optarg;
		return -1;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		return -1;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = optarg;
		return -1;
	case OPT_IMAGE_PATH:
		o->criu.image_path = optarg;
		return -1;
	case OPT_WORK_PATH:
		o->criu.work_path = optarg;
		return -1;
	case OPT_CGROUPS_MODE:
		if (hr_criu_cgroups_parse(optarg, &o->criu.manage_cgroups) < 0)
			return hr_usage_error(&hr_cmd_restore,
					      "unknown --manage-cgroups-mode \"%s\" (soft, full, "
					      "strict or ignore)",
					      optarg);
		return -1;
	case OPT_NOTHING:
		return -1;
	case OPT_UNSUPPORTED:
		return hr_usage_error(&hr_cmd_restore, "%s: not supported yet", given_option(argv));
	case HR_OPT_HELP:
		return HR_EXIT_OK;
	default:
		return HR_EXIT_USAGE;
	}
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct hr_restore_opts o = {0};
	int c, r, status = 0;

	while ((c = hr_getopt(&hr_cmd_restore, argc, argv, opts_table, "db:")) != -1) {
		r = take_option(c, argv, &o);
		if (r >= 0)
			return r;
	}
	if (!hr_expect_args(&hr_cmd_restore, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	o.id = argv[optind];
	if (hr_container_restore(ctx, &o, &status, err) < 0)
		return HR_EXIT_ERROR;
	return status;
}

const struct hr_command hr_cmd_restore = {
    .name = "restore",
    .summary = "restore a checkpointed container (criu)",
    .usage = usage,
    .run = run,
};
