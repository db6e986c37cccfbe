/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_IDMAP_H
#define HR_IDMAP_H

/*
 * Idmapped bind mounts (mount_setattr(2), MOUNT_ATTR_IDMAP). The kernel takes the mapping from
 * a user namespace and asks for privilege over the filesystem's own user namespace (the
 * host's), which a container's child in a user namespace of its own no longer has. So the
 * parent, before clone, clones each such bind's tree, sets its attributes and the mapping of
 * a user namespace made for it, and the child attaches the prepared tree as any other
 * (rootfs.h: has_tree).
 */
#include <stddef.h>

#include "config_model.h"
#include "error.h"
#include "rootfs.h"

/*
 * A user namespace with these maps, held by a short-lived child: returns an fd of it
 * (/proc/PID/ns/user), or -1 with err set. The child is reaped before returning.
 */
int hr_idmap_userns_open(const struct hr_id_mapping *uids, size_t n_uids,
			 const struct hr_id_mapping *gids, size_t n_gids, struct hr_err *err);

/* Parent, before clone: every idmapped bind of the plan gets its prepared tree. */
int hr_idmap_prepare(struct hr_rootfs_plan *plan, struct hr_err *err);

#endif
