/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun: global options and the command table. Each command lives in its own file. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libcontainer/log.h"
#include "libcontainer/rootless.h"
#include "libcontainer/sealed_exe.h"
#include "libcontainer/version.h"

const struct hr_command *const hr_commands[] = {
    &hr_cmd_create, &hr_cmd_start,  &hr_cmd_run,      &hr_cmd_state,	  &hr_cmd_kill,
    &hr_cmd_delete, &hr_cmd_list,   &hr_cmd_ps,	      &hr_cmd_exec,	  &hr_cmd_pause,
    &hr_cmd_resume, &hr_cmd_update, &hr_cmd_events,   &hr_cmd_spec,	  &hr_cmd_validate,
    &hr_cmd_audit,  &hr_cmd_verify, &hr_cmd_features, &hr_cmd_checkpoint, &hr_cmd_restore,
    NULL,
};

static const char global_usage[] =
    "Usage: hardrun [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "A minimal, hardened OCI container runtime.\n"
    "\n"
    "Global options:\n"
    "  --root DIR                 state directory (default " HR_DEFAULT_ROOT ", rootless:\n"
    "                             $XDG_RUNTIME_DIR/hardrun)\n"
    "  --log FILE                 append log messages and errors to FILE\n"
    "  --log-format text|json     format of the log file (default text)\n"
    "  --debug                    log debug messages\n"
    "  --systemd-cgroup           same as --cgroup-manager systemd\n"
    "  --cgroup-manager cgroupfs|systemd|disabled\n"
    "                             who manages the container's cgroup (default cgroupfs,\n"
    "                             rootless: disabled)\n"
    "  --policy FILE              the policy for create, run and exec (default\n"
    "                             $HARDRUN_POLICY, else /etc/hardrun/policy.json)\n"
    "  --rootless true|false|auto run as an unprivileged user: auto (the default) when the\n"
    "                             caller is not root, or is root of a user namespace;\n"
    "                             changes the defaults of --root and --cgroup-manager (see\n"
    "                             hardrun(8), ROOTLESS)\n"
    "  --criu PATH                the criu binary checkpoint and restore run (default:\n"
    "                             criu in $PATH, /usr/sbin or /sbin)\n"
    "  -v, --version              print the version and the compiled-in features\n"
    "  -h, --help                 print this help\n"
    "\n"
    "Commands:\n";

static void print_usage(FILE *out)
{
	fputs(global_usage, out);
	for (size_t i = 0; hr_commands[i] != NULL; i++)
		fprintf(out, "  %-12s %s\n", hr_commands[i]->name, hr_commands[i]->summary);
	fputs("  help [CMD]   show this help or a command's\n"
	      "\nRun 'hardrun COMMAND --help' for a command's options. See hardrun(8).\n",
	      out);
}

enum {
	OPT_ROOT = 0x100,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
	OPT_CGROUP_MANAGER,
	OPT_POLICY,
	OPT_ROOTLESS,
	OPT_CRIU,
};

static const struct option global_options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
    {"cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"rootless", required_argument, NULL, OPT_ROOTLESS},
    {"criu", required_argument, NULL, OPT_CRIU},
    {"version", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int global_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "hardrun: %s%s%s\nRun 'hardrun --help' for usage.\n", what, arg ? " " : "",
		arg ? arg : "");
	return HR_EXIT_USAGE;
}

/* What the global options gave, beyond the context: rootless decides the rest in main. */
static struct hr_rootless_input rootless_in;

/* Returns -1 to go on with a command, or an exit status. */
static int parse_global_options(struct hr_context *ctx, int argc, char **argv)
{
	struct hr_err err;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", global_options, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			if (optarg[0] != '/')
				return global_usage_error("--root must be an absolute path:",
							  optarg);
			ctx->root = optarg;
			rootless_in.root_given = true;
			break;
		case OPT_LOG:
			ctx->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "text") == 0)
				ctx->log_format = HR_LOG_TEXT;
			else if (strcmp(optarg, "json") == 0)
				ctx->log_format = HR_LOG_JSON;
			else
				return global_usage_error("unknown --log-format (text or json):",
							  optarg);
			break;
		case OPT_DEBUG:
			ctx->debug = true;
			break;
		case OPT_SYSTEMD_CGROUP:
			ctx->cgroup_manager = HR_CGROUP_SYSTEMD;
			rootless_in.manager_given = true;
			break;
		case OPT_CGROUP_MANAGER:
			rootless_in.manager_given = true;
			if (strcmp(optarg, "cgroupfs") == 0)
				ctx->cgroup_manager = HR_CGROUP_CGROUPFS;
			else if (strcmp(optarg, "systemd") == 0)
				ctx->cgroup_manager = HR_CGROUP_SYSTEMD;
			else if (strcmp(optarg, "disabled") == 0)
				ctx->cgroup_manager = HR_CGROUP_DISABLED;
			else
				return global_usage_error(
				    "unknown --cgroup-manager (cgroupfs, systemd or disabled):",
				    optarg);
			break;
		case OPT_POLICY:
			if (optarg[0] == '\0')
				return global_usage_error("--policy needs a file name", NULL);
			ctx->policy_path = optarg;
			break;
		case OPT_ROOTLESS:
			if (hr_rootless_parse(optarg, &rootless_in.mode, &err) < 0)
				return global_usage_error(err.msg, NULL);
			break;
		case OPT_CRIU:
			ctx->criu_path = optarg;
			break;
		case 'v':
			hr_print_version(stdout);
			return HR_EXIT_OK;
		case 'h':
			print_usage(stdout);
			return HR_EXIT_OK;
		case ':':
			return global_usage_error("option needs a value:", argv[optind - 1]);
		default:
			return global_usage_error("unknown global option", argv[optind - 1]);
		}
	}
	return -1;
}

static int run_help(int argc, char **argv)
{
	const struct hr_command *cmd;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_usage(stdout);
		return HR_EXIT_OK;
	}
	cmd = hr_find_command(argv[1]);
	if (cmd == NULL)
		return global_usage_error("unknown command", argv[1]);
	fputs(cmd->usage, stdout);
	return HR_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct hr_context ctx = {
	    .root = HR_DEFAULT_ROOT,
	    .log_format = HR_LOG_TEXT,
	    .cgroup_manager = HR_CGROUP_CGROUPFS,
	    .argv0 = argv[0],
	};
	struct hr_err err = {0};
	const struct hr_command *cmd;
	int status;

	hr_sealed_exe_remember(argc, argv);
	status = parse_global_options(&ctx, argc, argv);
	if (status >= 0)
		return status;
	rootless_in.euid = geteuid();
	rootless_in.in_user_namespace = rootless_in.euid == 0 &&
					rootless_in.mode == HR_ROOTLESS_AUTO &&
					hr_rootless_in_user_namespace();
	rootless_in.user = getenv("USER");
	rootless_in.xdg_runtime_dir = getenv("XDG_RUNTIME_DIR");
	hr_rootless_apply(&ctx, &rootless_in);
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_usage(stderr);
		return HR_EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0)
		return run_help(argc, argv);
	cmd = hr_find_command(argv[0]);
	if (cmd == NULL)
		return global_usage_error("unknown command", argv[0]);
	if (cmd->always_sealed && hr_reexec_from_sealed_copy(&err) < 0) {
		hr_log_error_report(&err);
		return HR_EXIT_ERROR;
	}
	if (hr_log_init(ctx.log_path, ctx.log_format, ctx.debug, &err) < 0) {
		hr_log_error_report(&err);
		return HR_EXIT_ERROR;
	}
	optind = 0; /* reinitialise getopt for the command's own options */
	status = cmd->run(&ctx, argc, argv, &err);
	if (status == HR_EXIT_ERROR && err.msg[0] != '\0')
		hr_log_error_report(&err);
	hr_log_close();
	return status;
}
