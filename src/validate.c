/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun validate: parse and validate a config.json, printing every problem found. */
#include <stdio.h>

#include "cli.h"
#include "libcontainer/config.h"
#include "libcontainer/log.h"

static const char usage[] =
    "Usage: hardrun validate [--bundle DIR | --config FILE]\n"
    "\n"
    "Parse and validate an OCI runtime configuration. Prints \"ok\" and exits 0 when it is\n"
    "valid; otherwise prints every problem found, each with its JSON path, and exits 1.\n"
    "\n"
    "Options:\n"
    "  -b, --bundle DIR    validate DIR/config.json (default: the current directory)\n"
    "  -f, --config FILE   validate FILE\n"
    "  -h, --help          print this help\n";

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"config", required_argument, NULL, 'f'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *bundle = NULL, *config_path = NULL;
	char path_buf[4096];
	struct hr_diags diags = {0};
	struct hr_config *config;
	int c;

	(void)ctx;
	(void)err;
	while ((c = hr_getopt(&hr_cmd_validate, argc, argv, opts, "b:f:")) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'f':
			config_path = optarg;
			break;
		case HR_OPT_HELP:
			return HR_EXIT_OK;
		default:
			return HR_EXIT_USAGE;
		}
	}
	if (!hr_expect_args(&hr_cmd_validate, argc - optind, 0, 0))
		return HR_EXIT_USAGE;
	if (bundle != NULL && config_path != NULL)
		return hr_usage_error(&hr_cmd_validate, "--bundle and --config are exclusive");
	if (config_path == NULL) {
		if ((size_t)snprintf(path_buf, sizeof(path_buf), "%s/config.json",
				     bundle ? bundle : ".") >= sizeof(path_buf))
			return hr_usage_error(&hr_cmd_validate, "bundle path too long");
		config_path = path_buf;
	}
	config = hr_config_load_file(config_path, &diags);
	if (config != NULL) {
		hr_log_doc_warnings(&config->warnings);
		hr_config_free(config);
		puts("ok");
		return HR_EXIT_OK;
	}
	for (size_t i = 0; i < diags.len; i++)
		fprintf(stderr, "%s\n", diags.msgs[i]);
	if (diags.dropped)
		fprintf(stderr, "(%zu more problems not shown)\n", diags.dropped);
	hr_diags_free(&diags);
	return HR_EXIT_ERROR;
}

const struct hr_command hr_cmd_validate = {
    .name = "validate",
    .summary = "check a config.json and report every problem",
    .usage = usage,
    .run = run,
};
