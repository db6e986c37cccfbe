/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_HOOKS_H
#define HR_HOOKS_H

/*
 * OCI hooks: each runs with the container's state JSON on its stdin, its args and env, and
 * is killed when its timeout expires. A failing hook is an error for the hooks that run
 * before the user process (prestart, createRuntime, createContainer, startContainer) and
 * for poststart (the container is then deleted); a failing poststop hook is only a warning
 * and the later ones still run (as runc does: see hr_container_run_hooks).
 * hr_hooks_run does not allocate: it can run in a container's child.
 */
#include "config.h"
#include "error.h"

/*
 * state_fd: a memfd (or file) holding the state JSON; each hook reads it from offset 0.
 * Runs the hooks of kind in order and stops at the first failure, the error naming it
 * ("poststart hook #0 (/bin/false): exited with status 1").
 */
int hr_hooks_run(const struct hr_hook_list *hooks, enum hr_hook_kind kind, int state_fd,
		 struct hr_err *err);

/* Runs hook #i of kind alone; the error names it as hr_hooks_run does. */
int hr_hook_run(const struct hr_hook_list *hooks, enum hr_hook_kind kind, size_t i, int state_fd,
		struct hr_err *err);

/* A sealed memfd holding text, for state_fd. */
int hr_memfd_with(const char *name, const char *text, struct hr_err *err);

#endif
