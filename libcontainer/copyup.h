/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_COPYUP_H
#define HR_COPYUP_H

/*
 * The "tmpcopyup" mount option (crun, runc, Podman): a tmpfs mounted over a directory of the
 * rootfs starts with a copy of what the directory held. Runs in the container's child, into
 * the new tmpfs while it is still detached (the fd fsmount(2) returned), so nothing is ever
 * visible half-copied. It allocates nothing: fds and stack buffers only.
 *
 * The source is walked through fds only, never by path: no symlink is followed (each one is
 * copied as a symlink with the same target), and no other mount below the source is entered
 * (its directory is copied empty). Regular files, directories, symlinks, FIFOs and device
 * nodes are copied with their mode, owner and times; sockets are skipped (a copy would have
 * no process behind it); hard links become separate files; extended attributes are not
 * copied. More than HR_COPYUP_MAX_DEPTH nested directories are an error.
 */
#include "error.h"

#define HR_COPYUP_MAX_DEPTH 64

/* What the root of the tmpfs takes from the source directory (an option may set it). */
#define HR_COPYUP_ROOT_UID 0x1u /* no uid= option */
#define HR_COPYUP_ROOT_GID 0x2u /* no gid= option */

/*
 * Copies the contents of the directory src (any fd of it, O_PATH included, resolved in the
 * rootfs by the caller) into the directory mnt (the root of the detached tmpfs), then gives
 * the tmpfs root the source's times and, per flags, its owner. dest names the tmpfs's
 * destination in messages ("run" or "/run"): "tmpcopyup /run/foo into the tmpfs at /run:
 * open: Permission denied".
 */
int hr_copyup(int src, int mnt, unsigned int flags, const char *dest, struct hr_err *err);

#endif
