/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SUPERVISOR_H
#define HR_SUPERVISOR_H

#include <signal.h>

#include "error.h"
#include "output_log.h"

struct hr_health;

/* Blocks the signals a foreground run/exec forwards and returns a signalfd for them. */
int hr_signalfd_for_forwarding(sigset_t *old, struct hr_err *err);

/* What a supervisor watches besides the process (fds -1 and pointers NULL when absent). */
struct hr_supervised {
	int pidfd;	/* the process */
	int sigfd;	/* from hr_signalfd_for_forwarding */
	int pty_master; /* its terminal, relayed to and from ours */
	/* run --output-log with a terminal: the terminal's output is logged too (without one,
	 * run's output pump has the pipes: container.c) */
	struct hr_output_log *log;
	struct hr_health *health; /* a health check: its timers and probes */
};

/*
 * The one loop that owns a foreground container (run, exec without -d) until the process
 * behind pidfd exits; returns its exit status as a shell reports it (128+N when killed by N).
 * Its sources: pidfd; sigfd, whose signals are forwarded through pidfd; with a pty master,
 * the relay between our stdin/stdout and the master (our terminal, when stdin is one, in raw
 * mode and restored, its size following ours on SIGWINCH), its output also to the log; and a
 * health check, whose timers and probes it drives. What the process wrote to the pty before it
 * exited is relayed before its status is returned.
 */
int hr_supervise(const struct hr_supervised *s, struct hr_err *err);

#endif
