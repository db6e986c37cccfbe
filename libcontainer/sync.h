/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SYNC_H
#define HR_SYNC_H

/*
 * The channel between hardrun and a container process it is setting up: a SOCK_SEQPACKET
 * socketpair carrying numbered steps. The child reports its first failure as an ERROR message
 * (errno and text, from a fixed buffer: no allocation after clone) which the parent turns back
 * into its own error. A file descriptor (the pty master, the seccomp listener) can ride along
 * with a message.
 */
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum hr_sync_step {
	HR_SYNC_GO = 1,	 /* parent → child: maps written, runtime hooks ran; set up */
	HR_SYNC_PTY,	 /* child → parent: the pty master travels with this message */
	HR_SYNC_READY,	 /* child → parent: set up, waiting for start (or exec'ing) */
	HR_SYNC_ERROR,	 /* child → parent: setup failed; the message says why */
	HR_SYNC_SECCOMP, /* child → parent: the seccomp listener fd travels with this message */
};

int hr_sync_pair(int fds[2], struct hr_err *err);
/*
 * One message on a unix socket, with pass_fd (if >= 0) as SCM_RIGHTS: sent whole, or -1 with
 * errno (EAGAIN when the socket's send timeout cut it short).
 */
int hr_send_with_fd(int sock, const void *data, size_t len, int pass_fd);
/* Sends step (with err's errno and message for HR_SYNC_ERROR) and optionally an fd. */
int hr_sync_send(int fd, enum hr_sync_step step, const struct hr_err *payload, int pass_fd,
		 struct hr_err *err);
/*
 * Waits for the expected step. An HR_SYNC_ERROR from the peer becomes err (returns -1); so
 * does an unexpected step, or the peer going away ("container init exited during setup").
 * When received_fd is non-NULL, it gets the fd that came with the message (or -1).
 */
int hr_sync_wait(int fd, enum hr_sync_step expected, int *received_fd, struct hr_err *err);

/* Child side: report err to the parent and exit. */
_Noreturn void hr_sync_fail(int fd, const struct hr_err *err);

#endif
