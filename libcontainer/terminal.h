/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_TERMINAL_H
#define HR_TERMINAL_H

/*
 * Terminals: the pty of a container is created inside it (from its own devpts instance), its
 * slave becomes the process's controlling terminal and stdio, and its master goes back to
 * hardrun, which hands it to the caller's --console-socket or, for a foreground `run`/`exec`
 * without one, relays it to its own terminal.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Child: open /dev/pts/ptmx; *master and *slave receive the two ends (no path lookup for the
 * slave: TIOCGPTPEER). The size is applied when width and height are non-zero. */
int hr_pty_open(uint32_t height, uint32_t width, int *master, int *slave, struct hr_err *err);
/* Child: new session, slave as controlling terminal and stdin/stdout/stderr. */
int hr_pty_make_controlling(int slave, struct hr_err *err);

/* Parent: connect to a console socket (checked before the container is created). */
int hr_console_socket_connect(const char *path, struct hr_err *err);
/* Parent: send the master over the socket with SCM_RIGHTS, as runc does. */
int hr_console_socket_send(int sock, int master, struct hr_err *err);

/*
 * Foreground relay between our stdin/stdout and the master until the process behind pidfd
 * exits; our terminal (if stdin is one) is put in raw mode and restored, and its size follows
 * ours (SIGWINCH). Signals in sigfd (a signalfd, may be -1) are forwarded through pidfd. A
 * health check (may be NULL) keeps running meanwhile.
 */
struct hr_health;
int hr_pty_relay(int master, int pidfd, int sigfd, struct hr_health *health, struct hr_err *err);

#endif
