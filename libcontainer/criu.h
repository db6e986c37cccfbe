/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CRIU_H
#define HR_CRIU_H

/*
 * The criu(8) binary, driven through its command line (criu.c): hardrun builds the arguments
 * runc passes over RPC, runs `criu dump` or `criu restore` and names criu's own log in every
 * error. Debian ships no libcriu, and the RPC needs protobuf code generated from criu's
 * rpc.proto: the command line gives the same options with nothing built in.
 */
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "cgroup.h"
#include "context.h"
#include "error.h"

/* criu's --manage-cgroups modes; runc's default is soft. */
enum hr_criu_cgroups {
	HR_CRIU_CGROUPS_SOFT,
	HR_CRIU_CGROUPS_FULL,
	HR_CRIU_CGROUPS_STRICT,
	HR_CRIU_CGROUPS_IGNORE,
};

/* What checkpoint and restore share: runc's options of both commands. */
struct hr_criu_opts {
	const char *image_path; /* default ./checkpoint, as runc */
	const char *work_path;	/* default: image_path */
	bool tcp_established;
	bool ext_unix_sk;
	bool shell_job;
	bool file_locks;
	enum hr_criu_cgroups manage_cgroups;
};

/* "soft", "full", "strict", "ignore"; -1 for anything else. */
int hr_criu_cgroups_parse(const char *name, enum hr_criu_cgroups *mode);
const char *hr_criu_cgroups_name(enum hr_criu_cgroups mode);

#define HR_CRIU_MAX_ARGS 256
/* the fd of the new terminal's slave in criu (struct hr_criu_cmd, tty_pts_dir) */
#define HR_CRIU_TTY_FD 100

/* A criu command line being built; its strings live in arena. */
struct hr_criu_cmd {
	struct hr_arena *arena;
	const char *argv[HR_CRIU_MAX_ARGS + 1];
	size_t argc;
	const char *images; /* absolute */
	const char *work;   /* absolute */
	const char *log;    /* the log file's full path, for the messages */
	/*
	 * restore: criu runs with no_new_privs, which what it restores inherits. criu 3.17
	 * does not restore the flag itself (only through a seccomp filter): without this a
	 * process of process.noNewPrivileges came back without it.
	 */
	bool no_new_privs;
	/*
	 * restore of a root.readonly container: this --root path. criu restores the root mount's
	 * propagation but not its flags, so the root came back writable. criu then runs in a
	 * mount namespace of its own (the caller's is not touched) where the path is bound onto
	 * itself read-only: the container's root, made from it, is read-only from the start.
	 */
	const char *readonly_root;
	/*
	 * restore of a container with a terminal: in its mount namespace criu's child mounts a
	 * new devpts instance (options tty_devpts_data) on tty_pts_dir, sends the master of its
	 * first pty, index 0, to the console socket tty_console_socket (connected) and hands the
	 * slave to criu as fd HR_CRIU_TTY_FD (--inherit-fd, the caller's). -1 / NULL otherwise.
	 */
	const char *tty_pts_dir;
	const char *tty_devpts_data;
	int tty_console_socket;
	/* fds criu inherits (opened O_CLOEXEC, the flag cleared in criu's child): --inherit-fd */
	int inherit_fds[4];
	size_t n_inherit_fds;
};

/*
 * Starts a command line: the criu binary (--criu PATH, else criu in $PATH, /usr/sbin, /sbin;
 * "criu not found" says how to install it), the action, the image and work directories (made
 * if missing, mode 0700) and the log (-v4, log_name in the work directory), then the options
 * of opts.
 */
int hr_criu_cmd_init(struct hr_criu_cmd *cmd, struct hr_arena *arena, const struct hr_context *ctx,
		     const char *action, const struct hr_criu_opts *opts, const char *log_name,
		     struct hr_err *err);
/* Appends one argument, printf-style; fails (E2BIG) past HR_CRIU_MAX_ARGS. */
int hr_criu_arg(struct hr_criu_cmd *cmd, struct hr_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Hands fd (kept open by the caller until criu ends) to criu as --inherit-fd=fd[FD]:key, the
 * key an external resource of the checkpoint (criu's "extRootNetNS").
 */
int hr_criu_inherit_fd(struct hr_criu_cmd *cmd, int fd, const char *key, struct hr_err *err);

/*
 * Runs the command and waits for it. With cg (a cgroup handle with a path), criu runs in that
 * cgroup, so that what it restores is born there. A failure names criu's exit status and its
 * log.
 */
int hr_criu_run(struct hr_criu_cmd *cmd, const struct hr_cgroup_handle *cg, struct hr_err *err);

#endif
