/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun exec: run a new process inside a running container. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libcontainer/arena.h"
#include "libcontainer/exec.h"

static const char usage[] =
    "Usage: hardrun exec [OPTIONS] ID [--] COMMAND [ARGS...]\n"
    "       hardrun exec [OPTIONS] --process FILE ID\n"
    "\n"
    "Run a process in a running container. It joins all the container's namespaces and gets\n"
    "the same privilege drop as the container's process (user, capabilities, no_new_privs,\n"
    "seccomp), unless the process file or the options say otherwise.\n"
    "\n"
    "Options:\n"
    "  -p, --process FILE       the process as an OCI process JSON object (- for stdin)\n"
    "  -d, --detach             return once the process has started\n"
    "      --pid-file FILE      write the process's pid to FILE\n"
    "  -t, --tty                allocate a pseudo-terminal\n"
    "      --console-socket S   send the pty master to the unix socket S\n"
    "  -e, --env KEY=VALUE      set an environment variable (repeatable)\n"
    "      --cwd DIR            working directory inside the container\n"
    "  -u, --user UID[:GID]     run as this user\n"
    "  -c, --cap CAP            add a capability (repeatable), e.g. CAP_NET_ADMIN\n"
    "      --no-new-privs       set no_new_privs even if the config does not\n"
    "      --preserve-fds N     pass the open fds among 3..N+2 (closed ones are skipped)\n"
    "      --apparmor PROFILE   the process's AppArmor profile (with --process too)\n"
    "      --process-label L    the process's SELinux label (with --process too)\n"
    "      --cgroup SUB         be born in SUB, an existing sub-cgroup of the container's\n"
    "                           (a relative path without \"..\"; cgroup v2 only)\n"
    "      --ignore-paused      exec into a paused container too: the process runs, and\n"
    "                           exec returns, once the container is resumed\n"
    "  -h, --help               print this help\n";

enum {
	OPT_PID_FILE = 0x100,
	OPT_CONSOLE_SOCKET,
	OPT_CWD,
	OPT_NNP,
	OPT_PRESERVE,
	OPT_APPARMOR,
	OPT_PROCESS_LABEL,
	OPT_CGROUP,
	OPT_IGNORE_PAUSED,
};

static int parse_option(int c, struct hr_exec_opts *o, size_t argc)
{
	char *end;
	long n;

	switch (c) {
	case 'p':
		o->process_path = optarg;
		break;
	case 'd':
		o->detach = true;
		break;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		break;
	case 't':
		o->tty = true;
		break;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = optarg;
		break;
	case 'e':
		o->env[o->n_env++] = optarg;
		break;
	case OPT_CWD:
		o->cwd = optarg;
		break;
	case 'u':
		o->user = optarg;
		break;
	case 'c':
		o->caps[o->n_caps++] = optarg;
		break;
	case OPT_NNP:
		o->no_new_privs = true;
		break;
	case OPT_PRESERVE:
		n = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || n < 0 || n > 65536)
			return hr_usage_error(
			    &hr_cmd_exec, "--preserve-fds: expected a number, got \"%s\"", optarg);
		o->preserve_fds = (int)n;
		break;
	case OPT_APPARMOR:
		o->apparmor = optarg;
		break;
	case OPT_PROCESS_LABEL:
		o->process_label = optarg;
		break;
	case OPT_CGROUP:
		o->cgroup = optarg;
		break;
	case OPT_IGNORE_PAUSED:
		o->ignore_paused = true;
		break;
	default:
		return HR_EXIT_USAGE;
	}
	(void)argc;
	return 0;
}

static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	static const struct option opts[] = {
	    {"process", required_argument, NULL, 'p'},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"tty", no_argument, NULL, 't'},
	    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
	    {"env", required_argument, NULL, 'e'},
	    {"cwd", required_argument, NULL, OPT_CWD},
	    {"user", required_argument, NULL, 'u'},
	    {"cap", required_argument, NULL, 'c'},
	    {"no-new-privs", no_argument, NULL, OPT_NNP},
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
	    {"apparmor", required_argument, NULL, OPT_APPARMOR},
	    {"process-label", required_argument, NULL, OPT_PROCESS_LABEL},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
	    HR_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct hr_exec_opts o = {0};
	int c, status = 0, r;

	/* at most one --env/--cap per argument: argc bounds both lists */
	o.env = hr_xcalloc((size_t)argc, sizeof(char *));
	o.caps = hr_xcalloc((size_t)argc, sizeof(char *));
	while ((c = hr_getopt(&hr_cmd_exec, argc, argv, opts, "p:dte:u:c:")) != -1) {
		if (c == HR_OPT_HELP || c == HR_OPT_ERROR ||
		    (r = parse_option(c, &o, (size_t)argc)) != 0) {
			free(o.env);
			free(o.caps);
			return c == HR_OPT_HELP ? HR_EXIT_OK : HR_EXIT_USAGE;
		}
	}
	if (hr_expect_args(&hr_cmd_exec, argc - optind, 1, -1)) {
		o.id = argv[optind];
		o.args = argv + optind + 1;
		o.n_args = (size_t)(argc - optind - 1);
		/* "exec ID -- CMD ARGS": the separator is not part of the command */
		if (o.n_args > 0 && strcmp(o.args[0], "--") == 0) {
			o.args++;
			o.n_args--;
		}
		if (o.n_args > 0 && o.process_path != NULL)
			r = hr_usage_error(&hr_cmd_exec, "--process and a command are exclusive");
		else if (hr_container_exec(ctx, &o, &status, err) < 0)
			r = HR_EXIT_ERROR;
		else
			r = status;
	} else {
		r = HR_EXIT_USAGE;
	}
	free(o.env);
	free(o.caps);
	return r;
}

const struct hr_command hr_cmd_exec = {
    .name = "exec",
    .summary = "run a process in a running container",
    .usage = usage,
    .run = run,
    .always_sealed = true,
};
