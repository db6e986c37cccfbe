/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_STORAGE_USE_H
#define HR_STORAGE_USE_H

/*
 * What a running container's writable file systems hold (storage_use.c), for `state`: the
 * guide asks an operator to watch the temp directories' size so that they cannot exhaust the
 * disk or the memory a tmpfs takes. Read from the host's side, as `verify` reads: the init's
 * mount table through its /proc directory, each mount opened through the init's root with
 * openat2 (no symlink followed, nothing outside that root) and taken only when the kernel says
 * the opened directory is that very mount (its mount id); the numbers come from fstatfs.
 */
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "arena.h"
#include "error.h"
#include "proc_view.h"

struct hr_storage_use {
	int mount_id;  /* mountinfo's */
	char *path;    /* the mount point as the container sees it: "/tmp" */
	char *fstype;  /* "tmpfs", "ext4", ... */
	uint64_t size; /* bytes: a tmpfs's size limit, a disk's size */
	uint64_t used; /* bytes in use */
};

/*
 * Every writable mount of a directory on a file system that holds data and answers statfs from
 * the kernel's memory (a tmpfs, a disk's file system bound in; not FUSE nor a network file
 * system, whose statfs could be made to hang), not covered by a later mount, in mount order. A
 * mount that cannot be opened as described, or whose path is not UTF-8, is left out; -1 with
 * err only when the mount table cannot be read.
 */
int hr_storage_usage(const struct hr_proc_view *view, struct hr_arena *arena,
		     struct hr_storage_use **out, size_t *n, struct hr_err *err);
/* One entry as JSON: {"path", "type", "size", "used", "usedPercent" (one decimal)}. */
void hr_storage_use_gen(yajl_gen g, const struct hr_storage_use *u);

#endif
