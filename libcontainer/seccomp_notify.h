/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SECCOMP_NOTIFY_H
#define HR_SECCOMP_NOTIFY_H

/*
 * Seccomp user notification (runtime-spec config-linux.md "listenerPath"): the container
 * process loads its filter with SECCOMP_FILTER_FLAG_NEW_LISTENER and hands the listener fd to
 * hardrun over the sync socket (HR_SYNC_SECCOMP); hardrun connects to listenerPath (AF_UNIX,
 * SOCK_STREAM) and sends, in one message, the ContainerProcessState JSON (runtime.md) with the
 * fd as SCM_RIGHTS, then closes its copy:
 *   {"ociVersion": ..., "fds": ["seccompFd"], "pid": <the process the filter is for>,
 *    "metadata": <listenerMetadata or "">, "state": <the container's OCI state>}
 * The state's status is "creating" for a container's init, "running" for `hardrun exec`.
 */
#include <sys/types.h>

#include "error.h"
#include "state.h"

struct hr_seccomp_listener {
	const char *path;	      /* linux.seccomp.listenerPath */
	const char *metadata;	      /* linux.seccomp.listenerMetadata, NULL: "" */
	const struct hr_state *state; /* the container */
	enum hr_status status;	      /* the state's status */
	pid_t pid;		      /* the process that loaded the filter */
};

/* The ContainerProcessState document. Caller frees. */
char *hr_seccomp_process_state_json(const struct hr_seccomp_listener *l);

/*
 * Sends the document and seccomp_fd to l->path. Errors name the socket:
 * "seccomp listener /run/agent.sock: connect: No such file or directory".
 */
int hr_seccomp_listener_send(const struct hr_seccomp_listener *l, int seccomp_fd,
			     struct hr_err *err);

#endif
