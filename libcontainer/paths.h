/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_PATHS_H
#define HR_PATHS_H

/*
 * Resolving paths inside a container's rootfs without ever leaving it. Every lookup goes
 * through openat2(2) (or its component-by-component stand-in) with RESOLVE_IN_ROOT relative
 * to an fd of the rootfs, so that a symlink
 * in the rootfs ("/etc -> /", "x -> ../../../../tmp") is resolved as if the rootfs were "/"
 * and "..", absolute symlinks and races all stay inside. Magic links (/proc/self/fd/N) are
 * never followed. The functions used by the container's child do not allocate.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "error.h"

/*
 * openat2(2); returns the fd, or -1 with errno set. Where openat2 is missing (Linux < 5.6) or
 * refused by a seccomp filter, the lookup is done component by component by
 * hr_resolve_walk (resolve_walk.h), for resolve flags that scope it (RESOLVE_IN_ROOT or
 * RESOLVE_BENEATH).
 */
int hr_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);

/*
 * Opens path (absolute or relative, both taken relative to root_fd) with
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve and O_CLOEXEC added to flags.
 * "" and "/" open the root itself. Returns the fd, or -1 with errno set.
 */
int hr_path_open_in_root(int root_fd, const char *path, int flags, uint64_t extra_resolve);

/*
 * mkdir -p inside the root: every missing component is created with mkdirat(2) in its parent,
 * which is itself opened in-root; a dangling symlink on the way is followed (inside the root)
 * and its target created, as securejoin does. Returns an O_PATH fd of the directory, or -1
 * with err set ("create directory a/b: Not a directory").
 */
int hr_path_mkdir_all(int root_fd, const char *path, mode_t mode, struct hr_err *err);

/*
 * The parents as with hr_path_mkdir_all, then an empty regular file unless something that is
 * not a directory already exists there. Returns an O_PATH fd of the file, or -1 with err set.
 */
int hr_path_create_file(int root_fd, const char *path, mode_t mode, struct hr_err *err);

/*
 * Lexical cleaning for plans: "/a//b/./c/" -> "a/b/c" (relative, no "." or empty component).
 * A ".." component is refused (the config validator already forbids it). The root itself
 * gives "" when allow_root, an error otherwise. what names the path in messages.
 */
/*
 * Orders two container paths by their components, as the kernel walks them from "/": empty and
 * "." components do not count, so "//app/./temp/" and "/app/temp" compare equal (0); ".." is
 * a component like any other. A total order, for sorting and for equality.
 */
int hr_path_compare(const char *a, const char *b);

int hr_path_clean_relative(struct hr_arena *arena, const char *what, const char *path,
			   bool allow_root, char **out, struct hr_err *err);

/* Splits a cleaned relative path into its parent ("" for the root) and last component. */
void hr_path_split(struct hr_arena *arena, const char *rel, char **parent, char **name);

/*
 * Reads a small file (a /proc one) into buf, NUL-terminated: the length read, or -1 (errno
 * set). No allocation, so a container's child may call it after clone.
 */
ssize_t hr_path_read_small(const char *path, char *buf, size_t size);

/*
 * The host path of a bundle's root.path (relative ones joined to the bundle directory), with
 * every symlink resolved, into out (PATH_MAX bytes).
 */
int hr_path_bundle_rootfs(const char *bundle, const char *root_path, char *out, struct hr_err *err);

#endif
