/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CLI_H
#define HR_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "libcontainer/context.h"
#include "libcontainer/error.h"

/* Exit statuses of the command line (a container's own status is relayed by `run`). */
#define HR_EXIT_OK    0
#define HR_EXIT_ERROR 1
#define HR_EXIT_USAGE 2

struct hr_command {
	const char *name;
	const char *summary;
	const char *usage; /* full help text, printed by `CMD --help` and `help CMD` */
	/* always runs hardrun's own code beside a container's processes: re-executed from a
	 * sealed copy first (create and run decide per container: sealed_exe.h) */
	bool always_sealed;
	/* Returns an exit status; on failure fills err (printed once by main) and returns
	 * HR_EXIT_ERROR, or prints usage and returns HR_EXIT_USAGE. */
	int (*run)(struct hr_context *ctx, int argc, char **argv, struct hr_err *err);
};

extern const struct hr_command *const hr_commands[];

const struct hr_command *hr_find_command(const char *name);

/*
 * getopt_long over a command's argv (argv[0] is the command name). Every command accepts
 * -h/--help. Returns the option character, -1 at the end of options, or:
 *   HR_OPT_HELP   after printing the usage to stdout (the command returns HR_EXIT_OK);
 *   HR_OPT_ERROR  after printing a usage error (the command returns HR_EXIT_USAGE).
 * Parsing stops at the first non-option argument, as runc's does.
 */
#define HR_HELP_OPTION                                                                             \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}
#define HR_OPT_HELP  0x10000
#define HR_OPT_ERROR 0x10001
int hr_getopt(const struct hr_command *cmd, int argc, char **argv, const struct option *opts,
	      const char *shortopts);

/* Prints "hardrun CMD: <message>" and a hint to stderr; returns HR_EXIT_USAGE. */
int hr_usage_error(const struct hr_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Checks the number of positional arguments left after options. */
bool hr_expect_args(const struct hr_command *cmd, int argc, int min, int max);

/*
 * For commands without options of their own: handles --help and the argument count.
 * Returns -1 to go on (operands start at argv[optind]) or the exit status to return.
 */
int hr_parse_no_options(const struct hr_command *cmd, int argc, char **argv, int min_args,
			int max_args);

#define HR_DECLARE_COMMAND(var) extern const struct hr_command var

HR_DECLARE_COMMAND(hr_cmd_spec);
HR_DECLARE_COMMAND(hr_cmd_validate);
HR_DECLARE_COMMAND(hr_cmd_audit);
HR_DECLARE_COMMAND(hr_cmd_verify);
HR_DECLARE_COMMAND(hr_cmd_features);
HR_DECLARE_COMMAND(hr_cmd_create);
HR_DECLARE_COMMAND(hr_cmd_start);
HR_DECLARE_COMMAND(hr_cmd_run);
HR_DECLARE_COMMAND(hr_cmd_state);
HR_DECLARE_COMMAND(hr_cmd_kill);
HR_DECLARE_COMMAND(hr_cmd_delete);
HR_DECLARE_COMMAND(hr_cmd_list);
HR_DECLARE_COMMAND(hr_cmd_ps);
HR_DECLARE_COMMAND(hr_cmd_exec);
HR_DECLARE_COMMAND(hr_cmd_pause);
HR_DECLARE_COMMAND(hr_cmd_resume);
HR_DECLARE_COMMAND(hr_cmd_update);
HR_DECLARE_COMMAND(hr_cmd_events);
HR_DECLARE_COMMAND(hr_cmd_checkpoint);
HR_DECLARE_COMMAND(hr_cmd_restore);

#endif
