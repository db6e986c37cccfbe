/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_NOTIFY_H
#define HR_NOTIFY_H

/*
 * sd_notify(3) through a container, as runc relays it (Podman's --sdnotify=container): when
 * NOTIFY_SOCKET is set in hardrun's environment, the container never gets the caller's socket.
 * create makes the directory <state dir>/notify, bound read-only into the container at
 * HR_NOTIFY_CONTAINER_DIR, and sets NOTIFY_SOCKET=HR_NOTIFY_CONTAINER_SOCKET for its process;
 * start binds a datagram socket there before it releases the init, waits for the container's
 * READY=1 (or its end) and forwards the message, with MAINPID=<init's host pid>, to the
 * caller's NOTIFY_SOCKET.
 */
#include <sys/types.h>

#include "error.h"

#define HR_NOTIFY_DIR		   "notify"
#define HR_NOTIFY_SOCKET_NAME	   "notify.sock"
#define HR_NOTIFY_CONTAINER_DIR	   "/run/notify"
#define HR_NOTIFY_CONTAINER_SOCKET HR_NOTIFY_CONTAINER_DIR "/" HR_NOTIFY_SOCKET_NAME

/* The caller's NOTIFY_SOCKET (a path, or "@name" for an abstract socket); NULL when unset. */
const char *hr_notify_caller_socket(void);

/* create: makes <state dir>/notify (state_dir: the container's state directory fd). */
int hr_notify_make_dir(int state_dir, const char *state_path, struct hr_err *err);

/* start: binds <state dir>/notify/notify.sock (replacing a stale one); returns its fd. */
int hr_notify_bind(int state_dir, const char *state_path, struct hr_err *err);

/*
 * start, once the process runs: reads the container's messages on sock until one holds
 * READY=1, then sends it to the caller's socket with MAINPID=pid first. Returns 0 without
 * sending when the init (pidfd) exits first.
 */
int hr_notify_relay(int sock, int pidfd, pid_t pid, const char *caller_socket, struct hr_err *err);

#endif
