/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun update: change a container's resource limits live (runc's flags). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libcontainer/cgroup.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/config.h"
#include "libcontainer/container_cgroup.h"
#include "libcontainer/json.h"
#include "libcontainer/log.h"

static const char usage[] =
    "Usage: hardrun update [OPTIONS] ID\n"
    "\n"
    "Apply new resource limits to a container's cgroup, live. --resources reads an OCI\n"
    "linux.resources object (what containerd sends on standard input with \"-\"); the\n"
    "options below override its values. Device rules are not changed.\n"
    "\n"
    "Options:\n"
    "  -r, --resources FILE|-     the resources as JSON (\"-\": standard input)\n"
    "      --memory N             memory limit (bytes, or with K, M, G, T; -1: none)\n"
    "      --memory-swap N        memory + swap limit (-1: unlimited swap)\n"
    "      --memory-reservation N memory.low\n"
    "      --cpu-quota N          CPU time per period, microseconds (-1: none)\n"
    "      --cpu-period N         the period, microseconds\n"
    "      --cpu-shares N         relative weight (cgroup v1 units, converted)\n"
    "      --cpuset-cpus LIST     CPUs allowed (\"0-2,4\")\n"
    "      --cpuset-mems LIST     memory nodes allowed\n"
    "      --pids-limit N         maximum number of tasks (<= 0: none)\n"
    "      --blkio-weight N       block I/O weight, 10..1000\n"
    "  -h, --help                 print this help\n";

enum { OPT_RESOURCES = 'r', OPT_VALUE = 0x100 };

static const struct option opts[] = {
    {"resources", required_argument, NULL, 'r'},
    {"memory", required_argument, NULL, OPT_VALUE},
    {"memory-swap", required_argument, NULL, OPT_VALUE},
    {"memory-reservation", required_argument, NULL, OPT_VALUE},
    {"cpu-quota", required_argument, NULL, OPT_VALUE},
    {"cpu-period", required_argument, NULL, OPT_VALUE},
    {"cpu-shares", required_argument, NULL, OPT_VALUE},
    {"cpu-share", required_argument, NULL, OPT_VALUE},
    {"cpuset-cpus", required_argument, NULL, OPT_VALUE},
    {"cpuset-mems", required_argument, NULL, OPT_VALUE},
    {"pids-limit", required_argument, NULL, OPT_VALUE},
    {"blkio-weight", required_argument, NULL, OPT_VALUE},
    HR_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static struct hr_resources_doc *load_resources(const char *path, struct hr_err *err)
{
	_cleanup_free_ char *data = NULL;
	struct hr_diags diags = {0};
	struct hr_resources_doc *doc;
	size_t len;
	int r;

	r = hr_read_path_or_stdin(path, HR_CONFIG_MAX_SIZE, &data, &len, err);
	if (r < 0)
		return NULL;
	doc = hr_resources_parse(data, len, strcmp(path, "-") == 0 ? "stdin" : path, &diags);
	if (doc == NULL)
		hr_diags_to_err(&diags, err);
	else
		hr_log_doc_warnings(&doc->warnings);
	hr_diags_free(&diags);
	return doc;
}

/* The options in the order given, applied after the --resources document. */
struct pending {
	const char *name;
	const char *value;
};

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	struct pending pending[32];
	size_t n_pending = 0;
	const char *resources_path = NULL;
	struct hr_resources_doc *doc = NULL;
	struct hr_resources r = {0};
	int c, index, status = HR_EXIT_ERROR;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hr:", opts, &index)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return HR_EXIT_OK;
		}
		if (c == 'r')
			resources_path = optarg;
		else if (c == OPT_VALUE && n_pending < sizeof(pending) / sizeof(pending[0]))
			pending[n_pending++] = (struct pending){opts[index].name, optarg};
		else if (c == ':')
			return hr_usage_error(&hr_cmd_update, "option %s needs a value",
					      argv[optind - 1]);
		else
			return hr_usage_error(&hr_cmd_update, "unknown option %s",
					      argv[optind - 1]);
	}
	if (!hr_expect_args(&hr_cmd_update, argc - optind, 1, 1))
		return HR_EXIT_USAGE;
	if (resources_path != NULL) {
		doc = load_resources(resources_path, err);
		if (doc == NULL)
			return HR_EXIT_ERROR;
		r = doc->resources;
	}
	for (size_t i = 0; i < n_pending; i++)
		if (hr_resources_set_option(&r, pending[i].name, pending[i].value, err) < 0)
			goto out;
	if (hr_container_update(ctx, argv[optind], &r, err) == 0)
		status = HR_EXIT_OK;
out:
	if (doc != NULL)
		hr_resources_doc_free(doc);
	return status;
}

const struct hr_command hr_cmd_update = {
    .name = "update",
    .summary = "change the resource limits of a container",
    .usage = usage,
    .run = run,
};
