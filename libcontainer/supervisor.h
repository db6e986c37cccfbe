/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SUPERVISOR_H
#define HR_SUPERVISOR_H

#include <signal.h>

#include "error.h"

struct hr_health;

/* Blocks the signals a foreground run/exec forwards and returns a signalfd for them. */
int hr_signalfd_for_forwarding(sigset_t *old, struct hr_err *err);

/*
 * The one loop that owns a foreground container (run, exec without -d) until the process
 * behind pidfd exits; returns its exit status as a shell reports it (128+N when killed by N).
 * Its sources: pidfd; sigfd (from hr_signalfd_for_forwarding), whose signals are forwarded
 * through pidfd; with pty_master >= 0, the relay between our stdin/stdout and the master (our
 * terminal, when stdin is one, in raw mode and restored, its size following ours on
 * SIGWINCH); and a health check (may be NULL), whose timers and probes it drives.
 */
int hr_supervise(int pidfd, int pty_master, int sigfd, struct hr_health *health,
		 struct hr_err *err);

#endif
