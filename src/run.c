/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun run: create + start, and in the foreground wait, relay and delete. */
#include "cli.h"
#include "libcontainer/container.h"

static const char usage[] =
	"Usage: hardrun run [OPTIONS] ID\n"
	"\n"
	"Create and start a container. In the foreground, signals are forwarded to it, a terminal\n"
	"is relayed when process.terminal is set, its exit status becomes hardrun's (128+N when\n"
	"killed by signal N) and it is deleted afterwards.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR         the bundle (default: current directory)\n"
	"  -f, --config FILE        the config file, relative to the bundle (default config.json)\n"
	"  -d, --detach             return once started\n"
	"      --keep               do not delete the container after it exits\n"
	"      --pid-file FILE      write the init's pid to FILE (digits, no newline)\n"
	"      --console-socket S   send the pty master to the unix socket S\n"
	"      --no-pivot           use MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring     keep the caller's session keyring\n"
	"      --preserve-fds N     pass N extra file descriptors (from fd 3) to the container\n"
	"  -h, --help               print this help\n";

extern const struct option hr_create_options[];
int hr_parse_create_option(const struct hr_command *cmd, int c, struct hr_create_opts *opts);

enum { OPT_KEEP = 0x200 };

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct option opts_table[16];
	struct hr_run_opts opts = {0};
	size_t n = 0;
	int c, status = 0;

	while (hr_create_options[n].name != NULL) {
		opts_table[n] = hr_create_options[n];
		n++;
	}
	opts_table[n++] = (struct option){"detach", no_argument, NULL, 'd'};
	opts_table[n++] = (struct option){"keep", no_argument, NULL, OPT_KEEP};
	opts_table[n] = (struct option){NULL, 0, NULL, 0};
	while ((c = hr_getopt(&hr_cmd_run, argc, argv, opts_table, "b:f:d")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c == 'd')
			opts.detach = true;
		else if (c == OPT_KEEP)
			opts.keep = true;
		else if (hr_parse_create_option(&hr_cmd_run, c, &opts.create) != 0)
			return HR_EXIT_USAGE;
	}
	if (!hr_expect_args(&hr_cmd_run, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	opts.create.id = argv[optind];
	if (hr_container_run(ctx, &opts, &status, err) < 0)
		return HR_EXIT_ERROR;
	return status;
}

const struct hr_command hr_cmd_run = {
	.name = "run",
	.summary = "create and start a container, wait for it in the foreground",
	.usage = usage,
	.run = run,
	.enters_containers = true,
};
