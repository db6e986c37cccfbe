/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_HOOKS_H
#define HR_HOOKS_H

/*
 * OCI hooks: each runs with the container's state JSON on its stdin, its args and env, and
 * is killed when its timeout expires. A failing hook is an error for the hooks that run
 * before the user process (prestart, createRuntime, createContainer, startContainer); the
 * caller decides (poststart and poststop failures are only logged, as runc does).
 * hr_hooks_run does not allocate: it can run in a container's child.
 */
#include "config.h"
#include "error.h"

/* state_fd: a memfd (or file) holding the state JSON; each hook reads it from offset 0. */
int hr_hooks_run(const struct hr_hook_list *hooks, enum hr_hook_kind kind, int state_fd,
		 struct hr_err *err);

/* A sealed memfd holding text, for state_fd. */
int hr_memfd_with(const char *name, const char *text, struct hr_err *err);

#endif
