/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun run: create + start, and in the foreground wait, relay and delete. */
#include <stdlib.h>
#include <string.h>

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
    "      --no-subreaper       accepted for runc's callers, no effect: hardrun never makes\n"
    "                           itself a child subreaper (it is the init's parent and waits\n"
    "                           on its pidfd; orphans go to the container's init)\n"
    "      --pid-file FILE      write the init's pid to FILE (digits, no newline)\n"
    "      --console-socket S   send the pty master to the unix socket S\n"
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
    "\n"
    "Health check (foreground only; also from org.hardrun.health.* annotations):\n"
    "      --health-cmd CMD           run CMD (with /bin/sh -c) inside, like exec\n"
    "      --health-interval D        between checks (default 30s; D like 500ms, 30s, 2m)\n"
    "      --health-timeout D         a check running longer fails (default 30s)\n"
    "      --health-start-period D    failures do not count before (default 40s)\n"
    "      --health-retries N         consecutive failures to be unhealthy (default 3)\n"
    "      --health-on-unhealthy A    kill the container when unhealthy, or none (default)\n"
    "  -h, --help               print this help\n"
    "\n"
    "With NOTIFY_SOCKET set, the process gets NOTIFY_SOCKET=/run/notify/notify.sock (a\n"
    "socket of the state directory, bound read-only); start (or run) forwards its READY=1.\n";

extern const struct option hr_create_options[];
int hr_parse_create_option(const struct hr_command *cmd, int c, struct hr_create_opts *opts);

enum {
	OPT_KEEP = 0x200,
	OPT_NO_SUBREAPER,
	OPT_HEALTH_CMD,
	OPT_HEALTH_INTERVAL,
	OPT_HEALTH_TIMEOUT,
	OPT_HEALTH_START,
	OPT_HEALTH_RETRIES,
	OPT_HEALTH_ON_UNHEALTHY,
};

static const struct option health_options[] = {
    {"health-cmd", required_argument, NULL, OPT_HEALTH_CMD},
    {"health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL},
    {"health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT},
    {"health-start-period", required_argument, NULL, OPT_HEALTH_START},
    {"health-retries", required_argument, NULL, OPT_HEALTH_RETRIES},
    {"health-on-unhealthy", required_argument, NULL, OPT_HEALTH_ON_UNHEALTHY},
    {NULL, 0, NULL, 0},
};

/* Returns 0, or the usage status when the value is bad, or -1 when c is not a health option. */
static int parse_health_option(int c, struct hr_health_opts *h)
{
	uint64_t *duration = NULL;
	char *end;
	unsigned long n;

	switch (c) {
	case OPT_HEALTH_CMD:
		h->cmd = optarg;
		return 0;
	case OPT_HEALTH_INTERVAL:
		duration = &h->interval_ms;
		break;
	case OPT_HEALTH_TIMEOUT:
		duration = &h->timeout_ms;
		break;
	case OPT_HEALTH_START:
		duration = &h->start_period_ms;
		break;
	case OPT_HEALTH_RETRIES:
		n = strtoul(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || n == 0 || n > 1000)
			return hr_usage_error(
			    &hr_cmd_run, "--health-retries: expected 1..1000, got \"%s\"", optarg);
		h->retries = (unsigned)n;
		return 0;
	case OPT_HEALTH_ON_UNHEALTHY:
		if (strcmp(optarg, "kill") != 0 && strcmp(optarg, "none") != 0)
			return hr_usage_error(
			    &hr_cmd_run, "--health-on-unhealthy: kill or none, not \"%s\"", optarg);
		h->on_unhealthy_kill = strcmp(optarg, "kill") == 0;
		return 0;
	default:
		return -1;
	}
	if (hr_duration_parse(optarg, duration) < 0 ||
	    (*duration == 0 && duration != &h->start_period_ms))
		return hr_usage_error(&hr_cmd_run, "expected a duration like 30s, got \"%s\"",
				      optarg);
	return 0;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct option opts_table[24];
	struct hr_run_opts opts = {0};
	size_t n = 0;
	int c, r, status = 0;

	while (hr_create_options[n].name != NULL) {
		opts_table[n] = hr_create_options[n];
		n++;
	}
	opts_table[n++] = (struct option){"detach", no_argument, NULL, 'd'};
	opts_table[n++] = (struct option){"keep", no_argument, NULL, OPT_KEEP};
	opts_table[n++] = (struct option){"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER};
	for (size_t i = 0; health_options[i].name != NULL; i++)
		opts_table[n++] = health_options[i];
	opts_table[n] = (struct option){NULL, 0, NULL, 0};
	hr_health_opts_defaults(&opts.health);
	while ((c = hr_getopt(&hr_cmd_run, argc, argv, opts_table, "b:f:d")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c == 'd')
			opts.detach = true;
		else if (c == OPT_KEEP)
			opts.keep = true;
		else if (c == OPT_NO_SUBREAPER)
			continue; /* nothing to disable: see the usage */
		else if ((r = parse_health_option(c, &opts.health)) >= 0) {
			if (r != 0)
				return r;
		} else if (hr_parse_create_option(&hr_cmd_run, c, &opts.create) != 0)
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
};
