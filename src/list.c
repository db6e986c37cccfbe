/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun list: the containers under the state directory. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/json.h"
#include "libcontainer/passwd.h"
#include "libcontainer/state.h"

static const char usage[] = "Usage: hardrun list [-q] [--format table|json]\n"
			    "\n"
			    "List the containers hardrun knows (under --root).\n"
			    "\n"
			    "Options:\n"
			    "  -q, --quiet          print the IDs only\n"
			    "  -f, --format FORMAT  table (default) or json\n"
			    "  -h, --help           print this help\n";

struct list_out {
	bool quiet;
	bool json;
	yajl_gen gen;
	int host_root; /* the table's owner names: the host's /etc/passwd below it */
};

static int print_one(const struct hr_state *state, enum hr_status status, void *data)
{
	struct list_out *out = data;
	pid_t pid = status == HR_STATUS_STOPPED ? 0 : state->pid;

	if (out->quiet) {
		puts(state->id);
	} else if (out->json) {
		yajl_gen g = out->gen;

		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "ociVersion", HR_OCI_VERSION);
		hr_jgen_kv_str(g, "id", state->id);
		hr_jgen_kv_i64(g, "pid", pid);
		hr_jgen_kv_str(g, "status", hr_status_name(status));
		hr_jgen_kv_str(g, "bundle", state->bundle);
		hr_jgen_kv_str(g, "rootfs", state->rootfs);
		hr_jgen_kv_str(g, "created", state->created);
		hr_jgen_kv_i64(g, "owner", state->owner);
		yajl_gen_map_close(g);
	} else {
		char owner[256];
		struct hr_err ignored;

		/* the host's /etc/passwd, read as runc's list reads it (no NSS: a static binary);
		 * an owner without an entry is #UID, as runc shows it */
		if (out->host_root < 0 ||
		    hr_passwd_lookup(out->host_root, "/etc/passwd", state->owner, HR_PASSWD_NAME,
				     owner, sizeof(owner), &ignored) != 1)
			snprintf(owner, sizeof(owner), "#%u", (unsigned)state->owner);
		printf("%-20s %-8d %-9s %-40s %-32s %s\n", state->id, (int)pid,
		       hr_status_name(status), state->bundle, state->created, owner);
	}
	return 0;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {"format", required_argument, NULL, 'f'},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct list_out out = {.host_root = -1};
	_cleanup_close_ int host_root = -1;
	_cleanup_yajl_gen_ yajl_gen g = NULL;
	int c;

	while ((c = hr_getopt(&hr_cmd_list, argc, argv, opts, "qf:")) != -1) {
		if (c == HR_OPT_HELP)
			return HR_EXIT_OK;
		if (c == 'q')
			out.quiet = true;
		else if (c == 'f' && strcmp(optarg, "json") == 0)
			out.json = true;
		else if (c != 'f' || strcmp(optarg, "table") != 0)
			return c == 'f'
				   ? hr_usage_error(&hr_cmd_list,
						    "--format: table or json, not \"%s\"", optarg)
				   : HR_EXIT_USAGE;
	}
	if (!hr_expect_args(&hr_cmd_list, argc - optind, 0, 0))
		return HR_EXIT_USAGE;
	if (out.json) {
		g = out.gen = hr_jgen_new(false);
		yajl_gen_array_open(g);
	} else if (!out.quiet) {
		out.host_root = host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		printf("%-20s %-8s %-9s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	}
	if (hr_state_foreach(ctx->root, print_one, &out, err) < 0)
		return HR_EXIT_ERROR;
	if (out.json) {
		yajl_gen_array_close(g);
		puts(hr_jgen_buf(g, NULL));
	}
	return HR_EXIT_OK;
}

const struct hr_command hr_cmd_list = {
    .name = "list",
    .summary = "list containers",
    .usage = usage,
    .run = run,
};
