/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun run: create + start, and in the foreground wait, relay and delete. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/container.h"
#include "libcontainer/spec.h"

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
    "\n"
    "The container's output (when asked; engines keep their own):\n"
    "      --output-log               write its stdout and stderr (or its terminal's output)\n"
    "                                 to output.log in its state directory, a JSON line\n"
    "                                 each as Docker's json-file driver writes them\n"
    "                                 ({\"log\",\"stream\",\"time\"}), values of its\n"
    "                                 secret-looking variables as [REDACTED]; in the\n"
    "                                 foreground it is still copied to ours; a process of\n"
    "                                 its own reads it from create on (the container never\n"
    "                                 blocks on it) until the output ends\n"
    "      --output-log-size SIZE     rotate when the file would pass SIZE (default 10M)\n"
    "      --output-log-files N       files kept, output.log.1 the one before (default 3)\n"
    "      --keep-logs DIR            the foreground's delete first copies the output log\n"
    "                                 and the health results into DIR/ID/ (delete's option)\n"
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
	OPT_OUTPUT_LOG,
	OPT_OUTPUT_LOG_SIZE,
	OPT_OUTPUT_LOG_FILES,
	OPT_KEEP_LOGS,
};

static const struct option run_only_options[] = {
    {"health-cmd", required_argument, NULL, OPT_HEALTH_CMD},
    {"health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL},
    {"health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT},
    {"health-start-period", required_argument, NULL, OPT_HEALTH_START},
    {"health-retries", required_argument, NULL, OPT_HEALTH_RETRIES},
    {"health-on-unhealthy", required_argument, NULL, OPT_HEALTH_ON_UNHEALTHY},
    {"output-log", no_argument, NULL, OPT_OUTPUT_LOG},
    {"output-log-size", required_argument, NULL, OPT_OUTPUT_LOG_SIZE},
    {"output-log-files", required_argument, NULL, OPT_OUTPUT_LOG_FILES},
    {"keep-logs", required_argument, NULL, OPT_KEEP_LOGS},
    {NULL, 0, NULL, 0},
};

/* Returns 0, or the usage status when the value is bad, or -1 when c is not an output option. */
static int parse_output_option(int c, struct hr_run_opts *opts, bool *sized)
{
	struct hr_output_log_opts *o = &opts->create.output_log;
	struct hr_err err = {0};
	int64_t bytes;
	char *end;
	unsigned long n;

	switch (c) {
	case OPT_OUTPUT_LOG:
		o->enabled = true;
		return 0;
	case OPT_OUTPUT_LOG_SIZE:
		/* a file holds at least one whole record of a cut line */
		if (hr_spec_parse_size(optarg, &bytes, &err) < 0 || bytes < 256 * 1024)
			return hr_usage_error(&hr_cmd_run,
					      "--output-log-size: expected a size of 256K or more "
					      "like 10M, got \"%s\"",
					      optarg);
		o->max_size = (uint64_t)bytes;
		*sized = true;
		return 0;
	case OPT_OUTPUT_LOG_FILES:
		n = strtoul(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || n == 0 || n > HR_OUTPUT_LOG_FILES_MAX)
			return hr_usage_error(&hr_cmd_run,
					      "--output-log-files: expected 1..%d, got \"%s\"",
					      HR_OUTPUT_LOG_FILES_MAX, optarg);
		o->max_files = (unsigned)n;
		*sized = true;
		return 0;
	case OPT_KEEP_LOGS:
		opts->keep_logs = optarg;
		return 0;
	default:
		return -1;
	}
}

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
	struct option opts_table[40];
	struct hr_run_opts opts = {0};
	bool output_sized = false;
	size_t n = 0;
	int c, r, status = 0;

	while (hr_create_options[n].name != NULL) {
		opts_table[n] = hr_create_options[n];
		n++;
	}
	opts_table[n++] = (struct option){"detach", no_argument, NULL, 'd'};
	opts_table[n++] = (struct option){"keep", no_argument, NULL, OPT_KEEP};
	opts_table[n++] = (struct option){"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER};
	for (size_t i = 0; run_only_options[i].name != NULL; i++)
		opts_table[n++] = run_only_options[i];
	opts_table[n] = (struct option){NULL, 0, NULL, 0};
	hr_health_opts_defaults(&opts.health);
	hr_output_log_opts_defaults(&opts.create.output_log);
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
		} else if ((r = parse_output_option(c, &opts, &output_sized)) >= 0) {
			if (r != 0)
				return r;
		} else if (hr_parse_create_option(&hr_cmd_run, c, &opts.create) != 0)
			return HR_EXIT_USAGE;
	}
	if (!hr_expect_args(&hr_cmd_run, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	if (output_sized && !opts.create.output_log.enabled)
		return hr_usage_error(&hr_cmd_run, "--output-log-size and --output-log-files need "
						   "--output-log");
	if (opts.keep_logs != NULL && (opts.detach || opts.keep))
		return hr_usage_error(&hr_cmd_run,
				      "--keep-logs is for the delete of a foreground run "
				      "(with -d or --keep: delete --keep-logs)");
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
