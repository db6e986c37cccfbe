/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_INIT_H
#define HR_INIT_H

/*
 * The child side of create and exec: everything a container process does between clone3 and
 * execve, in order, driven by a plan the parent built. It parses nothing, allocates nothing
 * beyond what libcap-ng does, and reports its first failure to the parent through the sync
 * socket. It never returns.
 */
#include <stdbool.h>

#include "config.h"
#include "namespaces.h"

struct hr_rootfs_plan;
struct hr_process_plan;
struct hr_seccomp_program;

enum hr_init_kind {
	HR_INIT_CONTAINER, /* a new container's init: namespaces, rootfs, wait for start */
	HR_INIT_EXEC,	   /* a process joining a running container */
};

struct hr_init_plan {
	enum hr_init_kind kind;
	const struct hr_config *config;
	const struct hr_ns_plan *ns;
	const struct hr_rootfs_plan *rootfs; /* container only */
	const struct hr_process_plan *process;
	const struct hr_seccomp_program *seccomp; /* NULL without linux.seccomp */
	/* --seccomp-record: the recording filter, installed after seccomp (seccomp_record.h),
	 * and the pipe to the recorder; NULL and unused without it */
	const struct hr_seccomp_program *record;
	int record_fd;
	bool no_new_privileges;
	bool terminal;
	uint32_t console_height, console_width;
	bool no_pivot;
	bool new_keyring;
	int preserve_fds;
	const int *fd_slots; /* hardrun's own fds in the preserved range (hr_fd_slots) */
	size_t n_fd_slots;
	int sync_fd;	   /* child end of the sync socketpair */
	int fifo_fd;	   /* O_PATH fd of exec.fifo (container only), -1 otherwise */
	int state_fd;	   /* memfd with the state JSON, for createContainer/startContainer hooks */
	int join_pidfd;	   /* exec: pidfd of the container's init, to setns into its namespaces */
	int join_ns_flags; /* exec: CLONE_NEW* to join through join_pidfd */
	int join_root;	   /* exec without a mount namespace: the init's root to chroot to; or -1 */
	/* run --output-log without a terminal: the write ends of the pipes that become the
	 * process's stdout and stderr (output_piped false: both inherited) */
	bool output_piped;
	int output_fds[2];
};

_Noreturn void hr_init_main(const struct hr_init_plan *plan);

#endif
