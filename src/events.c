/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun events: OOM events and periodic statistics, as runc prints them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/container_cgroup.h"

static const char usage[] =
    "Usage: hardrun events [--stats] [--interval DURATION] ID\n"
    "\n"
    "Print the container's events as JSON lines until it stops: {\"type\":\"oom\",...}\n"
    "when the kernel's OOM killer kills one of its processes, {\"type\":\"stats\",...}\n"
    "every interval (runc's field names; its data also has \"storage\", the space used\n"
    "on each writable file system as state shows it, and \"health\", the health check's\n"
    "settings and last results), and {\"type\":\"storage\",...} when a tmpfs of the\n"
    "container reaches 90% of its size.\n"
    "\n"
    "Options:\n"
    "      --stats               print the statistics once and exit\n"
    "      --interval DURATION   statistics period: N, Ns, Nms or Nm (default 5s)\n"
    "  -h, --help                print this help\n";

/* "5", "5s", "500ms", "1m" as milliseconds; -1 when invalid. */
static int parse_interval(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || n <= 0 || n > 86400000)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return n <= 86400 ? (int)(n * 1000) : -1;
	if (strcmp(end, "ms") == 0)
		return (int)n;
	if (strcmp(end, "m") == 0)
		return n <= 1440 ? (int)(n * 60000) : -1;
	return -1;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"stats", no_argument, NULL, 's'},
	    {"interval", required_argument, NULL, 'i'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct hr_events_opts o = {.interval_ms = 5000};
	int c;

	while ((c = hr_getopt(&hr_cmd_events, argc, argv, opts, "")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c == 's') {
			o.stats = true;
		} else if (c == 'i') {
			o.interval_ms = parse_interval(optarg);
			if (o.interval_ms < 0)
				return hr_usage_error(&hr_cmd_events,
						      "--interval %s: expected N, Ns, Nms or Nm",
						      optarg);
		} else {
			return HR_EXIT_USAGE;
		}
	}
	if (!hr_expect_args(&hr_cmd_events, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	o.id = argv[optind];
	return hr_container_events(ctx, &o, err) < 0 ? HR_EXIT_ERROR : HR_EXIT_OK;
}

const struct hr_command hr_cmd_events = {
    .name = "events",
    .summary = "print OOM events and resource statistics",
    .usage = usage,
    .run = run,
};
