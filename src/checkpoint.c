/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun checkpoint: save a running container's processes with criu(8). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/checkpoint.h"

static const char usage[] =
    "Usage: hardrun checkpoint [OPTIONS] ID\n"
    "\n"
    "Save the processes of a running container with criu(8) into an image directory, with\n"
    "hardrun's record of the container beside the images; then the container is stopped and\n"
    "deleted (as runc does), unless --leave-running. See hardrun-checkpoint(8).\n"
    "\n"
    "Options:\n"
    "      --image-path DIR     where criu's images go (default ./checkpoint; made if missing)\n"
    "      --work-path DIR      where criu's log (dump.log) goes (default: the image path)\n"
    "      --leave-running      the container keeps running after the checkpoint\n"
    "      --pre-dump           save only the memory, tracking what changes after; the\n"
    "                           container keeps running\n"
    "      --parent-path DIR    an earlier --pre-dump's image path, relative to --image-path:\n"
    "                           only the memory changed since is saved\n"
    "      --tcp-established    save established TCP connections\n"
    "      --ext-unix-sk        allow unix sockets connected outside the container\n"
    "      --shell-job          allow a process of a shell job (a session outside)\n"
    "      --file-locks         save file locks\n"
    "      --manage-cgroups-mode soft|full|strict|ignore\n"
    "                           criu's --manage-cgroups (default soft)\n"
    "  -h, --help               print this help\n"
    "\n"
    "runc's --page-server, --auto-dedup, --lazy-pages, --status-fd and --empty-ns are\n"
    "refused: not supported yet.\n";

enum {
	OPT_IMAGE_PATH = 0x100,
	OPT_WORK_PATH,
	OPT_LEAVE_RUNNING,
	OPT_PRE_DUMP,
	OPT_PARENT_PATH,
	OPT_TCP,
	OPT_EXT_UNIX,
	OPT_SHELL_JOB,
	OPT_FILE_LOCKS,
	OPT_CGROUPS_MODE,
	OPT_UNSUPPORTED,
};

/* runc's options hardrun cannot honour yet: refused by name, never ignored. */
#define UNSUPPORTED_OPTIONS                                                                        \
	{"page-server", required_argument, NULL, OPT_UNSUPPORTED},                                 \
	    {"auto-dedup", no_argument, NULL, OPT_UNSUPPORTED},                                    \
	    {"lazy-pages", no_argument, NULL, OPT_UNSUPPORTED},                                    \
	    {"status-fd", required_argument, NULL, OPT_UNSUPPORTED},                               \
	{                                                                                          \
		"empty-ns", required_argument, NULL, OPT_UNSUPPORTED                               \
	}

static const struct option opts_table[] = {
    {"image-path", required_argument, NULL, OPT_IMAGE_PATH},
    {"work-path", required_argument, NULL, OPT_WORK_PATH},
    {"leave-running", no_argument, NULL, OPT_LEAVE_RUNNING},
    {"pre-dump", no_argument, NULL, OPT_PRE_DUMP},
    {"parent-path", required_argument, NULL, OPT_PARENT_PATH},
    {"tcp-established", no_argument, NULL, OPT_TCP},
    {"ext-unix-sk", no_argument, NULL, OPT_EXT_UNIX},
    {"shell-job", no_argument, NULL, OPT_SHELL_JOB},
    {"file-locks", no_argument, NULL, OPT_FILE_LOCKS},
    {"manage-cgroups-mode", required_argument, NULL, OPT_CGROUPS_MODE},
    UNSUPPORTED_OPTIONS,
    HR_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

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
static int take_option(int c, char **argv, struct hr_checkpoint_opts *o)
{
	switch (c) {
	case OPT_IMAGE_PATH:
		o->criu.image_path = optarg;
		return -1;
	case OPT_WORK_PATH:
		o->criu.work_path = optarg;
		return -1;
	case OPT_LEAVE_RUNNING:
		o->leave_running = true;
		return -1;
	case OPT_PRE_DUMP:
		o->pre_dump = true;
		return -1;
	case OPT_PARENT_PATH:
		o->parent_path = optarg;
		return -1;
	case OPT_TCP:
		o->criu.tcp_established = true;
		return -1;
	case OPT_EXT_UNIX:
		o->criu.ext_unix_sk = true;
		return -1;
	case OPT_SHELL_JOB:
		o->criu.shell_job = true;
		return -1;
	case OPT_FILE_LOCKS:
		o->criu.file_locks = true;
		return -1;
	case OPT_CGROUPS_MODE:
		if (hr_criu_cgroups_parse(optarg, &o->criu.manage_cgroups) < 0)
			return hr_usage_error(&hr_cmd_checkpoint,
					      "unknown --manage-cgroups-mode \"%s\" (soft, full, "
					      "strict or ignore)",
					      optarg);
		return -1;
	case OPT_UNSUPPORTED:
		return hr_usage_error(&hr_cmd_checkpoint, "%s: not supported yet",
				      given_option(argv));
	case HR_OPT_HELP:
		return HR_EXIT_OK;
	default:
		return HR_EXIT_USAGE;
	}
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct hr_checkpoint_opts o = {0};
	int c, r;

	while ((c = hr_getopt(&hr_cmd_checkpoint, argc, argv, opts_table, "")) != -1) {
		r = take_option(c, argv, &o);
		if (r >= 0)
			return r;
	}
	if (!hr_expect_args(&hr_cmd_checkpoint, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	return hr_container_checkpoint(ctx, argv[optind], &o, err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_checkpoint = {
    .name = "checkpoint",
    .summary = "save a running container's processes (criu)",
    .usage = usage,
    .run = run,
};
