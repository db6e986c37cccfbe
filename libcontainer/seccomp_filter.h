/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SECCOMP_FILTER_H
#define HR_SECCOMP_FILTER_H

/*
 * The config's seccomp profile compiled to classic BPF in the parent (libseccomp), optionally
 * through an on-disk cache, and installed by the child right before execve without allocating.
 *
 * Compilation follows runc: the listed architectures are added (the native one is always
 * present); syscall names libseccomp does not know are skipped (debug log); a rule whose action
 * is the default action is skipped; arguments of one rule are ANDed, except when two of them
 * name the same argument index, in which case each becomes a rule of its own (ORed); errnoRet
 * defaults to EPERM for SCMP_ACT_ERRNO and SCMP_ACT_TRACE; SCMP_ACT_KILL is KILL_THREAD.
 * A profile with SCMP_ACT_NOTIFY rules (seccomp user notification) is installed with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER: the install returns the listener fd, which init.c hands to
 * the parent and the parent to linux.seccomp.listenerPath (seccomp_notify.h).
 *
 * The cache: <cache_dir>/<fnv1a64>.bpf holds the canonical serialization of the input (the
 * profile, libseccomp's version, the native architecture and the kernel API level) followed by
 * the program; a load compares the serialization byte for byte, so a hash collision can only
 * cost a recompilation. The directory is created 0700 and must be owned by us and not writable
 * by others, else the cache is not used (warning). Files are written atomically (rename).
 */
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "error.h"

struct hr_seccomp_program {
	struct sock_filter *filter; /* arena memory */
	unsigned short len;	    /* instructions, <= BPF_MAXINSNS */
	unsigned int flags;	    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool from_cache;	    /* loaded from cache_dir rather than compiled */
};

/*
 * Compiles sc (NULL: no filter, *out = NULL). cache_dir may be NULL (no cache). The program
 * lives in arena.
 */
int hr_seccomp_compile(const struct hr_seccomp *sc, const char *cache_dir, struct hr_arena *arena,
		       struct hr_seccomp_program **out, struct hr_err *err);

/*
 * The cache file sc compiles to under cache_dir ("<dir>/<hash>.bpf"), for tests and cleanup.
 * Returns the length snprintf would write, -1 if sc cannot be serialised.
 */
int hr_seccomp_cache_path(const struct hr_seccomp *sc, const char *cache_dir, char *buf,
			  size_t size);

/* Whether prog has SCMP_ACT_NOTIFY rules, so that its install yields a listener fd. */
bool hr_seccomp_has_listener(const struct hr_seccomp_program *prog);

/*
 * Child side, right before execve: seccomp(SECCOMP_SET_MODE_FILTER, prog->flags, &fprog).
 * Needs no_new_privs or CAP_SYS_ADMIN. prog may be NULL (no filter: a no-op). No allocation.
 * Without seccomp(2) (Linux < 3.17, valgrind) falls back to prctl(PR_SET_SECCOMP) when the
 * flags allow it (none, or TSYNC in a single-threaded process). *listener_fd gets the user-
 * notification fd when hr_seccomp_has_listener(prog), -1 otherwise; the caller closes it.
 */
int hr_seccomp_install(const struct hr_seccomp_program *prog, int *listener_fd, struct hr_err *err);

#endif
