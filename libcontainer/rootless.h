/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ROOTLESS_H
#define HR_ROOTLESS_H

/*
 * Rootless: hardrun run by an unprivileged user. --rootless auto (the default) means rootless
 * when the caller's effective uid is not 0, or is 0 in a user namespace other than the
 * initial one (rootless Podman runs its runtime as root of its own user namespace: that root
 * owns no cgroup and cannot write /run); true and false force it either way, as runc's.
 * Rootless changes two defaults, never an explicit option:
 *   - the state directory is $XDG_RUNTIME_DIR/hardrun (runc: $XDG_RUNTIME_DIR/runc), none
 *     when XDG_RUNTIME_DIR is unset or relative (the state functions then ask for --root);
 *     for uid 0 in a user namespace, only when $USER is not root (runc's rule), else the
 *     default one;
 *   - the cgroup manager is disabled: an unprivileged user cannot create cgroups unless one
 *     was delegated to it, and then --cgroup-manager says so.
 * What the container itself needs (a user namespace mapping the caller's ids, mounts an
 * unprivileged user namespace may make) is the config's: `hardrun spec --rootless`.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"

/* "auto", "true" or "false". */
int hr_rootless_parse(const char *s, enum hr_rootless *out, struct hr_err *err);

struct hr_rootless_input {
	enum hr_rootless mode;
	uid_t euid;
	bool in_user_namespace;	     /* hr_rootless_in_user_namespace(), asked when euid is 0 */
	const char *user;	     /* getenv("USER"), may be NULL */
	const char *xdg_runtime_dir; /* getenv("XDG_RUNTIME_DIR"), may be NULL */
	bool root_given;	     /* --root */
	bool manager_given;	     /* --cgroup-manager or --systemd-cgroup */
};

/*
 * Whether this process is in a user namespace other than the initial one, whose uid_map is
 * the whole range "0 0 4294967295" (runc's RunningInUserNS); false when /proc cannot say.
 */
bool hr_rootless_in_user_namespace(void);

/* Sets ctx->rootless and the defaults it changes (root, cgroup manager). */
void hr_rootless_apply(struct hr_context *ctx, const struct hr_rootless_input *in);

#endif
