/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun audit: score a config.json against the security guide and the CIS benchmark. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/audit.h"
#include "libcontainer/config.h"
#include "libcontainer/log.h"
#include "libcontainer/lsm.h"
#include "libcontainer/spec.h"

static const char usage[] =
    "Usage: hardrun audit [--bundle DIR | --config FILE] [--format text|json]\n"
    "                     [--profile production|development]\n"
    "\n"
    "Judge an OCI runtime configuration against hardrun's security guide and the CIS Docker\n"
    "Benchmark items a config can show: user, read-only root, tmpfs, no_new_privs,\n"
    "capabilities, privileged mode, seccomp, resource limits, namespaces, mounts, devices,\n"
    "propagation, secrets in the environment, masked paths. Each rule reports PASS, WARN,\n"
    "FAIL or SKIP with the JSON path it looked at and a fix. Environment values are never\n"
    "printed.\n"
    "\n"
    "Exit status: 0 when no rule FAILs, 1 when one does, 2 when the config cannot be read.\n"
    "\n"
    "Options:\n"
    "  -b, --bundle DIR       audit DIR/config.json (default: the current directory)\n"
    "  -f, --config FILE      audit FILE\n"
    "      --format FORMAT    text (default: a table and a summary) or json\n"
    "  -p, --profile NAME     also require limits no larger than the profile's\n"
    "                         (production or development)\n"
    "  -h, --help             print this help\n"
    "\n"
    "See hardrun-audit(8) for every rule.\n";

enum {
	OPT_FORMAT = 0x100,
};

struct audit_cli {
	const char *bundle;
	const char *config_path;
	bool json;
	bool has_profile;
	enum hr_spec_profile profile;
};

/* Returns -1 to go on, or the exit status. */
static int parse_options(struct audit_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"config", required_argument, NULL, 'f'},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"profile", required_argument, NULL, 'p'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct hr_err perr;
	int c;

	while ((c = hr_getopt(&hr_cmd_audit, argc, argv, opts, "b:f:p:")) != -1) {
		switch (c) {
		case 'b':
			cli->bundle = optarg;
			break;
		case 'f':
			cli->config_path = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return hr_usage_error(&hr_cmd_audit,
						      "--format: expected text or json, got \"%s\"",
						      optarg);
			cli->json = strcmp(optarg, "json") == 0;
			break;
		case 'p':
			if (hr_spec_parse_profile(optarg, &cli->profile, &perr) < 0)
				return hr_usage_error(&hr_cmd_audit, "--profile: %s", perr.msg);
			if (cli->profile == HR_PROFILE_MINIMAL)
				return hr_usage_error(
				    &hr_cmd_audit, "--profile: minimal sets no limits to compare "
						   "with (use production or development)");
			cli->has_profile = true;
			break;
		case HR_OPT_HELP:
			return HR_EXIT_OK;
		default:
			return HR_EXIT_USAGE;
		}
	}
	if (!hr_expect_args(&hr_cmd_audit, argc - optind, 0, 0))
		return HR_EXIT_USAGE;
	if (cli->bundle != NULL && cli->config_path != NULL)
		return hr_usage_error(&hr_cmd_audit, "--bundle and --config are exclusive");
	return -1;
}

static int report(const struct audit_cli *cli, const struct hr_audit_report *rep, const char *path)
{
	if (cli->json) {
		size_t len;
		char *text = hr_audit_json(
		    rep, path, cli->has_profile ? hr_spec_profile_name(cli->profile) : NULL, &len);
		size_t written = fwrite(text, 1, len, stdout);

		free(text);
		if (written != len)
			return -1;
	} else if (hr_audit_print_text(rep, stdout) < 0) {
		return -1;
	}
	return fflush(stdout) == EOF ? -1 : 0;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct audit_cli cli = {0};
	struct hr_audit_params params = {0};
	struct hr_audit_report rep = {0};
	struct hr_diags diags = {0};
	struct hr_config *config;
	char path_buf[4096];
	int status;

	(void)ctx;
	status = parse_options(&cli, argc, argv);
	if (status >= 0)
		return status;
	if (cli.config_path == NULL) {
		if ((size_t)snprintf(path_buf, sizeof(path_buf), "%s/config.json",
				     cli.bundle ? cli.bundle : ".") >= sizeof(path_buf))
			return hr_usage_error(&hr_cmd_audit, "bundle path too long");
		cli.config_path = path_buf;
	}
	if (cli.has_profile && hr_audit_params_from_profile(cli.profile, &params, err) < 0) {
		hr_log_error_report(err);
		return HR_EXIT_USAGE;
	}
	config = hr_config_load_file(cli.config_path, &diags);
	if (config == NULL) {
		for (size_t i = 0; i < diags.len; i++)
			fprintf(stderr, "%s\n", diags.msgs[i]);
		if (diags.dropped)
			fprintf(stderr, "(%zu more problems not shown)\n", diags.dropped);
		hr_diags_free(&diags);
		return HR_EXIT_USAGE; /* 2: nothing could be judged */
	}
	params.host_apparmor = hr_lsm_apparmor_enabled();
	hr_audit_run(config, &params, &rep);
	status = rep.counts[HR_AUDIT_FAIL] > 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
	if (report(&cli, &rep, cli.config_path) < 0) {
		hr_err_sys(err, "write the report");
		hr_log_error_report(err);
		status = HR_EXIT_USAGE;
	}
	hr_audit_report_free(&rep);
	hr_config_free(config);
	return status;
}

const struct hr_command hr_cmd_audit = {
    .name = "audit",
    .summary = "score a config.json against the security guide and the CIS benchmark",
    .usage = usage,
    .run = run,
};
