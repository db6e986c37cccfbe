/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun spec: write a config.json from a profile and overrides. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libcontainer/spec.h"

static const char usage[] =
    "Usage: hardrun spec [OPTIONS] [--args CMD [ARG...]]\n"
    "\n"
    "Write a config.json for a bundle from a profile, with overrides.\n"
    "\n"
    "Profiles:\n"
    "  minimal      what `runc spec` writes: root, three capabilities, no seccomp\n"
    "  production   uid 1001, no capabilities, seccomp allowlist, read-only root, 512M, 0.5 CPU\n"
    "  development  production with 1G and 1 CPU\n"
    "\n"
    "Options:\n"
    "  -b, --bundle DIR       write DIR/config.json (default: the current directory)\n"
    "  -p, --profile NAME     minimal (default), development or production\n"
    "  -o, --output -         print the configuration to standard output instead\n"
    "  -f, --force            replace an existing config.json\n"
    "  -m, --memory SIZE      memory limit, no swap (bytes, or with K, M, G, T: binary units)\n"
    "  -c, --cpus N           CPU quota as a decimal number of CPUs (0.01 to 1024)\n"
    "      --pids N           maximum number of processes and threads\n"
    "  -u, --user UID:GID     the process's numeric user and group\n"
    "  -v, --volume SRC:DST[:ro|:rw]\n"
    "                         bind mount SRC (absolute) at DST, in place of a profile\n"
    "                         mount at DST (repeatable, one per DST)\n"
    "  -e, --env KEY=VALUE    set an environment variable (repeatable)\n"
    "      --env-file FILE    read KEY=VALUE lines from FILE (repeatable)\n"
    "      --rootfs PATH      root.path (default rootfs)\n"
    "      --hostname NAME    hostname (default hardrun)\n"
    "      --apparmor PROFILE\n"
    "                         process.apparmorProfile, \"\" for none (default: production\n"
    "                         names hardrun-default when AppArmor has it loaded here)\n"
    "      --seccomp-from FILE\n"
    "                         linux.seccomp from FILE (what run --seccomp-record wrote, or\n"
    "                         any linux.seccomp object) instead of the profile's\n"
    "      --rootless         for an unprivileged caller: a user namespace mapping the\n"
    "                         process's user (0:0 unless --user) to yours, no resources\n"
    "                         (refuses -m, -c, --pids), /sys bound read-only, devpts\n"
    "                         without gid=5\n"
    "      --args CMD [ARG...]\n"
    "                         the process's arguments: everything after --args\n"
    "  -h, --help             print this help\n"
    "\n"
    "See hardrun-spec(8) for every value a profile sets.\n";

enum {
	OPT_PIDS = 0x100,
	OPT_ENV_FILE,
	OPT_ROOTFS,
	OPT_HOSTNAME,
	OPT_ARGS,
	OPT_APPARMOR,
	OPT_ROOTLESS,
	OPT_SECCOMP_FROM,
};

static const struct option opts_table[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"profile", required_argument, NULL, 'p'},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"memory", required_argument, NULL, 'm'},
    {"cpus", required_argument, NULL, 'c'},
    {"pids", required_argument, NULL, OPT_PIDS},
    {"user", required_argument, NULL, 'u'},
    {"volume", required_argument, NULL, 'v'},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, OPT_ENV_FILE},
    {"rootfs", required_argument, NULL, OPT_ROOTFS},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"args", no_argument, NULL, OPT_ARGS},
    {"rootless", no_argument, NULL, OPT_ROOTLESS},
    {"seccomp-from", required_argument, NULL, OPT_SECCOMP_FROM},
    HR_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct cli {
	struct hr_spec_options spec;
	const char *bundle;
	bool to_stdout;
	bool args_seen;
};

/* An override that does not parse is a usage error: "hardrun spec: --memory: invalid ..." */
static int bad_value(const char *option, const struct hr_err *err)
{
	if (option == NULL) /* the message names the option already */
		return hr_usage_error(&hr_cmd_spec, "%s", err->msg);
	return hr_usage_error(&hr_cmd_spec, "%s: %s", option, err->msg);
}

/* Returns -1 to go on, or an exit status. */
static int handle_option(struct cli *cli, int c, struct hr_err *err)
{
	struct hr_spec_options *o = &cli->spec;

	switch (c) {
	case 'b':
		cli->bundle = optarg;
		return -1;
	case 'p':
		return hr_spec_parse_profile(optarg, &o->profile, err) < 0
			   ? bad_value("--profile", err)
			   : -1;
	case 'o':
		if (strcmp(optarg, "-") != 0)
			return hr_usage_error(&hr_cmd_spec,
					      "--output: only \"-\" (standard output) "
					      "is supported; use --bundle DIR");
		cli->to_stdout = true;
		return -1;
	case 'f':
		o->force = true;
		return -1;
	case 'm':
		o->has_memory = true;
		return hr_spec_parse_size(optarg, &o->memory, err) < 0 ? bad_value("--memory", err)
								       : -1;
	case 'c':
		o->has_cpu_quota = true;
		return hr_spec_parse_cpus(optarg, &o->cpu_quota, err) < 0 ? bad_value("--cpus", err)
									  : -1;
	case OPT_PIDS:
		o->has_pids = true;
		return hr_spec_parse_pids(optarg, &o->pids, err) < 0 ? bad_value("--pids", err)
								     : -1;
	case 'u':
		o->has_user = true;
		return hr_spec_parse_user(optarg, &o->uid, &o->gid, err) < 0
			   ? bad_value("--user", err)
			   : -1;
	case 'v':
		return hr_spec_add_volume(o, optarg, err) < 0 ? bad_value(NULL, err) : -1;
	case 'e':
		return hr_spec_add_env(o, optarg, err) < 0 ? bad_value(NULL, err) : -1;
	case OPT_ENV_FILE:
		/* a file's problem is not a usage error: main prints "FILE:LINE: ..." */
		return hr_spec_add_env_file(o, optarg, err) < 0 ? HR_EXIT_ERROR : -1;
	case OPT_ROOTFS:
		o->rootfs = optarg;
		return -1;
	case OPT_HOSTNAME:
		o->hostname = optarg;
		return hr_spec_check_hostname(optarg, err) < 0 ? bad_value("--hostname", err) : -1;
	case OPT_APPARMOR:
		o->apparmor_profile = optarg;
		return -1;
	case OPT_SECCOMP_FROM:
		/* a file's problem is not a usage error: main prints it with its JSON path */
		return hr_spec_set_seccomp_from(o, optarg, err) < 0 ? HR_EXIT_ERROR : -1;
	case OPT_ROOTLESS:
		hr_spec_set_rootless(o, (uint32_t)getuid(), (uint32_t)getgid());
		return -1;
	case HR_OPT_HELP:
		return HR_EXIT_OK;
	default:
		return HR_EXIT_USAGE;
	}
}

static int parse(struct cli *cli, int argc, char **argv, struct hr_err *err)
{
	int c, status;

	while ((c = hr_getopt(&hr_cmd_spec, argc, argv, opts_table, "b:p:o:fm:c:u:v:e:")) != -1) {
		if (c == OPT_ARGS) {
			cli->args_seen = true;
			break;
		}
		status = handle_option(cli, c, err);
		if (status >= 0)
			return status;
	}
	if (cli->args_seen) {
		if (optind >= argc)
			return hr_usage_error(&hr_cmd_spec, "--args: expected a command");
		cli->spec.args = (const char *const *)&argv[optind];
		cli->spec.n_args = (size_t)(argc - optind);
	} else if (!hr_expect_args(&hr_cmd_spec, argc - optind, 0, 0)) {
		return HR_EXIT_USAGE;
	}
	return -1;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct cli cli = {.bundle = "."};
	int status;

	(void)ctx;
	hr_spec_options_init(&cli.spec);
	status = parse(&cli, argc, argv, err);
	if (status < 0) {
		hr_spec_host_defaults(&cli.spec);
		if (cli.to_stdout)
			status = hr_spec_print(&cli.spec, cli.bundle, stdout, err);
		else
			status = hr_spec_write(&cli.spec, cli.bundle, err);
		status = status < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
	}
	hr_spec_options_free(&cli.spec);
	return status;
}

const struct hr_command hr_cmd_spec = {
    .name = "spec",
    .summary = "write a config.json from a profile (minimal, development, production)",
    .usage = usage,
    .run = run,
};
