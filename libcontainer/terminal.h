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
/*
 * Child, already the leader of its own session (hr_init_main): slave as controlling terminal
 * and stdin/stdout/stderr.
 */
int hr_pty_make_controlling(int slave, struct hr_err *err);

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41) /* Linux 4.13; older C libraries lack the name */
#endif

/* Parent: connect to a console socket (checked before the container is created). */
int hr_console_socket_connect(const char *path, struct hr_err *err);
/* Parent: send the master over the socket with SCM_RIGHTS, as runc does. */
int hr_console_socket_send(int sock, int master, struct hr_err *err);

/* Foreground relay (supervisor.c): the size of from's terminal to to's. */
void hr_pty_copy_winsize(int from, int to);
/* One read from `from` written whole to `to`; false when `from` is exhausted or `to` fails. */
bool hr_pty_pump(int from, int to);

#endif
