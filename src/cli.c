/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct hr_command *hr_find_command(const char *name)
{
	for (size_t i = 0; hr_commands[i] != NULL; i++)
		if (strcmp(hr_commands[i]->name, name) == 0)
			return hr_commands[i];
	return NULL;
}

int hr_usage_error(const struct hr_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hardrun %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nRun 'hardrun %s --help' for usage.\n", cmd->name);
	return HR_EXIT_USAGE;
}

int hr_getopt(const struct hr_command *cmd, int argc, char **argv, const struct option *opts,
	      const char *shortopts)
{
	char spec[64];
	int c;

	/* '+': stop at the first operand; ':': report a missing argument distinctly */
	snprintf(spec, sizeof(spec), "+:h%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, spec, opts, NULL);
	switch (c) {
	case 'h':
		fputs(cmd->usage, stdout);
		return HR_OPT_HELP;
	case '?':
		if (optopt != 0)
			hr_usage_error(cmd, "unknown option -%c", optopt);
		else
			hr_usage_error(cmd, "unknown option %s", argv[optind - 1]);
		return HR_OPT_ERROR;
	case ':':
		hr_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
		return HR_OPT_ERROR;
	default:
		return c;
	}
}

bool hr_expect_args(const struct hr_command *cmd, int argc, int min, int max)
{
	if (argc < min) {
		hr_usage_error(cmd, "missing argument");
		return false;
	}
	if (max >= 0 && argc > max) {
		hr_usage_error(cmd, "unexpected argument");
		return false;
	}
	return true;
}

int hr_parse_no_options(const struct hr_command *cmd, int argc, char **argv, int min_args,
			int max_args)
{
	static const struct option opts[] = {HR_HELP_OPTION, {NULL, 0, NULL, 0}};
	int c = hr_getopt(cmd, argc, argv, opts, "");

	if (c == HR_OPT_HELP)
		return HR_EXIT_OK;
	if (c != -1)
		return HR_EXIT_USAGE;
	if (!hr_expect_args(cmd, argc - optind, min_args, max_args))
		return HR_EXIT_USAGE;
	return -1;
}
