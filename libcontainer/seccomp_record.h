/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SECCOMP_RECORD_H
#define HR_SECCOMP_RECORD_H

/*
 * `run --seccomp-record FILE` and `create --seccomp-record FILE`: the container runs as it
 * would, and every distinct system call (and architecture) its init and the init's descendants
 * make is recorded; when the last of them exits, FILE gets a runtime-spec linux.seccomp object
 * allowing exactly those, every other call failing with EPERM (`spec --seccomp-from FILE`
 * puts it into a config).
 *
 * The mechanism is seccomp user notification: right before execve, after the config's own
 * filter, the init installs a filter that notifies every system call (one instruction,
 * SECCOMP_RET_USER_NOTIF, with SECCOMP_FILTER_FLAG_NEW_LISTENER). A recorder process that
 * create forked takes its own copy of the listener with pidfd_getfd(2) (it finds the fd in
 * /proc/PID/fd; the init tells it when the filter is coming over a pipe, before it installs
 * it), and answers each notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE after noting its
 * number: nothing is denied while recording, and what the config's filter denies never reaches
 * the recorder (its action takes precedence). The listener reports POLLHUP once no process
 * uses the filter any more (or, with a PID namespace of the container's own, once its init has
 * exited: a zombie nobody reaps still holds the filter): the recorder writes FILE then
 * (atomically) and exits.
 *
 * What is not recorded: processes of `exec` (they do not descend from the init), and system
 * calls the config's filter denies. Each recorded call costs two context switches: recording
 * is an explicit, slower mode (see hardrun-run(8) for the measured overhead).
 */
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct hr_seccomp_program;

/* The recording filter (static). */
const struct hr_seccomp_program *hr_seccomp_record_program(void);

struct hr_recorder {
	pid_t pid;	 /* the recorder process; 0 before hr_recorder_start */
	int ready[2];	 /* the pipe the init writes one byte to before it installs the filter */
	char path[4096]; /* FILE, absolute */
	bool own_pid_ns; /* the init is the PID 1 of a namespace of its own */
};

/* path resolved (its directory must exist), the pipe made; ready[1] goes to the init. */
int hr_recorder_prepare(struct hr_recorder *rec, const char *path, struct hr_err *err);
/*
 * Forks the recorder of the init (pid, pidfd). keep_stderr: the caller waits for it (a
 * foreground run) and it may report on the caller's stderr; otherwise its stdio is /dev/null,
 * so that it never holds the caller's pipes open.
 */
int hr_recorder_start(struct hr_recorder *rec, pid_t init, int init_pidfd, bool keep_stderr,
		      struct hr_err *err);
/* Waits for the recorder (a foreground run): -1 with err when it wrote no profile. */
int hr_recorder_wait(struct hr_recorder *rec, struct hr_err *err);
/* Closes the pipe; a recorder still running is left to finish (create). */
void hr_recorder_close(struct hr_recorder *rec);

#endif
